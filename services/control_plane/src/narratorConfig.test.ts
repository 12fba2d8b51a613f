import { describe, expect, it } from 'vitest';
import { DEFAULT_NARRATOR_MODEL, DEFAULT_NARRATOR_TIMEOUT_MS, narratorSettingFrom, type NarratorSetting } from './narratorConfig.ts';

function endpointOf(setting: NarratorSetting) {
  if (setting.kind !== 'on') throw new Error(`expected the narrator on, got ${JSON.stringify(setting)}`);
  return setting.endpoint;
}

function reasonOf(setting: NarratorSetting): string {
  if (setting.kind !== 'invalid') throw new Error(`expected an invalid setting, got ${JSON.stringify(setting)}`);
  return setting.reason;
}

describe('narrator setting (environment only)', () => {
  it('is off unless DRIFTWATCH_LLM_URL is set to something', () => {
    expect(narratorSettingFrom({})).toEqual({ kind: 'off' });
    expect(narratorSettingFrom({ DRIFTWATCH_LLM_URL: '' })).toEqual({ kind: 'off' });
    expect(narratorSettingFrom({ DRIFTWATCH_LLM_URL: '   ', DRIFTWATCH_LLM_MODEL: 'x' })).toEqual({ kind: 'off' });
  });

  it('takes a full chat-completions URL as it is, with the default model and timeout', () => {
    expect(endpointOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'http://127.0.0.1:11434/v1/chat/completions' }))).toEqual({
      url: 'http://127.0.0.1:11434/v1/chat/completions', host: '127.0.0.1:11434', model: DEFAULT_NARRATOR_MODEL, timeoutMs: DEFAULT_NARRATOR_TIMEOUT_MS, apiKey: undefined,
    });
  });

  it('adds /chat/completions to a base URL ending in /v1, with or without the slash', () => {
    expect(endpointOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'https://llm.example/v1' })).url).toBe('https://llm.example/v1/chat/completions');
    expect(endpointOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'https://llm.example/openai/v1/' })).url).toBe('https://llm.example/openai/v1/chat/completions');
  });

  it('reads the model, timeout and key', () => {
    expect(endpointOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'http://h/v1', DRIFTWATCH_LLM_MODEL: 'qwen2.5:3b', DRIFTWATCH_LLM_TIMEOUT_MS: '250', DRIFTWATCH_LLM_API_KEY: 'sk-test' })))
      .toMatchObject({ model: 'qwen2.5:3b', timeoutMs: 250, apiKey: 'sk-test', host: 'h' });
  });

  it('names what is wrong with a setting it cannot use, instead of guessing', () => {
    expect(reasonOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'localhost:11434' }))).toMatch(/must be http or https/);
    expect(reasonOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'not a url' }))).toBe('DRIFTWATCH_LLM_URL is not a URL');
    expect(reasonOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'http://127.0.0.1:11434' }))).toBe('DRIFTWATCH_LLM_URL must end in /chat/completions or /v1 (host 127.0.0.1:11434)');
    expect(reasonOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'http://h/v1', DRIFTWATCH_LLM_TIMEOUT_MS: '2s' }))).toMatch(/DRIFTWATCH_LLM_TIMEOUT_MS must be a whole number/);
    expect(reasonOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'http://h/v1', DRIFTWATCH_LLM_TIMEOUT_MS: '0' }))).toMatch(/from 1 to/);
  });

  it('keeps secrets out of what is recorded: no credentials in the URL, no key that a header would quote', () => {
    const withPassword = reasonOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'http://user:hunter2@h/v1' }));
    expect(withPassword).toMatch(/must not hold credentials/);
    expect(withPassword).not.toContain('hunter2');
    const badKey = reasonOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'http://h/v1', DRIFTWATCH_LLM_API_KEY: 'sk secret\n' }));
    expect(badKey).not.toContain('secret');
    // The recorded host is host[:port] only: a key in the query string stays out of it.
    expect(endpointOf(narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'https://h:8443/v1/chat/completions?api-key=k' })).host).toBe('h:8443');
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import { jsonFileText, writeJsonAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';
import { validateReleaseResult } from './eventSchemas.ts';
import { addNarrativeToRelease, eventPath } from './eventsStore.ts';
import { composeNarrative, type AskEndpoint, type Narrative } from './narrator.ts';
import { narratorSettingFrom, type NarratorSetting } from './narratorConfig.ts';
import { NARRATOR_INSTRUCTIONS, narrationRequest } from './narratorRequest.ts';

const RUN = 'run-narrated';
const WRITTEN_AT = new Date('2026-11-23T12:00:05Z');

const release: ReleaseResult = {
  run_id: RUN,
  created_at: '2026-11-23T12:00:00.000Z',
  action: 'escalate',
  outcome: 'pending_approval',
  champion_version_before: 1,
  champion_version_after: 1,
  challenger_version: null,
  gates: [],
  evaluation: { holdout_rows: null, champion: null, challenger: null, previous: null },
  approval_id: `apr-${RUN}`,
  reasons: ['waiting for a human'],
};
// The narrator only serialises the sentinel report and the plan: a few fields stand for the whole.
const sentinel = { run_id: RUN, incident_type: 'shock', severity: 'high', rule: 'volume_spike', evidence: [{ name: 'volume_ratio', value: 3.2, threshold: 2, source: 'volume' }] } as unknown as SentinelReport;
const plan = { run_id: RUN, action: 'escalate', policy_rule: 'shock_policy.on_shock', requires_approval: true } as unknown as ExecutionPlan;
const decision = { sentinel, plan, release };

const ON = narratorSettingFrom({ DRIFTWATCH_LLM_URL: 'http://127.0.0.1:11434/v1', DRIFTWATCH_LLM_MODEL: 'tiny' }) as Extract<NarratorSetting, { kind: 'on' }>;
const answering = (body: string): AskEndpoint => async () => ({ ok: true, body });
const content = (text: string) => JSON.stringify({ choices: [{ message: { role: 'assistant', content: text } }] });

describe('the request the narrator sends', () => {
  const request = narrationRequest(decision, 'tiny');

  it('carries the decision\'s own JSON, file by file, and asks for an explanation only', () => {
    const [system, user] = request.messages;
    expect(system).toEqual({ role: 'system', content: NARRATOR_INSTRUCTIONS });
    expect(NARRATOR_INSTRUCTIONS).toMatch(/Explain only/);
    expect(NARRATOR_INSTRUCTIONS).toMatch(/Do not recommend, approve, reject or request any action/);
    expect(user?.role).toBe('user');
    for (const [name, file] of [['sentinel_report.json', sentinel], ['execution_plan.json', plan], ['release_result.json', release]] as const) {
      expect(user?.content).toContain(`${name}:\n${JSON.stringify(file)}`);
    }
  });

  it('is a plain, repeatable chat-completions request for the configured model', () => {
    expect(request).toMatchObject({ model: 'tiny', temperature: 0, stream: false });
    expect(request.max_tokens).toBeGreaterThan(0);
    expect(narrationRequest(decision, 'tiny')).toEqual(request);
  });

  it('does not show the model an earlier narrative', () => {
    const narrated: ReleaseResult = { ...release, narrative: { status: 'written', text: 'SECRET EARLIER WORDS', model: 'm', endpoint_host: 'h', written_at: WRITTEN_AT.toISOString() } };
    expect(JSON.stringify(narrationRequest({ ...decision, release: narrated }, 'tiny'))).not.toContain('SECRET EARLIER WORDS');
  });
});

describe('composing a narrative', () => {
  const compose = (ask: AskEndpoint, setting: Exclude<NarratorSetting, { kind: 'off' }> = ON) => composeNarrative(decision, setting, ask, () => WRITTEN_AT);

  it('a good answer becomes the written narrative, naming the model and the host (not the URL)', async () => {
    let sent: unknown;
    const narrative = await compose(async (endpoint, request) => { sent = { endpoint: endpoint.url, request }; return { ok: true, body: content('A shock: volume tripled, so a human decides.') }; });
    expect(narrative).toEqual({ status: 'written', text: 'A shock: volume tripled, so a human decides.', model: 'tiny', endpoint_host: '127.0.0.1:11434', written_at: WRITTEN_AT.toISOString() });
    expect(sent).toEqual({ endpoint: 'http://127.0.0.1:11434/v1/chat/completions', request: narrationRequest(decision, 'tiny') });
  });

  it('an endpoint failure or a malformed answer becomes the reason, with the host', async () => {
    expect(await compose(async () => ({ ok: false, reason: '127.0.0.1:11434 answered HTTP 500' }))).toEqual({ status: 'unavailable', reason: '127.0.0.1:11434 answered HTTP 500', written_at: WRITTEN_AT.toISOString() });
    expect(await compose(answering('not json'))).toEqual({ status: 'unavailable', reason: '127.0.0.1:11434: the answer is not JSON', written_at: WRITTEN_AT.toISOString() });
  });

  it('a setting that cannot be used asks nobody and says why', async () => {
    const narrative = await compose(async () => { throw new Error('must not be asked'); }, { kind: 'invalid', reason: 'DRIFTWATCH_LLM_URL is not a URL' });
    expect(narrative).toEqual({ status: 'unavailable', reason: 'DRIFTWATCH_LLM_URL is not a URL', written_at: WRITTEN_AT.toISOString() });
  });

  it('every narrative it makes meets the release result schema', async () => {
    const narratives: Narrative[] = [await compose(answering(content('x'))), await compose(answering('{}'))];
    for (const narrative of narratives) expect(validateReleaseResult.problems({ ...release, narrative })).toEqual([]);
    expect(validateReleaseResult.problems({ ...release, narrative: { status: 'written', text: 'x', written_at: WRITTEN_AT.toISOString() } })).not.toEqual([]);
    expect(validateReleaseResult.problems({ ...release, narrative: { status: 'unavailable', reason: 'r', written_at: WRITTEN_AT.toISOString(), action: 'rollback' } })).not.toEqual([]);
  });
});

describe('adding a narrative to the release result', () => {
  const temp = makeTempDir('narrator-store');
  afterAll(() => temp.cleanup());
  const narrative: Narrative = { status: 'written', text: 'APPROVE: promote v9', model: 'tiny', endpoint_host: 'h', written_at: WRITTEN_AT.toISOString() };

  /** The run's release result written where the runner writes it, here and at the top. */
  function eventsWithRelease(name: string, top: ReleaseResult = release): string {
    const events = `${temp.path}/${name}`;
    writeJsonAtomic(eventPath(events, 'release', RUN), release);
    writeJsonAtomic(eventPath(events, 'release'), top);
    return events;
  }

  it('rewrites both copies: the decided fields keep their bytes, the narrative comes last', () => {
    const events = eventsWithRelease('both');
    const before = readFileSync(eventPath(events, 'release', RUN), 'utf8');
    expect(addNarrativeToRelease(events, release, narrative)).toEqual([eventPath(events, 'release', RUN), eventPath(events, 'release')]);
    for (const path of [eventPath(events, 'release', RUN), eventPath(events, 'release')]) {
      const after = readFileSync(path, 'utf8');
      const { narrative: added, ...rest } = JSON.parse(after) as ReleaseResult;
      expect(added).toEqual(narrative);
      expect(jsonFileText(rest)).toBe(before);
      expect(after.startsWith(before.slice(0, before.lastIndexOf('\n}')))).toBe(true);
    }
  });

  it('leaves the top copy alone once a later run has replaced it', () => {
    const later: ReleaseResult = { ...release, run_id: 'run-later', approval_id: null };
    const events = eventsWithRelease('later', later);
    const top = readFileSync(eventPath(events, 'release'), 'utf8');
    expect(addNarrativeToRelease(events, release, narrative)).toEqual([eventPath(events, 'release', RUN)]);
    expect(readFileSync(eventPath(events, 'release'), 'utf8')).toBe(top);
  });

  it('touches no file that no longer holds the decision as the run wrote it', () => {
    const events = eventsWithRelease('edited');
    const edited = readFileSync(eventPath(events, 'release', RUN), 'utf8').replace('"pending_approval"', '"promoted"');
    writeFileSync(eventPath(events, 'release', RUN), edited);
    expect(addNarrativeToRelease(events, release, narrative)).toEqual([eventPath(events, 'release')]);
    expect(readFileSync(eventPath(events, 'release', RUN), 'utf8')).toBe(edited);
  });

  it('narrates a decision once: a copy that already holds a narrative is not the decision as written', () => {
    const events = eventsWithRelease('again');
    addNarrativeToRelease(events, release, narrative);
    const second: Narrative = { status: 'unavailable', reason: 'h answered HTTP 500', written_at: WRITTEN_AT.toISOString() };
    const narrated = JSON.parse(readFileSync(eventPath(events, 'release', RUN), 'utf8')) as ReleaseResult;
    expect(addNarrativeToRelease(events, narrated, second)).toEqual([]);
    expect(JSON.parse(readFileSync(eventPath(events, 'release', RUN), 'utf8')).narrative).toEqual(narrative);
  });
});

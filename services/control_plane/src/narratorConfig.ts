/**
 * Whether the narrator is on, and where it asks: read from the environment only, so a
 * control run's flags and its decision are the same with or without it.
 *
 *   DRIFTWATCH_LLM_URL         an OpenAI-compatible chat-completions URL (…/chat/completions),
 *                              or its base ending in /v1, to which /chat/completions is added;
 *                              unset or empty: the narrator is off
 *   DRIFTWATCH_LLM_MODEL       the model to ask (default llama3.1)
 *   DRIFTWATCH_LLM_TIMEOUT_MS  how long the whole exchange may take (default 10000)
 *   DRIFTWATCH_LLM_API_KEY     sent as "Authorization: Bearer …" when set
 */
export interface NarratorEndpoint {
  url: string;
  /** host[:port] only: what the release result records, never a path, query or credentials that could hold a secret. */
  host: string;
  model: string;
  timeoutMs: number;
  apiKey: string | undefined;
}

export type NarratorSetting =
  | { kind: 'off' }
  | { kind: 'on'; endpoint: NarratorEndpoint }
  /** Set but unusable: the run still decides as always, and the release result says why there is no narrative. */
  | { kind: 'invalid'; reason: string };

export const DEFAULT_NARRATOR_MODEL = 'llama3.1';
export const DEFAULT_NARRATOR_TIMEOUT_MS = 10_000;
const MAX_NARRATOR_TIMEOUT_MS = 600_000;

const CHAT_COMPLETIONS = '/chat/completions';

/**
 * The chat-completions URL a setting names. Only two spellings are accepted, so a typo is
 * reported rather than guessed at: the full URL (Ollama: http://127.0.0.1:11434/v1/chat/completions)
 * or the API base ending in /v1 (what OpenAI clients call base_url).
 */
function chatCompletionsUrl(raw: string): { url: URL } | { reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { reason: 'DRIFTWATCH_LLM_URL is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { reason: `DRIFTWATCH_LLM_URL must be http or https, not ${url.protocol.replace(/:$/, '')}` };
  // A password in the URL would travel into error messages; the key has its own variable.
  if (url.username !== '' || url.password !== '') return { reason: 'DRIFTWATCH_LLM_URL must not hold credentials (use DRIFTWATCH_LLM_API_KEY)' };
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith(CHAT_COMPLETIONS)) return { url };
  if (path.endsWith('/v1')) {
    url.pathname = `${path}${CHAT_COMPLETIONS}`;
    return { url };
  }
  return { reason: `DRIFTWATCH_LLM_URL must end in ${CHAT_COMPLETIONS} or /v1 (host ${url.host})` };
}

function timeoutFrom(raw: string | undefined): { timeoutMs: number } | { reason: string } {
  if (raw === undefined || raw === '') return { timeoutMs: DEFAULT_NARRATOR_TIMEOUT_MS };
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX_NARRATOR_TIMEOUT_MS) return { reason: `DRIFTWATCH_LLM_TIMEOUT_MS must be a whole number of milliseconds from 1 to ${MAX_NARRATOR_TIMEOUT_MS}, got "${raw.slice(0, 40)}"` };
  return { timeoutMs: value };
}

export function narratorSettingFrom(environment: Readonly<Record<string, string | undefined>>): NarratorSetting {
  const raw = environment.DRIFTWATCH_LLM_URL;
  if (raw === undefined || raw.trim() === '') return { kind: 'off' };
  const located = chatCompletionsUrl(raw.trim());
  if ('reason' in located) return { kind: 'invalid', reason: located.reason };
  const timeout = timeoutFrom(environment.DRIFTWATCH_LLM_TIMEOUT_MS);
  if ('reason' in timeout) return { kind: 'invalid', reason: timeout.reason };
  const apiKey = environment.DRIFTWATCH_LLM_API_KEY || undefined;
  // Checked here, because the header's own error would quote the key.
  if (apiKey !== undefined && !/^[\x21-\x7E]+$/.test(apiKey)) return { kind: 'invalid', reason: 'DRIFTWATCH_LLM_API_KEY holds characters an HTTP header cannot carry (spaces, control or non-ASCII characters)' };
  return {
    kind: 'on',
    endpoint: {
      url: located.url.href,
      host: located.url.host,
      model: environment.DRIFTWATCH_LLM_MODEL?.trim() || DEFAULT_NARRATOR_MODEL,
      timeoutMs: timeout.timeoutMs,
      apiKey,
    },
  };
}

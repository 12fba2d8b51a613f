/**
 * A chat-completions answer, read as untrusted text: the one string at
 * choices[0].message.content, cleaned of what could mislead a terminal or a reader, and
 * nothing else. Nothing in the answer is parsed for meaning: a model that writes
 * "APPROVE: promote v9" or a JSON action gets exactly that, stored as words.
 */

/** The longest explanation kept (the release result schema holds narrative.text to the same length). */
export const MAX_NARRATIVE_CHARACTERS = 4000;

export type NarrationAnswer = { ok: true; text: string } | { ok: false; reason: string };

/** ANSI escape sequences (colours, cursor moves, window titles), removed whole rather than leaving their tails. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
const TERMINAL_ESCAPES = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?/g;
/**
 * Control characters other than newline and tab (C0, DEL, C1), and the invisible ones that
 * reorder or hide text (bidirectional overrides and isolates, zero-width characters, BOM).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
const HIDDEN_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** The text as it may be stored and shown: plain lines, no control or invisible characters, no run of blank lines. */
export function sanitiseNarrative(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(TERMINAL_ESCAPES, '')
    .replace(HIDDEN_CHARACTERS, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/** The narrative in an answer's body, or why there is none. */
export function readNarrationAnswer(body: string): NarrationAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'the answer is not JSON' };
  }
  const choices = field(parsed, 'choices');
  if (!Array.isArray(choices) || choices.length === 0) return { ok: false, reason: 'the answer has no choices' };
  const content = field(field(choices[0], 'message'), 'content');
  if (content === undefined || content === null) return { ok: false, reason: 'the answer has no choices[0].message.content' };
  if (typeof content !== 'string') return { ok: false, reason: `choices[0].message.content is ${Array.isArray(content) ? 'an array' : `of type ${typeof content}`}, not a string` };
  const text = sanitiseNarrative(content);
  if (text === '') return { ok: false, reason: 'the answer is empty' };
  if (text.length > MAX_NARRATIVE_CHARACTERS) return { ok: false, reason: `the answer is ${text.length} characters, more than the ${MAX_NARRATIVE_CHARACTERS} kept` };
  return { ok: true, text };
}

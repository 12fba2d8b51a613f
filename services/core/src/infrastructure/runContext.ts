import { randomUUID } from 'node:crypto';
import { UserError } from './errors.ts';

/** A correlation id for one run of a stage, carried into every record it writes. */
export function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomUUID().slice(0, 8)}`;
}

/**
 * --now lets tests (and replays) fix the clock; otherwise the real time. Other time flags
 * (`registry history --at`) parse the same way and pass their own name for the message.
 */
export function parseNow(raw: string | undefined, flag = 'now'): Date {
  if (raw === undefined) return new Date();
  const time = new Date(raw);
  if (Number.isNaN(time.getTime())) throw new UserError(`--${flag} must be an ISO 8601 time, got "${raw}"`);
  return time;
}

export function actorName(explicit: string | undefined): string {
  return explicit ?? process.env.DRIFTWATCH_ACTOR ?? process.env.USER ?? 'cli';
}

import { BUS_STREAMS } from '../../core/src/domain/busStreams.ts';
import { compileContractSchema } from '../../core/src/domain/vocabularySchema.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { assertOwnOutput, assertValid, compileSchema, formatPath } from '../../core/src/infrastructure/jsonSchema.ts';
import type { BusEntry, PendingEntry } from '../../core/src/infrastructure/redisBus.ts';
import announcementSchema from '../schema/bus-window.schema.json' with { type: 'json' };
import decisionSchema from '../schema/bus-decision.schema.json' with { type: 'json' };
import { validateWindowRecord } from './watchSchemas.ts';
import type { CutWindow } from './windowCutter.ts';
import type { WindowRecord } from './windowTypes.ts';
import { windowsKeptFromMs } from './labelWindow.ts';

/*
 * The windows on the bus, as data: what a closed window's announcement holds, what a
 * decided window's event holds, which step a watcher takes for the next window given who
 * holds it, and how far the predictions stream may be trimmed. Pure: busWatch.ts does the
 * talking to Redis.
 */

/** A closed window: its rows are the predictions entries after `after` up to `last`, inclusive. */
export interface WindowAnnouncement {
  window: string;
  start_ms: number;
  end_ms: number;
  after: string;
  last: string;
  rows: number;
  late_rows: number;
  announced_at_ms: number;
}

/** A decided window as the events stream publishes it. */
export interface BusDecision {
  window: string;
  audit_window_id: string;
  run_id: string | null;
  decided_by: string;
  decided_at: string;
  record: WindowRecord;
}

const validateAnnouncement = compileSchema<WindowAnnouncement>(announcementSchema);
const validateDecision = compileContractSchema<BusDecision>(decisionSchema);

/** A window's entry id on the windows stream, and its decision's on the events stream: its end. Windows end in order, so the ids rise. */
export function windowEntryId(endMs: number): string {
  return `${endMs}-0`;
}

/** The announcement of a window cut from the predictions read after `after`. */
export function announcementOf(window: CutWindow, after: string, announcedAtMs: number): WindowAnnouncement {
  if (window.after.kind !== 'bus') throw new Error('internal: a bus window was cut from another source');
  return { window: window.id, start_ms: window.startMs, end_ms: window.endMs, after, last: window.after.id, rows: window.rows.length, late_rows: window.lateRows, announced_at_ms: announcedAtMs };
}

export function announcementFields(announcement: WindowAnnouncement): Record<string, string> {
  return { announcement: JSON.stringify(assertOwnOutput(validateAnnouncement, announcement, 'window announcement')) };
}

/** What to do about an entry on a stream only DriftWatch writes that is not DriftWatch's: every watcher stops on it until it is gone. */
function removeIt(stream: string, id: string): string {
  return `an entry DriftWatch did not write: remove it (XDEL ${stream} ${id})`;
}

function parsedField(entry: BusEntry, stream: string, field: string): unknown {
  const text = entry.fields[field];
  if (text === undefined) throw new UserError(`${stream}: entry ${entry.id}: no "${field}" field; ${removeIt(stream, entry.id)}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UserError(`${stream}: entry ${entry.id}: field "${field}": not valid JSON; ${removeIt(stream, entry.id)}`);
  }
}

/** The entry's field checked against its schema: one line naming the stream, the entry and the field. */
function checkedField<T>(validator: Parameters<typeof assertValid<T>>[0], entry: BusEntry, stream: string, field: string): T {
  try {
    return assertValid(validator, parsedField(entry, stream, field), `${stream}: entry ${entry.id}: ${field}`);
  } catch (error) {
    if (!(error instanceof UserError) || error.message.includes('XDEL')) throw error;
    throw new UserError(`${error.message}; ${removeIt(stream, entry.id)}`);
  }
}

/** An entry of the windows stream, checked: one line naming the entry and the field when it is not an announcement. */
export function parseAnnouncement(entry: BusEntry): WindowAnnouncement {
  const announcement = checkedField(validateAnnouncement, entry, BUS_STREAMS.windows, 'announcement');
  if (entry.id !== windowEntryId(announcement.end_ms)) throw new UserError(`${BUS_STREAMS.windows}: entry ${entry.id}: announcement: end_ms ${announcement.end_ms} is not the entry's id; ${removeIt(BUS_STREAMS.windows, entry.id)}`);
  return announcement;
}

export function decisionFields(decision: BusDecision): Record<string, string> {
  return { decision: JSON.stringify(assertOwnOutput(validateDecision, decision, 'published decision')) };
}

/** An entry of the events stream, checked, its window record included. */
export function parseDecision(entry: BusEntry): BusDecision {
  const decision = checkedField(validateDecision, entry, BUS_STREAMS.events, 'decision');
  const problem = validateWindowRecord.problems(decision.record)[0];
  if (problem !== undefined) throw new UserError(`${BUS_STREAMS.events}: entry ${entry.id}: decision.record: ${formatPath(problem.pathKeys)}: ${problem.message}; ${removeIt(BUS_STREAMS.events, entry.id)}`);
  return decision;
}

/**
 * What a watcher does about the next window to decide, given who holds it in the group:
 * decide it (it holds it), leave it to a live holder, claim it from a holder idle past
 * `claimIdleMs` (dead, or stuck), or take it from the group (nobody was given it yet).
 */
export type ClaimStep =
  | { kind: 'decide' }
  | { kind: 'wait'; holder: string; idleMs: number }
  | { kind: 'claim'; holder: string; idleMs: number }
  | { kind: 'take' };

export function claimStep(pending: PendingEntry | undefined, consumer: string, claimIdleMs: number): ClaimStep {
  if (pending === undefined) return { kind: 'take' };
  if (pending.consumer === consumer) return { kind: 'decide' };
  if (pending.idleMs >= claimIdleMs) return { kind: 'claim', holder: pending.consumer, idleMs: pending.idleMs };
  return { kind: 'wait', holder: pending.consumer, idleMs: pending.idleMs };
}

/** The entry id just after `id`: XTRIM MINID keeps it and everything later. */
export function nextEntryId(id: string): string {
  const [ms, sequence] = id.split('-');
  return `${ms}-${BigInt(sequence ?? '0') + 1n}`;
}

/**
 * Where the predictions stream may be trimmed to (XTRIM MINID) once windows up to
 * `decidedEndMs` are decided: below the rows of the oldest announced window a watcher
 * starting afresh would still read, never past the last announced window's rows (the open
 * day is read again at every cut). `announced` is in stream order. Undefined: nothing to trim.
 */
export function predictionsTrimPoint(announced: readonly WindowAnnouncement[], decidedEndMs: number, labelWindowDays: number): string | undefined {
  const from = windowsKeptFromMs(decidedEndMs, labelWindowDays);
  const oldestNeeded = announced.find((announcement) => announcement.end_ms > from);
  if (oldestNeeded !== undefined) return oldestNeeded.after === '0-0' ? undefined : nextEntryId(oldestNeeded.after);
  const newest = announced[announced.length - 1];
  return newest === undefined ? undefined : nextEntryId(newest.last);
}

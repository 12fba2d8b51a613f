import { existsSync, readFileSync } from 'node:fs';
import { appendLinesDurably, cutTornTail } from '../../core/src/infrastructure/appendOnlyLines.ts';
import { writeJsonAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { compileSchema, formatPath } from '../../core/src/infrastructure/jsonSchema.ts';
import auditHeadSchema from '../schema/audit-head.schema.json' with { type: 'json' };
import { adoptKey, chainEntries, GENESIS, signHead, verifyAudit, type AuditEntry, type AuditHead, type AuditRecord, type AuditVerification, type ChainPosition, type MirroredPosition } from './auditChain.ts';
import { auditHeadPath, auditPath } from './eventsStore.ts';

export type { AuditEntry, AuditRecord, ChainPosition } from './auditChain.ts';

/**
 * The audit log's files: shared/events/audit.jsonl (one record a line) and
 * audit.head.json beside it. Writers hold the control lock.
 */

/** The whole lines of the log; a last line without its newline is an append cut short by a crash, not a record. */
export function readAuditLines(path: string): string[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop();
  return lines;
}

const validateAuditHead = compileSchema<AuditHead>(auditHeadSchema);

/** The head beside the log, or undefined when there is none; JSON of another shape is a broken head, said in one line. */
export function readAuditHead(path: string): AuditHead | undefined {
  if (!existsSync(path)) return undefined;
  let head: unknown;
  try {
    head = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new UserError(`${path}: the audit head is not valid JSON (edited or corrupt); run make audit-verify`);
  }
  const problem = validateAuditHead.problems(head)[0];
  if (problem) throw new UserError(`${path}: not an audit head (edited or corrupt): ${formatPath(problem.pathKeys)}: ${problem.message}; run make audit-verify`);
  return head as AuditHead;
}

/**
 * The log of an events directory, read once, checked against its head and the
 * registry's copies, and its records; throws one line naming what is wrong.
 */
export function readVerifiedAudit(eventsDirectory: string, key: string | undefined, mirrored: readonly MirroredPosition[]): { position: ChainPosition; records: AuditRecord[] } {
  const path = auditPath(eventsDirectory);
  const lines = readAuditLines(path);
  const verification = verifyAudit(lines, readAuditHead(auditHeadPath(eventsDirectory)), key, mirrored);
  if (!verification.ok) throw new UserError(`${path}${verification.line === null ? '' : `: line ${verification.line}`}: ${verification.problem}`);
  return { position: verification.position, records: parseAuditRecords(lines) };
}

/**
 * The log as a reader shows it, never refusing: the verdict of the same check the runs
 * make (intact, or broken at line N and why), and every record that still parses, so a
 * broken log can be looked at rather than hidden. A head that is not JSON is a broken log.
 */
export function inspectAudit(eventsDirectory: string, key: string | undefined, mirrored: readonly MirroredPosition[]): { verification: AuditVerification; records: AuditRecord[] } {
  const lines = readAuditLines(auditPath(eventsDirectory));
  let verification: AuditVerification;
  try {
    verification = verifyAudit(lines, readAuditHead(auditHeadPath(eventsDirectory)), key, mirrored);
  } catch (error) {
    verification = { ok: false, line: null, problem: (error as Error).message };
  }
  const records = lines.flatMap((line) => {
    try {
      const record = JSON.parse(line) as unknown;
      return record !== null && typeof record === 'object' ? [record as AuditRecord] : [];
    } catch {
      return [];
    }
  });
  return { verification, records };
}

/** The log checked as readVerifiedAudit checks it, for callers that need only where it ends. */
export function assertAuditIntact(eventsDirectory: string, key: string | undefined, mirrored: readonly MirroredPosition[]): ChainPosition {
  return readVerifiedAudit(eventsDirectory, key, mirrored).position;
}

/**
 * Adopt DRIFTWATCH_AUDIT_KEY for a log written without one: under the caller's lock, the
 * log is verified as it was written (unkeyed) and its head re-signed with the key; from
 * then on every record and head is keyed, and an unkeyed head is refused.
 */
export function adoptAuditKey(eventsDirectory: string, key: string, mirrored: readonly MirroredPosition[]): ChainPosition {
  const head = readAuditHead(auditHeadPath(eventsDirectory));
  if (head?.alg === 'hmac-sha256') throw new UserError(`${auditHeadPath(eventsDirectory)}: the log is keyed already; nothing to adopt`);
  const position = assertAuditIntact(eventsDirectory, undefined, mirrored);
  writeJsonAtomic(auditHeadPath(eventsDirectory), adoptKey(position, key));
  return position;
}

function positionOf(lines: readonly string[]): ChainPosition {
  if (lines.length === 0) return GENESIS;
  const last = JSON.parse(lines[lines.length - 1] as string) as AuditRecord;
  return { records: last.seq, last_hash: last.hash };
}

/**
 * Append under the caller's lock, to a log the caller has verified. The head announces
 * the records first, then they are appended and flushed, then the head commits them:
 * a crash at any point leaves a log its head vouches for.
 */
export function appendAudit(eventsDirectory: string, entries: readonly AuditEntry[], key: string | undefined): { records: AuditRecord[]; position: ChainPosition } {
  const path = auditPath(eventsDirectory);
  const headPath = auditHeadPath(eventsDirectory);
  cutTornTail(path);
  const start = positionOf(readAuditLines(path));
  const records = chainEntries(start, entries, key);
  const position = records.length === 0 ? start : { records: start.records + records.length, last_hash: (records[records.length - 1] as AuditRecord).hash };
  writeJsonAtomic(headPath, signHead(start, records.map((record) => record.hash), key));
  appendLinesDurably(path, records.map((record) => JSON.stringify(record)));
  writeJsonAtomic(headPath, signHead(position, [], key));
  return { records, position };
}

export function parseAuditRecords(lines: readonly string[]): AuditRecord[] {
  return lines.map((line) => JSON.parse(line) as AuditRecord);
}

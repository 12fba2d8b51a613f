import { existsSync, readFileSync } from 'node:fs';
import { appendLinesDurably, cutTornTail } from '../../core/src/infrastructure/appendOnlyLines.ts';
import { writeJsonAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { fileStamp } from '../../core/src/infrastructure/fileStamp.ts';
import { compileSchema, formatPath } from '../../core/src/infrastructure/jsonSchema.ts';
import auditHeadSchema from '../schema/audit-head.schema.json' with { type: 'json' };
import { adoptKey, chainEntries, chainStart, checkEnds, GENESIS, signHead, verifyAudit, walkChain, type AuditEntry, type AuditHead, type AuditRecord, type AuditVerification, type ChainPosition, type ChainWalk, type MirroredPosition } from './auditChain.ts';
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

/** A parsed line that has the fields a reader uses: anything else in a broken log is passed over, not shown. */
function isReadableRecord(value: unknown): value is AuditRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record.seq === 'number' && typeof record.time === 'string' && typeof record.run_id === 'string' && typeof record.kind === 'string'
    && typeof record.decision === 'string' && record.detail !== null && typeof record.detail === 'object' && !Array.isArray(record.detail);
}

function readableRecords(lines: readonly string[]): AuditRecord[] {
  return lines.flatMap((line) => {
    try {
      const record = JSON.parse(line) as unknown;
      return isReadableRecord(record) ? [record] : [];
    } catch {
      return [];
    }
  });
}

/** The whole lines of a log's text, and the text they take (a last line without its newline is not a record yet). */
function wholeLines(text: string): { lines: string[]; length: number } {
  const length = text.lastIndexOf('\n') + 1;
  const lines = text.slice(0, length).split('\n');
  lines.pop();
  return { lines, length };
}

/**
 * The log as a reader shows it, again and again (the dashboard), never refusing: the
 * verdict of the same check the runs make (intact, or broken at line N and why), and every
 * record that still reads, so a broken log can be looked at rather than hidden. A log that
 * only grew since the last look has only its new lines hashed and parsed: verified whole,
 * 100,000 records took 1.4 s of the API's thread at every look. Any other change (a line
 * edited, the key changed) is read whole again, and a broken log is never remembered.
 */
export class AuditReader {
  private verifiedText = '';
  private walk = chainStart();
  private lineCount = 0;
  private records: AuditRecord[] = [];
  private key: string | undefined;
  private last: { look: string; answer: { verification: AuditVerification; records: AuditRecord[] } } | undefined;

  constructor(private readonly eventsDirectory: string) {}

  read(key: string | undefined, mirrored: readonly MirroredPosition[]): { verification: AuditVerification; records: AuditRecord[] } {
    // Nothing changed since the last look (the files' sizes, times and inodes, the key, the registry's copies): the same
    // answer, unread. An edit that forges all three is still found by every control run, which verifies the whole log.
    const look = `${fileStamp(auditPath(this.eventsDirectory))}|${fileStamp(auditHeadPath(this.eventsDirectory))}|${key ?? ''}|${JSON.stringify(mirrored)}`;
    if (this.last !== undefined && this.last.look === look) return this.last.answer;
    const answer = this.readAgain(key, mirrored);
    this.last = { look, answer };
    return answer;
  }

  private readAgain(key: string | undefined, mirrored: readonly MirroredPosition[]): { verification: AuditVerification; records: AuditRecord[] } {
    const path = auditPath(this.eventsDirectory);
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (key !== this.key || !text.startsWith(this.verifiedText)) this.forget(key);
    const added = wholeLines(text.slice(this.verifiedText.length));
    let head: AuditHead | undefined;
    try {
      head = readAuditHead(auditHeadPath(this.eventsDirectory));
    } catch (error) {
      return this.broken({ ok: false, line: null, problem: (error as Error).message }, text);
    }
    const walk: ChainWalk = { previous: this.walk.previous, keyedSeen: this.walk.keyedSeen, hashes: [...this.walk.hashes] };
    const chainBreak = walkChain(added.lines, key, walk, this.lineCount + 1);
    if (chainBreak !== undefined) return this.broken(chainBreak, text);
    this.walk = walk;
    this.lineCount += added.lines.length;
    this.verifiedText += text.slice(this.verifiedText.length, this.verifiedText.length + added.length);
    this.records = [...this.records, ...readableRecords(added.lines)];
    const verification = checkEnds(this.lineCount, walk, head, key, mirrored);
    return { verification, records: this.records };
  }

  private forget(key: string | undefined): void {
    this.verifiedText = '';
    this.walk = chainStart();
    this.lineCount = 0;
    this.records = [];
    this.key = key;
  }

  private broken(verification: AuditVerification, text: string): { verification: AuditVerification; records: AuditRecord[] } {
    this.forget(this.key);
    return { verification, records: readableRecords(wholeLines(text).lines) };
  }
}

/** The log as a reader shows it, once (see AuditReader). */
export function inspectAudit(eventsDirectory: string, key: string | undefined, mirrored: readonly MirroredPosition[]): { verification: AuditVerification; records: AuditRecord[] } {
  return new AuditReader(eventsDirectory).read(key, mirrored);
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

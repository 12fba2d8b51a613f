import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { cutTornTail } from '../../core/src/infrastructure/appendOnlyLines.ts';
import { canonicalJson, sha256Hex } from '../../core/src/infrastructure/fileHash.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import type { AuditKind } from '../../core/src/domain/vocabularies.ts';


/** One line of shared/events/audit.jsonl: a decision, chained to the line before by its hash. */
export interface AuditRecord {
  seq: number;
  time: string;
  run_id: string;
  kind: AuditKind;
  decision: string;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export type AuditEntry = Pick<AuditRecord, 'time' | 'run_id' | 'kind' | 'decision' | 'detail'>;

export const GENESIS_HASH = '0'.repeat(64);

export function recordHash(record: Omit<AuditRecord, 'hash'>): string {
  return sha256Hex(`${record.prev_hash}\n${canonicalJson(record)}`);
}

/** The records to append after `last`: numbered on and chained by hash. */
export function chainEntries(last: { seq: number; hash: string } | undefined, entries: AuditEntry[]): AuditRecord[] {
  let previous = last ?? { seq: 0, hash: GENESIS_HASH };
  return entries.map((entry) => {
    const unhashed = { seq: previous.seq + 1, time: entry.time, run_id: entry.run_id, kind: entry.kind, decision: entry.decision, detail: entry.detail, prev_hash: previous.hash };
    const record = { ...unhashed, hash: recordHash(unhashed) };
    previous = record;
    return record;
  });
}

export type AuditVerification = { ok: true; records: number } | { ok: false; line: number; problem: string };

/** Checks every line: valid JSON, numbered in order, chained to the one before, hash matching its content. */
export function verifyAuditLines(lines: readonly string[]): AuditVerification {
  let previous = { seq: 0, hash: GENESIS_HASH };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const lineNumber = index + 1;
    let record: AuditRecord;
    try {
      record = JSON.parse(line) as AuditRecord;
    } catch {
      return { ok: false, line: lineNumber, problem: 'not valid JSON' };
    }
    if (record.seq !== previous.seq + 1) return { ok: false, line: lineNumber, problem: `sequence ${record.seq} after ${previous.seq}: a line was removed or reordered` };
    if (record.prev_hash !== previous.hash) return { ok: false, line: lineNumber, problem: 'does not chain to the line before: a line was removed, reordered or edited' };
    const { hash, ...unhashed } = record;
    if (recordHash(unhashed) !== hash) return { ok: false, line: lineNumber, problem: 'content does not match its hash: the line was edited' };
    previous = { seq: record.seq, hash: record.hash };
  }
  return { ok: true, records: lines.length };
}

export function readAuditLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.length > 0);
}

/** Append under the caller's lock; a torn last line (crash mid-append) is cut first so the chain continues from a whole record. */
export function appendAudit(path: string, entries: AuditEntry[]): AuditRecord[] {
  cutTornTail(path);
  const lines = readAuditLines(path);
  let last: { seq: number; hash: string } | undefined;
  if (lines.length > 0) {
    try {
      const record = JSON.parse(lines[lines.length - 1] as string) as AuditRecord;
      last = { seq: record.seq, hash: record.hash };
    } catch {
      throw new UserError(`${path}: last line is not valid JSON; run make audit-verify`);
    }
  }
  const records = chainEntries(last, entries);
  appendFileSync(path, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
  return records;
}

/** Start times of retrains that ran (from release records), for the cooldown and budget guardrails. */
export function retrainTimesFromAudit(lines: readonly string[]): Date[] {
  return lines.flatMap((line) => {
    try {
      const record = JSON.parse(line) as AuditRecord;
      const ran = record.kind === 'release' && record.detail.action === 'retrain_and_evaluate' && ['promoted', 'blocked', 'failed'].includes(String(record.detail.outcome));
      return ran ? [new Date(record.time)] : [];
    } catch {
      return [];
    }
  });
}

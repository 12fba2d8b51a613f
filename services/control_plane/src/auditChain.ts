import { createHmac } from 'node:crypto';
import type { AuditKind } from '../../core/src/domain/vocabularies.ts';
import { canonicalJson, sha256Hex } from '../../core/src/infrastructure/fileHash.ts';

/**
 * The audit log's chain, as pure functions: how a record is hashed, how records are
 * chained, what the head beside the log says, and how a log is checked against its
 * head and against the registry's copies of it. Files are the business of auditLog.ts.
 *
 * With a key (DRIFTWATCH_AUDIT_KEY) every hash is an HMAC-SHA256, so nobody without the
 * key can write a record or a head that verifies: an edit, a forged append, a rewritten
 * tail, a truncation or a swapped head is found. Without a key the hashes are plain
 * SHA-256: accidents are found, and the registry's copies of the head still find a log
 * cut below the last action, but whoever can rewrite both the log and its head can
 * forge them.
 */

/** One line of shared/events/audit.jsonl: a decision, chained to the line before by its hash. */
export interface AuditRecord {
  seq: number;
  time: string;
  run_id: string;
  kind: AuditKind;
  decision: string;
  detail: Record<string, unknown>;
  /** Present when the hash is keyed; absent means plain SHA-256 (every record before keys existed). */
  alg?: 'hmac-sha256';
  prev_hash: string;
  hash: string;
}

export type AuditEntry = Pick<AuditRecord, 'time' | 'run_id' | 'kind' | 'decision' | 'detail'>;

/** Where the chain stands: how many records, and the hash of the last. */
export interface ChainPosition { records: number; last_hash: string }

/**
 * audit.head.json: the chain's committed position, and, while an append is under way,
 * the records it is writing (their hashes in order), so that a crash mid-append leaves a
 * log the head still vouches for. Its own mac covers every other field.
 */
export interface AuditHead extends ChainPosition {
  alg: 'hmac-sha256' | 'sha256';
  pending: string[];
  mac: string;
}

export const GENESIS_HASH = '0'.repeat(64);
export const GENESIS: ChainPosition = { records: 0, last_hash: GENESIS_HASH };

function digest(text: string, key: string | undefined): string {
  return key === undefined ? sha256Hex(text) : createHmac('sha256', key).update(text).digest('hex');
}

export function recordHash(record: Omit<AuditRecord, 'hash'>, key: string | undefined): string {
  return digest(`${record.prev_hash}\n${canonicalJson(record)}`, record.alg === 'hmac-sha256' ? key : undefined);
}

/** The records to append after `position`: numbered on and chained by hash (keyed when a key is given). */
export function chainEntries(position: ChainPosition, entries: readonly AuditEntry[], key: string | undefined): AuditRecord[] {
  let previous = { seq: position.records, hash: position.last_hash };
  return entries.map((entry) => {
    const unhashed: Omit<AuditRecord, 'hash'> = {
      seq: previous.seq + 1, time: entry.time, run_id: entry.run_id, kind: entry.kind, decision: entry.decision, detail: entry.detail,
      ...(key === undefined ? {} : { alg: 'hmac-sha256' as const }),
      prev_hash: previous.hash,
    };
    const record = { ...unhashed, hash: recordHash(unhashed, key) };
    previous = { seq: record.seq, hash: record.hash };
    return record;
  });
}

/** Keying an unkeyed log from here on: its head, as it stands, signed with the new key (the caller has verified the log without one). */
export function adoptKey(position: ChainPosition, key: string): AuditHead {
  return signHead(position, [], key);
}

export function signHead(position: ChainPosition, pending: readonly string[], key: string | undefined): AuditHead {
  const body: Omit<AuditHead, 'mac'> = { records: position.records, last_hash: position.last_hash, alg: key === undefined ? 'sha256' : 'hmac-sha256', pending: [...pending] };
  return { ...body, mac: digest(canonicalJson(body), key) };
}

export type AuditVerification =
  | { ok: true; records: number; position: ChainPosition; keyed: boolean }
  | { ok: false; line: number | null; problem: string };

function broken(line: number | null, problem: string): AuditVerification {
  return { ok: false, line, problem };
}

/**
 * A registry move records the audit position its run had written (its intent) before
 * the move: the log must still hold that record, with that hash.
 */
export interface MirroredPosition extends ChainPosition { source: string }

/**
 * Checks every line (valid JSON, numbered in order, chained to the one before, hash
 * matching its content, never unkeyed after a keyed one), then the head (its mac, and
 * that the log ends exactly where it says, or within the append it announced), then
 * every position the registry mirrored.
 */
export function verifyAudit(lines: readonly string[], head: AuditHead | undefined, key: string | undefined, mirrored: readonly MirroredPosition[] = []): AuditVerification {
  const walk = chainStart();
  return walkChain(lines, key, walk, 1) ?? checkEnds(lines.length, walk, head, key, mirrored);
}

/** How far a walk along the chain got: the last record, whether a keyed one was seen, every hash so far. */
export interface ChainWalk {
  previous: { seq: number; hash: string };
  keyedSeen: boolean;
  hashes: string[];
}

export function chainStart(): ChainWalk {
  return { previous: { seq: 0, hash: GENESIS_HASH }, keyedSeen: false, hashes: [] };
}

/**
 * Walks `lines` (the log's lines from number `firstLineNumber` on) along the chain,
 * extending `walk` in place: each line valid JSON, numbered in order, chained to the one
 * before, its hash matching its content, never unkeyed after a keyed one. Returns the
 * first break, or undefined.
 */
export function walkChain(lines: readonly string[], key: string | undefined, walk: ChainWalk, firstLineNumber: number): AuditVerification | undefined {
  for (let index = 0; index < lines.length; index += 1) {
    const lineNumber = firstLineNumber + index;
    let record: AuditRecord;
    try {
      record = JSON.parse(lines[index] as string) as AuditRecord;
    } catch {
      return broken(lineNumber, 'not valid JSON');
    }
    if (record === null || typeof record !== 'object') return broken(lineNumber, 'not an audit record');
    if (record.seq !== walk.previous.seq + 1) return broken(lineNumber, `sequence ${record.seq} after ${walk.previous.seq}: a line was removed or reordered`);
    if (record.prev_hash !== walk.previous.hash) return broken(lineNumber, 'does not chain to the line before: a line was removed, reordered or edited');
    if (record.alg === 'hmac-sha256') {
      if (key === undefined) return broken(lineNumber, 'the record is keyed (HMAC-SHA256): set DRIFTWATCH_AUDIT_KEY to verify it');
      walk.keyedSeen = true;
    } else if (walk.keyedSeen) {
      return broken(lineNumber, 'an unkeyed record after keyed ones: written without the key');
    }
    const { hash, ...unhashed } = record;
    if (recordHash(unhashed, key) !== hash) return broken(lineNumber, `content does not match its ${record.alg === 'hmac-sha256' ? 'HMAC' : 'hash'}: the line was edited${record.alg === 'hmac-sha256' ? ', forged, or the key is not the one it was written with' : ''}`);
    walk.previous = { seq: record.seq, hash: record.hash };
    walk.hashes.push(record.hash);
  }
  return undefined;
}

/** After a walk over all `lineCount` lines: the head (its mac, and that the log ends where it says, or within the append it announced), then every position the registry mirrored. */
export function checkEnds(lineCount: number, walk: ChainWalk, head: AuditHead | undefined, key: string | undefined, mirrored: readonly MirroredPosition[]): AuditVerification {
  const { hashes, keyedSeen } = walk;
  const position: ChainPosition = { records: lineCount, last_hash: walk.previous.hash };
  if (head === undefined) {
    if (lineCount > 0) return broken(null, `${lineCount} records but no head beside the log: the head was deleted`);
  } else {
    if (head.alg === 'hmac-sha256' && key === undefined) return broken(null, 'the head is keyed (HMAC-SHA256): set DRIFTWATCH_AUDIT_KEY to verify it');
    // Anyone can write an unkeyed head: with a key set, only a keyed one vouches for the log (a new key is adopted once, explicitly).
    if (head.alg === 'sha256' && key !== undefined) return broken(null, 'the head is not keyed, yet DRIFTWATCH_AUDIT_KEY is set: if the key is new, adopt it once with `make audit-adopt-key` (npm run --silent audit-verify -- --adopt-key); otherwise the head was replaced');
    if (head.alg === 'sha256' && keyedSeen) return broken(null, 'the head is unkeyed but the records are keyed: the head was replaced');
    const { mac, ...body } = head;
    if (signHead(body, body.pending ?? [], head.alg === 'hmac-sha256' ? key : undefined).mac !== mac) return broken(null, 'the head does not match its own mac: it was edited, or the key is not the one it was written with');
    const committed = head.records;
    if (lineCount < committed) return broken(lineCount + 1, `the head says ${committed} records, the log holds ${lineCount}: the log was cut`);
    if (committed > 0 && hashes[committed - 1] !== head.last_hash) return broken(committed, 'the record where the head says the log ends has another hash: the log was rewritten');
    const extra = hashes.slice(committed);
    if (extra.length > head.pending.length || extra.some((hash, offset) => hash !== head.pending[offset])) {
      return broken(committed + 1, `${extra.length} record(s) after the head's ${committed} that the head did not announce: appended without the head`);
    }
  }

  for (const mirror of mirrored) {
    if (mirror.records > lineCount) return broken(lineCount + 1, `${mirror.source} saw the log at ${mirror.records} records; it holds ${lineCount}: the log was cut`);
    if (mirror.records > 0 && hashes[mirror.records - 1] !== mirror.last_hash) return broken(mirror.records, `${mirror.source} saw another record here: the log was rewritten`);
  }
  return { ok: true, records: lineCount, position, keyed: keyedSeen || head?.alg === 'hmac-sha256' };
}

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import { canonicalJson } from '../../core/src/infrastructure/fileHash.ts';
import { chainEntries, GENESIS, signHead, verifyAudit, type AuditEntry, type AuditHead, type AuditRecord, type ChainPosition } from './auditChain.ts';
import { appendAudit, assertAuditIntact, readAuditHead, readAuditLines } from './auditLog.ts';
import { auditHeadPath, auditPath } from './eventsStore.ts';

const KEY = 'a key only the control plane knows';
const NOW = '2026-11-23T10:00:00.000Z';
const entry = (decision: string): AuditEntry => ({ time: NOW, run_id: 'run-1', kind: 'plan', decision, detail: { decision } });

/** A log of `count` records with its committed head, as the control plane writes them. */
function log(count: number, key: string | undefined): { lines: string[]; head: AuditHead } {
  const records = chainEntries(GENESIS, Array.from({ length: count }, (_, index) => entry(`d${index}`)), key);
  const last = records[records.length - 1] as AuditRecord;
  return { lines: records.map((record) => JSON.stringify(record)), head: signHead({ records: last.seq, last_hash: last.hash }, [], key) };
}

/** What a forger without the key can compute: every hash recomputed with plain SHA-256, as the unkeyed chain does. */
function recomputed(records: Omit<AuditRecord, 'hash' | 'prev_hash' | 'seq'>[], from: ChainPosition): string[] {
  let previous = { seq: from.records, hash: from.last_hash };
  return records.map((record) => {
    const unhashed = { ...record, seq: previous.seq + 1, prev_hash: previous.hash };
    const hash = createHash('sha256').update(`${unhashed.prev_hash}\n${canonicalJson(unhashed)}`).digest('hex');
    previous = { seq: unhashed.seq, hash };
    return JSON.stringify({ ...unhashed, hash });
  });
}

function parse(line: string): AuditRecord {
  return JSON.parse(line) as AuditRecord;
}

describe('the audit chain finds every way a log can be tampered with', () => {
  const { lines, head } = log(6, KEY);
  const ok = verifyAudit(lines, head, KEY);

  it('an untouched keyed log verifies, and says it is keyed', () => expect(ok).toMatchObject({ ok: true, records: 6, keyed: true }));

  it('1. an edited line', () => {
    const edited = [...lines];
    edited[2] = (edited[2] as string).replace('"decision":"d2"', '"decision":"noop"');
    expect(verifyAudit(edited, head, KEY)).toMatchObject({ ok: false, line: 3 });
  });
  it('2. a removed line in the middle', () => expect(verifyAudit([lines[0]!, lines[2]!, ...lines.slice(3)], head, KEY)).toMatchObject({ ok: false, line: 2 }));
  it('3. reordered lines', () => expect(verifyAudit([lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)], head, KEY)).toMatchObject({ ok: false, line: 2 }));
  it('4. a garbage line', () => expect(verifyAudit([...lines.slice(0, 5), '{"seq": 6, "oops'], head, KEY)).toMatchObject({ ok: false, line: 6, problem: 'not valid JSON' }));
  it('5. the last line removed', () => expect(verifyAudit(lines.slice(0, 5), head, KEY)).toMatchObject({ ok: false, line: 6, problem: expect.stringMatching(/head says 6 records, the log holds 5: the log was cut/) }));
  it('6. the last three lines removed', () => expect(verifyAudit(lines.slice(0, 3), head, KEY)).toMatchObject({ ok: false, line: 4 }));
  it('7. the file emptied', () => expect(verifyAudit([], head, KEY)).toMatchObject({ ok: false, line: 1 }));
  it('8. the file deleted, its head kept', () => expect(verifyAudit([], head, KEY)).toMatchObject({ ok: false, problem: expect.stringMatching(/the log holds 0/) }));
  it('9. the file and its head deleted: the registry\'s copy of the head finds it', () => {
    const mirror = { records: 4, last_hash: parse(lines[3]!).hash, source: 'the registry history (v2 Staging -> Production)' };
    expect(verifyAudit(lines, head, KEY, [mirror])).toMatchObject({ ok: true });
    expect(verifyAudit([], undefined, KEY, [mirror])).toMatchObject({ ok: false, problem: expect.stringMatching(/registry history .* saw the log at 4 records; it holds 0/) });
  });
  it('10. a forged line appended with a recomputed hash', () => {
    const last = parse(lines[5]!);
    const forged = recomputed([{ time: NOW, run_id: 'evil', kind: 'release', decision: 'promoted', detail: {} }], { records: last.seq, last_hash: last.hash });
    expect(verifyAudit([...lines, ...forged], head, KEY)).toMatchObject({ ok: false, line: 7 });
  });
  it('11. a forged line appended and the head rewritten without the key', () => {
    const last = parse(lines[5]!);
    const forged = recomputed([{ time: NOW, run_id: 'evil', kind: 'release', decision: 'promoted', detail: {} }], { records: last.seq, last_hash: last.hash });
    const forgedHead = signHead({ records: 7, last_hash: parse(forged[0]!).hash }, [], undefined);
    expect(verifyAudit([...lines, ...forged], forgedHead, KEY)).toMatchObject({ ok: false });
  });
  it('12. rewritten from line 3 on with recomputed hashes (and a matching unkeyed head)', () => {
    const third = parse(lines[1]!);
    const rewritten = recomputed(lines.slice(2).map((line) => {
      const { seq: _seq, prev_hash: _prev, hash: _hash, alg: _alg, ...rest } = parse(line);
      return { ...rest, decision: 'noop' };
    }), { records: third.seq, last_hash: third.hash });
    const all = [...lines.slice(0, 2), ...rewritten];
    expect(verifyAudit(all, signHead({ records: 6, last_hash: parse(all[5]!).hash }, [], undefined), KEY)).toMatchObject({ ok: false, line: 3 });
  });
  it('13. the head edited (a count that matches a cut log)', () => {
    expect(verifyAudit(lines.slice(0, 4), { ...head, records: 4, last_hash: parse(lines[3]!).hash }, KEY)).toMatchObject({ ok: false, problem: expect.stringMatching(/does not match its own mac/) });
  });
  it('14. an older head put back with the log cut to match it', () => {
    const older = signHead({ records: 4, last_hash: parse(lines[3]!).hash }, [], KEY);
    expect(verifyAudit(lines.slice(0, 4), older, KEY)).toMatchObject({ ok: true });
    const mirror = { records: 5, last_hash: parse(lines[4]!).hash, source: 'the registry history (v3 None -> Staging)' };
    expect(verifyAudit(lines.slice(0, 4), older, KEY, [mirror])).toMatchObject({ ok: false, problem: expect.stringMatching(/saw the log at 5 records; it holds 4/) });
  });

  it('a head deleted from a log that has records', () => expect(verifyAudit(lines, undefined, KEY)).toMatchObject({ ok: false, problem: expect.stringMatching(/no head beside the log/) }));
  it('a keyed log cannot be verified without the key, and says so', () => expect(verifyAudit(lines, head, undefined)).toMatchObject({ ok: false, line: 1, problem: expect.stringMatching(/set DRIFTWATCH_AUDIT_KEY/) }));
  it('a wrong key fails', () => expect(verifyAudit(lines, head, 'another key')).toMatchObject({ ok: false, line: 1 }));
  it('an unkeyed record after keyed ones is refused (a downgrade)', () => {
    const last = parse(lines[5]!);
    const unkeyed = chainEntries({ records: last.seq, last_hash: last.hash }, [entry('late')], undefined).map((record) => JSON.stringify(record));
    expect(verifyAudit([...lines, ...unkeyed], signHead({ records: 7, last_hash: parse(unkeyed[0]!).hash }, [], KEY), KEY)).toMatchObject({ ok: false, line: 7 });
  });
  it('an unkeyed log verifies and says it is not keyed (accidents are found, forgery by whoever rewrites log and head is not)', () => {
    const plain = log(3, undefined);
    expect(verifyAudit(plain.lines, plain.head, undefined)).toMatchObject({ ok: true, keyed: false });
    expect(verifyAudit(plain.lines.slice(0, 2), plain.head, undefined)).toMatchObject({ ok: false, line: 3 });
  });
  it('records written before heads existed, continued by keyed records, verify', () => {
    const legacy = chainEntries(GENESIS, [entry('old')], undefined);
    const keyed = chainEntries({ records: 1, last_hash: (legacy[0] as AuditRecord).hash }, [entry('new')], KEY);
    expect(verifyAudit([...legacy, ...keyed].map((record) => JSON.stringify(record)), signHead({ records: 2, last_hash: (keyed[0] as AuditRecord).hash }, [], KEY), KEY)).toMatchObject({ ok: true, records: 2 });
  });
});

describe('appending keeps log and head in step, whatever moment a crash picks', () => {
  it('a crash after the head announced an append, before or during it, leaves a log the head vouches for', () => {
    const { lines, head } = log(3, KEY);
    const more = chainEntries({ records: 3, last_hash: head.last_hash }, [entry('a'), entry('b')], KEY);
    const announced = signHead({ records: 3, last_hash: head.last_hash }, more.map((record) => record.hash), KEY);
    expect(verifyAudit(lines, announced, KEY)).toMatchObject({ ok: true, records: 3 });
    expect(verifyAudit([...lines, JSON.stringify(more[0])], announced, KEY)).toMatchObject({ ok: true, records: 4 });
    expect(verifyAudit([...lines, ...more.map((record) => JSON.stringify(record))], announced, KEY)).toMatchObject({ ok: true, records: 5 });
  });

  it('appendAudit writes records and head; a torn last line is no record and is cut before the next append', () => {
    const temp = makeTempDir('audit-append');
    try {
      const events = temp.path;
      appendAudit(events, [entry('a'), entry('b')], KEY);
      expect(assertAuditIntact(events, KEY, [])).toMatchObject({ records: 2 });
      writeFileSync(auditPath(events), `${readFileSync(auditPath(events), 'utf8')}{"seq":3,"torn`);
      expect(readAuditLines(auditPath(events))).toHaveLength(2);
      appendAudit(events, [entry('c')], KEY);
      expect(assertAuditIntact(events, KEY, [])).toMatchObject({ records: 3 });
      expect(readAuditHead(auditHeadPath(events))).toMatchObject({ records: 3, pending: [], alg: 'hmac-sha256' });
      rmSync(auditHeadPath(events));
      expect(() => assertAuditIntact(events, KEY, [])).toThrow(/audit\.jsonl: 3 records but no head beside the log/);
      expect(existsSync(auditPath(events))).toBe(true);
    } finally {
      temp.cleanup();
    }
  });
});

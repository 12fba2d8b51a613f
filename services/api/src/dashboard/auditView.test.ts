import { describe, expect, it } from 'vitest';
import { auditView } from './auditView.ts';

describe('auditView: the chain\'s state as make audit-verify judges it', () => {
  it('an intact log with records is verified, with its count and whether it is keyed', () => {
    expect(auditView({ ok: true, records: 12, position: { records: 12, last_hash: 'a'.repeat(64) }, keyed: true }, 12)).toEqual({ state: 'verified', records: 12, keyed: true });
    expect(auditView({ ok: true, records: 3, position: { records: 3, last_hash: 'b'.repeat(64) }, keyed: false }, 3)).toEqual({ state: 'verified', records: 3, keyed: false });
  });

  it('an intact log with no records is empty', () => {
    expect(auditView({ ok: true, records: 0, position: { records: 0, last_hash: '0'.repeat(64) }, keyed: false }, 0)).toEqual({ state: 'empty', records: 0 });
  });

  it('a broken log is broken at its line, with why and how many records can still be read', () => {
    expect(auditView({ ok: false, line: 4, problem: 'content does not match its hash: the line was edited' }, 9)).toEqual({ state: 'broken', line: 4, problem: 'content does not match its hash: the line was edited', readable_records: 9 });
  });

  it('a log broken at no particular line (the head) says line null', () => {
    expect(auditView({ ok: false, line: null, problem: 'the head was deleted' }, 2)).toEqual({ state: 'broken', line: null, problem: 'the head was deleted', readable_records: 2 });
  });
});

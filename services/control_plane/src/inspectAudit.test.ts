import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import type { AuditEntry } from './auditChain.ts';
import { appendAudit, AuditReader, inspectAudit } from './auditLog.ts';
import { auditHeadPath, auditPath } from './eventsStore.ts';

let temp: ReturnType<typeof makeTempDir>;
let events: string;
beforeEach(() => {
  temp = makeTempDir('inspect-audit');
  events = join(temp.path, 'events');
});
afterEach(() => temp.cleanup());

const entry = (runId: string, kind: AuditEntry['kind'], decision: string): AuditEntry => ({ time: '2026-01-01T00:00:00.000Z', run_id: runId, kind, decision, detail: { note: `${kind} of ${runId}` } });

/** Three records of one run, written as a control run writes them (head announced, lines appended, head committed). */
function writeThreeRecords(key?: string): void {
  appendAudit(events, [entry('run-1', 'sentinel', 'data_drift'), entry('run-1', 'plan', 'retrain_and_evaluate'), entry('run-1', 'release', 'promoted')], key);
}

const lines = (): string[] => readFileSync(auditPath(events), 'utf8').split('\n');

describe('inspectAudit: the log as a reader shows it, never refusing', () => {
  it('an intact log is ok, with every record', () => {
    writeThreeRecords();
    const { verification, records } = inspectAudit(events, undefined, []);
    expect(verification).toMatchObject({ ok: true, records: 3, keyed: false });
    expect(records.map((record) => [record.seq, record.kind, record.decision])).toEqual([[1, 'sentinel', 'data_drift'], [2, 'plan', 'retrain_and_evaluate'], [3, 'release', 'promoted']]);
  });

  it('an intact keyed log is ok and keyed when read with its key', () => {
    writeThreeRecords('secret');
    expect(inspectAudit(events, 'secret', []).verification).toMatchObject({ ok: true, records: 3, keyed: true });
  });

  it('an edited line is broken at that line, and every record that still parses is returned (the edited one included)', () => {
    writeThreeRecords();
    const text = lines();
    text[1] = (text[1] as string).replace('"retrain_and_evaluate"', '"noop"');
    writeFileSync(auditPath(events), text.join('\n'));
    const { verification, records } = inspectAudit(events, undefined, []);
    expect(verification).toMatchObject({ ok: false, line: 2 });
    expect(verification.ok ? '' : verification.problem).toContain('edited');
    expect(records.map((record) => record.decision)).toEqual(['data_drift', 'noop', 'promoted']);
  });

  it('a line that is no longer JSON is broken at that line; the records around it still show', () => {
    writeThreeRecords();
    const text = lines();
    text[1] = '{"seq": 2, torn';
    writeFileSync(auditPath(events), text.join('\n'));
    const { verification, records } = inspectAudit(events, undefined, []);
    expect(verification).toEqual({ ok: false, line: 2, problem: 'not valid JSON' });
    expect(records.map((record) => record.seq)).toEqual([1, 3]);
  });

  it('a head that is not JSON is a broken log with no line, not a thrown error; the records still show', () => {
    writeThreeRecords();
    writeFileSync(auditHeadPath(events), '{ not json');
    const { verification, records } = inspectAudit(events, undefined, []);
    expect(verification).toMatchObject({ ok: false, line: null });
    expect(verification.ok ? '' : verification.problem).toContain('audit head is not valid JSON');
    expect(records).toHaveLength(3);
  });

  it('a head that is JSON but not an object (null) is broken with line null and a problem naming the audit head, not a TypeError\'s text', () => {
    writeThreeRecords();
    writeFileSync(auditHeadPath(events), 'null');
    const { verification, records } = inspectAudit(events, undefined, []);
    expect(verification).toMatchObject({ ok: false, line: null });
    expect(verification.ok ? '' : verification.problem).not.toContain('Cannot read properties');
    expect(verification.ok ? '' : verification.problem).toContain('audit head');
    expect(records).toHaveLength(3);
  });

  it('no log at all is ok with 0 records', () => {
    const { verification, records } = inspectAudit(events, undefined, []);
    expect(verification).toMatchObject({ ok: true, records: 0 });
    expect(records).toEqual([]);
  });
});

describe('AuditReader: the same verdicts, look after look, as the log grows', () => {
  it('a log that grew between looks is verified with its new records, and a torn last line is not one yet', () => {
    const reader = new AuditReader(events);
    expect(reader.read(undefined, []).verification).toMatchObject({ ok: true, records: 0 });
    writeThreeRecords();
    expect(reader.read(undefined, []).verification).toMatchObject({ ok: true, records: 3 });
    appendAudit(events, [entry('run-2', 'release', 'no_action')], undefined);
    const grown = reader.read(undefined, []);
    expect(grown.verification).toMatchObject({ ok: true, records: 4 });
    expect(grown.records.map((record) => record.run_id)).toEqual(['run-1', 'run-1', 'run-1', 'run-2']);
    writeFileSync(auditPath(events), `${readFileSync(auditPath(events), 'utf8')}{"seq":5,"ti`);
    expect(reader.read(undefined, []).verification).toMatchObject({ ok: true, records: 4 });
  });

  it('a line edited after a look that found the log intact is found at the next look', () => {
    const reader = new AuditReader(events);
    writeThreeRecords();
    expect(reader.read(undefined, []).verification.ok).toBe(true);
    const text = lines();
    text[0] = (text[0] as string).replace('"data_drift"', '"none"');
    writeFileSync(auditPath(events), text.join('\n'));
    expect(reader.read(undefined, []).verification).toMatchObject({ ok: false, line: 1 });
  });

  it('records appended without the head, after an intact look, break the log at the first of them', () => {
    const reader = new AuditReader(events);
    writeThreeRecords();
    const head = readFileSync(auditHeadPath(events), 'utf8');
    expect(reader.read(undefined, []).verification.ok).toBe(true);
    appendAudit(events, [entry('run-2', 'release', 'no_action')], undefined);
    writeFileSync(auditHeadPath(events), head);
    expect(reader.read(undefined, []).verification).toMatchObject({ ok: false, line: 4 });
  });

  it('another key is a fresh look: the same log read with a key is judged as keyed', () => {
    const reader = new AuditReader(events);
    writeThreeRecords();
    expect(reader.read(undefined, []).verification.ok).toBe(true);
    expect(reader.read('a-key', []).verification).toMatchObject({ ok: false });
  });
});

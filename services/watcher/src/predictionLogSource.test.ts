import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDatasetSpec, parseDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import type { PredictionRecord } from '../../api/src/predictionLog.ts';
import { predictionLogStart, readPredictionLog, type PredictionLogPosition } from './predictionLogSource.ts';

const fraud = loadDatasetSpec('fraud');
let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'driftwatch-prediction-log-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** One logged prediction as POST /predict writes it: the request's features, id and time among them. */
function record(index: number, features: Record<string, unknown> = {}): PredictionRecord {
  return {
    request_id: `req-${index}`,
    time: `2026-09-01T10:00:${String(index).padStart(2, '0')}.000Z`,
    model_version: 3,
    features: {
      transaction_id: `tx-${index}`,
      event_time: `2026-09-01T09:59:${String(index).padStart(2, '0')}Z`,
      transaction_amount: 12.5 + index,
      transaction_hour: 9,
      customer_age: 41,
      account_tenure_days: 800,
      merchant_risk_score: 0.12,
      geo_distance_km: 3.4,
      is_international: 0,
      merchant_category: 'grocery',
      channel: 'online',
      ...features,
    },
    score: 0.04,
    label: 0,
  };
}

const line = (value: PredictionRecord | string) => `${typeof value === 'string' ? value : JSON.stringify(value)}\n`;
const logFile = (index: number) => join(directory, `predictions-${String(index).padStart(6, '0')}.jsonl`);
const ids = (read: ReturnType<typeof readPredictionLog>) => read.rows.map(({ row }) => row.id);

describe('reading the prediction log', () => {
  it('sets aside a record whose feature the dataset rules out (text in a number, a value past its max): one bad row must not be refused with every window that holds it', () => {
    writeFileSync(logFile(1), line(record(1, { transaction_amount: 'twelve' })) + line(record(2, { customer_age: 400 })) + line(record(3, { transaction_hour: 9.5 })) + line(record(4)));
    const read = readPredictionLog(directory, null, fraud);
    expect(ids(read)).toEqual(['tx-4']);
    expect(read.quarantined.map((item) => item.reason)).toEqual([
      expect.stringContaining('feature "transaction_amount": "twelve" is not a number'),
      expect.stringContaining('feature "customer_age": must be <= 130 (max), found 400'),
      expect.stringContaining('feature "transaction_hour": must be a whole number (integer feature), found 9.5'),
    ]);
  });

  it('hands over every whole record with its cells in the window header\'s order and the position after it', () => {
    const first = line(record(1));
    const second = line(record(2, { geo_distance_km: null, channel: undefined }));
    writeFileSync(logFile(1), first + second);
    const read = readPredictionLog(directory, null, fraud);
    expect(ids(read)).toEqual(['tx-1', 'tx-2']);
    expect(read.rows[0]?.row).toEqual({
      id: 'tx-1', eventTime: '2026-09-01T09:59:01Z',
      cells: ['tx-1', '2026-09-01T09:59:01Z', '13.5', '9', '41', '800', '0.12', '3.4', '0', 'grocery', 'online'],
    });
    expect(read.rows[1]?.row.cells.slice(-4)).toEqual(['', '0', 'grocery', '']);
    expect(read.rows.map(({ after }) => after)).toEqual([
      { kind: 'prediction_log', file: 1, offset: Buffer.byteLength(first) },
      { kind: 'prediction_log', file: 1, offset: Buffer.byteLength(first + second) },
    ]);
    expect(read.quarantined).toEqual([]);
  });

  it('does not read a last line still being written, and reads it once its newline lands', () => {
    const whole = line(record(1));
    const torn = line(record(2));
    writeFileSync(logFile(1), whole + torn.slice(0, 40));
    const before = readPredictionLog(directory, null, fraud);
    expect(ids(before)).toEqual(['tx-1']);
    expect(before.quarantined).toEqual([]);
    appendFileSync(logFile(1), torn.slice(40));
    const after = readPredictionLog(directory, before.end, fraud);
    expect(ids(after)).toEqual(['tx-2']);
    expect(after.end).toEqual({ kind: 'prediction_log', file: 1, offset: Buffer.byteLength(whole + torn) });
  });

  it('follows the log across a rotation, oldest file first', () => {
    writeFileSync(logFile(2), line(record(3)) + line(record(4)));
    writeFileSync(logFile(1), line(record(1)) + line(record(2)));
    const read = readPredictionLog(directory, predictionLogStart(), fraud);
    expect(ids(read)).toEqual(['tx-1', 'tx-2', 'tx-3', 'tx-4']);
    expect(read.rows.map(({ after }) => after.kind === 'prediction_log' && after.file)).toEqual([1, 1, 2, 2]);
  });

  it('resumed from any position, gives exactly the rows after it: none twice, none skipped', () => {
    // Offsets are bytes: a category with an accent must not shift the next position.
    writeFileSync(logFile(1), line(record(1)) + line(record(2, { merchant_category: 'café' })) + line(record(3)));
    writeFileSync(logFile(2), line(record(4)) + line(record(5)));
    const all = readPredictionLog(directory, null, fraud);
    all.rows.forEach(({ after }, index) => {
      expect(ids(readPredictionLog(directory, after as PredictionLogPosition, fraud))).toEqual(ids(all).slice(index + 1));
    });
  });

  it('stops after maxRows, and the next read goes on from there', () => {
    writeFileSync(logFile(1), [1, 2, 3, 4, 5].map((index) => line(record(index))).join(''));
    const first = readPredictionLog(directory, null, fraud, { maxRows: 2 });
    expect(ids(first)).toEqual(['tx-1', 'tx-2']);
    expect(first.end).toEqual(first.rows[1]?.after);
    expect(ids(readPredictionLog(directory, first.end, fraud, { maxRows: 2 }))).toEqual(['tx-3', 'tx-4']);
  });

  it('sets aside a record it cannot use, naming file and line, and reads on past it', () => {
    const lines = [
      line(record(1)),
      line('{"request_id": "req-2", "features": {'),
      line(record(3, { transaction_id: undefined })),
      line(record(4, { event_time: '01/09/2026 10:00' })),
      line(record(5, { loyalty_tier: 'gold' })),
      line(record(6)),
      line(record(7, { event_time: undefined })),
    ];
    writeFileSync(logFile(1), lines.join(''));
    const read = readPredictionLog(directory, null, fraud);
    expect(ids(read)).toEqual(['tx-1', 'tx-6']);
    expect(read.quarantined).toEqual([
      { file: 'predictions-000001.jsonl:2', reason: 'predictions-000001.jsonl: line 2: not valid JSON' },
      { file: 'predictions-000001.jsonl:3', reason: 'predictions-000001.jsonl: line 3: no "transaction_id" (the id) among its features' },
      { file: 'predictions-000001.jsonl:4', reason: 'predictions-000001.jsonl: line 4: "event_time" is "01/09/2026 10:00", not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SS[.sss][Z])' },
      { file: 'predictions-000001.jsonl:5', reason: 'predictions-000001.jsonl: line 5: feature "loyalty_tier" is not a column of dataset "fraud"' },
      { file: 'predictions-000001.jsonl:7', reason: 'predictions-000001.jsonl: line 7: no "event_time" (the event time) among its features' },
    ]);
    // The position passes the trailing bad record too, so it is reported once.
    expect(read.end).toEqual({ kind: 'prediction_log', file: 1, offset: Buffer.byteLength(lines.join('')) });
    const again = readPredictionLog(directory, read.rows[0]?.after as PredictionLogPosition, fraud);
    expect(again.quarantined.map(({ file }) => file)).toEqual(['2', '3', '4', '5', '7'].map((number) => `predictions-000001.jsonl:${number}`));
    expect(readPredictionLog(directory, read.end, fraud)).toEqual({ rows: [], quarantined: [], end: read.end });
  });

  it('finds nothing yet in a log the API has not created', () => {
    expect(readPredictionLog(join(directory, 'not-yet'), null, fraud)).toEqual({ rows: [], quarantined: [], end: predictionLogStart() });
  });

  it('refuses a position past the end of its file: the log was replaced', () => {
    writeFileSync(logFile(1), line(record(1)));
    expect(() => readPredictionLog(directory, { kind: 'prediction_log', file: 1, offset: 10_000 }, fraud)).toThrow(/predictions-000001\.jsonl: \d+ bytes, shorter than the watcher's position in it \(byte 10000\)/);
  });

  it('refuses a spec without an id column', () => {
    const spec = parseDatasetSpec('name: x\ntime: t\ntarget: { column: y, positive: 1 }\nfeatures:\n  a: { type: numerical }\n', 'x.yaml');
    expect(() => readPredictionLog(directory, null, { spec, sha256: '', source: 'x.yaml' })).toThrow(/^x\.yaml: the watcher needs the id column/);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDatasetSpec, parseDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { readBatches, type BatchPosition } from './batchDirectorySource.ts';

const fraud = loadDatasetSpec('fraud');
const HEADER = 'transaction_id,event_time,transaction_amount,transaction_hour,customer_age,account_tenure_days,merchant_risk_score,geo_distance_km,is_international,merchant_category,channel,is_fraud';

let root: string;
let batches: string;
let quarantine: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'driftwatch-batches-'));
  batches = join(root, 'batches');
  quarantine = join(root, 'quarantine');
  mkdirSync(batches);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A row as the generator writes it (the label column included, which the window ignores). */
function row(id: string, overrides: { time?: string; amount?: string; category?: string } = {}): string {
  return `${id},${overrides.time ?? '2026-09-01T10:15:00Z'},${overrides.amount ?? '42.10'},10,35,420,0.21,5.8,0,${overrides.category ?? 'grocery'},pos,0`;
}

function drop(name: string, lines: string[]): void {
  writeFileSync(join(batches, name), `${lines.join('\n')}\n`);
}

const ids = (read: ReturnType<typeof readBatches>) => read.rows.map(({ row }) => row.id);

describe('reading dropped batches', () => {
  it('quarantines a batch with a row from the future (a typo in the year would hold its day, and every window after it, open for ever)', () => {
    drop('batch-001.csv', [HEADER, row('tx-1'), row('tx-2', { time: '2062-09-01T10:00:00Z' })]);
    drop('batch-002.csv', [HEADER, row('tx-3')]);
    const read = readBatches(batches, null, fraud, quarantine, { latestEventMs: Date.parse('2026-11-25T00:00:00Z') });
    expect(ids(read)).toEqual(['tx-3']);
    expect(read.quarantined[0]?.reason).toBe('batch-001.csv: line 3: column "event_time": 2062-09-01T10:00:00Z is later than the clock allows (2026-11-25T00:00:00.000Z): an event from the future');
  });

  it('reads ready batches in name order, passing over files still being written', () => {
    drop('batch-002.csv', [HEADER, row('tx-3')]);
    drop('batch-001.csv', [HEADER, row('tx-1'), row('tx-2', { category: '"electronics, home"' })]);
    drop('batch-003.csv.partial', [HEADER, row('tx-9')]);
    drop('.batch-004.csv', [HEADER, row('tx-10')]);
    const read = readBatches(batches, null, fraud, quarantine);
    expect(ids(read)).toEqual(['tx-1', 'tx-2', 'tx-3']);
    expect(read.rows[1]?.row).toEqual({
      id: 'tx-2', eventTime: '2026-09-01T10:15:00Z',
      cells: ['tx-2', '2026-09-01T10:15:00Z', '42.10', '10', '35', '420', '0.21', '5.8', '0', 'electronics, home', 'pos'],
    });
    expect(read.rows.map(({ after }) => after)).toEqual([
      { kind: 'batches', file: 'batch-001.csv', row: 1, rows: 2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: expect.any(Number) },
      { kind: 'batches', file: 'batch-001.csv', row: 2, rows: 2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: expect.any(Number) },
      { kind: 'batches', file: 'batch-002.csv', row: 1, rows: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: expect.any(Number) },
    ]);
    expect(read.quarantined).toEqual([]);
    expect(existsSync(quarantine)).toBe(false);
  });

  it('a batch written again under the name the position stands in: its new rows are read when the old ones were all taken; quarantined when they were not', () => {
    drop('export.csv', [HEADER, row('tx-1'), row('tx-2')]);
    const first = readBatches(batches, null, fraud, quarantine);
    const allTaken = first.rows[1]?.after as BatchPosition;
    const partly = first.rows[0]?.after as BatchPosition;
    drop('export.csv', [HEADER, row('tx-3'), row('tx-4'), row('tx-5')]);
    expect(ids(readBatches(batches, allTaken, fraud, quarantine))).toEqual(['tx-3', 'tx-4', 'tx-5']);
    const read = readBatches(batches, partly, fraud, quarantine);
    expect(ids(read)).toEqual([]);
    expect(read.quarantined[0]?.reason).toBe('export.csv: written again after 1 of its 2 rows were taken; drop new data under a new name');
  });

  it('rows appended to the batch the position stands in are read on from the position, not again from the first', () => {
    drop('export.csv', [HEADER, row('tx-1'), row('tx-2')]);
    const allTaken = readBatches(batches, null, fraud, quarantine).rows[1]?.after as BatchPosition;
    drop('export.csv', [HEADER, row('tx-1'), row('tx-2'), row('tx-3')]);
    const read = readBatches(batches, allTaken, fraud, quarantine);
    expect(ids(read)).toEqual(['tx-3']);
    expect(read.quarantined).toEqual([]);
  });

  it('a batch read before is passed over; written again under its name, it is quarantined as too late for its order', () => {
    drop('batch-001.csv', [HEADER, row('tx-1')]);
    drop('batch-002.csv', [HEADER, row('tx-2')]);
    const first = readBatches(batches, null, fraud, quarantine);
    const at = first.rows[1]?.after as BatchPosition;
    const alreadyRead = new Map([['batch-001.csv', (first.rows[0]?.after as BatchPosition).sha256 as string]]);
    expect(readBatches(batches, at, fraud, quarantine, { alreadyRead }).quarantined).toEqual([]);
    drop('batch-001.csv', [HEADER, row('tx-9')]);
    expect(readBatches(batches, at, fraud, quarantine, { alreadyRead }).quarantined[0]?.reason).toContain('batch-001.csv: dropped after later batches were read');
  });

  it('resumed from any position, gives exactly the rows after it: none twice, none skipped', () => {
    drop('batch-001.csv', [HEADER, row('tx-1'), row('tx-2')]);
    drop('batch-002.csv', [HEADER, row('tx-3'), row('tx-4'), row('tx-5')]);
    const all = readBatches(batches, { kind: 'batches', file: null, row: 0 }, fraud, quarantine);
    all.rows.forEach(({ after }, index) => {
      expect(ids(readBatches(batches, after as BatchPosition, fraud, quarantine))).toEqual(ids(all).slice(index + 1));
    });
  });

  it('after the last row of a file, goes on with the next file dropped, and not an older name', () => {
    drop('batch-002.csv', [HEADER, row('tx-1')]);
    const first = readBatches(batches, null, fraud, quarantine);
    drop('batch-001.csv', [HEADER, row('tx-0')]);
    drop('batch-003.csv', [HEADER, row('tx-2')]);
    expect(ids(readBatches(batches, first.rows[0]?.after as BatchPosition, fraud, quarantine))).toEqual(['tx-2']);
  });

  it.each([
    ['a missing column', [HEADER.replace(',geo_distance_km', ''), row('tx-2').replace(',5.8', '')], /^batch-001\.csv: line 1: missing column "geo_distance_km"/],
    ['a row with a field too few', [HEADER, row('tx-2'), row('tx-3').replace(',pos', '')], /^batch-001\.csv: line 3: 11 fields, the header has 12$/],
    ['an amount with a decimal comma', [HEADER, row('tx-2'), row('tx-3'), row('tx-4', { amount: '"12,50"' })], /^batch-001\.csv: line 4: column "transaction_amount": "12,50" is not a number$/],
    ['an amount in words', [HEADER, row('tx-2'), row('tx-3', { amount: 'twelve' })], /^batch-001\.csv: line 3: column "transaction_amount": "twelve" is not a number$/],
    ['a time that is not ISO 8601 UTC', [HEADER, row('tx-2', { time: '01/09/2026 10:15' })], /^batch-001\.csv: line 2: column "event_time": "01\/09\/2026 10:15" is not an ISO 8601 UTC time/],
    ['an empty id', [HEADER, row('')], /^batch-001\.csv: line 2: column "transaction_id": empty/],
  ])('quarantines a batch with %s, with its reason, and reads the next batch', (_case, lines, reason) => {
    drop('batch-000.csv', [HEADER, row('tx-1')]);
    drop('batch-001.csv', lines);
    drop('batch-002.csv', [HEADER, row('tx-5')]);
    const read = readBatches(batches, null, fraud, quarantine);
    expect(ids(read)).toEqual(['tx-1', 'tx-5']);
    expect(read.quarantined).toHaveLength(1);
    expect(read.quarantined[0]?.file).toBe('batch-001.csv');
    expect(read.quarantined[0]?.reason).toMatch(reason);
    expect(readdirSync(batches).sort()).toEqual(['batch-000.csv', 'batch-002.csv']);
    expect(readFileSync(join(quarantine, 'batch-001.csv'), 'utf8')).toBe(`${lines.join('\n')}\n`);
    expect(readFileSync(join(quarantine, 'batch-001.csv.reason.txt'), 'utf8')).toBe(`${read.quarantined[0]?.reason}\n`);
  });

  it('never hands over a row of a bad batch, even the good rows before the bad one', () => {
    drop('batch-001.csv', [HEADER, row('tx-1'), row('tx-2'), row('tx-3', { amount: 'n/a?' })]);
    const read = readBatches(batches, null, fraud, quarantine);
    expect(read.rows).toEqual([]);
    expect(read.quarantined[0]?.reason).toBe('batch-001.csv: line 4: column "transaction_amount": "n/a?" is not a number');
  });

  it('gives a quarantined batch a numeric suffix when its name is already there, replacing nothing', () => {
    mkdirSync(quarantine);
    writeFileSync(join(quarantine, 'batch-001.csv'), 'an earlier bad batch\n');
    writeFileSync(join(quarantine, 'batch-001.csv.reason.txt'), 'its reason\n');
    drop('batch-001.csv', [HEADER, row('tx-1', { time: 'yesterday' })]);
    readBatches(batches, null, fraud, quarantine);
    expect(readFileSync(join(quarantine, 'batch-001.csv'), 'utf8')).toBe('an earlier bad batch\n');
    expect(readFileSync(join(quarantine, 'batch-001-1.csv'), 'utf8')).toContain('yesterday');
    expect(readFileSync(join(quarantine, 'batch-001-1.csv.reason.txt'), 'utf8')).toMatch(/^batch-001\.csv: line 2: column "event_time"/);
  });

  it('takes an empty number where missing values are imputed, and refuses it where the spec refuses them', () => {
    drop('batch-001.csv', [HEADER, row('tx-1', { amount: '' })]);
    expect(ids(readBatches(batches, null, fraud, quarantine))).toEqual(['tx-1']);
    const yaml = readFileSync(fraud.source, 'utf8').replace('missing: impute', 'missing: refuse');
    const refusing = { spec: parseDatasetSpec(yaml, 'fraud-strict.yaml'), sha256: '', source: 'fraud-strict.yaml' };
    const read = readBatches(batches, null, refusing, quarantine);
    expect(read.rows).toEqual([]);
    expect(read.quarantined[0]?.reason).toBe('batch-001.csv: line 2: column "transaction_amount": empty, and the dataset refuses missing values (missing: refuse)');
  });

  it('finds nothing yet in a directory not created', () => {
    expect(readBatches(join(root, 'not-yet'), null, fraud, quarantine)).toEqual({ rows: [], quarantined: [] });
  });
});

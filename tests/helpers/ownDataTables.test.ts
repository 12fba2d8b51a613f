import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWN_TABLE_NAMES, OWN_TABLE_TRAITS, writeOwnDataTable, type OwnTableFiles } from './ownDataTables.ts';

interface ParsedSpec {
  name: string;
  id?: string;
  time?: string;
  target: { column: string; positive: string | number; negative: string | number };
  features: Record<string, { type: string; min?: number; max?: number }>;
  missing: string;
}

type Row = Record<string, string>;

const root = mkdtempSync(join(tmpdir(), 'own-data-tables-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const readRows = (path: string): Row[] => parseCsv(readFileSync(path, 'utf8'), { columns: true }) as Row[];
const readHeader = (path: string): string[] => readFileSync(path, 'utf8').split('\n', 1)[0]!.split(',');

function present(rows: Row[], column: string): number[] {
  return rows.map((row) => row[column]!).filter((cell) => cell !== '').map(Number);
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function standardDeviation(values: number[]): number {
  const centre = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - centre) ** 2, 0) / values.length);
}

/** Total variation distance between two columns' category mixes. */
function mixDistance(left: Row[], right: Row[], column: string): number {
  const share = (rows: Row[]) => {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(row[column]!, (counts.get(row[column]!) ?? 0) + 1);
    return new Map([...counts].map(([value, count]) => [value, count / rows.length]));
  };
  const [a, b] = [share(left), share(right)];
  const values = new Set([...a.keys(), ...b.keys()]);
  return 0.5 * [...values].reduce((sum, value) => sum + Math.abs((a.get(value) ?? 0) - (b.get(value) ?? 0)), 0);
}

describe.each(OWN_TABLE_NAMES)('the own-data table "%s"', (name) => {
  const traits = OWN_TABLE_TRAITS[name];
  let drifted: OwnTableFiles;
  let undrifted: OwnTableFiles;
  let spec: ParsedSpec;
  let reference: Row[];
  let currentDrifted: Row[];
  let currentUndrifted: Row[];

  beforeAll(() => {
    drifted = writeOwnDataTable(join(root, name, 'covariate'), name);
    undrifted = writeOwnDataTable(join(root, name, 'none'), name, { drift: 'none' });
    spec = parseYaml(drifted.specText) as ParsedSpec;
    reference = readRows(drifted.reference);
    currentDrifted = readRows(drifted.current);
    currentUndrifted = readRows(undrifted.current);
  });

  it('writes byte-identical files for the same seed and different rows for another seed', () => {
    const small = { referenceRows: 300, currentRows: 200 };
    const first = writeOwnDataTable(join(root, name, 'seed7-a'), name, { ...small, seed: 7 });
    const again = writeOwnDataTable(join(root, name, 'seed7-b'), name, { ...small, seed: 7 });
    const other = writeOwnDataTable(join(root, name, 'seed8'), name, { ...small, seed: 8 });
    for (const file of ['spec', 'reference', 'current'] as const) {
      expect(readFileSync(again[file]).equals(readFileSync(first[file]))).toBe(true);
    }
    expect(readFileSync(other.spec).equals(readFileSync(first.spec))).toBe(true);
    expect(readFileSync(other.reference).equals(readFileSync(first.reference))).toBe(false);
    expect(readFileSync(other.current).equals(readFileSync(first.current))).toBe(false);
    const text = readFileSync(first.reference, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.includes('\r')).toBe(false);
    expect(text.trimEnd().split('\n')).toHaveLength(301);
  });

  it('has a spec whose features are exactly the CSV columns besides id, time and target', () => {
    expect(readFileSync(drifted.spec, 'utf8')).toBe(drifted.specText);
    expect(spec.name).toBe(name);
    expect(spec.target.column).toBe(drifted.targetColumn);
    expect(['impute', 'refuse']).toContain(spec.missing);
    for (const declared of Object.values(spec.features)) expect(['numerical', 'integer', 'categorical']).toContain(declared.type);
    for (const path of [drifted.reference, drifted.current]) {
      const header = readHeader(path);
      expect(new Set(header).size).toBe(header.length);
      const bookkeeping = [spec.id, spec.time, spec.target.column].filter((column) => column !== undefined);
      for (const column of bookkeeping) expect(header).toContain(column);
      const featureColumns = header.filter((column) => !bookkeeping.includes(column));
      expect(featureColumns).toEqual(Object.keys(spec.features));
      expect(featureColumns).toEqual(drifted.featureNames);
    }
  });

  it('holds only the two declared label values, at the tuned rate', () => {
    const labels = [String(spec.target.positive), String(spec.target.negative)];
    for (const rows of [reference, currentDrifted, currentUndrifted]) {
      expect(new Set(rows.map((row) => row[spec.target.column]))).toEqual(new Set(labels));
    }
    const positiveRate = reference.filter((row) => row[spec.target.column] === labels[0]).length / reference.length;
    expect(Math.abs(positiveRate - traits.referencePositiveRate)).toBeLessThan(0.04);
  });

  it('leaves empty cells at the declared rates and nowhere else', () => {
    for (const column of [spec.id, spec.time, spec.target.column, ...drifted.featureNames]) {
      if (column === undefined) continue;
      const emptyShare = reference.filter((row) => row[column] === '').length / reference.length;
      const declared = traits.missingRates[column] ?? 0;
      // total_charges is also empty for a customer with no bill yet (tenure 0): a little above its rate.
      expect(emptyShare, column).toBeGreaterThanOrEqual(declared === 0 ? 0 : declared - 0.012);
      expect(emptyShare, column).toBeLessThanOrEqual(declared === 0 ? 0 : declared + 0.015);
    }
  });

  it('keeps numbers inside their declared bounds and integers whole', () => {
    for (const [column, declared] of Object.entries(spec.features)) {
      if (declared.type === 'categorical') continue;
      const values = [...present(reference, column), ...present(currentDrifted, column)];
      expect(values.every(Number.isFinite), column).toBe(true);
      if (declared.type === 'integer') expect(values.every(Number.isInteger), column).toBe(true);
      if (declared.min !== undefined) expect(Math.min(...values), column).toBeGreaterThanOrEqual(declared.min);
      if (declared.max !== undefined) expect(Math.max(...values), column).toBeLessThanOrEqual(declared.max);
    }
  });

  it('covariate drift moves the shifted columns by half a standard deviation or more; no drift keeps them', () => {
    for (const column of traits.shiftedNumerical) {
      const referenceValues = present(reference, column);
      const spread = standardDeviation(referenceValues);
      const movedBy = (mean(present(currentDrifted, column)) - mean(referenceValues)) / spread;
      const keptWithin = (mean(present(currentUndrifted, column)) - mean(referenceValues)) / spread;
      expect(movedBy, column).toBeGreaterThan(0.45);
      expect(movedBy, column).toBeLessThan(1.3);
      expect(Math.abs(keptWithin), column).toBeLessThan(0.1);
    }
    expect(mixDistance(reference, currentDrifted, traits.shiftedCategorical)).toBeGreaterThan(0.1);
    expect(mixDistance(reference, currentUndrifted, traits.shiftedCategorical)).toBeLessThan(0.05);
  });
});

describe('the credit table\'s application times', () => {
  it('are whole-second UTC timestamps, in order, over 20 days for the reference and the next 10 for current', () => {
    const files = writeOwnDataTable(join(root, 'credit-times'), 'credit', { referenceRows: 500, currentRows: 300 });
    const times = (path: string) => readRows(path).map((row) => row.applied_at!);
    const [referenceTimes, currentTimes] = [times(files.reference), times(files.current)];
    for (const stamp of [...referenceTimes, ...currentTimes]) expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    for (const stamps of [referenceTimes, currentTimes]) expect([...stamps].sort()).toEqual(stamps);
    expect(referenceTimes[0]! >= '2026-03-01T00:00:00Z' && referenceTimes.at(-1)! < '2026-03-21T00:00:00Z').toBe(true);
    expect(currentTimes[0]! >= '2026-03-21T00:00:00Z' && currentTimes.at(-1)! < '2026-03-31T00:00:00Z').toBe(true);
    expect(new Set(referenceTimes.map((stamp) => stamp.slice(11, 13))).size).toBeGreaterThan(16);
  });
});

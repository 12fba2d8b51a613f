import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { readCsvTable } from '../../services/core/src/infrastructure/csv/csvFile.ts';
import type { CsvTable } from '../../services/core/src/infrastructure/csv/csvTable.ts';
import { FRAUD_COLUMNS } from './transactionColumns.ts';
import { sha256OfFileSync } from '../../services/core/src/infrastructure/fileHash.ts';
import { makeTempDir } from '../../tests/helpers/runScript.ts';
import { datasetMetaPath } from '../../services/core/src/domain/datasetFiles.ts';
import { generateDataset } from './generateDataset.ts';
import { listScenarios, loadScenarioFile, scenarioPath } from './scenarioConfig.ts';

const temp = makeTempDir('scenarios');
const tables = new Map<string, CsvTable>();

async function generate(name: string, overrides: { seed?: number; rows?: number } = {}): Promise<CsvTable> {
  const config = loadScenarioFile(scenarioPath(name));
  const outPath = join(temp.path, `${name}-${overrides.seed ?? config.seed}.csv`);
  await generateDataset(config, { rows: overrides.rows ?? config.rows, seed: overrides.seed ?? config.seed, outPath });
  return readCsvTable(outPath);
}

function numbers(table: CsvTable, column: string): Float64Array {
  return table.numerical(column).values;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) sum += values[index] as number;
  return sum / values.length;
}

/** Difference of means in standard errors: |z| < 3.5 is "within sampling noise". */
function meanDifferenceZ(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const variance = (values: ArrayLike<number>, centre: number): number => {
    let sum = 0;
    for (let index = 0; index < values.length; index += 1) sum += ((values[index] as number) - centre) ** 2;
    return sum / (values.length - 1);
  };
  const meanA = mean(a);
  const meanB = mean(b);
  return (meanA - meanB) / Math.sqrt(variance(a, meanA) / a.length + variance(b, meanB) / b.length);
}

function meanWhere(values: ArrayLike<number>, keep: (row: number) => boolean): number {
  let sum = 0;
  let count = 0;
  for (let row = 0; row < values.length; row += 1) if (keep(row)) { sum += values[row] as number; count += 1; }
  return sum / count;
}

/** Rank-based ROC AUC of a score against 0/1 labels (ties averaged). */
function rocAuc(scores: number[], labels: ArrayLike<number>): number {
  const order = scores.map((score, index) => ({ score, index })).sort((a, b) => a.score - b.score);
  const ranks = new Array<number>(scores.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.score === order[start]!.score) end += 1;
    for (let k = start; k <= end; k += 1) ranks[order[k]!.index] = (start + end) / 2 + 1;
    start = end + 1;
  }
  let positives = 0;
  let rankSum = 0;
  for (let index = 0; index < scores.length; index += 1) if (labels[index] === 1) { positives += 1; rankSum += ranks[index]!; }
  const negatives = scores.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** The base scenario's true (noise-free) fraud logit: what any good model approximates. */
function baseRuleScore(table: CsvTable): number[] {
  const amount = numbers(table, 'transaction_amount');
  const hour = numbers(table, 'transaction_hour');
  const international = numbers(table, 'is_international');
  const risk = numbers(table, 'merchant_risk_score');
  const distance = numbers(table, 'geo_distance_km');
  const { weights } = loadScenarioFile(scenarioPath('base')).label;
  return Array.from(amount, (value, row) => weights.log_amount * Math.log(value) + weights.night * (hour[row]! <= 5 ? 1 : 0)
    + weights.international * international[row]! + weights.merchant_risk * risk[row]! + weights.log_distance * Math.log1p(distance[row]!));
}

beforeAll(async () => {
  for (const name of ['base', 'nodrift', 'drift_feature', 'drift_concept', 'shock_black_friday']) tables.set(name, await generate(name));
});
afterAll(() => temp.cleanup());

describe('scenario files', () => {
  it('every shipped scenario validates', () => {
    for (const name of listScenarios()) expect(loadScenarioFile(scenarioPath(name)).name).toBe(name);
  });
});

describe('generated datasets', () => {
  it('have the contract columns in order and the scenario row counts', () => {
    const base = tables.get('base')!;
    expect(base.header).toEqual([...FRAUD_COLUMNS]);
    expect(base.rowCount).toBe(5000);
    expect(tables.get('shock_black_friday')!.rowCount).toBe(7000);
  });

  it('keep every value in its documented range', () => {
    const base = tables.get('base')!;
    const hours = numbers(base, 'transaction_hour');
    expect(Math.min(...hours)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...hours)).toBeLessThanOrEqual(23);
    const risk = numbers(base, 'merchant_risk_score');
    expect(Math.min(...risk)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...risk)).toBeLessThanOrEqual(1);
    expect(new Set(numbers(base, 'is_international'))).toEqual(new Set([0, 1]));
    expect(base.categorical('channel').categories.sort()).toEqual(['atm', 'mobile', 'online', 'pos']);
    const categories = base.categorical('merchant_category').categories;
    expect(categories.length).toBeGreaterThanOrEqual(7);
    expect(categories.length).toBeLessThanOrEqual(9);
    const times = base.categorical('event_time').categories;
    expect(times.every((time) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(time))).toBe(true);
    const ids = base.categorical('transaction_id');
    expect(ids.categories.length).toBe(5000);
    expect(ids.categories.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
  });

  it('write event_time whose hour is transaction_hour', () => {
    const base = tables.get('base')!;
    const hours = numbers(base, 'transaction_hour');
    const times = base.categorical('event_time');
    for (let row = 0; row < base.rowCount; row += 50) {
      expect(Number(times.categories[times.codes[row]!]!.slice(11, 13))).toBe(hours[row]);
    }
  });

  it('base: fraud rate between 2% and 8%, and the label is learnable (rule AUC >= 0.88)', () => {
    const base = tables.get('base')!;
    const fraudRate = mean(numbers(base, 'is_fraud'));
    expect(fraudRate).toBeGreaterThanOrEqual(0.02);
    expect(fraudRate).toBeLessThanOrEqual(0.08);
    expect(rocAuc(baseRuleScore(base), numbers(base, 'is_fraud'))).toBeGreaterThanOrEqual(0.88);
  });

  it('nodrift: the same distribution as base with another seed', () => {
    const base = tables.get('base')!;
    const nodrift = tables.get('nodrift')!;
    expect(nodrift.categorical('transaction_id').categories[0]).not.toBe(base.categorical('transaction_id').categories[0]);
    for (const column of ['transaction_amount', 'geo_distance_km', 'customer_age', 'account_tenure_days', 'merchant_risk_score', 'is_international', 'transaction_hour', 'is_fraud']) {
      expect(Math.abs(meanDifferenceZ(numbers(nodrift, column), numbers(base, column))), column).toBeLessThan(3.5);
    }
  });

  it('drift_feature: amounts x1.6, distances x1.8, merchant risk +0.10', () => {
    const base = tables.get('base')!;
    const drifted = tables.get('drift_feature')!;
    expect(mean(numbers(drifted, 'transaction_amount')) / mean(numbers(base, 'transaction_amount'))).toBeGreaterThan(1.45);
    expect(mean(numbers(drifted, 'transaction_amount')) / mean(numbers(base, 'transaction_amount'))).toBeLessThan(1.75);
    expect(mean(numbers(drifted, 'geo_distance_km')) / mean(numbers(base, 'geo_distance_km'))).toBeGreaterThan(1.6);
    expect(mean(numbers(drifted, 'geo_distance_km')) / mean(numbers(base, 'geo_distance_km'))).toBeLessThan(2.0);
    expect(mean(numbers(drifted, 'merchant_risk_score')) - mean(numbers(base, 'merchant_risk_score'))).toBeCloseTo(0.1, 1);
    expect(Math.abs(meanDifferenceZ(numbers(drifted, 'customer_age'), numbers(base, 'customer_age')))).toBeLessThan(3.5);
  });

  it('drift_concept: marginals as base, but the base rule loses ranking power', () => {
    const base = tables.get('base')!;
    const concept = tables.get('drift_concept')!;
    for (const column of ['transaction_amount', 'geo_distance_km', 'customer_age', 'merchant_risk_score', 'is_international', 'transaction_hour']) {
      expect(Math.abs(meanDifferenceZ(numbers(concept, column), numbers(base, column))), column).toBeLessThan(3.5);
    }
    const baseAuc = rocAuc(baseRuleScore(base), numbers(base, 'is_fraud'));
    const conceptAuc = rocAuc(baseRuleScore(concept), numbers(concept, 'is_fraud'));
    expect(baseAuc - conceptAuc).toBeGreaterThanOrEqual(0.05);
  });

  it('shock_black_friday: one day, an evening spike with larger amounts, more international and more fraud', () => {
    const base = tables.get('base')!;
    const shock = tables.get('shock_black_friday')!;
    const days = new Set(shock.categorical('event_time').categories.map((time) => time.slice(0, 10)));
    expect([...days]).toEqual(['2026-11-27']);
    const hours = numbers(shock, 'transaction_hour');
    const inSpike = (row: number): boolean => hours[row]! >= 20;
    const baseHours = numbers(base, 'transaction_hour');
    expect(mean(Array.from(hours, (hour) => (hour >= 20 ? 1 : 0)))).toBeGreaterThan(2 * mean(Array.from(baseHours, (hour) => (hour >= 20 ? 1 : 0))));
    const spikeAmount = meanWhere(numbers(shock, 'transaction_amount'), inSpike);
    const baseSpikeAmount = meanWhere(numbers(base, 'transaction_amount'), (row) => baseHours[row]! >= 20);
    expect(spikeAmount / baseSpikeAmount).toBeGreaterThan(1.9);
    expect(spikeAmount / baseSpikeAmount).toBeLessThan(2.5);
    expect(meanWhere(numbers(shock, 'is_international'), inSpike)).toBeCloseTo(0.28, 1);
    expect(meanWhere(numbers(shock, 'is_fraud'), inSpike)).toBeGreaterThan(1.35 * meanWhere(numbers(base, 'is_fraud'), (row) => baseHours[row]! >= 20));
  });

  it('meta.json records the scenario, seed, rows, fraud rate and the CSV hash', async () => {
    const outPath = join(temp.path, 'meta-check.csv');
    const config = loadScenarioFile(scenarioPath('base'));
    await generateDataset(config, { rows: 300, seed: 5, outPath });
    const meta = JSON.parse(readFileSync(datasetMetaPath(outPath), 'utf8'));
    expect(meta).toMatchObject({ scenario: 'base', seed: 5, rows: 300 });
    expect(meta.sha256).toBe(sha256OfFileSync(outPath));
    expect(meta.config_sha256).toMatch(/^[0-9a-f]{64}$/);
    const fraud = readCsvTable(outPath).numerical('is_fraud').values;
    expect(meta.fraud_rate).toBeCloseTo(mean(fraud), 10);
  });
});

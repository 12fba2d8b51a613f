import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import { parseCsvText, type CsvTable } from '../../core/src/infrastructure/csv/csvTable.ts';
import { generateDataset } from '../../../generator/src/generateDataset.ts';
import { loadScenarioFile, scenarioPath } from '../../../generator/src/scenarioConfig.ts';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import { scoreTable } from './batchScoring.ts';
import { rocAuc } from './metrics.ts';
import { createPredictor, loadRegisteredArtifact, type ModelArtifact } from './modelArtifact.ts';

const serializeArtifact = (artifact: ModelArtifact): string => JSON.stringify(artifact);
import { fitPreprocessing, recordRowSource, tableRowSource, transformRows } from './preprocessing.ts';
import { DEFAULT_TRAINING, trainModels } from './trainModels.ts';
import { loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';

const FRAUD = loadDatasetSpec('fraud');

const temp = makeTempDir('training');
let base: CsvTable;
let concept: CsvTable;

async function scenarioTable(name: string, rows?: number): Promise<CsvTable> {
  const config = loadScenarioFile(scenarioPath(name));
  const path = join(temp.path, `${name}.csv`);
  await generateDataset(config, { rows: rows ?? config.rows, seed: config.seed, outPath: path });
  return readCsvTable(path);
}

beforeAll(async () => {
  base = await scenarioTable('base');
  concept = await scenarioTable('drift_concept');
});
afterAll(() => temp.cleanup());

describe('preprocessing', () => {
  const table = parseCsvText('amount,channel\n1,online\n3,pos\n5,online\n', 'tiny.csv');
  const preprocessing = fitPreprocessing(table, [0, 1, 2], ['amount'], ['channel']);

  it('standardises numbers with the training mean and std and one-hot encodes categories', () => {
    expect(preprocessing.feature_names).toEqual(['amount', 'channel=online', 'channel=pos']);
    const { matrix } = transformRows(preprocessing, recordRowSource([{ amount: 3, channel: 'pos' }]));
    expect(matrix).toEqual([[0, 0, 1]]);
  });

  it('encodes an unseen category as all zeros and counts it', () => {
    const result = transformRows(preprocessing, recordRowSource([{ amount: 5, channel: 'atm' }, { amount: 1, channel: 'online' }]));
    expect(result.matrix[0]?.slice(1)).toEqual([0, 0]);
    expect(result.unseen_categories).toEqual({ channel: 1 });
  });

  it('fits a column of 300,000 rows (no spread of the values as call arguments)', () => {
    const rows = 300_000;
    const big = parseCsvText(`amount\n${Array.from({ length: rows }, (_, row) => (row % 100 === 0 ? 5000 + (row % 13) : row % 13)).join('\n')}\n`, 'big.csv');
    const fitted = fitPreprocessing(big, Array.from({ length: rows }, (_, row) => row), ['amount'], []);
    expect(fitted.numerical[0]?.transform).toBe('log1p'); // non-negative, skewed, many distinct values
  });

  it('imputes a missing value with the training rows\' median or most frequent category, frozen, and counts it', () => {
    const gappy = parseCsvText('amount,channel\n1,online\n,pos\n2,online\n9,\n', 'gappy.csv');
    const fitted = fitPreprocessing(gappy, [0, 1, 2, 3], ['amount'], ['channel']);
    expect(fitted.numerical[0]?.impute).toBe(2);
    expect(fitted.categorical[0]?.impute).toBe('online');
    const imputed = transformRows(fitted, recordRowSource([{ amount: null, channel: null }, { amount: 2, channel: 'online' }]));
    expect(imputed.matrix[0]).toEqual(imputed.matrix[1]);
    expect(imputed.missing_values).toEqual({ amount: 1, channel: 1 });
    expect(imputed.unseen_categories).toEqual({ channel: 0 });
  });

  it('with missing: refuse, an empty value is an error naming where it is', () => {
    const gappy = parseCsvText('amount,channel\n1,online\n,pos\n', 'gappy.csv');
    const strict = fitPreprocessing(gappy, [0], ['amount'], ['channel'], 'refuse');
    expect(() => transformRows(strict, tableRowSource(gappy, strict))).toThrow('gappy.csv: row 3: feature "amount" is empty and the dataset\'s missing: refuse allows no missing values');
  });

  it('learns category codes as the CSV spells them ("01234"), as every stage reads a categorical feature', () => {
    const codes = parseCsvText('zip,x\n01234,1\n02139,2\n01234,3\n10001,4\n', 'codes.csv', { textColumns: ['zip'] });
    const frozen = fitPreprocessing(codes, [0, 1, 2, 3], ['x'], ['zip']);
    expect(frozen.categorical[0]?.categories).toEqual(['01234', '02139', '10001']);
    expect(transformRows(frozen, recordRowSource([{ zip: '01234', x: 1 }])).unseen_categories).toEqual({ zip: 0 });
  });

  it('keeps a one-hot column for the 100 most frequent categories; the rarer ones share one, and an unseen one is still unseen', () => {
    // Category c0 appears 300 times, c1..c299 once each (the kept 99 of them by name).
    const lines = ['zip,x', ...Array.from({ length: 300 }, (_, row) => `c0,${row}`), ...Array.from({ length: 299 }, (_, index) => `c${index + 1},${index}`)];
    const wide = parseCsvText(`${lines.join('\n')}\n`, 'wide.csv', { textColumns: ['zip'] });
    const frozen = fitPreprocessing(wide, Array.from({ length: wide.rowCount }, (_, row) => row), ['x'], ['zip']);
    const zip = frozen.categorical[0];
    expect(zip?.categories).toHaveLength(100);
    expect(zip?.categories).toContain('c0');
    expect(zip?.infrequent).toHaveLength(200);
    expect(frozen.feature_names).toHaveLength(1 + 100 + 1);
    expect(frozen.feature_names.at(-1)).toBe('zip=(infrequent)');
    const rare = zip?.infrequent?.[0] as string;
    const { matrix, unseen_categories: unseen } = transformRows(frozen, recordRowSource([{ zip: rare, x: 1 }, { zip: 'never-seen', x: 1 }]));
    expect(matrix[0]?.at(-1)).toBe(1);
    expect(matrix[1]?.slice(1).every((value) => value === 0)).toBe(true);
    expect(unseen).toEqual({ zip: 1 });
  });

  it('fits on the training rows only', () => {
    const trainOnly = fitPreprocessing(table, [0, 1], ['amount'], ['channel']);
    expect(trainOnly.numerical[0]?.mean).toBe(2);
  });
});

describe('training on the base scenario', () => {
  let result: ReturnType<typeof trainModels>;
  beforeAll(() => {
    result = trainModels(base, { ...DEFAULT_TRAINING, dataset: FRAUD, seed: 42 });
  });

  it('selects a model with validation ROC AUC >= 0.85 and average precision >= 0.30', () => {
    const selected = result.candidates.find((candidate) => candidate.model_type === result.selected);
    expect(selected?.validation.roc_auc).toBeGreaterThanOrEqual(0.85);
    expect(selected?.validation.average_precision).toBeGreaterThanOrEqual(0.3);
  });

  it('records both candidates and selects by the metric', () => {
    expect(result.candidates.map((candidate) => candidate.model_type)).toEqual(['lr', 'rf']);
    const best = Math.max(...result.candidates.map((candidate) => candidate.validation.roc_auc ?? 0));
    expect(result.candidates.find((candidate) => candidate.model_type === result.selected)?.validation.roc_auc).toBe(best);
  });

  it('the random forest learns (its trees split: AUC well above 0.5)', () => {
    expect(result.candidates.find((candidate) => candidate.model_type === 'rf')?.validation.roc_auc).toBeGreaterThan(0.75);
  });

  it('a reloaded artifact gives identical probabilities, for both model kinds', () => {
    for (const model of ['lr', 'rf'] as const) {
      const { artifact } = model === result.selected ? result : trainModels(base, { ...DEFAULT_TRAINING, dataset: FRAUD, model, seed: 42 });
      const reloaded = JSON.parse(serializeArtifact(artifact)) as ModelArtifact;
      expect(scoreTable(reloaded, base).probabilities).toEqual(scoreTable(artifact, base).probabilities);
    }
  });

  it('the base model loses at least 0.05 AUC on concept drift', () => {
    const baseAuc = rocAuc(base.numerical('is_fraud').values, scoreTable(result.artifact, base).probabilities);
    const conceptAuc = rocAuc(concept.numerical('is_fraud').values, scoreTable(result.artifact, concept).probabilities);
    expect(baseAuc - conceptAuc).toBeGreaterThanOrEqual(0.05);
  });
});

describe('training is deterministic', () => {
  it('the same data and seed give byte-identical artifacts (lr and rf); another seed another split', async () => {
    const small = await scenarioTable('nodrift', 1200);
    for (const model of ['lr', 'rf'] as const) {
      const first = serializeArtifact(trainModels(small, { ...DEFAULT_TRAINING, dataset: FRAUD, model, seed: 5 }).artifact);
      const second = serializeArtifact(trainModels(small, { ...DEFAULT_TRAINING, dataset: FRAUD, model, seed: 5 }).artifact);
      expect(first).toBe(second);
    }
    const other = serializeArtifact(trainModels(small, { ...DEFAULT_TRAINING, dataset: FRAUD, model: 'lr', seed: 6 }).artifact);
    expect(other).not.toBe(serializeArtifact(trainModels(small, { ...DEFAULT_TRAINING, dataset: FRAUD, model: 'lr', seed: 5 }).artifact));
  });
});

describe('training refuses data it cannot learn from', () => {
  const header = 'transaction_amount,transaction_hour,customer_age,account_tenure_days,merchant_risk_score,geo_distance_km,is_international,merchant_category,channel,is_fraud';
  const row = (label: string): string => `10,3,40,100,0.2,5,0,grocery,pos,${label}`;
  const table = (labels: string[]): CsvTable => parseCsvText([header, ...labels.map(row)].join('\n'), 'train.csv');
  const options = { ...DEFAULT_TRAINING, dataset: FRAUD, seed: 1, minRows: 4 };

  it('a missing column', () => {
    expect(() => trainModels(parseCsvText('transaction_amount,is_fraud\n1,0\n', 'train.csv'), options)).toThrow('train.csv: missing column "transaction_hour"');
  });
  it('a label that is not 0/1', () => {
    expect(() => trainModels(table(['0', '1', '2', '0']), options)).toThrow('train.csv: row 4: column "is_fraud" must be 1 (positive) or 0 (negative), found 2');
  });
  it('a text label', () => {
    expect(() => trainModels(table(['0', 'yes', '1', '0']), options)).toThrow('train.csv: row 3: column "is_fraud" must be 1 (positive) or 0 (negative), found "yes"');
  });
  it('one class only', () => {
    expect(() => trainModels(table(['0', '0', '0', '0']), options)).toThrow('column "is_fraud" has one class only (all 0)');
  });
  it('a fraction in an integer feature, or a value outside its declared range', () => {
    expect(() => trainModels(parseCsvText([header, row('0'), row('1').replace(',3,40,', ',3.5,40,'), row('0'), row('1')].join('\n'), 'train.csv'), options))
      .toThrow('train.csv: row 3: column "transaction_hour" must be a whole number (integer feature), found 3.5');
    expect(() => trainModels(parseCsvText([header, row('0'), row('1').replace(',0.2,', ',1.5,'), row('0'), row('1')].join('\n'), 'train.csv'), options))
      .toThrow('train.csv: row 3: column "merchant_risk_score" must be <= 1 (max), found 1.5');
  });
  it('fewer rows than the minimum', () => {
    expect(() => trainModels(table(['0', '1']), options)).toThrow('2 rows, fewer than the minimum of 4');
  });
});

describe('artifacts written before dataset specs (format 1)', () => {
  const legacy = {
    format_version: 1, model_type: 'lr', label_column: 'is_fraud', decision_threshold: 0.5,
    preprocessing: { numerical: [{ name: 'transaction_amount', transform: 'identity', mean: 10, std: 2 }], categorical: [{ name: 'channel', categories: ['online', 'pos'] }], feature_names: ['transaction_amount', 'channel=online', 'channel=pos'] },
    model: { kind: 'lr', params: { num_steps: 600, step_size: 4 }, weights: [0, 1, 0.5, -0.5] },
  };

  it('are read with the fraud spec, and score a missing value as they did (the mean; a missing category all-zero)', () => {
    const artifact = loadRegisteredArtifact({ loadArtifact: () => legacy }, 3);
    expect(artifact.dataset.name).toBe('fraud');
    const { probabilities, missing_values: missing } = createPredictor(artifact).score(recordRowSource([{ transaction_amount: null, channel: null }, { transaction_amount: 10 }]));
    expect(probabilities).toEqual([0.5, 0.5]);
    expect(missing).toEqual({ transaction_amount: 1, channel: 2 });
  });

  it('a format this code does not know is refused', () => {
    expect(() => loadRegisteredArtifact({ loadArtifact: () => ({ ...legacy, format_version: 9 }) }, 3)).toThrow('v3: the artifact is not a DriftWatch model of format 1, 2, 3; it cannot be loaded');
  });
});

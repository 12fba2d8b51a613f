import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDataset } from '../../../generator/src/generateDataset.ts';
import { loadScenarioFile, scenarioPath } from '../../../generator/src/scenarioConfig.ts';
import { makeTempDir, REPO_ROOT } from '../../../tests/helpers/runScript.ts';
import { readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import { parseCsvText, type CsvTable } from '../../core/src/infrastructure/csv/csvTable.ts';
import { loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';

const FRAUD_SPEC = loadDatasetSpec('fraud').spec;
const NON_FEATURE_COLUMNS = [FRAUD_SPEC.id, FRAUD_SPEC.time, FRAUD_SPEC.target.column] as string[];
import { inferredTypeIn, selectColumns } from './columnSelection.ts';
import { severityFromShare, type DriftSettings } from './datasetDrift.ts';
import { analyseTables, type MonitoringSummary } from './monitoringSummary.ts';
import { calibration, performanceSummary } from './performance.ts';
import { volumeSummary } from './volume.ts';

const EVIDENTLY: DriftSettings = { driftShare: 0.5, severityThresholds: { high: 0.5, medium: 0.2 }, columns: {} };
const temp = makeTempDir('monitoring');
afterAll(() => temp.cleanup());

async function scenarioCsv(side: { scenario: string; seed: number; rows: number }): Promise<string> {
  const path = join(temp.path, `${side.scenario}-${side.seed}-${side.rows}.csv`);
  await generateDataset(loadScenarioFile(scenarioPath(side.scenario)), { rows: side.rows, seed: side.seed, outPath: path });
  return path;
}

function analyse(reference: CsvTable, current: CsvTable, options: { minSamples?: number; drift?: DriftSettings } = {}): MonitoringSummary {
  const columns = selectColumns({
    referenceHeader: reference.header,
    currentHeader: current.header,
    referenceSource: reference.source,
    currentSource: current.source,
    inferredType: inferredTypeIn(reference, current),
    numerical: [],
    categorical: [],
    exclude: [],
    defaultExcluded: reference.hasColumn('is_fraud') ? NON_FEATURE_COLUMNS : [],
    policyColumns: {},
  });
  return analyseTables({
    reference,
    current,
    referenceIdentity: { path: reference.source, rows: reference.rowCount, sha256: '0'.repeat(64) },
    currentIdentity: { path: current.source, rows: current.rowCount, sha256: '0'.repeat(64) },
    columns,
    drift: options.drift ?? EVIDENTLY,
    minSamples: options.minSamples ?? 200,
    runId: 'test',
    now: new Date('2026-11-23T00:00:00Z'),
    policy: null,
  });
}

describe('same data, same verdict as Evidently (numbers from SciPy)', () => {
  const fixtures = JSON.parse(readFileSync(join(REPO_ROOT, 'tests/fixtures/dataset_drift_fixtures.json'), 'utf8'));
  type Side = { scenario: string; seed: number; rows: number };
  type Expected = { stattest_name: string; stattest_threshold: number; drift_score: number; drift_detected: boolean; column_type: string };
  for (const testCase of fixtures.cases as { name: string; reference: Side; current: Side; columns: Record<string, Expected>; share_of_drifted_columns: number; dataset_drift: boolean }[]) {
    it(testCase.name, async () => {
      const summary = analyse(readCsvTable(await scenarioCsv(testCase.reference)), readCsvTable(await scenarioCsv(testCase.current)));
      expect(Object.keys(summary.drift_by_columns).sort()).toEqual(Object.keys(testCase.columns).sort());
      for (const [column, expected] of Object.entries(testCase.columns)) {
        const actual = summary.drift_by_columns[column]!;
        expect(actual.column_type, column).toBe(expected.column_type);
        expect(actual.stattest_name, column).toBe(expected.stattest_name);
        expect(actual.stattest_threshold, column).toBe(expected.stattest_threshold);
        expect(actual.drift_detected, column).toBe(expected.drift_detected);
        expect(Math.abs(actual.drift_score - expected.drift_score), column).toBeLessThanOrEqual(Math.max(1e-12, 1e-9 * Math.abs(expected.drift_score)));
      }
      expect(summary.share_of_drifted_columns).toBeCloseTo(testCase.share_of_drifted_columns, 12);
      expect(summary.dataset_drift).toBe(testCase.dataset_drift);
    });
  }
});

describe('dataset verdict', () => {
  it('severity follows the share of drifted columns: >= 0.5 high, >= 0.2 medium, > 0 low', () => {
    const thresholds = { high: 0.5, medium: 0.2 };
    expect(severityFromShare(0, thresholds)).toBe('none');
    expect(severityFromShare(0.1, thresholds)).toBe('low');
    expect(severityFromShare(0.2, thresholds)).toBe('medium');
    expect(severityFromShare(0.5, thresholds)).toBe('high');
  });

  it('fewer current rows than min_samples gives insufficient_data and no verdict', async () => {
    const summary = analyse(readCsvTable(await scenarioCsv({ scenario: 'base', seed: 1, rows: 300 })), readCsvTable(await scenarioCsv({ scenario: 'drift_feature', seed: 2, rows: 150 })));
    expect(summary.status).toBe('insufficient_data');
    expect(summary.dataset_drift).toBeNull();
    expect(summary.drift_by_columns).toEqual({});
  });

  it('a per-column policy rule changes that column\'s test and threshold', async () => {
    const reference = readCsvTable(await scenarioCsv({ scenario: 'base', seed: 1, rows: 300 }));
    const current = readCsvTable(await scenarioCsv({ scenario: 'drift_feature', seed: 2, rows: 300 }));
    const summary = analyse(reference, current, { drift: { ...EVIDENTLY, columns: { customer_age: { stattest: 'psi', threshold: 0.5 } } } });
    expect(summary.drift_by_columns.customer_age).toMatchObject({ stattest_name: 'psi', stattest_threshold: 0.5, stattest_chosen_by: 'column_rule' });
    expect(summary.drift_by_columns.transaction_amount).toMatchObject({ stattest_chosen_by: 'default' });
  });

  it('refuses a column that is empty on one side', () => {
    const reference = parseCsvText('a,b\n1,x\n2,y\n', 'ref.csv');
    const current = parseCsvText('a,b\n,x\n,y\n', 'cur.csv');
    expect(() => analyse(reference, current, { minSamples: 1 })).toThrow('cur.csv: column "a" has no values (all empty)');
  });
});

describe('column selection', () => {
  const base = {
    referenceSource: 'ref.csv', currentSource: 'cur.csv', inferredType: () => 'numerical' as const,
    numerical: [], categorical: [], exclude: [], defaultExcluded: [], policyColumns: {},
  };
  it('takes every column of a foreign CSV as a feature', () => {
    expect(selectColumns({ ...base, referenceHeader: ['x', 'y'], currentHeader: ['x', 'y', 'z'] })).toEqual({ features: [{ name: 'x', type: 'numerical' }, { name: 'y', type: 'numerical' }], excluded: [], extraInCurrent: ['z'] });
  });
  it('refuses a reference column missing from current', () => {
    expect(() => selectColumns({ ...base, referenceHeader: ['x', 'y'], currentHeader: ['x'] })).toThrow('cur.csv: missing column "y" (present in ref.csv)');
  });
  it('refuses a flag naming an unknown column', () => {
    expect(() => selectColumns({ ...base, referenceHeader: ['x'], currentHeader: ['x'], exclude: ['nope'] })).toThrow('ref.csv: no column "nope"');
  });
  it('lets a flag force a numeric-looking column categorical', () => {
    expect(selectColumns({ ...base, referenceHeader: ['zip'], currentHeader: ['zip'], categorical: ['zip'] }).features).toEqual([{ name: 'zip', type: 'categorical' }]);
  });
});

describe('volume and performance', () => {
  it('flags a one-day evening surge: rows per day and hour profile', () => {
    const referenceHours = Float64Array.from({ length: 2400 }, (_, index) => index % 24);
    const currentHours = Float64Array.from({ length: 1000 }, (_, index) => (index % 2 === 0 ? 20 + (index % 4) : index % 24));
    const volume = volumeSummary({ referenceRows: 2400, currentRows: 1000, referenceDays: 24, currentDays: 1, referenceHours, currentHours });
    expect(volume.rows_per_day_ratio).toBe(10);
    expect(volume.surge_hours).toEqual([20, 22]);
    expect(volume.hour_profile_distance).toBeGreaterThan(0.2);
  });

  it('reports the AUC drop between reference and current labels', () => {
    const summary = performanceSummary({ source: 'test', threshold: 0.5, referenceLabels: [0, 0, 1, 1], referenceScores: [0.1, 0.2, 0.8, 0.9], currentLabels: [0, 0, 1, 1], currentScores: [0.1, 0.8, 0.2, 0.9] });
    expect(summary.reference.roc_auc).toBe(1);
    expect(summary.current.roc_auc).toBe(0.75);
    expect(summary.delta.roc_auc).toBe(-0.25);
  });

  it('calibration compares mean predicted with the observed rate', () => {
    const result = calibration([0, 1], [0.2, 0.6]);
    expect(result.mean_predicted).toBeCloseTo(0.4, 12);
    expect(result.observed_rate).toBe(0.5);
    expect(result.expected_calibration_error).toBeCloseTo(0.3, 12); // |0.2 - 0| / 2 + |0.6 - 1| / 2
  });
});


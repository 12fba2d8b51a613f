import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDataset } from '../../../generator/src/generateDataset.ts';
import { loadScenarioFile, scenarioPath } from '../../../generator/src/scenarioConfig.ts';
import { makeTempDir, REPO_ROOT } from '../../../tests/helpers/runScript.ts';
import { loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';

const FRAUD_SPEC = loadDatasetSpec('fraud').spec;
const NON_FEATURE_COLUMNS = [FRAUD_SPEC.id, FRAUD_SPEC.time, FRAUD_SPEC.target.column] as string[];
import { parsePolicy, type PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import type { ColumnPair } from '../../core/src/domain/stattests/columnPair.ts';
import { readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import { columnHistogram } from './chartBinning.ts';
import { inferredTypeIn, selectColumns } from './columnSelection.ts';
import { driftSettings } from './datasetDrift.ts';
import { testChoiceReason } from './driftSections.ts';
import { renderDriftReport } from './htmlReport.ts';
import { analyseTables, featurePairs, type MonitoringSummary } from './monitoringSummary.ts';
import { performanceSummary } from './performance.ts';

const temp = makeTempDir('html-report');
afterAll(() => temp.cleanup());
const policy: PromotionPolicy = parsePolicy(readFileSync(join(REPO_ROOT, 'policies/promotion.yaml'), 'utf8'), 'promotion.yaml');
let html = '';
let summary: MonitoringSummary;

beforeAll(async () => {
  const csv = async (scenario: string, seed: number) => {
    const path = join(temp.path, `${scenario}.csv`);
    await generateDataset(loadScenarioFile(scenarioPath(scenario)), { rows: 3000, seed, outPath: path });
    return readCsvTable(path);
  };
  const reference = await csv('base', 1);
  const current = await csv('drift_feature', 2);
  const columns = selectColumns({
    referenceHeader: reference.header, currentHeader: current.header, referenceSource: 'ref.csv', currentSource: 'cur.csv',
    inferredType: inferredTypeIn(reference, current), numerical: [], categorical: [], exclude: [], defaultExcluded: NON_FEATURE_COLUMNS, policyColumns: {},
  });
  const pairs = featurePairs(columns, reference, current);
  const analysed = analyseTables({
    reference, current, columns, pairs, runId: 'run-1', now: new Date('2026-11-23T00:00:00Z'), policy: { path: 'promotion.yaml', sha256: 'a'.repeat(64) },
    referenceIdentity: { path: 'ref.csv', rows: reference.rowCount, sha256: '0'.repeat(64) },
    currentIdentity: { path: 'cur.csv', rows: current.rowCount, sha256: '1'.repeat(64) },
    drift: driftSettings(policy.drift_policy), minSamples: 200, timeColumn: FRAUD_SPEC.time,
  });
  const performance = performanceSummary({ source: 'model v1', threshold: 0.5, referenceLabels: [0, 0, 1, 1], referenceScores: [0.1, 0.2, 0.8, 0.9], currentLabels: [0, 0, 1, 1], currentScores: [0.1, 0.8, 0.2, 0.9] });
  summary = { ...analysed, performance };
  html = renderDriftReport({ summary, summarySha256: 'b'.repeat(64), histograms: columns.features.map((feature) => columnHistogram(feature.name, pairs.get(feature.name) as ColumnPair)), policy });
});

describe('the drift report shows the decision\'s inputs beside their limits', () => {
  it('columns drifted without dataset drift: amber, the severity, and no all-clear', () => {
    expect(summary.dataset_drift).toBe(false);
    expect(summary.number_of_drifted_columns).toBeGreaterThan(0);
    expect(html).toContain('<section class="verdict warn">');
    expect(html).toMatch(/share 0\.\d{3} &lt; drift_share 0\.5/);
    expect(html).toMatch(/Severity <strong>medium<\/strong>: share 0\.\d{3} ≥ medium 0\.2, &lt; high 0\.5/);
    // The fixture's model also ranks current labels worse: that limit, not the drift mapping, is what the verdict names.
    expect(html).toMatch(/This is not an all-clear: beyond a policy limit, whatever the drift verdict .*<li>AUC drop: 0\.\d+ vs performance_policy\.max_auc_drop 0\.05<\/li>/);
    const driftOnly = renderDriftReport({ summary: { ...summary, performance: null }, summarySha256: 'b'.repeat(64), histograms: [], policy });
    expect(driftOnly).toContain('This is not an all-clear: each drifted column is a data-drift incident of severity medium, whose action the control plane decides.');
    expect(driftOnly).toContain('The policy maps severity medium to <strong>retrain_and_evaluate</strong> (drift_policy.on_medium)');
  });

  it('no column drifted but a figure beyond its limit (concept drift): amber, never green', () => {
    const noDrift = { ...summary, number_of_drifted_columns: 0, share_of_drifted_columns: 0, severity: 'none' as const, dataset_drift: false, drift_by_columns: {} };
    const concept = renderDriftReport({ summary: noDrift, summarySha256: 'b'.repeat(64), histograms: [], policy });
    expect(concept).toContain('<section class="verdict warn">');
    expect(concept).toMatch(/<li>AUC drop: 0\.\d+ vs performance_policy\.max_auc_drop 0\.05<\/li>/);
    expect(renderDriftReport({ summary: { ...noDrift, performance: null }, summarySha256: 'b'.repeat(64), histograms: [], policy })).toContain('<section class="verdict good">');
  });

  it('each column: its test, why it was chosen, its score against its threshold and where the threshold comes from', () => {
    expect(html).toContain('wasserstein<div class="caption">Evidently&#39;s default for a numerical column with more than 1000 reference rows and more than 5 distinct values</div>');
    expect(html).toMatch(/0\.\d{4} &gt; 0\.1<div class="caption">distance: drift when large; threshold: wasserstein&#39;s default<\/div>/);
  });

  it('the skewed amount gets log bins, the binary flag a two-value chart, each saying so', () => {
    const row = (column: string) => html.split('\n').find((line) => line.startsWith(`<tr class="drifted"><td>${column}<`) || line.startsWith(`<tr class=""><td>${column}<`)) ?? '';
    expect(row('transaction_amount')).toContain('<div class="caption">log-scaled bins (skewed: skewness');
    expect(row('is_international')).toContain('<div class="caption">share of each value, on a 0–100% scale</div>');
    expect(row('is_international')).toContain('aria-label="share of each value of is_international, reference vs current, 0–100%"');
  });

  it('AUC drop, volume, hour profile and data quality beside the policy\'s limits', () => {
    expect(html).toContain('AUC drop: <span class="bad">0.2500 vs performance_policy.max_auc_drop 0.05: beyond the limit</span>');
    // Read without the monitor's date prefix, event_time gives no days: the volume figure is not judged, and says so.
    // Days come from the event time whether it was read whole (here) or as its first 13 characters (the monitor).
    expect(html).toContain(`Rows per day ratio: <span class="good">1.00 vs shock_policy.volume_ratio ${policy.shock_policy.volume_ratio}: within</span>`);
    expect(html).toContain(`vs shock_policy.hour_profile_distance ${policy.shock_policy.hour_profile_distance}: within`);
    expect(html).toContain('vs data_quality_policy.max_missing_share (default) 0.2: within');
    expect(html).toContain('vs data_quality_policy.max_unseen_category_share (default) 0.05: within');
  });

  it('without a policy file it says the control plane\'s limits are not shown', () => {
    const bare = renderDriftReport({ summary, summarySha256: 'b'.repeat(64), histograms: [], policy: null });
    expect(bare).toContain('No policy file: the control plane\'s limits are not shown.');
    expect(bare).not.toContain('max_auc_drop');
  });
});

describe('why each test was chosen, in words', () => {
  const result = { column_name: 'amount', column_type: 'numerical' as const, stattest_name: 'psi' as const };
  it('names the policy key, or the branch of Evidently\'s default', () => {
    expect(testChoiceReason({ ...result, stattest_chosen_by: 'column_rule' })).toBe('drift_policy.columns.amount.stattest');
    expect(testChoiceReason({ ...result, stattest_chosen_by: 'policy' })).toBe('drift_policy.stattest (one test for every column)');
    expect(testChoiceReason({ ...result, stattest_name: 'ks', stattest_chosen_by: 'default' })).toBe('Evidently\'s default for a numerical column with at most 1000 reference rows and more than 5 distinct values');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import { parseCsvText } from '../../core/src/infrastructure/csv/csvTable.ts';
import { inferredTypeIn, selectColumns } from './columnSelection.ts';
import { renderDriftReport } from './htmlReport.ts';
import { analyseTables, type MonitoringSummary } from './monitoringSummary.ts';
import { histogramsPath, readColumnHistograms, readMonitoringSummary, recordDecisionInReport, reportPath, summaryPath, writeReports, type ReportDecision } from './reportsStore.ts';

const temp = makeTempDir('reports-store');
afterAll(() => temp.cleanup());

function summaryOf(runId: string): MonitoringSummary {
  const reference = parseCsvText(`amount,channel\n${Array.from({ length: 40 }, (_, index) => `${index},${index % 2 ? 'pos' : 'online'}`).join('\n')}\n`, 'ref.csv');
  const current = parseCsvText(`amount,channel\n${Array.from({ length: 40 }, (_, index) => `${index + 20},pos`).join('\n')}\n`, 'cur.csv');
  const columns = selectColumns({
    referenceHeader: reference.header, currentHeader: current.header, referenceSource: 'ref.csv', currentSource: 'cur.csv',
    inferredType: inferredTypeIn(reference, current), numerical: [], categorical: [], exclude: [], defaultExcluded: [], policyColumns: {},
  });
  return analyseTables({
    reference, current, columns, runId, now: new Date('2026-11-23T00:00:00Z'), policy: null, minSamples: 1,
    referenceIdentity: { path: 'ref.csv', rows: 40, sha256: '0'.repeat(64) },
    currentIdentity: { path: 'cur.csv', rows: 40, sha256: '1'.repeat(64) },
    drift: { driftShare: 0.5, severityThresholds: { high: 0.5, medium: 0.2 }, columns: {} },
  });
}

/** A reports directory as the monitor leaves it; returns the summary's sha256 as a control run reads it. */
function monitoredDirectory(name: string, runId = 'monitor-run'): { directory: string; summarySha256: string } {
  const directory = join(temp.path, name);
  mkdirSync(directory, { recursive: true });
  const summary = summaryOf(runId);
  writeReports(directory, summary, { histograms: () => [], render: (summarySha256) => renderDriftReport({ summary, summarySha256, histograms: [], policy: null }) });
  return { directory, summarySha256: readMonitoringSummary(summaryPath(directory)).sha256 };
}

function decisionFor(summarySha256: string, overrides: Partial<ReportDecision> = {}): ReportDecision {
  return {
    control_run_id: 'control-1', summary_sha256: summarySha256, incident_type: 'data_drift', severity: 'medium', rule: 'drifted_columns',
    action: 'retrain_and_evaluate', outcome: 'promoted', plan_status: 'ready', reasons: ['share 0.5 >= medium 0.2'], caveats: [], decided_at: '2026-11-23T01:00:00.000Z',
    ...overrides,
  };
}

const SLOT = /<!-- driftwatch:decision -->[\s\S]*<!-- \/driftwatch:decision -->/;

describe('the drift report shows the decision a control run made from its summary', () => {
  it('the monitor leaves a delimited slot saying no control run has used the summary yet', () => {
    const { directory } = monitoredDirectory('fresh');
    expect(readFileSync(reportPath(directory), 'utf8').match(SLOT)?.[0]).toContain('No control run has used this summary yet');
  });

  it('records incident → action → outcome, the run id and the reasons in the slot, and changes nothing else', () => {
    const { directory, summarySha256 } = monitoredDirectory('decided');
    const before = readFileSync(reportPath(directory), 'utf8');
    expect(recordDecisionInReport(directory, decisionFor(summarySha256, { reasons: ['share 0.5 >= medium 0.2', 'challenger beat the champion'] }))).toBe(true);
    const after = readFileSync(reportPath(directory), 'utf8');
    const slot = after.match(SLOT)?.[0] ?? '';
    expect(slot).toMatch(/incident <strong>data_drift<\/strong> \(medium, rule <code>drifted_columns<\/code>\) → action <strong>retrain_and_evaluate<\/strong> → outcome <strong>promoted<\/strong>/);
    expect(slot).toContain('<code>control-1</code>');
    expect(slot).toContain('<li>challenger beat the champion</li>');
    expect(after.replace(SLOT, '')).toBe(before.replace(SLOT, ''));
    expect(after.indexOf('driftwatch:decision')).toBeLessThan(after.indexOf('Dataset drift'));
    expect(readdirSync(directory).sort()).toEqual(['column_histograms.json', 'drift_report.html', 'monitoring_summary.json']);
  });

  it('a later decision on the same summary replaces the earlier one', () => {
    const { directory, summarySha256 } = monitoredDirectory('twice');
    recordDecisionInReport(directory, decisionFor(summarySha256));
    expect(recordDecisionInReport(directory, decisionFor(summarySha256, { control_run_id: 'control-2', outcome: 'pending_approval', action: 'escalate' }))).toBe(true);
    const html = readFileSync(reportPath(directory), 'utf8');
    expect(html).toContain('control-2');
    expect(html).not.toContain('control-1');
    expect(html.match(/<!-- driftwatch:decision -->/g)).toHaveLength(1);
  });

  it('escapes every string it inserts', () => {
    const { directory, summarySha256 } = monitoredDirectory('escaped');
    const hostile = '<script>alert(1)</script> & "quotes" \'single\' <!-- /driftwatch:decision -->';
    expect(recordDecisionInReport(directory, decisionFor(summarySha256, {
      control_run_id: hostile, rule: hostile, reasons: [hostile], caveats: [hostile], decided_at: hostile,
    }))).toBe(true);
    const html = readFileSync(reportPath(directory), 'utf8');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('"quotes"');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;single&#39; &lt;!-- /driftwatch:decision --&gt;');
    expect(html.match(/<!-- \/driftwatch:decision -->/g)).toHaveLength(1);
    // The slot can still be rewritten afterwards.
    expect(recordDecisionInReport(directory, decisionFor(summarySha256))).toBe(true);
    expect(readFileSync(reportPath(directory), 'utf8')).not.toContain('alert(1)');
  });

  it('refuses, writing nothing, when the report belongs to another summary', () => {
    const { directory } = monitoredDirectory('other summary');
    const before = readFileSync(reportPath(directory), 'utf8');
    expect(recordDecisionInReport(directory, decisionFor('f'.repeat(64)))).toBe(false);
    expect(readFileSync(reportPath(directory), 'utf8')).toBe(before);
  });

  it('refuses when the monitor has run again since the decision\'s summary', () => {
    const { directory, summarySha256 } = monitoredDirectory('rerun', 'first-run');
    const summary = summaryOf('second-run');
    writeReports(directory, summary, { histograms: () => [], render: (sha) => renderDriftReport({ summary, summarySha256: sha, histograms: [], policy: null }) });
    expect(recordDecisionInReport(directory, decisionFor(summarySha256))).toBe(false);
  });

  it('returns false when there is no report, or it has no slot', () => {
    expect(recordDecisionInReport(join(temp.path, 'nowhere'), decisionFor('0'.repeat(64)))).toBe(false);
    const { directory, summarySha256 } = monitoredDirectory('no slot');
    writeFileSync(reportPath(directory), `<html><head><meta name="driftwatch-summary-sha256" content="${summarySha256}"></head></html>`);
    expect(recordDecisionInReport(directory, decisionFor(summarySha256))).toBe(false);
  });

  it('keeps the charts\' bins beside their summary: read back for that summary only, never another run\'s', () => {
    const histogram = { column: 'amount', binning: 'equal_width' as const, caption: 'equal-width bins', labels: ['0', '1'], reference: [0.5, 0.5], current: [0.2, 0.8] };
    const directory = join(temp.path, 'charts');
    mkdirSync(directory, { recursive: true });
    const first = summaryOf('charts-first');
    writeReports(directory, first, { histograms: () => [histogram], render: () => '<html></html>' });
    const { sha256 } = readMonitoringSummary(summaryPath(directory));
    expect(readColumnHistograms(directory, sha256)).toEqual({ histograms: [histogram] });
    expect(readColumnHistograms(directory, 'f'.repeat(64))).toMatchObject({ missing: expect.stringContaining('belongs to another summary') });
    expect(readColumnHistograms(join(temp.path, 'no-charts'), sha256)).toMatchObject({ missing: expect.stringContaining('no column_histograms.json') });
    writeFileSync(histogramsPath(directory), '{"summary_sha256": 3}');
    expect(readColumnHistograms(directory, sha256)).toMatchObject({ missing: expect.stringContaining('column_histograms.json') });
  });

  it('the report names the sha256 of the summary\'s very bytes', () => {
    const { directory, summarySha256 } = monitoredDirectory('sha');
    expect(readFileSync(reportPath(directory), 'utf8')).toContain(`<meta name="driftwatch-summary-sha256" content="${summarySha256}">`);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileContractSchema } from '../../core/src/domain/vocabularySchema.ts';
import { jsonFileText, writeFileAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { sha256Hex } from '../../core/src/infrastructure/fileHash.ts';
import { assertValid } from '../../core/src/infrastructure/jsonSchema.ts';
import { readJsonFileWithHash } from '../../core/src/infrastructure/yamlFile.ts';
import histogramsSchema from '../schema/column-histograms.schema.json' with { type: 'json' };
import summarySchema from '../schema/monitoring-summary.schema.json' with { type: 'json' };
import type { ColumnHistogram } from './chartBinning.ts';
import { withDecision, type ReportDecision } from './decisionSlot.ts';
import type { MonitoringSummary } from './monitoringSummary.ts';

export type { ReportDecision } from './decisionSlot.ts';

/**
 * The reports directory (shared/reports/ by default): the monitor writes its summary and
 * HTML report here, and every other stage finds them through these helpers.
 */
const SUMMARY_FILE = 'monitoring_summary.json';
const REPORT_FILE = 'drift_report.html';
const HISTOGRAMS_FILE = 'column_histograms.json';

export const validateMonitoringSummary = compileContractSchema<MonitoringSummary>(summarySchema);

/** The binned reference and current values of every feature, tied to the summary they were drawn beside. */
export interface ColumnHistogramsFile {
  summary_sha256: string;
  histograms: ColumnHistogram[];
}

const validateColumnHistograms = compileContractSchema<ColumnHistogramsFile>(histogramsSchema);

/** What the monitor hands the store besides the summary: the report, and the charts' bins it draws. */
export interface DriftReportParts {
  histograms(): ColumnHistogram[];
  render(summarySha256: string): string;
}

export function summaryPath(reportsDirectory: string): string {
  return join(reportsDirectory, SUMMARY_FILE);
}

export function reportPath(reportsDirectory: string): string {
  return join(reportsDirectory, REPORT_FILE);
}

export function histogramsPath(reportsDirectory: string): string {
  return join(reportsDirectory, HISTOGRAMS_FILE);
}

/**
 * Every output is complete before any replaces its predecessor. The report and the
 * charts file carry the sha256 of the summary's very bytes, so a decision made from the
 * summary can later be shown in the report it belongs to, and the dashboard draws the
 * charts beside that summary only (a crash between the replaces leaves a mismatch it
 * shows as such, never another run's charts).
 */
export function writeReports(reportsDirectory: string, summary: MonitoringSummary, report: DriftReportParts): void {
  const summaryText = jsonFileText(summary);
  const summarySha256 = sha256Hex(summaryText);
  const html = report.render(summarySha256);
  const histograms: ColumnHistogramsFile = { summary_sha256: summarySha256, histograms: report.histograms() };
  writeFileAtomic(histogramsPath(reportsDirectory), jsonFileText(histograms));
  writeFileAtomic(summaryPath(reportsDirectory), summaryText);
  writeFileAtomic(reportPath(reportsDirectory), html);
}

/** The charts' bins of the summary with this sha256, or why there are none (no file, or another summary's). */
export function readColumnHistograms(reportsDirectory: string, summarySha256: string): { histograms: ColumnHistogram[] } | { missing: string } {
  const path = histogramsPath(reportsDirectory);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: `no ${HISTOGRAMS_FILE} (a monitor run before charts were kept)` };
    return { missing: `${path}: unreadable (${(error as Error).message.split('\n')[0]})` };
  }
  const problem = validateColumnHistograms.problems(value)[0];
  if (problem) return { missing: `${path}: ${problem.message}` };
  const file = value as ColumnHistogramsFile;
  if (file.summary_sha256 !== summarySha256) return { missing: `${path} belongs to another summary (sha256 ${file.summary_sha256.slice(0, 12)}…)` };
  return { histograms: file.histograms };
}

/**
 * Show a control run's decision at the top of the drift report: only the report's
 * decision slot is rewritten, in one atomic replace, and only when the report was
 * rendered from the summary the decision was made from (its sha256). Returns false,
 * writing nothing, when there is no report or it belongs to another summary.
 */
export function recordDecisionInReport(reportsDirectory: string, decision: ReportDecision): boolean {
  const path = reportPath(reportsDirectory);
  let html: string;
  try {
    html = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const updated = withDecision(html, decision);
  if (updated === undefined) return false;
  writeFileAtomic(path, updated);
  return true;
}

/** A summary from disk, checked against its schema, with the sha256 of the bytes read (what a decision cites). */
export function readMonitoringSummary(path: string): { summary: MonitoringSummary; sha256: string } {
  const { value, sha256 } = readJsonFileWithHash(path);
  return { summary: assertValid(validateMonitoringSummary, value, path), sha256 };
}

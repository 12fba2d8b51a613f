import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileContractSchema } from '../../core/src/domain/vocabularySchema.ts';
import { jsonFileText, writeFileAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { sha256Hex } from '../../core/src/infrastructure/fileHash.ts';
import { assertValid } from '../../core/src/infrastructure/jsonSchema.ts';
import { readJsonFileWithHash } from '../../core/src/infrastructure/yamlFile.ts';
import summarySchema from '../schema/monitoring-summary.schema.json' with { type: 'json' };
import { withDecision, type ReportDecision } from './decisionSlot.ts';
import type { MonitoringSummary } from './monitoringSummary.ts';

export type { ReportDecision } from './decisionSlot.ts';

/**
 * The reports directory (shared/reports/ by default): the monitor writes its summary and
 * HTML report here, and every other stage finds them through these helpers.
 */
const SUMMARY_FILE = 'monitoring_summary.json';
const REPORT_FILE = 'drift_report.html';

export const validateMonitoringSummary = compileContractSchema<MonitoringSummary>(summarySchema);

export function summaryPath(reportsDirectory: string): string {
  return join(reportsDirectory, SUMMARY_FILE);
}

export function reportPath(reportsDirectory: string): string {
  return join(reportsDirectory, REPORT_FILE);
}

/**
 * Both outputs are complete before either replaces its predecessor. The report is
 * rendered with the sha256 of the summary's very bytes, so a decision made from the
 * summary can later be shown in the report it belongs to, and in no other.
 */
export function writeReports(reportsDirectory: string, summary: MonitoringSummary, renderReport: (summarySha256: string) => string): void {
  const summaryText = jsonFileText(summary);
  const html = renderReport(sha256Hex(summaryText));
  writeFileAtomic(summaryPath(reportsDirectory), summaryText);
  writeFileAtomic(reportPath(reportsDirectory), html);
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

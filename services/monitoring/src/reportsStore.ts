import { join } from 'node:path';
import { compileContractSchema } from '../../core/src/domain/vocabularySchema.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { assertValid } from '../../core/src/infrastructure/jsonSchema.ts';
import { readJsonFileWithHash } from '../../core/src/infrastructure/yamlFile.ts';
import summarySchema from '../schema/monitoring-summary.schema.json' with { type: 'json' };
import type { MonitoringSummary } from './monitoringSummary.ts';

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

/** Both outputs are complete before either replaces its predecessor. */
export function writeReports(reportsDirectory: string, summary: MonitoringSummary, html: string): void {
  writeJsonAtomic(summaryPath(reportsDirectory), summary);
  writeFileAtomic(reportPath(reportsDirectory), html);
}

/** A summary from disk, checked against its schema, with the sha256 of the bytes read (what a decision cites). */
export function readMonitoringSummary(path: string): { summary: MonitoringSummary; sha256: string } {
  const { value, sha256 } = readJsonFileWithHash(path);
  return { summary: assertValid(validateMonitoringSummary, value, path), sha256 };
}

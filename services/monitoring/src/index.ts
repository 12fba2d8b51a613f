/** Monitoring's public interface: other stages import from here only. */
export type { MonitoringSummary } from './monitoringSummary.ts';
export { default as monitoringSummarySchema } from '../schema/monitoring-summary.schema.json' with { type: 'json' };
export { analyseTables, fileIdentity } from './monitoringSummary.ts';
export { inferredTypeIn, selectColumns } from './columnSelection.ts';
export { driftSettings } from './datasetDrift.ts';

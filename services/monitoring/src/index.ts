/** Monitoring's public interface: other stages import from here only. */
export type { MonitoringSummary } from './monitoringSummary.ts';
export { default as monitoringSummarySchema } from '../schema/monitoring-summary.schema.json' with { type: 'json' };
export { analyseTables, pairFor } from './monitoringSummary.ts';
export { selectColumns } from './columnSelection.ts';

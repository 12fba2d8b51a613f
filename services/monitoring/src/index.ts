/** Monitoring's public interface: other stages import from here only. */
export type { MonitoringSummary } from './monitoringSummary.ts';
export { monitorPolicy, monitorTables, verdictLine, type MonitorPolicy } from './monitorPipeline.ts';
export { monitorReadPlan } from './readPlan.ts';
export { readMonitoringSummary, reportPath, summaryPath, writeReports } from './reportsStore.ts';

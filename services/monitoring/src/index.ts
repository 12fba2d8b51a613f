/** Monitoring's public interface: other stages import from here only. */
export type { MonitoringSummary, RecordedDriftSettings, VolumeBaseline } from './monitoringSummary.ts';
export { ReferenceProfiles, type ReferenceProfile } from './referenceProfile.ts';
export { escapeHtml } from './reportFormat.ts';
export { severityFromShare, type ColumnDrift } from './datasetDrift.ts';
export { monitorPolicy, monitorTables, verdictLine, type MonitorPolicy } from './monitorPipeline.ts';
export { monitorReadPlan } from './readPlan.ts';
export { histogramsPath, readColumnHistograms, readMonitoringSummary, recordDecisionInReport, reportPath, summaryPath, writeReports, type DriftReportParts, type ReportDecision } from './reportsStore.ts';
export { columnsTable, verdictSection } from './driftSections.ts';
export type { ColumnHistogram } from './chartBinning.ts';
export { REFERENCE_COLOUR, CURRENT_COLOUR } from './svgCharts.ts';
export { servingReference, type ServingReference } from './servingReference.ts';
export { qualityOfColumns } from './dataQuality.ts';
export { driftStrength } from './datasetDrift.ts';
export { describeMove, type FeatureMove } from './featureMoves.ts';
export { weakestSegments, type Segment, type SegmentPerformance } from './segmentPerformance.ts';
export { MIN_CALIBRATION_POSITIVES, type EstimatedPerformance } from './estimatedPerformance.ts';

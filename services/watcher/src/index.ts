/** The watcher's public interface: other parts (the live demo) import from here only. */
export { compareTable, type ComparedRun } from './compareTable.ts';
export { dateOfDay } from './replayReport.ts';
export { labelFields, parseLabelFile } from './labelStore.ts';
export { phaseFigures, runTotals, type TimelinePhase } from './replayMetrics.ts';
export { windowsLogPath } from './watchLoop.ts';
export type { WindowRecord } from './windowTypes.ts';
export { requireWatchableSpec, rowProblem, windowHeader, type WatchableSpec } from './windowHeader.ts';

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { assertOwnOutput } from '../../core/src/infrastructure/jsonSchema.ts';
import { readJsonFile } from '../../core/src/infrastructure/yamlFile.ts';
import type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';
import { validateExecutionPlan, validateReleaseResult, validateSentinelReport } from './eventSchemas.ts';

/**
 * The events directory (shared/events/ by default) and everything in it:
 *   sentinel_report.json, execution_plan.json, release_result.json   the latest run
 *   runs/<run_id>/                                                   every run (and a retrain's training data)
 *   audit.jsonl, audit.head.json                                     every decision, hash-chained, and where the chain ends
 *   .control.lock                                                    held by the one control run at a time
 */
const EVENT_FILES = { sentinel: 'sentinel_report.json', plan: 'execution_plan.json', release: 'release_result.json' } as const;
export type EventKind = keyof typeof EVENT_FILES;

/** A run's event file, or (without a run id) the latest run's copy at the top of the events directory. */
export function eventPath(eventsDirectory: string, kind: EventKind, runId?: string): string {
  return join(runId === undefined ? eventsDirectory : runDirectoryPath(eventsDirectory, runId), EVENT_FILES[kind]);
}

export function runDirectoryPath(eventsDirectory: string, runId: string): string {
  return join(eventsDirectory, 'runs', runId);
}

export function auditPath(eventsDirectory: string): string {
  return join(eventsDirectory, 'audit.jsonl');
}

/** The chain's committed position (and an append under way), kept beside the log. */
export function auditHeadPath(eventsDirectory: string): string {
  return join(eventsDirectory, 'audit.head.json');
}

export function controlLockPath(eventsDirectory: string): string {
  return join(eventsDirectory, '.control.lock');
}

/** The exact rows a challenger was trained on, kept with its run as lineage. */
export function challengerTrainingPath(runDirectory: string): string {
  return join(runDirectory, 'challenger_training.csv');
}

/** The data a challenger was built from (its training rows and the held-out slice): its reference while it serves. */
export function challengerReferencePath(runDirectory: string): string {
  return join(runDirectory, 'challenger_reference.csv');
}

/** Every run under runs/<run_id>/, then the latest run's copies at the top of the events directory. */
export function writeRunEvents(eventsDirectory: string, events: { sentinel: SentinelReport; plan: ExecutionPlan; release: ReleaseResult }): string {
  assertOwnOutput(validateSentinelReport, events.sentinel, 'sentinel report');
  assertOwnOutput(validateExecutionPlan, events.plan, 'execution plan');
  assertOwnOutput(validateReleaseResult, events.release, 'release result');
  const runId = events.sentinel.run_id;
  for (const run of [runId, undefined]) {
    for (const kind of Object.keys(EVENT_FILES) as EventKind[]) writeJsonAtomic(eventPath(eventsDirectory, kind, run), events[kind]);
  }
  return runDirectoryPath(eventsDirectory, runId);
}

/** A run's reports as recorded (any may be missing: a run cut short before it wrote its events). */
export function readRecordedRun(eventsDirectory: string, runId: string): { sentinel?: SentinelReport; plan?: ExecutionPlan; release?: ReleaseResult } {
  const read = <T>(path: string): T | undefined => (existsSync(path) ? (readJsonFile(path) as T) : undefined);
  return {
    sentinel: read<SentinelReport>(eventPath(eventsDirectory, 'sentinel', runId)),
    plan: read<ExecutionPlan>(eventPath(eventsDirectory, 'plan', runId)),
    release: read<ReleaseResult>(eventPath(eventsDirectory, 'release', runId)),
  };
}

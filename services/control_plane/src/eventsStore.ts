import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonFileText, writeJsonAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
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

/** The file name each event is written as (the narrator labels the decision's parts with them). */
export function eventFileName(kind: EventKind): string {
  return EVENT_FILES[kind];
}

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

/**
 * The narrator's explanation added to a run's release result: in runs/<run_id>/, and at the
 * top of the events directory while that copy is still this run's. A file is replaced
 * (atomically) only if it holds exactly the bytes the run wrote, so every decided field
 * keeps its value and a later run's result is never touched. Returns the files replaced.
 */
export function addNarrativeToRelease(eventsDirectory: string, release: ReleaseResult, narrative: NonNullable<ReleaseResult['narrative']>): string[] {
  const { narrative: _earlier, ...decided } = release;
  const narrated: ReleaseResult = { ...decided, narrative };
  assertOwnOutput(validateReleaseResult, narrated, 'release result');
  const asWritten = jsonFileText(decided);
  const replaced: string[] = [];
  for (const path of [eventPath(eventsDirectory, 'release', release.run_id), eventPath(eventsDirectory, 'release')]) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== asWritten) continue;
    writeJsonAtomic(path, narrated);
    replaced.push(path);
  }
  return replaced;
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

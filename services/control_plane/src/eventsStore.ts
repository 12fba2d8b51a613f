import { join } from 'node:path';
import { writeJsonAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { assertOwnOutput } from '../../core/src/infrastructure/jsonSchema.ts';
import type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';
import { validateExecutionPlan, validateReleaseResult, validateSentinelReport } from './eventSchemas.ts';

export const EVENT_FILES = { sentinel: 'sentinel_report.json', plan: 'execution_plan.json', release: 'release_result.json' } as const;

export function runDirectoryPath(eventsDirectory: string, runId: string): string {
  return join(eventsDirectory, 'runs', runId);
}

/** Every run under runs/<run_id>/, then the latest run's copies at the top of the events directory. */
export function writeRunEvents(eventsDirectory: string, events: { sentinel: SentinelReport; plan: ExecutionPlan; release: ReleaseResult }): string {
  assertOwnOutput(validateSentinelReport, events.sentinel, 'sentinel report');
  assertOwnOutput(validateExecutionPlan, events.plan, 'execution plan');
  assertOwnOutput(validateReleaseResult, events.release, 'release result');
  const runDirectory = runDirectoryPath(eventsDirectory, events.sentinel.run_id);
  for (const directory of [runDirectory, eventsDirectory]) {
    writeJsonAtomic(join(directory, EVENT_FILES.sentinel), events.sentinel);
    writeJsonAtomic(join(directory, EVENT_FILES.plan), events.plan);
    writeJsonAtomic(join(directory, EVENT_FILES.release), events.release);
  }
  return runDirectory;
}

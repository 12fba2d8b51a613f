import { join } from 'node:path';
import { writeJsonAtomic } from '../../core/src/atomicWrite.ts';
import type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';
import { validateExecutionPlan, validateReleaseResult, validateSentinelReport } from './eventSchemas.ts';

export const EVENT_FILES = { sentinel: 'sentinel_report.json', plan: 'execution_plan.json', release: 'release_result.json' } as const;

/** Every run under runs/<run_id>/, then the latest run's copies at the top of the events directory. */
export function writeRunEvents(eventsDirectory: string, events: { sentinel: SentinelReport; plan: ExecutionPlan; release: ReleaseResult }): string {
  // Our own output must meet its contract before anyone reads it; a failure is our bug.
  for (const [name, validator, value] of [['sentinel report', validateSentinelReport, events.sentinel], ['execution plan', validateExecutionPlan, events.plan], ['release result', validateReleaseResult, events.release]] as const) {
    const problem = validator.problems(value)[0];
    if (problem) throw new Error(`internal: ${name} breaks its schema at ${problem.pathKeys.join('.')}: ${problem.message}`);
  }
  const runDirectory = join(eventsDirectory, 'runs', events.sentinel.run_id);
  for (const directory of [runDirectory, eventsDirectory]) {
    writeJsonAtomic(join(directory, EVENT_FILES.sentinel), events.sentinel);
    writeJsonAtomic(join(directory, EVENT_FILES.plan), events.plan);
    writeJsonAtomic(join(directory, EVENT_FILES.release), events.release);
  }
  return runDirectory;
}

import type { CommandSpec, ParsedCommand } from '../../core/src/infrastructure/cliArgs.ts';
import { optionalString, parseIntegerFlag } from '../../core/src/infrastructure/cliArgs.ts';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { actorName, newRunId, parseNow } from '../../core/src/infrastructure/runContext.ts';
import type { ControlOptions } from './controlRun.ts';

/** Flags shared by `control` and `approvals`: where things are, the clock, the run id. */
export const CONTROL_FLAGS: CommandSpec['options'] = {
  events: { type: 'string', description: 'events directory', default: DEFAULT_PATHS.events },
  approvals: { type: 'string', description: 'approvals directory', default: DEFAULT_PATHS.approvals },
  registry: { type: 'string', description: 'registry directory', default: DEFAULT_PATHS.registry },
  policy: { type: 'string', description: 'policy YAML', default: DEFAULT_PATHS.policy },
  summary: { type: 'string', description: 'monitoring summary JSON', default: `${DEFAULT_PATHS.reports}/monitoring_summary.json` },
  now: { type: 'string', description: 'ISO time to decide at (blackouts, cooldowns) instead of the clock' },
  'run-id': { type: 'string', description: 'correlation id (default: a new one)' },
  actor: { type: 'string', description: 'who acts (default: $USER)' },
  'lock-timeout': { type: 'string', description: 'seconds to wait for another control run', default: '30' },
};

export function controlOptionsFrom(values: ParsedCommand['values']): ControlOptions {
  const now = parseNow(optionalString(values, 'now'));
  return {
    eventsDirectory: String(values.events),
    approvalsDirectory: String(values.approvals),
    registryDirectory: String(values.registry),
    policyPath: String(values.policy),
    summaryPath: String(values.summary),
    runId: optionalString(values, 'run-id') ?? newRunId(now),
    now,
    actor: actorName(optionalString(values, 'actor')),
    lockTimeoutMs: parseIntegerFlag('lock-timeout', String(values['lock-timeout']), { min: 0 }) * 1000,
  };
}

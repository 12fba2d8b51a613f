import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import type { CommandSpec, ParsedCommand } from '../../core/src/infrastructure/cliArgs.ts';
import { optionalString, parseDirectoryFlag, parseIntegerFlag } from '../../core/src/infrastructure/cliArgs.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { actorName, newRunId, parseNow } from '../../core/src/infrastructure/runContext.ts';
import { summaryPath } from '../../monitoring/src/index.ts';

/** Where a control run reads and writes. */
export interface ControlLocations {
  eventsDirectory: string;
  approvalsDirectory: string;
  registryDirectory: string;
  policyPath: string;
  summaryPath: string;
  /** --dataset: must be the spec the summary records (default: that one). */
  dataset?: string;
}

/** What started a run from outside: an Alertmanager alert, named as its audit record names it. */
export interface RunTrigger {
  source: 'alertmanager';
  alertname: string;
  fingerprint: string;
}

/** One control run: where, when (the clock is an input), who, and how long it waits for another run. */
export interface ControlOptions extends ControlLocations {
  runId: string;
  now: Date;
  actor: string;
  lockTimeoutMs: number;
  /** The window a watcher or a replay runs this for: recorded on every audit record of the run. */
  windowId?: string;
  /** The alert that started this run (POST /alerts): recorded on every audit record the run decides. */
  trigger?: RunTrigger;
  /** DRIFTWATCH_AUDIT_KEY: the audit records and head are HMAC-SHA256 with it (plain SHA-256 without). */
  auditKey: string | undefined;
}

export const DEFAULT_LOCK_TIMEOUT_SECONDS = 30;

/** The options of one run at `now` (a new run id unless one is given): the one way the commands and the API build them. */
export function controlOptionsAt(locations: ControlLocations, run: { now: Date; actor: string; runId?: string; lockTimeoutMs?: number; windowId?: string }): ControlOptions {
  return {
    ...(run.windowId === undefined ? {} : { windowId: run.windowId }),
    ...locations,
    runId: run.runId ?? newRunId(run.now),
    now: run.now,
    actor: run.actor,
    lockTimeoutMs: run.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_SECONDS * 1000,
    auditKey: auditKeyFromEnvironment(),
  };
}

/** The audit key, from the environment only (never a flag: it would show in process lists and shell history). */
export function auditKeyFromEnvironment(): string | undefined {
  return process.env.DRIFTWATCH_AUDIT_KEY || undefined;
}

/** Flags shared by `control` and `approvals`: where things are, the clock, the run id. */
export const CONTROL_FLAGS: CommandSpec['options'] = {
  events: { type: 'string', description: 'events directory', default: DEFAULT_PATHS.events },
  approvals: { type: 'string', description: 'approvals directory', default: DEFAULT_PATHS.approvals },
  registry: { type: 'string', description: 'registry directory', default: DEFAULT_PATHS.registry },
  policy: { type: 'string', description: 'policy YAML', default: DEFAULT_PATHS.policy },
  summary: { type: 'string', description: 'monitoring summary JSON', default: summaryPath(DEFAULT_PATHS.reports) },
  dataset: { type: 'string', description: 'dataset spec (name in datasets/ or YAML file); default: the one the summary records, else fraud' },
  now: { type: 'string', description: 'ISO time to decide at (blackouts, cooldowns) instead of the clock' },
  'run-id': { type: 'string', description: 'correlation id (default: a new one)' },
  actor: { type: 'string', description: 'who acts (default: $USER)' },
  'lock-timeout': { type: 'string', description: 'seconds to wait for another control run', default: String(DEFAULT_LOCK_TIMEOUT_SECONDS) },
};

/** A run id names the run's folder, intent and approval: a plain name, nothing that leads elsewhere. */
const RUN_ID = /^[\w.-]{1,100}$/;

function runIdFlag(raw: string | undefined): string | undefined {
  if (raw !== undefined && (!RUN_ID.test(raw) || raw === '.' || raw === '..')) throw new UserError(`--run-id must be 1 to 100 letters, digits, "_", "." or "-", got "${raw}"`);
  return raw;
}

export function controlOptionsFrom(values: ParsedCommand['values']): ControlOptions {
  return controlOptionsAt({
    eventsDirectory: parseDirectoryFlag('events', String(values.events)),
    approvalsDirectory: parseDirectoryFlag('approvals', String(values.approvals)),
    registryDirectory: parseDirectoryFlag('registry', String(values.registry)),
    policyPath: String(values.policy),
    summaryPath: String(values.summary),
    dataset: optionalString(values, 'dataset'),
  }, {
    now: parseNow(optionalString(values, 'now')),
    actor: actorName(optionalString(values, 'actor')),
    runId: runIdFlag(optionalString(values, 'run-id')),
    lockTimeoutMs: parseIntegerFlag('lock-timeout', String(values['lock-timeout']), { min: 0 }) * 1000,
  });
}

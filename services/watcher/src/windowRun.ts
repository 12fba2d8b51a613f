import { join } from 'node:path';
import type { LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { readCsvHeader } from '../../core/src/infrastructure/csv/csvFile.ts';
import { readCsvTableHere } from '../../core/src/infrastructure/csv/parallelCsvRead.ts';
import { errorMessage, isUserError, UserError } from '../../core/src/infrastructure/errors.ts';
import { faultPoint } from '../../core/src/infrastructure/faultPoint.ts';
import { type MonitoringSummary, monitorPolicy, monitorReadPlan, monitorTables, type ReferenceProfiles, servingReference, summaryPath, writeReports } from '../../monitoring/src/index.ts';
import { jsonFileText, writeFileAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { ModelRegistry } from '../../registry/src/index.ts';
import { auditKeyFromEnvironment, controlOptionsAt, mirroredPositions, readVerifiedAudit, type ControlOptions, type ControlOutcome, runControl, WindowAlreadyDecided } from '../../control_plane/src/index.ts';
import type { KeptRow, LabelledRow } from './labelWindow.ts';
import { trafficBaseline } from './trafficBaseline.ts';
import { labelledRowsCsv, rowsCsv } from './windowCsv.ts';
import { windowHistories, type WindowHistory } from './windowAttempts.ts';

/** Where a window's decision reads and writes, and what stays the same from window to window. */
export interface WindowContext {
  dataset: LoadedDatasetSpec;
  policyPath: string;
  registryDirectory: string;
  eventsDirectory: string;
  approvalsDirectory: string;
  /** Each window's files (its rows, its labelled rows, its summary) go in a folder of their own here. */
  windowsDirectory: string;
  profiles: ReferenceProfiles;
  actor: string;
  /** The drift report per window: the watcher writes it; a replay, judging a hundred windows, need not. */
  htmlReport: boolean;
  /** How long a window's control run waits for another control run (an approval, POST /action) to finish; default 30 s. */
  lockTimeoutMs?: number;
  /**
   * Told of each window's decision once it is written and audited: the real watcher passes
   * its notification dispatcher. A replay passes nothing, as its decisions are a simulation
   * nobody should be paged for.
   */
  notify?: (outcome: ControlOutcome, options: ControlOptions) => void;
}

/** One window to judge: its id and span, its rows, the label window's rows known at its end, and when it is decided. */
export interface WindowInput {
  id: string;
  /** The decision's run id (one per attempt: attemptRunId), and the window's id in the audit log (a named watcher's is prefixed). */
  runId: string;
  auditWindowId: string;
  rows: readonly KeptRow[];
  /** The traffic before the window that is still kept (the label window's): what its volume is judged against. */
  before: readonly KeptRow[];
  labelled: readonly LabelledRow[];
  now: Date;
}

export interface WindowResult {
  summary: MonitoringSummary;
  control: ControlOutcome;
  runId: string;
  directory: string;
}

function volumeAgainst(before: readonly KeptRow[]) {
  const baseline = trafficBaseline(before);
  return baseline === undefined ? {} : { volumeBaseline: baseline };
}

/** The window's rows and its labelled rows as files: the summary cites them by sha256, the control plane re-reads them. */
function writeWindowFiles(context: WindowContext, input: WindowInput, directory: string): { currentPath: string; labelledPath: string } {
  const currentPath = join(directory, 'current.csv');
  const labelledPath = join(directory, 'labelled.csv');
  writeFileAtomic(currentPath, rowsCsv(context.dataset, input.rows));
  writeFileAtomic(labelledPath, labelledRowsCsv(context.dataset, input.labelled));
  return { currentPath, labelledPath };
}

/**
 * Judge one window and decide on it: the monitor compares the window's rows with the
 * serving model's reference (read once per reference, kept by its sha256), judges the
 * serving model on the label window's rows whose labels have arrived, and the control
 * plane decides under the policy, with the window id on every record.
 */
/**
 * A window the monitor could not judge (no serving reference, a reference changed on disk,
 * a policy without drift settings, data it refuses): nothing was decided or audited. The
 * watcher stops on it rather than pass the window by; a replay records it as refused.
 */
export class WindowNotJudged extends UserError {}

/**
 * The window's own data the monitor refuses (a feature with no value at all in it, say):
 * the next restart would cut the same window and be refused again, so the watcher records
 * the refusal and goes on.
 */
export class WindowDataRefused extends UserError {}

export async function runWindow(context: WindowContext, input: WindowInput): Promise<WindowResult> {
  let judged: Awaited<ReturnType<typeof judgeWindow>>;
  try {
    judged = await judgeWindow(context, input);
  } catch (error) {
    throw isUserError(error) && !(error instanceof WindowDataRefused) ? new WindowNotJudged(`window ${input.id} not judged: ${error.message}`) : error;
  }
  const { summary, directory } = judged;
  faultPoint('watch_before_control');
  const options = controlOptionsAt({
    eventsDirectory: context.eventsDirectory,
    approvalsDirectory: context.approvalsDirectory,
    registryDirectory: context.registryDirectory,
    policyPath: context.policyPath,
    summaryPath: summaryPath(directory),
    dataset: context.dataset.source,
  }, { now: input.now, actor: context.actor, runId: input.runId, windowId: input.auditWindowId, ...(context.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: context.lockTimeoutMs }) });
  const control = runControl(options);
  context.notify?.(control, options);
  return { summary, control, runId: input.runId, directory };
}

/** The monitor's part: the window's files, its summary against the serving reference, written beside them. */
async function judgeWindow(context: WindowContext, input: WindowInput): Promise<{ summary: MonitoringSummary; directory: string }> {
  const directory = join(context.windowsDirectory, input.id);
  const { currentPath, labelledPath } = writeWindowFiles(context, input, directory);
  const policy = monitorPolicy(context.policyPath);
  if (policy.loaded === null) throw new UserError(`${context.policyPath}: no policy to decide under`);
  const registry = ModelRegistry.open(context.registryDirectory);
  const serving = servingReference(policy.loaded.reference, registry);
  if (serving === null) throw new UserError(`no version is in Production in ${context.registryDirectory}: nothing serves, so there is no reference to judge window ${input.id} against`);
  if ('unavailable' in serving) throw new UserError(`window ${input.id}: ${serving.unavailable}`);
  const plan = monitorReadPlan(readCsvHeader(serving.path), readCsvHeader(currentPath), [], { dataset: context.dataset, referenceSource: serving.path, readLabels: true });
  const profile = context.profiles.get(serving.path, serving.sha256, () => readCsvTableHere({ path: serving.path, options: plan.reference, numericalToClean: 'all' }));
  const current = readCsvTableHere({ path: currentPath, options: plan.current, numericalToClean: 'all' });
  // No label has arrived yet (the first days): the window is judged on drift alone.
  const labelled = input.labelled.length === 0 ? undefined : readCsvTableHere({ path: labelledPath, options: { ...plan.reference, columns: plan.columnsToRead }, numericalToClean: 'all' });
  const { runId } = input;
  let monitored: Awaited<ReturnType<typeof monitorTables>>;
  try {
    monitored = await monitorTables({
      reference: profile.table,
      current,
      ...(labelled ? { labelled: { table: labelled, path: labelledPath } } : {}),
      referencePath: serving.path,
      currentPath,
      plan,
      policy,
      model: 'production',
      registryDirectory: context.registryDirectory,
      runId,
      now: input.now,
      referenceMemo: profile.memo,
      ...volumeAgainst(input.before),
    });
  } catch (error) {
    throw isUserError(error) ? new WindowDataRefused(`window ${input.id} refused by the monitor: ${error.message}`) : error;
  }
  const { summary, report } = monitored;
  if (context.htmlReport) writeReports(directory, summary, report);
  else writeFileAtomic(summaryPath(directory), jsonFileText(summary));
  return { summary, directory };
}

/** What the audit log says of every window: decided before a restart (never again), or cut short (decided again). */
export function auditedWindows(context: WindowContext): Map<string, WindowHistory> {
  const history = ModelRegistry.open(context.registryDirectory).history();
  const { records } = readVerifiedAudit(context.eventsDirectory, auditKeyFromEnvironment(), mirroredPositions(history));
  return windowHistories(records);
}

/**
 * A window's run, or what became of it when it did not decide: decided by another run
 * while this one judged it (a watcher on the bus whose window was claimed from it), refused
 * with its reason (recorded, and the watcher goes on), or to be tried again at the next poll.
 */
export type WindowAttempt = { decided: WindowResult } | { decidedBy: string; reason: string } | { refused: string } | { retry: string };

/** runWindow, with its refusals sorted as every watcher treats them; an error that must stop the watcher is thrown. */
export async function attemptWindow(context: WindowContext, input: WindowInput, options: { once: boolean }): Promise<WindowAttempt> {
  try {
    return { decided: await runWindow(context, input) };
  } catch (error) {
    if (error instanceof WindowAlreadyDecided) return { decidedBy: error.decidedBy, reason: error.message };
    // Not judged (no serving reference, a reference changed on disk...): nothing was decided; the watcher stops
    // before the window, which a restart decides once the cause is put right, rather than pass it by.
    if (!isUserError(error) || error instanceof WindowNotJudged) throw error;
    const audited = error instanceof WindowDataRefused || (auditedWindows(context).get(input.auditWindowId)?.decided ?? false);
    if (!audited) {
      // Refused before the control plane wrote anything: another run held its lock too long. A live watcher tries
      // the window again at its next poll; --once stops before it.
      if (error.problem === 'conflict' && !options.once) return { retry: error.message };
      throw error;
    }
    // Refused by the monitor for the window's own data, or by the control plane (which audited it).
    return { refused: errorMessage(error) };
  }
}

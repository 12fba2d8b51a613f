import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { WATCH_WINDOWS_FILE } from '../../core/src/domain/timelineFiles.ts';
import { join, resolve } from 'node:path';
import { loadPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { appendLinesDurably, cutTornTail } from '../../core/src/infrastructure/appendOnlyLines.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { faultPoint } from '../../core/src/infrastructure/faultPoint.ts';
import { acquireFileLock } from '../../core/src/infrastructure/fileLock.ts';
import { estimateCheckLine, recordLine } from './watchSchemas.ts';
import { PendingChecks } from './estimateChecks.ts';
import { checkDueEstimate, registeredArtifacts } from './replayScoring.ts';
import type { ModelArtifact } from '../../training/src/index.ts';
import { readRecordedRun } from '../../control_plane/src/index.ts';
import { histogramsPath, readMonitoringSummary, reportPath, summaryPath } from '../../monitoring/src/index.ts';
import { writeFileAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { parseBatch, readBatches, type ReadBatches } from './batchDirectorySource.ts';
import { LabelDirectory } from './labelStore.ts';
import { eventMs, LabelWindow, markShock, windowsKeptFromMs, type KeptRow } from './labelWindow.ts';
import { readPredictionLog } from './predictionLogSource.ts';
import { cutWindows, type CutWindow, type WindowSize } from './windowCutter.ts';
import { requireWatchableSpec } from './windowHeader.ts';
import { undecidedRecord, windowRecord, type WindowFacts } from './windowRecord.ts';
import { keptRowOf } from './windowCsv.ts';
import { attemptWindow, auditedWindows, type WindowContext } from './windowRun.ts';
import { attemptRunId, type WindowHistory } from './windowAttempts.ts';
import { loadState, saveState, type WatchState } from './watchState.ts';
import type { SourcePosition, SourceRead, WindowRecord } from './windowTypes.ts';

/** What the watcher reads from: the API's prediction log, or a directory of dropped CSV batches. */
export type WatchSource = { kind: 'prediction_log'; directory: string } | { kind: 'batches'; directory: string };

/** What every watcher is given, whatever it reads from (files, or the bus). */
export interface WatcherRun {
  context: WindowContext;
  watchDirectory: string;
  /**
   * Where the latest window's summary and drift report are also put, as the monitor's
   * would be (shared/reports/): `make control`, `approvals approve` and the API then act
   * on the latest window.
   */
  reportsDirectory: string;
  /** Decide at the wall clock (a live watcher) or at each window's end (a backlog judged as it happened). */
  clock: 'wall' | 'event';
  /** Decide the windows closed now (on the bus: those no other watcher holds), then exit. */
  once: boolean;
  pollMs: number;
  /**
   * The watcher's name: its windows' run ids start with it (`<name>-<window>`), so watchers
   * of different feeds can share one events folder (the watchers of one bus share one name).
   * The default, "window", leaves the window id alone in the audit records.
   */
  name: string;
  log: (line: string) => void;
  /** Set by SIGTERM: the window being decided is finished, no other is started. */
  stopRequested: () => boolean;
  /** Resolves after the poll interval, or earlier when a stop is requested. */
  sleep: (ms: number) => Promise<void>;
}

export interface WatchOptions extends WatcherRun {
  source: WatchSource;
  labelsDirectory: string;
  size: WindowSize;
}

/** The source as the checkpoint names it: its kind and its absolute path (DIR and DIR/ are one source). */
export function describeSource(source: WatchSource): string {
  return `${source.kind === 'prediction_log' ? 'prediction log' : 'batches'} ${resolve(source.directory)}`;
}

export function describeSize(size: WindowSize): string {
  return size.kind === 'day' ? 'day' : `rows:${size.rows}`;
}

/** How far past the clock an event time may be (clocks of feeds drift; a day is a typo, not drift). */
export const FUTURE_GRACE_MS = 86_400_000;

function readSource(options: WatchOptions, position: SourcePosition | null, alreadyRead: ReadBatches): SourceRead {
  const { source, context } = options;
  const latestEventMs = Date.now() + FUTURE_GRACE_MS;
  if (source.kind === 'prediction_log') return readPredictionLog(source.directory, position?.kind === 'prediction_log' ? position : null, context.dataset, { latestEventMs });
  return readBatches(source.directory, position?.kind === 'batches' ? position : null, context.dataset, join(options.watchDirectory, 'quarantine'), { alreadyRead, latestEventMs });
}

/** The watcher's own log of its windows, one JSON line each. */
export function windowsLogPath(watchDirectory: string): string {
  return join(watchDirectory, WATCH_WINDOWS_FILE);
}

/** Each window's estimate (CBPE) against its realised ROC AUC, once its labels came: one JSON line per window. */
export function estimateChecksPath(watchDirectory: string): string {
  return join(watchDirectory, 'estimate_checks.jsonl');
}

/**
 * The windows whose labels have all come (every label on disk counts: a check decides
 * nothing) or that left the label window by the decisions' clock get their estimate
 * checked against their labels, one line each in the checks' log.
 */
function checkDueEstimates(options: WatchOptions, at: { pending: PendingChecks; artifactOf: (version: number) => ModelArtifact; eventMs: number; labelWindowDays: number }): void {
  const clockMs = options.clock === 'event' ? at.eventMs : Date.now();
  for (const due of at.pending.takeDue({ labelsThroughMs: Number.POSITIVE_INFINITY, clockMs }, at.labelWindowDays)) {
    const { check, labelled, reason } = due;
    const result = checkDueEstimate(due, at.artifactOf(check.modelVersion), options.context.dataset, at.labelWindowDays, `window ${check.window} (labels arrived)`);
    appendLinesDurably(estimateChecksPath(options.watchDirectory), [estimateCheckLine(result)]);
    options.log(`watch: window ${check.window}: estimated AUC ${check.estimatedAuc.toFixed(3)}, realised ${result.realised_auc === null ? 'not judged (too few labels of a class)' : result.realised_auc.toFixed(3)} on ${labelled.length}/${check.rows.length} labelled rows (${reason})`);
  }
}

/**
 * The lines of one of the watcher's logs, each an object naming its window, by window. A
 * line torn by a kill mid-append is cut first; a line that is not one of the log's is
 * refused, naming it.
 */
function logLines(path: string, what: string): Map<string, Record<string, unknown>> {
  cutTornTail(path);
  const lines = new Map<string, Record<string, unknown>>();
  if (!existsSync(path)) return lines;
  readFileSync(path, 'utf8').split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown> | null;
      if (typeof parsed?.window === 'string') {
        lines.set(parsed.window, parsed);
        return;
      }
    } catch {
      // Refused below, with the line's number.
    }
    throw new UserError(`${path}: line ${index + 1}: not ${what}; move the file away to start its log afresh`);
  });
  return lines;
}

/**
 * The windows the log has a line for, with their lines. A torn last line's window is
 * decided, and gets its line again from what its run recorded.
 */
export function recordedWindows(watchDirectory: string): Map<string, Record<string, unknown>> {
  return logLines(windowsLogPath(watchDirectory), 'a window\'s record');
}

/** The line of a window decided before a restart, from its summary and the run's reports; bare when they are gone. */
export function recordedDecision(context: WindowContext, facts: WindowFacts, runId: string): WindowRecord {
  const { sentinel, plan, release } = readRecordedRun(context.eventsDirectory, runId);
  const path = summaryPath(join(context.windowsDirectory, facts.window));
  if (sentinel === undefined || plan === undefined || release === undefined || !existsSync(path)) return undecidedRecord(facts, runId);
  return windowRecord(facts, readMonitoringSummary(path).summary, { sentinel, plan, release, runDirectory: '' }, runId);
}

export const DEFAULT_WATCHER_NAME = 'window';

/** A window's id in the audit log: a named watcher's windows are told apart from another feed's same days. */
export function auditWindowId(name: string, windowId: string): string {
  return name === DEFAULT_WATCHER_NAME ? windowId : `${name}/${windowId}`;
}

/**
 * The window's charts, summary and report, byte for byte (the report's decision and the
 * charts belong to that summary's sha256), as the latest, in the order the monitor writes them.
 */
export function showLatestWindow(windowDirectory: string, reportsDirectory: string): void {
  for (const path of [histogramsPath, summaryPath, reportPath]) {
    const from = path(windowDirectory);
    if (existsSync(from)) writeFileAtomic(path(reportsDirectory), readFileSync(from));
  }
}

/** The rows of the windows the label window still needs, read back from their files after a restart. */
function keptRowsOf(context: WindowContext, state: WatchState): { window: WatchState['recent_windows'][number]; rows: KeptRow[] }[] {
  const spec = requireWatchableSpec(context.dataset);
  return state.recent_windows.map((window) => {
    const path = join(context.windowsDirectory, window.id, 'current.csv');
    if (!existsSync(path)) return { window, rows: [] };
    return { window, rows: parseBatch(readFileSync(path, 'utf8'), path, spec).map((row) => ({ ...keptRowOf(row), ...(window.shock ? { shock: true } : {}) })) };
  });
}

/**
 * The estimates still waiting for their labels when the watcher last stopped (a watcher
 * run from cron stops after every poll): the recorded windows with an estimate and no
 * check in the checks' log yet.
 */
function waitingEstimates(watchDirectory: string, recorded: ReadonlyMap<string, Record<string, unknown>>): Map<string, { estimatedAuc: number; modelVersion: number }> {
  const checked = logLines(estimateChecksPath(watchDirectory), 'an estimate check');
  const waiting = new Map<string, { estimatedAuc: number; modelVersion: number }>();
  for (const [window, record] of recorded) {
    const { estimated_auc: estimatedAuc, serving_version: modelVersion } = record as Partial<WindowRecord>;
    if (typeof estimatedAuc === 'number' && typeof modelVersion === 'number' && !checked.has(window)) waiting.set(window, { estimatedAuc, modelVersion });
  }
  return waiting;
}

/**
 * The watcher: every window the source closes is judged and decided (runWindow), its
 * line appended to DIR/windows.jsonl, then the checkpoint moves past it. Bad batches and
 * records are quarantined by the sources and the watcher goes on. Returns the windows
 * decided by this call.
 */
export async function watch(options: WatchOptions): Promise<number> {
  mkdirSync(options.watchDirectory, { recursive: true });
  // One watcher per checkpoint: a second would cut the same windows and find them decided by the first.
  const release = acquireFileLock(join(options.watchDirectory, '.watch.lock'), { timeoutMs: 0, purpose: `watch ${describeSource(options.source)}` });
  try {
    return await watchHoldingLock(options);
  } finally {
    release();
  }
}

async function watchHoldingLock(options: WatchOptions): Promise<number> {
  const { context } = options;
  const sourceName = describeSource(options.source);
  // The watcher's name is part of what the checkpoint is of: another name's windows are other run ids.
  let state = loadState(options.watchDirectory, `${sourceName} as ${options.name}`, describeSize(options.size), new Date());
  const audited = auditedWindows(context);
  const recorded = recordedWindows(options.watchDirectory);
  const labelWindow = new LabelWindow();
  // Estimates waiting for their windows' labels: rebuilt from the logs at start, so a watcher run from cron checks them too.
  const pending = new PendingChecks();
  const artifactOf = registeredArtifacts(context.registryDirectory);
  const waiting = waitingEstimates(options.watchDirectory, recorded);
  for (const { window, rows } of keptRowsOf(context, state)) {
    const kept = labelWindow.add(rows);
    const estimate = waiting.get(window.id);
    if (estimate !== undefined) pending.add({ window: window.id, endMs: window.end_ms, ...estimate, rows: kept });
  }
  const labelDirectory = new LabelDirectory(options.labelsDirectory, context.dataset, join(options.watchDirectory, 'quarantine'));
  const reported = new Set<string>();
  let decidedNow = 0;
  options.log(`watch: ${sourceName}, windows of ${describeSize(options.size)}; ${state.windows_done} decided before${state.last_window ? ` (last ${state.last_window})` : ''}`);
  while (!options.stopRequested()) {
    const policy = loadPolicy(context.policyPath);
    const read = readSource(options, state.position, new Map(state.batches_read.map((batch) => [batch.file, batch.sha256])));
    for (const item of read.quarantined) {
      const line = `${item.file}: ${item.reason}`;
      if (!reported.has(line)) options.log(`watch: quarantined ${line}`);
      reported.add(line);
    }
    const { labels, quarantined } = labelDirectory.readNew();
    for (const item of quarantined) options.log(`watch: quarantined label file ${item.file}: ${item.reason}`);
    labelWindow.learn(labels);
    const decidedThroughMs = Math.max(-Infinity, ...state.recent_windows.map((window) => window.end_ms));
    const labelWindowDays = policy.performance_policy.label_window_days;
    checkDueEstimates(options, { pending, artifactOf, eventMs: decidedThroughMs, labelWindowDays });
    const windows = cutWindows(read.rows, options.size, policy.drift_policy.min_samples, { firstRowIndex: state.rows_done, decidedThroughMs, eventMs });
    let retry: string | undefined;
    for (const window of windows) {
      if (options.stopRequested()) break;
      checkDueEstimates(options, { pending, artifactOf, eventMs: window.endMs, labelWindowDays });
      const decided = await decideWindow(options, window, { state, labelWindow, audited, recorded, pending, labelWindowDays, withShock: policy.shock_policy.retrain_includes_shock });
      ({ state, retry } = decided);
      if (retry !== undefined) {
        options.log(`watch: window ${window.id} waits for the next poll: ${retry}`);
        break;
      }
      decidedNow += 1;
    }
    // The windows just decided may have every label on disk already (a backlog): checked now, not at the next poll.
    checkDueEstimates(options, { pending, artifactOf, eventMs: Math.max(-Infinity, ...state.recent_windows.map((window) => window.end_ms)), labelWindowDays });
    if (options.once) break;
    if (windows.length === 0 || retry !== undefined) await options.sleep(options.pollMs);
  }
  return decidedNow;
}

/** One window: judged and decided unless the audit log shows it decided before a restart; recorded; checkpointed. */
async function decideWindow(options: WatchOptions, window: CutWindow, at: { state: WatchState; labelWindow: LabelWindow; audited: Map<string, WindowHistory>; recorded: ReadonlyMap<string, unknown>; pending: PendingChecks; labelWindowDays: number; withShock: boolean }): Promise<{ state: WatchState; retry?: string }> {
  const { context } = options;
  const rows: KeptRow[] = window.rows.map(keptRowOf);
  const { before, added, labelled } = at.labelWindow.enter(rows, window.endMs, at.labelWindowDays, at.withShock);
  let shock = false;
  const facts: WindowFacts = { window: window.id, day: null, startMs: window.startMs, endMs: window.endMs, rows: rows.length, labelledRows: labelled.length };
  const key = auditWindowId(options.name, window.id);
  const history = at.audited.get(key) ?? { decided: false, runs: [] };
  const now = options.clock === 'event' ? new Date(window.endMs) : new Date();
  if (history.decided) {
    const runId = history.runs[history.runs.length - 1] as string;
    options.log(`watch: window ${window.id} was decided before a restart (run ${runId} in the audit log): not decided again`);
    // Killed between the decision and its line: the line is written now, from what the run recorded.
    const record = recordedDecision(context, facts, runId);
    shock = record.incident === 'shock';
    if (!at.recorded.has(window.id)) appendLinesDurably(windowsLogPath(options.watchDirectory), [recordLine(record)]);
  } else {
    const runId = attemptRunId(options.name, window.id, history.runs.length);
    if (history.runs.length > 0) options.log(`watch: window ${window.id}: run ${history.runs.join(', ')} was cut short before it decided (its intent is settled by this run): deciding it again as ${runId}`);
    let line: string;
    const attempt = await attemptWindow(context, { id: window.id, runId, auditWindowId: key, rows, before, labelled, now }, { once: options.once });
    if ('retry' in attempt) {
      at.labelWindow.takeBack(added);
      return { state: at.state, retry: attempt.retry };
    }
    if ('decided' in attempt) {
      const result = attempt.decided;
      faultPoint('watch_after_decision');
      showLatestWindow(result.directory, options.reportsDirectory);
      const record = windowRecord(facts, result.summary, result.control, runId);
      shock = record.incident === 'shock';
      line = recordLine(record);
      const estimatedVersion = result.summary.model?.version ?? null;
      if (record.estimated_auc !== null && estimatedVersion !== null) at.pending.add({ window: window.id, endMs: window.endMs, modelVersion: estimatedVersion, estimatedAuc: record.estimated_auc, rows: added });
      options.log(`watch: window ${window.id}: ${rows.length} rows, ${labelled.length} labelled; ${record.incident}/${record.severity ?? '-'} -> ${record.action} -> ${record.outcome}${window.lateRows > 0 ? ` (${window.lateRows} late rows)` : ''}`);
    } else if ('decidedBy' in attempt) {
      // Another run decided the window meanwhile (one watcher per checkpoint makes it rare): its line is written from what that run recorded.
      const record = recordedDecision(context, facts, attempt.decidedBy);
      shock = record.incident === 'shock';
      line = recordLine(record);
      options.log(`watch: ${attempt.reason}`);
    } else {
      // Recorded, and the watcher goes on.
      line = recordLine({ ...undecidedRecord(facts, runId), refused: attempt.refused });
      options.log(`watch: window ${window.id} refused: ${attempt.refused}`);
    }
    at.audited.set(key, { decided: true, runs: [...history.runs, runId] });
    appendLinesDurably(windowsLogPath(options.watchDirectory), [line]);
    faultPoint('watch_after_record');
  }
  if (shock) markShock(added);
  const recent = [...at.state.recent_windows, { id: window.id, end_ms: window.endMs, ...(shock ? { shock } : {}) }].filter((entry) => entry.end_ms > windowsKeptFromMs(window.endMs, at.labelWindowDays));
  const state: WatchState = {
    ...at.state,
    position: window.after,
    rows_done: at.state.rows_done + rows.length,
    windows_done: at.state.windows_done + 1,
    last_window: window.id,
    recent_windows: recent,
    batches_read: [...new Map([...at.state.batches_read, ...window.batches].map((batch) => [batch.file, batch])).values()],
    updated_at: new Date().toISOString(),
  };
  saveState(options.watchDirectory, state);
  return { state };
}

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPLAY_TIMELINE_FILE, WATCH_WINDOW_FOLDERS, WATCH_WINDOWS_FILE } from '../../../core/src/domain/timelineFiles.ts';
import { errorMessage, isUserError, UserError } from '../../../core/src/infrastructure/errors.ts';
import { AuditReader, auditKeyFromEnvironment, auditPath, listApprovals, mirroredPositions, readRecordedRun, type Approval, type MirroredPosition } from '../../../control_plane/src/index.ts';
import { monitorPolicy, readColumnHistograms, readMonitoringSummary, summaryPath } from '../../../monitoring/src/index.ts';
import { ModelRegistry, registryHistoryPath } from '../../../registry/src/index.ts';
import { auditView, type AuditView } from './auditView.ts';
import { decisionsView, type DecisionView, type RecordedRun } from './decisionsView.ts';
import { registryView, type RegistryView } from './registryView.ts';
import { summaryView, type SummaryView } from './summaryView.ts';
import { timelineView, type TimelineView } from './timelineView.ts';

/**
 * The dashboard's reads: each opens the files of one store through that store's own
 * functions and hands them to a pure view. Nothing here writes; a reader never takes a
 * lock, so what it shows can be a moment old, never half-written (every store replaces
 * its files atomically or appends whole lines).
 */
export interface DashboardDirectories {
  registryDirectory: string;
  reportsDirectory: string;
  eventsDirectory: string;
  approvalsDirectory: string;
  policyPath: string;
  watchDirectory: string | undefined;
  replayDirectory: string | undefined;
}

export function readRegistry(directories: DashboardDirectories): RegistryView {
  const registry = ModelRegistry.open(directories.registryDirectory);
  return registryView(registry.versions(), registry.history());
}

/** The folder of the watcher's last window (its summary and charts), when the watcher has decided one. */
function lastWatchedWindow(directories: DashboardDirectories): string | undefined {
  if (directories.watchDirectory === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(join(directories.watchDirectory, WATCH_WINDOWS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const last = timelineView('watcher', null, text).windows.at(-1);
  return last === undefined ? undefined : join(directories.watchDirectory, WATCH_WINDOW_FOLDERS, last.window);
}

function modifiedMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
}

/**
 * The latest summary: `make monitor`'s in the reports folder, or the watcher's last
 * window's, whichever was written last (a running watcher judges every window; the
 * reports folder holds the last one-shot run).
 */
export function latestSummaryFolder(directories: DashboardDirectories): string {
  const window = lastWatchedWindow(directories);
  if (window === undefined) return directories.reportsDirectory;
  return modifiedMs(summaryPath(window)) > modifiedMs(summaryPath(directories.reportsDirectory)) ? window : directories.reportsDirectory;
}

export function readSummary(directories: DashboardDirectories): SummaryView {
  const folder = latestSummaryFolder(directories);
  const path = summaryPath(folder);
  if (!existsSync(path)) return { available: false, reason: `no monitoring summary yet (${path}): run make monitor or the watcher` };
  let read: ReturnType<typeof readMonitoringSummary>;
  try {
    read = readMonitoringSummary(path);
  } catch (error) {
    if (!isUserError(error)) throw error;
    return { available: false, reason: errorMessage(error) };
  }
  let policy = null;
  try {
    policy = monitorPolicy(directories.policyPath).loaded;
  } catch (error) {
    // The verdict is shown without the policy's limits rather than not at all.
    if (!isUserError(error)) throw error;
  }
  return summaryView(path, read.sha256, read.summary, readColumnHistograms(folder, read.sha256), policy);
}

/** The timeline files that exist, newest first: the watcher's log and each replay's timeline. */
function timelineFiles(directories: DashboardDirectories): { source: 'watcher' | 'replay'; path: string; modifiedMs: number }[] {
  const found: { source: 'watcher' | 'replay'; path: string; modifiedMs: number }[] = [];
  const consider = (source: 'watcher' | 'replay', path: string): void => {
    try {
      found.push({ source, path, modifiedMs: statSync(path).mtimeMs });
    } catch {
      // not there: nothing to show from it
    }
  };
  if (directories.watchDirectory !== undefined) consider('watcher', join(directories.watchDirectory, WATCH_WINDOWS_FILE));
  if (directories.replayDirectory !== undefined) {
    let names: string[] = [];
    try {
      names = readdirSync(directories.replayDirectory);
    } catch {
      // no replay folder (or not a folder): no replay to show
    }
    for (const name of names) consider('replay', join(directories.replayDirectory, name, REPLAY_TIMELINE_FILE));
  }
  return found.sort((a, b) => b.modifiedMs - a.modifiedMs);
}

export function readTimeline(directories: DashboardDirectories): TimelineView {
  const newest = timelineFiles(directories)[0];
  if (newest === undefined) return { source: null, path: null, windows: [], skipped_lines: 0 };
  let text: string;
  try {
    text = readFileSync(newest.path, 'utf8');
  } catch (error) {
    throw new UserError(`${newest.path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`, 'conflict');
  }
  return timelineView(newest.source, newest.path, text);
}

/** The files whose change means the dashboard has something new to show. */
export function watchedFiles(directories: DashboardDirectories): { name: string; path: string }[] {
  return [
    { name: 'decisions', path: auditPath(directories.eventsDirectory) },
    { name: 'summary', path: summaryPath(latestSummaryFolder(directories)) },
    { name: 'registry', path: registryHistoryPath(directories.registryDirectory) },
    { name: 'approvals', path: directories.approvalsDirectory },
    ...timelineFiles(directories).slice(0, 1).map(({ path }) => ({ name: 'timeline', path })),
  ];
}

/** One reader per events folder, kept: a log that only grew is verified by its new lines alone. */
const auditReaders = new Map<string, AuditReader>();

function auditRead(directories: DashboardDirectories): ReturnType<AuditReader['read']> {
  let reader = auditReaders.get(directories.eventsDirectory);
  if (reader === undefined) {
    reader = new AuditReader(directories.eventsDirectory);
    auditReaders.set(directories.eventsDirectory, reader);
  }
  let mirrored: MirroredPosition[];
  try {
    mirrored = existsSync(directories.registryDirectory) ? mirroredPositions(ModelRegistry.open(directories.registryDirectory).history()) : [];
  } catch (error) {
    // The log's own chain is still shown; that it could not be held against the registry's copies is its state.
    if (!isUserError(error)) throw error;
    const { records } = reader.read(auditKeyFromEnvironment(), []);
    return { verification: { ok: false, line: null, problem: `cannot check the log against the registry's copies of its head: ${errorMessage(error)}` }, records };
  }
  return reader.read(auditKeyFromEnvironment(), mirrored);
}

export function readAudit(directories: DashboardDirectories): AuditView {
  const { verification, records } = auditRead(directories);
  return auditView(verification, records.length);
}

export function readDecisions(directories: DashboardDirectories, limit: number): DecisionView[] {
  const { records } = auditRead(directories);
  const recorded = (runId: string): RecordedRun => {
    try {
      return readRecordedRun(directories.eventsDirectory, runId);
    } catch {
      return {};
    }
  };
  return decisionsView(records, recorded, limit);
}

export function readPendingApprovals(directories: DashboardDirectories): Approval[] {
  return listApprovals(directories.approvalsDirectory).filter((approval) => approval.status === 'pending');
}

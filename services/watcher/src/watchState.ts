import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { assertOwnOutput, assertValid } from '../../core/src/infrastructure/jsonSchema.ts';
import { compileContractSchema } from '../../core/src/domain/vocabularySchema.ts';
import watchStateSchema from '../schema/watch-state.schema.json' with { type: 'json' };
import type { SourcePosition } from './windowTypes.ts';

/*
 * The watcher's checkpoint (shared/watch/state.json), replaced atomically after each
 * window: where the source stands after the last window decided, and which windows the
 * label window still needs. A restart, after kill -9 too, reads the rows from there
 * again: the window cut from them is the same window, and one already decided (its run
 * id is in the audit log) is not decided again.
 */

/** 2: batches read are recorded with their sha256, and the source names the watcher. */
export const STATE_VERSION = 2;

export interface WatchState {
  version: number;
  /** What is watched and how it is cut: a checkpoint of another source or window size means nothing here. */
  source: string;
  window: string;
  /** The next row to read; null: the start. */
  position: SourcePosition | null;
  /** Rows in decided windows (row windows are named by this count). */
  rows_done: number;
  windows_done: number;
  last_window: string | null;
  /** Decided windows whose rows a later window's label window may need, oldest first. */
  recent_windows: { id: string; end_ms: number; shock?: boolean }[];
  /** The dropped batches whose rows were taken (a batches source), with their sha256: one dropped later, named before them, is told apart. */
  batches_read: { file: string; sha256: string }[];
  updated_at: string;
}

const validateWatchState = compileContractSchema<WatchState>(watchStateSchema);

export function statePath(watchDirectory: string): string {
  return join(watchDirectory, 'state.json');
}

export function initialState(source: string, window: string, now: Date): WatchState {
  return { version: STATE_VERSION, source, window, position: null, rows_done: 0, windows_done: 0, last_window: null, recent_windows: [], batches_read: [], updated_at: now.toISOString() };
}

/** The checkpoint, or a fresh one; a checkpoint of another source or window size is refused rather than misread. */
export function loadState(watchDirectory: string, source: string, window: string, now: Date): WatchState {
  const path = statePath(watchDirectory);
  if (!existsSync(path)) return initialState(source, window, now);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`${path}: not a watcher checkpoint (${(error as Error).message}); move it away to start over`);
  }
  const version = (parsed as { version?: unknown } | null)?.version;
  if (version !== STATE_VERSION) throw new UserError(`${path}: a checkpoint of version ${String(version)}, this watcher writes version ${STATE_VERSION}; move it away and start again: the windows the audit log holds as decided are not decided again`);
  const state = assertValid(validateWatchState, parsed, path);
  if (state.source !== source || state.window !== window) {
    throw new UserError(`${path} is the checkpoint of ${state.source} cut by ${state.window}, not ${source} cut by ${window}: give the same source and window, or another --watch-dir`);
  }
  return state;
}

export function saveState(watchDirectory: string, state: WatchState): void {
  writeJsonAtomic(statePath(watchDirectory), assertOwnOutput(validateWatchState, state, 'watcher checkpoint'));
}

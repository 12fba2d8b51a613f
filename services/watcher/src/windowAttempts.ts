import { DECIDING_KINDS, type AuditRecord } from '../../control_plane/src/index.ts';

/*
 * Whether a window was decided, from the audit log alone: a window is decided once one of
 * its runs recorded its sentinel report or a refusal. A run killed during its effects left
 * only its intent (settled by the next control run): the window is not decided, and is
 * decided again under the next attempt's run id, since a run id names one run.
 */

export interface WindowHistory {
  decided: boolean;
  /** The run ids that carried the window's id, in the log's order. */
  runs: string[];
}

/** Per window id (the audit records' detail.window_id): decided or not, and its runs so far. */
export function windowHistories(records: readonly Pick<AuditRecord, 'run_id' | 'kind' | 'detail'>[]): Map<string, WindowHistory> {
  const histories = new Map<string, WindowHistory>();
  for (const record of records) {
    const windowId = record.detail.window_id;
    if (typeof windowId !== 'string') continue;
    const history = histories.get(windowId) ?? { decided: false, runs: [] };
    if (!history.runs.includes(record.run_id)) history.runs.push(record.run_id);
    if (DECIDING_KINDS.has(record.kind)) history.decided = true;
    histories.set(windowId, history);
  }
  return histories;
}

/** The run id of a window's next attempt: `<prefix>-<window>`, then `-attempt2`, `-attempt3` after runs cut short. */
export function attemptRunId(prefix: string, windowId: string, earlierRuns: number): string {
  const base = `${prefix}-${windowId}`;
  return earlierRuns === 0 ? base : `${base}-attempt${earlierRuns + 1}`;
}

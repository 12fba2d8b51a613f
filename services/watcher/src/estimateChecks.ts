import type { KeptRow } from './labelWindow.ts';
import type { EstimateCheck } from './windowTypes.ts';

export type { EstimateCheck } from './windowTypes.ts';

/*
 * CBPE's estimate of a window, checked against the truth once the window's labels have
 * come: the error says how far the system could trust what it acted on before them.
 */

const DAY_MS = 86_400_000;

/** A window estimated and waiting for its labels: its rows are the label window's copies, which labels attach to as they come. */
export interface PendingCheck {
  window: string;
  endMs: number;
  modelVersion: number;
  estimatedAuc: number;
  rows: readonly KeptRow[];
}

/** A window whose check is due, with why and the rows whose labels came. */
export interface DueCheck { check: PendingCheck; reason: EstimateCheck['reason']; labelled: KeptRow[] }

/** Windows waiting for their labels, in the order they were decided. */
export class PendingChecks {
  private pending: PendingCheck[] = [];

  add(check: PendingCheck): void {
    if (check.rows.length > 0) this.pending.push(check);
  }

  /**
   * The windows whose check is due: every row has a label that came by `labelsThroughMs`,
   * or the window has left the label window by `clockMs` (its rows are forgotten after
   * that). A watcher knows every label on disk, whatever its decisions' clock (the check
   * decides nothing); a replay only those its clock has delivered. Taken out of the waiting.
   */
  takeDue(at: { labelsThroughMs: number; clockMs: number }, labelWindowDays: number): DueCheck[] {
    const due: DueCheck[] = [];
    this.pending = this.pending.filter((check) => {
      const labelled = check.rows.filter((row) => row.label !== undefined && (row.labelMs as number) <= at.labelsThroughMs);
      const leaving = check.endMs <= at.clockMs - labelWindowDays * DAY_MS;
      if (labelled.length < check.rows.length && !leaving) return true;
      due.push({ check, reason: labelled.length === check.rows.length ? 'all_labelled' : 'label_window_passed', labelled });
      return false;
    });
    return due;
  }

  get size(): number {
    return this.pending.length;
  }
}

/** When the check could be made: the last label's arrival, or the end of the label window. */
export function checkTime(check: PendingCheck, reason: EstimateCheck['reason'], labelled: readonly KeptRow[], labelWindowDays: number): number {
  if (reason === 'label_window_passed') return check.endMs + labelWindowDays * DAY_MS;
  // A loop, not Math.max(...): a day of traffic can hold more rows than a call takes arguments.
  let last = check.endMs;
  for (const row of labelled) if ((row.labelMs as number) > last) last = row.labelMs as number;
  return last;
}

/** Fewer labelled rows than this, or of either class, say little of a window's ROC AUC: no error is recorded from them. */
export const MIN_CHECK_ROWS = 100;
export const MIN_CHECK_ROWS_PER_CLASS = 10;

/** Whether the labels that came are enough to judge the estimate by (segment performance holds segments to the same). */
export function enoughLabels(labelled: readonly KeptRow[]): boolean {
  let positives = 0;
  for (const row of labelled) if (row.label === 1) positives += 1;
  return labelled.length >= MIN_CHECK_ROWS && positives >= MIN_CHECK_ROWS_PER_CLASS && labelled.length - positives >= MIN_CHECK_ROWS_PER_CLASS;
}

/** The check's record, from the realised ROC AUC of the labelled rows (null: too few labels to judge by, or one class). Pure. */
export function estimateCheck(check: PendingCheck, reason: EstimateCheck['reason'], labelled: readonly KeptRow[], realisedAuc: number | null, checkedAtMs: number): EstimateCheck {
  return {
    window: check.window,
    model_version: check.modelVersion,
    estimated_auc: check.estimatedAuc,
    realised_auc: realisedAuc,
    error: realisedAuc === null ? null : check.estimatedAuc - realisedAuc,
    rows: check.rows.length,
    labelled_rows: labelled.length,
    checked_at: new Date(checkedAtMs).toISOString(),
    reason,
  };
}

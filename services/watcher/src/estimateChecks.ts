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

/** Windows waiting for their labels, in the order they were decided. */
export class PendingChecks {
  private pending: PendingCheck[] = [];

  add(check: PendingCheck): void {
    if (check.rows.length > 0) this.pending.push(check);
  }

  /**
   * The windows whose check is due at `asOfMs`: every row labelled by then, or the window
   * left the label window (its rows are forgotten after that). Taken out of the waiting.
   */
  takeDue(asOfMs: number, labelWindowDays: number): { check: PendingCheck; reason: EstimateCheck['reason']; labelled: KeptRow[] }[] {
    const due: { check: PendingCheck; reason: EstimateCheck['reason']; labelled: KeptRow[] }[] = [];
    this.pending = this.pending.filter((check) => {
      const labelled = check.rows.filter((row) => row.label !== undefined && (row.labelMs as number) <= asOfMs);
      const leaving = check.endMs <= asOfMs - labelWindowDays * DAY_MS;
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
  return Math.max(check.endMs, ...labelled.map((row) => row.labelMs as number));
}

/** The check's record, from the realised ROC AUC of the labelled rows. Pure. */
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

import type { Action, ApprovalAnswer, IncidentType, ReleaseOutcome, Severity } from '../../core/src/domain/vocabularies.ts';

/*
 * The records the loop over time writes and reads: the rows a source hands the watcher,
 * where a source stands (the checkpoint's position), and one line of a replay's
 * timeline.jsonl. Declared once here; the watcher, the replay and the report read them.
 */

/** One transaction as a source hands it over: its id, its event time, and its cells in the window header's order. */
export interface SourceRow {
  id: string;
  /** ISO 8601 UTC, as the dataset's time column spells it. */
  eventTime: string;
  cells: string[];
}

/**
 * Where a source stands: the next row to read. A batch position also records its file's
 * row count and sha256 as read, so a file written again under the same name is told apart
 * from the one whose rows were taken. A bus position is the predictions stream's entry id.
 */
export type SourcePosition =
  | { kind: 'prediction_log'; file: number; offset: number }
  | { kind: 'batches'; file: string | null; row: number; rows?: number; sha256?: string; bytes?: number }
  | { kind: 'bus'; id: string };

/** A batch (or log file) set aside because it cannot be read, with the one-line reason. */
export interface Quarantined {
  file: string;
  reason: string;
}

/** What a source read from a position on: each row with the position just after it. */
export interface SourceRead {
  rows: { row: SourceRow; after: SourcePosition }[];
  quarantined: Quarantined[];
}

/** A label as it arrives: which transaction, its 0/1 label, and when it became known (ISO). */
export interface ArrivedLabel {
  id: string;
  label: 0 | 1;
  labelTime: string;
  /** labelTime in ms (UTC), parsed once: every window compares it with its end. */
  labelMs: number;
}

/** A window's estimate compared with the ROC AUC its labels give, once they arrived. */
export interface EstimateCheck {
  window: string;
  /** The version that served (and was estimated on) the window. */
  model_version: number;
  estimated_auc: number;
  realised_auc: number | null;
  /** estimated - realised ROC AUC; null when the labels that came hold one class only. */
  error: number | null;
  rows: number;
  labelled_rows: number;
  /** The time the check was made: the last label's arrival, or the window leaving the label window. */
  checked_at: string;
  /** all_labelled: every row's label came; label_window_passed: the window left the label window with labels still missing. */
  reason: 'all_labelled' | 'label_window_passed';
}

/** One window of a replay (a line of timeline.jsonl); the watcher keeps the same fields in its own log. */
export interface WindowRecord {
  /** Window id: the day ("2026-09-01"), a span of days when small windows were accumulated ("2026-09-01..2026-09-02"), or "rows-<first row>". */
  window: string;
  /** Day index of the window's last day from the timeline's start (0-based); null outside a timeline. */
  day: number | null;
  start: string;
  end: string;
  rows: number;
  /** Rows of the label window whose labels had arrived by the window's end: what performance and a retrain could use. */
  labelled_rows: number;
  /** null when the window was not judged (fewer rows than min_samples: accumulated into the next). */
  drift_share: number | null;
  drifted_columns: string[];
  severity: Severity | null;
  incident: IncidentType | null;
  action: Action | null;
  outcome: ReleaseOutcome | null;
  /** Guardrails that held an action back (blackout_window, cooldown, retrain_budget). */
  guardrail_skips: string[];
  confidence: number | null;
  /** The version that served the window's traffic, and the one serving after its decision. */
  serving_version: number | null;
  serving_version_after: number | null;
  /** ROC AUC of the serving model on the window's rows with every label, known only in hindsight. */
  hindsight_auc: number | null;
  /** ROC AUC on the rows whose labels had arrived (the label window), what the system could know then. */
  known_auc: number | null;
  /** The serving model's ROC AUC on the window estimated without labels (CBPE) when it was decided; null without one. */
  estimated_auc: number | null;
  /** The estimate against the realised ROC AUC once the window's labels arrived (replay); null until then, or without an estimate. */
  estimate_check: Omit<EstimateCheck, 'window' | 'model_version' | 'estimated_auc' | 'rows'> | null;
  /**
   * The approval this window's run asked for, what the approvals rule answered, in which
   * window, and the outcome of the approved action (null unless it ran). "closed": expired
   * or stale by the time it was answered, so nothing ran.
   */
  approval: { id: string; answer: ApprovalAnswer; answered_in: string | null; outcome: ReleaseOutcome | null } | null;
  run_id: string | null;
}

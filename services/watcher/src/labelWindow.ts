import type { ArrivedLabel, SourceRow } from './windowTypes.ts';

/*
 * Which rows a window's performance (and a retrain) may use: rows of the last
 * label_window_days of event time whose labels had arrived by the window's end. A label
 * that arrives later is not known yet, however sure the future is of it.
 */

const DAY_MS = 86_400_000;

/** A row kept for the label window: its id, its event time in ms, its CSV line (no newline), and its label once one arrived. */
export interface KeptRow {
  id: string;
  eventMs: number;
  line: string;
  label?: 0 | 1;
  /** When the label arrived (ms). */
  labelMs?: number;
  /** A row of a window the sentinel found a shock in: left out of performance and retrains unless the policy keeps them. */
  shock?: boolean;
}

/** A row of the label window with its label. */
export type LabelledRow = KeptRow & { label: 0 | 1 };

/**
 * An ISO 8601 UTC time in ms, for a time the sources have already checked
 * (comparableUtcTime): a time without its Z is UTC too (Date.parse would take it as
 * local time). Called for every row, so the check is not repeated.
 */
export function utcMs(text: string): number {
  const ms = Date.parse(text.endsWith('Z') ? text : `${text}Z`);
  if (Number.isNaN(ms)) throw new Error(`internal: "${text}" is not an ISO 8601 UTC time (sources refuse those)`);
  return ms;
}

export function eventMs(row: Pick<SourceRow, 'eventTime'>): number {
  return utcMs(row.eventTime);
}

/**
 * The rows of the last days of traffic and the labels learned for them. A label is
 * attached to its row once, when either of the two comes (labels arrive after their rows,
 * but a feed may deliver a row late); a window then only compares numbers, so judging a
 * window costs its own rows and the labels that came since, not a lookup per kept row.
 */
export class LabelWindow {
  private rows: KeptRow[] = [];
  private readonly byId = new Map<string, KeptRow>();
  /** The earliest arrival of every label learned: a chargeback is known from its first arrival. */
  private readonly labels = new Map<string, ArrivedLabel>();

  /** Labels as they arrive (again and again is fine: the earliest arrival of each is kept). */
  learn(labels: Iterable<ArrivedLabel>): void {
    for (const label of labels) {
      const known = this.labels.get(label.id);
      if (known !== undefined && known.labelMs <= label.labelMs) continue;
      this.labels.set(label.id, label);
      const row = this.byId.get(label.id);
      if (row !== undefined) attach(row, label);
    }
  }

  /** The rows are copied (the labels attached to them are this window's business); the copies are returned, to be marked. */
  add(rows: readonly KeptRow[]): KeptRow[] {
    const added: KeptRow[] = [];
    for (const { id, eventMs, line, shock } of rows) {
      const row: KeptRow = shock ? { id, eventMs, line, shock } : { id, eventMs, line };
      added.push(row);
      const label = this.labels.get(id);
      if (label !== undefined) attach(row, label);
      this.rows.push(row);
      this.byId.set(id, row);
    }
    return added;
  }

  /**
   * A window's rows enter: rows older than the label window at its end are forgotten, its
   * rows are added, and what its decision sees is returned: the traffic kept before it
   * (what its volume is judged against), its own rows as added (to be marked if it is a
   * shock) and the label window's rows whose labels had arrived by its end.
   */
  enter(rows: readonly KeptRow[], endMs: number, labelWindowDays: number, withShock: boolean): { before: KeptRow[]; added: KeptRow[]; labelled: LabelledRow[] } {
    this.forgetBefore(labelWindowStart(endMs, labelWindowDays));
    const before = this.traffic();
    const added = this.add(rows);
    return { before, added, labelled: this.labelledAt(endMs, labelWindowDays, withShock) };
  }

  /** Takes back rows just added (a window to be tried again adds them again). */
  takeBack(added: readonly KeptRow[]): void {
    const back = new Set(added);
    this.rows = this.rows.filter((row) => !back.has(row));
    for (const row of added) if (this.byId.get(row.id) === row) this.byId.delete(row.id);
  }

  /** Rows kept whose event time is at or after `fromMs` (older ones are not needed again; late rows sit anywhere). */
  forgetBefore(fromMs: number): void {
    const kept: KeptRow[] = [];
    for (const row of this.rows) {
      if (row.eventMs >= fromMs) kept.push(row);
      else if (this.byId.get(row.id) === row) this.byId.delete(row.id);
    }
    this.rows = kept;
  }

  /** The traffic kept, in the order it came (a copy: later rows are not part of it). */
  traffic(): KeptRow[] {
    return [...this.rows];
  }

  /**
   * The rows of [asOf - days, asOf) whose label had arrived by asOf, in the order they
   * came; a shock's rows only when `withShock` (shock_policy.retrain_includes_shock).
   */
  labelledAt(asOfMs: number, labelWindowDays: number, withShock = true): LabelledRow[] {
    const from = asOfMs - labelWindowDays * DAY_MS;
    const found: LabelledRow[] = [];
    for (const row of this.rows) {
      if (row.labelMs !== undefined && row.labelMs <= asOfMs && row.eventMs >= from && row.eventMs < asOfMs && (withShock || !row.shock)) found.push(row as LabelledRow);
    }
    return found;
  }
}

function attach(row: KeptRow, label: ArrivedLabel): void {
  row.label = label.label;
  row.labelMs = label.labelMs;
}

/** A shock's rows stay out of later windows' performance and retrains (shock_policy.retrain_includes_shock: false). */
export function markShock(rows: readonly KeptRow[]): void {
  for (const row of rows) row.shock = true;
}

/**
 * The end after which a window's rows are still kept once the window ending at `endMs` is
 * decided: the label window's windows, and a day more. What a restarted watcher rebuilds
 * its label window from (the file watcher's checkpoint, the bus's predictions stream).
 */
export function windowsKeptFromMs(endMs: number, labelWindowDays: number): number {
  return labelWindowStart(endMs, labelWindowDays) - DAY_MS;
}

/** The start of the label window that ends at `asOfMs`. */
export function labelWindowStart(asOfMs: number, labelWindowDays: number): number {
  return asOfMs - labelWindowDays * DAY_MS;
}

import { comparableUtcTime } from './windowHeader.ts';
import type { ArrivedLabel, SourceRow } from './windowTypes.ts';

/*
 * Which rows a window's performance (and a retrain) may use: rows of the last
 * label_window_days of event time whose labels had arrived by the window's end. A label
 * that arrives later is not known yet, however sure the future is of it.
 */

const DAY_MS = 86_400_000;

/** A row kept for the label window: its id, its event time in ms, and its CSV line (no newline). */
export interface KeptRow {
  id: string;
  eventMs: number;
  line: string;
}

/** A row of the label window with the label known at the window's end. */
export interface LabelledRow extends KeptRow {
  label: 0 | 1;
}

/** An ISO 8601 UTC time in ms; a time without its Z is UTC too (Date.parse would take it as local time). */
export function utcMs(text: string): number {
  const comparable = comparableUtcTime(text);
  if (comparable === undefined) throw new Error(`internal: "${text}" is not an ISO 8601 UTC time (sources refuse those)`);
  return Date.parse(comparable.slice(0, 23) + 'Z');
}

export function eventMs(row: Pick<SourceRow, 'eventTime'>): number {
  return utcMs(row.eventTime);
}

/** The rows of the label window (event time in [asOf - days, asOf)) whose label arrived by asOf, in the order kept. */
export function labelledAt(rows: readonly KeptRow[], labels: ReadonlyMap<string, ArrivedLabel>, asOfMs: number, labelWindowDays: number): LabelledRow[] {
  const from = asOfMs - labelWindowDays * DAY_MS;
  const found: LabelledRow[] = [];
  for (const row of rows) {
    if (row.eventMs < from || row.eventMs >= asOfMs) continue;
    const arrived = labels.get(row.id);
    if (arrived === undefined || utcMs(arrived.labelTime) > asOfMs) continue;
    found.push({ ...row, label: arrived.label });
  }
  return found;
}

/** The rows still needed by a later window's label window (event time at or after asOf - days). */
export function stillNeeded(rows: readonly KeptRow[], asOfMs: number, labelWindowDays: number): KeptRow[] {
  const from = asOfMs - labelWindowDays * DAY_MS;
  return rows.filter((row) => row.eventMs >= from);
}

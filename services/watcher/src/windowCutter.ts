import type { SourcePosition, SourceRow } from './windowTypes.ts';

/*
 * Cuts a stream of rows into windows: one day of event time (the default) or a number
 * of rows. A window that holds fewer rows than min_samples is not judged: its rows are
 * carried into the next window, whose id then spans both. Every window is a prefix of
 * what is left of the stream, so the position after its last row is all a checkpoint
 * needs to resume without a window skipped or cut twice.
 */

export type WindowSize = { kind: 'day' } | { kind: 'rows'; rows: number };

export interface CutWindow {
  id: string;
  rows: SourceRow[];
  /** Where the stream stands after the window's last row. */
  after: SourcePosition;
  /** The first day's start and the last day's end (day windows); the first and last rows' times (row windows). */
  startMs: number;
  endMs: number;
  /** Rows whose day had already passed when they came (counted in the window they came in). */
  lateRows: number;
  /** The dropped batches the window's rows came from (a batches source), in order, with the sha256 of each as read. */
  batches: { file: string; sha256: string }[];
}

const DAY_MS = 86_400_000;

function dayOf(eventTime: string): string {
  return eventTime.slice(0, 10);
}

function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/**
 * The windows the rows close, in order. A day closes when a row of a later day comes, or
 * when `closedThroughMs` (a replay's clock: every row of the day is in) passes its end;
 * the rows after the last closed window stay for the next call. `firstRowIndex` is the
 * stream's count of rows before these (row windows are named by it). Days before
 * `decidedThroughMs` (the end of the last window decided) are closed for good: their
 * rows, coming late, go into the window open when they come, and never name one (it
 * would be the name of a window already decided).
 */
export function cutWindows(rows: readonly { row: SourceRow; after: SourcePosition }[], size: WindowSize, minSamples: number, options: { firstRowIndex: number; closedThroughMs?: number; decidedThroughMs?: number; eventMs: (row: SourceRow) => number }): CutWindow[] {
  const windows: CutWindow[] = [];
  let start = 0;
  const emit = (end: number, startMs: number, endMs: number, id: string, lateRows: number): void => {
    const entries = rows.slice(start, end);
    const batches = new Map<string, string>();
    for (const { after } of entries) if (after.kind === 'batches' && after.file !== null) batches.set(after.file, after.sha256 ?? '');
    windows.push({ id, rows: entries.map((entry) => entry.row), after: (rows[end - 1] as { after: SourcePosition }).after, startMs, endMs, lateRows, batches: [...batches].map(([file, sha256]) => ({ file, sha256 })) });
    start = end;
  };
  if (size.kind === 'rows') {
    // A window of N rows is judged once it has min_samples of them; a smaller N accumulates.
    const perWindow = Math.max(size.rows, minSamples);
    while (rows.length - start >= perWindow) {
      // A loop, not Math.min(...times): spreading a window of 100k+ rows as arguments overflows the stack.
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (let index = start; index < start + perWindow; index += 1) {
        const time = options.eventMs((rows[index] as (typeof rows)[number]).row);
        if (time < first) first = time;
        if (time > last) last = time;
      }
      emit(start + perWindow, first, last + 1, `rows-${String(options.firstRowIndex + start).padStart(9, '0')}`, 0);
    }
    return windows;
  }
  let firstDay: string | undefined;
  let openDay: string | undefined;
  let lateRows = 0;
  let closedBeforeMs = options.decidedThroughMs ?? -Infinity;
  const closeAt = (end: number): void => {
    if (firstDay === undefined || openDay === undefined) return;
    if (end - start < minSamples) return;
    emit(end, dayStartMs(firstDay), dayStartMs(openDay) + DAY_MS, firstDay === openDay ? openDay : `${firstDay}..${openDay}`, lateRows);
    closedBeforeMs = dayStartMs(openDay) + DAY_MS;
    firstDay = undefined;
    openDay = undefined;
    lateRows = 0;
  };
  rows.forEach((entry, index) => {
    const day = dayOf(entry.row.eventTime);
    if (dayStartMs(day) < closedBeforeMs) {
      lateRows += 1;
      return;
    }
    if (openDay !== undefined && day > openDay) {
      closeAt(index);
      // Accumulated (too few rows): the window goes on into this day.
      if (openDay !== undefined) openDay = day;
    }
    if (firstDay === undefined) {
      firstDay = day;
      openDay = day;
    } else if (day < (openDay as string)) {
      lateRows += 1;
    }
  });
  if (options.closedThroughMs !== undefined && openDay !== undefined && dayStartMs(openDay) + DAY_MS <= options.closedThroughMs) closeAt(rows.length);
  return windows;
}

/*
 * When the traffic player sends what: a timeline's days played at `speed` times real time,
 * each day's rows in batches spread evenly over the day's share of wall time, and the day's
 * arrived labels dropped once the day has been played. Pure: the clock is the caller's.
 */

const DAY_MS = 86_400_000;

/** How fast simulated time runs: a multiple of real time, or as fast as the API answers. */
export type PlaySpeed = { kind: 'times'; factor: number } | { kind: 'max' };

/** `--speed`: a multiple of real time (43200: a simulated day every 2 s) or "max". */
export function parseSpeed(raw: string): PlaySpeed {
  if (raw === 'max') return { kind: 'max' };
  const factor = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(factor >= 1) || factor > 86_400_000) throw new Error(`--speed: must be a multiple of real time from 1 to 86400000 (43200: a day every 2 s) or "max", got "${raw}"`);
  return { kind: 'times', factor };
}

/** Wall milliseconds one simulated day takes (0: no pacing). */
export function dayWallMs(speed: PlaySpeed): number {
  return speed.kind === 'max' ? 0 : DAY_MS / speed.factor;
}

/** The row ranges [start, end) of a day's batches, each at most `size` rows, in order. */
export function batchRanges(rows: number, size: number): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  for (let start = 0; start < rows; start += size) ranges.push({ start, end: Math.min(rows, start + size) });
  return ranges;
}

/** When (wall ms after the play started) batch `batch` of `batches` of day `day` is due. */
export function batchDueMs(day: number, batch: number, batches: number, dayMs: number): number {
  return dayMs * (day + batch / Math.max(1, batches));
}

/** When the labels that arrived on day `day` are dropped: once the day has been played. */
export function labelsDueMs(day: number, dayMs: number): number {
  return dayMs * (day + 1);
}

import type { VolumeBaseline } from '../../monitoring/src/index.ts';
import type { KeptRow } from './labelWindow.ts';

const DAY_MS = 86_400_000;

/** Days more than this many times the median day are surges themselves, not the normal a surge is judged against. */
const SURGE_DAY_FACTOR = 2;

/**
 * The normal a window's volume is judged against: the traffic of the days before it
 * (the rows kept for the label window), by the median day, so one past surge does not
 * raise the bar for the next; the hour profile from the days that were not surges.
 * Undefined before any traffic: the reference is all there is then.
 */
export function trafficBaseline(before: readonly KeptRow[]): VolumeBaseline | undefined {
  if (before.length === 0) return undefined;
  const byDay = new Map<number, KeptRow[]>();
  for (const row of before) {
    const day = Math.floor(row.eventMs / DAY_MS);
    const rows = byDay.get(day);
    if (rows) rows.push(row);
    else byDay.set(day, [row]);
  }
  const counts = [...byDay.values()].map((rows) => rows.length).sort((a, b) => a - b);
  const middle = Math.floor(counts.length / 2);
  const median = counts.length % 2 === 1 ? (counts[middle] as number) : ((counts[middle - 1] as number) + (counts[middle] as number)) / 2;
  const normalDays = [...byDay.values()].filter((rows) => rows.length <= SURGE_DAY_FACTOR * median);
  const hours = Float64Array.from(normalDays.flat(), (row) => Math.floor((row.eventMs % DAY_MS) / 3_600_000));
  return {
    rows: median * byDay.size,
    days: byDay.size,
    hours,
    description: `the traffic of the ${byDay.size} day(s) before the window (median ${median} rows/day)`,
  };
}

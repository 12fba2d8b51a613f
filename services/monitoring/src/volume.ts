import { jensenShannonDistance } from '../../core/src/domain/stattests/jensenshannon.ts';

export interface VolumeSummary {
  reference_rows: number;
  current_rows: number;
  row_ratio: number;
  /** Distinct calendar days (UTC) in each file, when it has an event time column. */
  reference_days: number | null;
  current_days: number | null;
  reference_rows_per_day: number | null;
  current_rows_per_day: number | null;
  rows_per_day_ratio: number | null;
  /** Share of rows per hour of day 0..23, when there is an hour column. */
  reference_hour_profile: number[] | null;
  current_hour_profile: number[] | null;
  hour_profile_distance: number | null;
  /** Hours whose share of current rows is at least twice their reference share (and >= 5%). */
  surge_hours: number[];
  /** What the reference_* figures are: the reference file, or (over time) the traffic before the window. Absent in older summaries. */
  compared_with?: string;
}

function hourProfile(hours: Float64Array): number[] | null {
  // Indexed, into typed counts: for...of over a million hours took 50 ms.
  const counts = new Float64Array(24);
  let total = 0;
  for (let row = 0; row < hours.length; row += 1) {
    const hour = hours[row] as number;
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) continue;
    counts[hour] = (counts[hour] as number) + 1;
    total += 1;
  }
  return total === 0 ? null : Array.from(counts, (count) => count / total);
}

/** Row counts, rows per active day and the hour-of-day profile: the signals of a shock. */
export function volumeSummary(input: { referenceRows: number; currentRows: number; referenceDays?: number; currentDays?: number; referenceHours?: Float64Array; currentHours?: Float64Array }): VolumeSummary {
  const perDay = (rows: number, days: number | undefined): number | null => (days && days > 0 ? rows / days : null);
  const referencePerDay = perDay(input.referenceRows, input.referenceDays);
  const currentPerDay = perDay(input.currentRows, input.currentDays);
  const referenceProfile = input.referenceHours ? hourProfile(input.referenceHours) : null;
  const currentProfile = input.currentHours ? hourProfile(input.currentHours) : null;
  const distance = referenceProfile && currentProfile ? jensenShannonDistance(Float64Array.from(referenceProfile), Float64Array.from(currentProfile)) : null;
  const surgeHours = referenceProfile && currentProfile
    ? currentProfile.flatMap((share, hour) => (share >= 0.05 && share >= 2 * (referenceProfile[hour] as number) ? [hour] : []))
    : [];
  return {
    reference_rows: input.referenceRows,
    current_rows: input.currentRows,
    row_ratio: input.currentRows / input.referenceRows,
    reference_days: input.referenceDays ?? null,
    current_days: input.currentDays ?? null,
    reference_rows_per_day: referencePerDay,
    current_rows_per_day: currentPerDay,
    rows_per_day_ratio: referencePerDay && currentPerDay ? currentPerDay / referencePerDay : null,
    reference_hour_profile: referenceProfile,
    current_hour_profile: currentProfile,
    hour_profile_distance: distance,
    surge_hours: surgeHours,
  };
}

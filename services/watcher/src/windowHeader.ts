import { featureNames, type DatasetSpec, type FeatureSpec, type LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { featureCellProblem } from '../../core/src/domain/datasetColumns.ts';
import { utcMs } from './labelWindow.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';

/*
 * What a row of a window is, whatever source it came from: the id, the event time and
 * the features in the spec's order, the time spelled as ISO 8601 UTC. Windows are cut
 * and labels joined by these two columns, so a spec without them cannot be watched.
 */

/** A spec that names its id and time columns: the only kind the watcher takes. */
export type WatchableSpec = DatasetSpec & { id: string; time: string };

export function requireWatchableSpec(dataset: LoadedDatasetSpec): WatchableSpec {
  const { spec } = dataset;
  const missing = [spec.id === undefined ? 'id' : undefined, spec.time === undefined ? 'time' : undefined].filter((key) => key !== undefined);
  if (missing.length > 0) {
    throw new UserError(`${dataset.source}: the watcher needs the ${missing.join(' and ')} column${missing.length > 1 ? 's' : ''} (add ${missing.map((key) => `"${key}: COLUMN"`).join(' and ')}): windows are cut by time and labels joined by id`);
  }
  return spec as WatchableSpec;
}

/** The columns of every window row, in the order SourceRow.cells holds them. */
export function windowHeader(spec: WatchableSpec): string[] {
  return [spec.id, spec.time, ...featureNames(spec)];
}

export const UTC_TIME_FORMAT = 'YYYY-MM-DDTHH:MM:SS[.sss][Z]';

// No offset other than Z: a window's bounds and a label's arrival compare as text, which only holds within one zone.
const UTC_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z?$/;
const FRACTION_DIGITS = 9;

/**
 * The time in one fixed spelling ('YYYY-MM-DDTHH:MM:SS.fffffffffZ'), so two times compare
 * correctly as strings whatever fraction or suffix each was written with; undefined when
 * the text is not an ISO 8601 UTC time or not a real date (2026-02-30).
 */
export function comparableUtcTime(text: string): string | undefined {
  const match = UTC_TIME.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    && date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  if (!real) return undefined;
  return `${text.slice(0, 19)}.${(match[7] ?? '').padEnd(FRACTION_DIGITS, '0')}Z`;
}

export function isUtcTime(text: string): boolean {
  return comparableUtcTime(text) !== undefined;
}

/**
 * What is wrong with a row of window cells (in windowHeader's order), or undefined: an
 * empty id, a time that is not ISO 8601 UTC or later than `latestEventMs` (the watcher:
 * the clock and a day's grace), a feature value the dataset rules out (featureCellProblem).
 * Every source checks its rows with this one function.
 */
export function rowProblem(spec: WatchableSpec, cells: readonly string[], latestEventMs = Infinity): { column: number; problem: string } | undefined {
  const [id, time] = cells as [string, string];
  if (id.trim() === '') return { column: 0, problem: 'empty (every row needs its id)' };
  const comparable = comparableUtcTime(time);
  if (comparable === undefined) return { column: 1, problem: `${JSON.stringify(time)} is not an ISO 8601 UTC time (${UTC_TIME_FORMAT})` };
  // A day that has not come yet would hold its window open, and every window after it, until it comes.
  if (utcMs(time) > latestEventMs) return { column: 1, problem: `${time} is later than the clock allows (${new Date(latestEventMs).toISOString()}): an event from the future` };
  const features = featureNames(spec);
  for (let index = 0; index < features.length; index += 1) {
    const problem = featureCellProblem(spec.features[features[index] as string] as FeatureSpec, cells[index + 2] as string, spec.missing);
    if (problem !== undefined) return { column: index + 2, problem };
  }
  return undefined;
}

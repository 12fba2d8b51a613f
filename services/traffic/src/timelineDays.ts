import { copyFileSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { categoricalFeatureNames } from '../../core/src/domain/datasetSpec.ts';
import { dateOfDay, labelFields, parseLabelFile, type WatchableSpec } from '../../watcher/src/index.ts';
import { readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { labelsFile, TIMELINE_META_FILE, transactionsFile } from '../../../generator/src/index.ts';
import { transactionRecords, type TransactionRecord } from './transactionRecords.ts';

/** What the player needs of a generated timeline (`make gen-timeline`): its days, from timeline.meta.json. */
export interface PlayedTimeline {
  directory: string;
  name: string;
  start: string;
  days: number;
}

/** The date of day `day` of an opened timeline (the replay's calendar; the start was checked when it was opened). */
export function dayDate(timeline: PlayedTimeline, day: number): string {
  return dateOfDay(timeline.start, day) as string;
}

export function openTimeline(directory: string): PlayedTimeline {
  const path = join(directory, TIMELINE_META_FILE);
  if (!existsSync(path)) throw new UserError(`${path}: no such file: generate the timeline first (make gen-timeline TIMELINE=${basename(directory)})`);
  let meta: unknown;
  try {
    meta = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new UserError(`${path}: not valid JSON (regenerate the timeline)`);
  }
  const { timeline, start, days } = (meta ?? {}) as { timeline?: unknown; start?: unknown; days?: unknown };
  if (typeof timeline !== 'string' || typeof start !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(start) || typeof days !== 'number' || !Number.isInteger(days) || days < 1) {
    throw new UserError(`${path}: not a timeline's meta (timeline, start and days expected; regenerate it)`);
  }
  return { directory, name: timeline, start, days };
}

/** A day's transactions as request bodies, read from transactions/<date>.csv. */
export function dayTransactions(timeline: PlayedTimeline, day: number, spec: WatchableSpec): TransactionRecord[] {
  const path = join(timeline.directory, transactionsFile(dayDate(timeline, day)));
  const table = readCsvTable(path, { textColumns: [spec.id, spec.time, ...categoricalFeatureNames(spec)] });
  return transactionRecords(table, spec);
}

/**
 * The labels that arrived on day `day` (labels/<date>.csv), put into the watcher's labels
 * folder whole: copied beside it and renamed in, so the watcher never reads half a file.
 * Returns the file's name, or null when no label arrived that day.
 */
export function dropArrivedLabels(timeline: PlayedTimeline, day: number, labelsDirectory: string): string | null {
  const date = dayDate(timeline, day);
  const from = join(timeline.directory, labelsFile(date));
  const name = `${date}.csv`;
  if (!existsSync(from)) return null;
  const to = join(labelsDirectory, `${timeline.name}-${name}`);
  const partial = `${to}.partial-${process.pid}`;
  copyFileSync(from, partial);
  renameSync(partial, to);
  return basename(to);
}

/**
 * The labels that arrived on day `day` as entries for the bus's labels stream: the
 * dataset's id, its label as the spec spells it, label_time. The file is checked whole
 * first (a bad line is refused, naming it, before anything is sent); null when no label
 * arrived that day.
 */
export function arrivedLabelEntries(timeline: PlayedTimeline, day: number, spec: WatchableSpec): Record<string, string>[] | null {
  const path = join(timeline.directory, labelsFile(dayDate(timeline, day)));
  if (!existsSync(path)) return null;
  const [idField, labelField, timeField] = labelFields(spec);
  return parseLabelFile(readFileSync(path, 'utf8'), path, spec).map((label) => ({
    [idField]: label.id,
    [labelField]: String(label.label === 1 ? spec.target.positive : spec.target.negative),
    [timeField]: label.labelTime,
  }));
}

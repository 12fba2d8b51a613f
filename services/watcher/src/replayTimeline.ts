import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATASET, loadDatasetSpec, type LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { sha256Hex } from '../../core/src/infrastructure/fileHash.ts';
import { LABELS_FOLDER, TIMELINE_META_FILE, transactionsFile, type TimelineMeta } from '../../../generator/src/index.ts';
import { parseBatch } from './batchDirectorySource.ts';
import { parseLabelFile } from './labelStore.ts';
import type { KeptRow } from './labelWindow.ts';
import { keptRowOf } from './windowCsv.ts';
import { requireWatchableSpec, type WatchableSpec } from './windowHeader.ts';
import type { ArrivedLabel, SourceRow } from './windowTypes.ts';

/** One day of a generated timeline: its traffic, and the labels that arrive on it. */
export interface TimelineDay {
  index: number;
  date: string;
  startMs: number;
  endMs: number;
  rows: SourceRow[];
  kept: KeptRow[];
}

/** A generated timeline read whole, every file checked against the sha256 its meta records. */
export interface LoadedTimeline {
  directory: string;
  meta: TimelineMeta;
  dataset: LoadedDatasetSpec;
  spec: WatchableSpec;
  referencePath: string;
  days: TimelineDay[];
  /** Every label, whenever it arrives: what hindsight knows. */
  hindsight: Map<string, 0 | 1>;
  /** Every label in the order it arrives (label_time), for delivery by time. */
  labels: ArrivedLabel[];
}

/**
 * Labels delivered by their time: each window learns the labels that arrived by its end,
 * and no other. By the file's date instead, a label arriving at midnight exactly would
 * come one window late.
 */
export class LabelFeed {
  private next = 0;

  constructor(private readonly inOrder: readonly ArrivedLabel[]) {}

  /** The labels that arrived after the last delivery and at or before `ms`. */
  deliverThrough(ms: number): ArrivedLabel[] {
    const start = this.next;
    while (this.next < this.inOrder.length && (this.inOrder[this.next] as ArrivedLabel).labelMs <= ms) this.next += 1;
    return this.inOrder.slice(start, this.next);
  }
}

const DAY_MS = 86_400_000;

function readChecked(directory: string, relative: string, meta: TimelineMeta): string {
  const path = join(directory, relative);
  const expected = meta.files[relative];
  if (expected === undefined) throw new UserError(`${join(directory, TIMELINE_META_FILE)}: files: no entry for ${relative}; regenerate the timeline`);
  const bytes = readFileSync(path);
  const actual = sha256Hex(bytes);
  if (actual !== expected) throw new UserError(`${path} changed since the timeline was generated (sha256 ${actual.slice(0, 12)}, timeline.meta.json records ${expected.slice(0, 12)}); regenerate it`);
  return bytes.toString('utf8');
}

function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The timeline in `directory` (written by npm run generate -- --timeline), read and checked. */
export function loadTimeline(directory: string): LoadedTimeline {
  const metaPath = join(directory, TIMELINE_META_FILE);
  if (!existsSync(metaPath)) throw new UserError(`${metaPath} does not exist: generate the timeline first (make gen-timeline TIMELINE=NAME)`);
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as TimelineMeta;
  // The generator writes the fraud transactions' columns.
  const dataset = loadDatasetSpec(DEFAULT_DATASET);
  const spec = requireWatchableSpec(dataset);
  const startMs = Date.parse(`${meta.start}T00:00:00Z`);
  const labels: ArrivedLabel[] = [];
  const hindsight = new Map<string, 0 | 1>();
  for (const relative of Object.keys(meta.files).filter((name) => name.startsWith(`${LABELS_FOLDER}/`)).sort()) {
    for (const label of parseLabelFile(readChecked(directory, relative, meta), join(directory, relative), spec)) {
      labels.push(label);
      hindsight.set(label.id, label.label);
    }
  }
  const days: TimelineDay[] = [];
  for (let index = 0; index < meta.days; index += 1) {
    const dayStart = startMs + index * DAY_MS;
    const date = dateOf(dayStart);
    const relative = transactionsFile(date);
    const rows = parseBatch(readChecked(directory, relative, meta), join(directory, relative), spec);
    days.push({
      index,
      date,
      startMs: dayStart,
      endMs: dayStart + DAY_MS,
      rows,
      kept: rows.map(keptRowOf),
    });
  }
  // Stable: labels arriving at the same instant keep the files' order.
  labels.sort((a, b) => a.labelMs - b.labelMs);
  return { directory, meta, dataset, spec, referencePath: join(directory, 'reference.csv'), days, hindsight, labels };
}

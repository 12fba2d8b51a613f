import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATASET, loadDatasetSpec, type LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { sha256Hex } from '../../core/src/infrastructure/fileHash.ts';
import type { TimelineMeta } from '../../../generator/src/index.ts';
import { formatCsvLine } from '../../core/src/infrastructure/csv/csvFormat.ts';
import { parseBatch } from './batchDirectorySource.ts';
import { parseLabelFile } from './labelStore.ts';
import { eventMs, type KeptRow } from './labelWindow.ts';
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
  arriving: ArrivedLabel[];
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
}

const DAY_MS = 86_400_000;

function readChecked(directory: string, relative: string, meta: TimelineMeta): string {
  const path = join(directory, relative);
  const expected = meta.files[relative];
  if (expected === undefined) throw new UserError(`${join(directory, 'timeline.meta.json')}: files: no entry for ${relative}; regenerate the timeline`);
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
  const metaPath = join(directory, 'timeline.meta.json');
  if (!existsSync(metaPath)) throw new UserError(`${metaPath} does not exist: generate the timeline first (make gen-timeline TIMELINE=NAME)`);
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as TimelineMeta;
  // The generator writes the fraud transactions' columns.
  const dataset = loadDatasetSpec(DEFAULT_DATASET);
  const spec = requireWatchableSpec(dataset);
  const startMs = Date.parse(`${meta.start}T00:00:00Z`);
  const labelsByDate = new Map<string, ArrivedLabel[]>();
  const hindsight = new Map<string, 0 | 1>();
  for (const relative of Object.keys(meta.files).filter((name) => name.startsWith('labels/')).sort()) {
    const labels = parseLabelFile(readChecked(directory, relative, meta), join(directory, relative), spec);
    labelsByDate.set(relative.slice('labels/'.length, -'.csv'.length), labels);
    for (const label of labels) hindsight.set(label.id, label.label);
  }
  const days: TimelineDay[] = [];
  for (let index = 0; index < meta.days; index += 1) {
    const dayStart = startMs + index * DAY_MS;
    const date = dateOf(dayStart);
    const relative = `transactions/${date}.csv`;
    const rows = parseBatch(readChecked(directory, relative, meta), join(directory, relative), spec);
    days.push({
      index,
      date,
      startMs: dayStart,
      endMs: dayStart + DAY_MS,
      rows,
      kept: rows.map((row) => ({ id: row.id, eventMs: eventMs(row), line: formatCsvLine(row.cells).slice(0, -1) })),
      arriving: labelsByDate.get(date) ?? [],
    });
  }
  return { directory, meta, dataset, spec, referencePath: join(directory, 'reference.csv'), days, hindsight };
}

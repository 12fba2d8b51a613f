import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { utcMs } from './labelWindow.ts';
import { describeLabels, labelMeaning, type LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { isUserError, UserError } from '../../core/src/infrastructure/errors.ts';
import { columnIndices, listDroppedCsvFiles, quarantineFile, readCsvRecords, readDroppedFile } from './batchDirectorySource.ts';
import { comparableUtcTime, requireWatchableSpec, UTC_TIME_FORMAT, type WatchableSpec } from './windowHeader.ts';
import type { ArrivedLabel, Quarantined } from './windowTypes.ts';

/*
 * Labels arrive late, as CSV files dropped into a directory (a chargeback feed): the id,
 * the label as the spec spells it, and when it became known. What a window may use is
 * what had arrived by its end; a label from the future would flatter every score.
 */

export const DEFAULT_LABELS_DIRECTORY = DEFAULT_PATHS.labels;
export const LABEL_TIME_COLUMN = 'label_time';

export interface ArrivedLabels {
  labels: Map<string, ArrivedLabel>;
  quarantined: Quarantined[];
}

/** The fields a label has, wherever it comes from (a label file's columns, a label entry on the bus). */
export function labelFields(spec: WatchableSpec): [id: string, label: string, labelTime: string] {
  return [spec.id, spec.target.column, LABEL_TIME_COLUMN];
}

/** One label's values checked: the label, or the field at fault and why. */
export function checkedLabel(spec: WatchableSpec, id: string, value: string, labelTime: string): ArrivedLabel | { field: string; problem: string } {
  if (id.trim() === '') return { field: spec.id, problem: 'empty (every label names its transaction)' };
  const label = labelMeaning(spec, value);
  if (label === undefined) return { field: spec.target.column, problem: `${JSON.stringify(value)} is not a label of dataset "${spec.name}" (${describeLabels(spec)})` };
  if (comparableUtcTime(labelTime) === undefined) return { field: LABEL_TIME_COLUMN, problem: `${JSON.stringify(labelTime)} is not an ISO 8601 UTC time (${UTC_TIME_FORMAT})` };
  return { id, label, labelTime, labelMs: utcMs(labelTime) };
}

/** One label file's labels, checked whole: the first problem throws, naming the file, the column and the line. */
export function parseLabelFile(text: string, name: string, spec: WatchableSpec): ArrivedLabel[] {
  const columns = labelFields(spec);
  const csv = readCsvRecords(text, name);
  const [idIndex, labelIndex, timeIndex] = columnIndices(csv, columns, name, `a label file has ${columns.join(', ')}`) as [number, number, number];
  return csv.records.map(({ line, fields }) => {
    const checked = checkedLabel(spec, fields[idIndex] as string, fields[labelIndex] as string, fields[timeIndex] as string);
    if ('problem' in checked) throw new UserError(`${name}: line ${line}: column "${checked.field}": ${checked.problem}`);
    return checked;
  });
}

/** Keep the label that arrived first: a chargeback is known from its first arrival, a later copy adds nothing. */
export function keepEarliestLabel(labels: Map<string, ArrivedLabel>, label: ArrivedLabel): void {
  const known = labels.get(label.id);
  if (known === undefined || label.labelMs < known.labelMs) labels.set(label.id, label);
}

/**
 * A labels directory read again and again (the watcher, every poll): a file is parsed only
 * when it is new or has changed (size or modification time) since it was last read, so a
 * poll costs the labels that came since, not the whole history.
 */
export class LabelDirectory {
  private readonly seen = new Map<string, string>();

  constructor(private readonly directory: string, private readonly dataset: LoadedDatasetSpec, private readonly quarantineDirectory: string) {}

  /** The labels of the files new or changed since the last call; a malformed file is quarantined and passed over. */
  readNew(): { labels: ArrivedLabel[]; quarantined: Quarantined[] } {
    const spec = requireWatchableSpec(this.dataset);
    const found: { labels: ArrivedLabel[]; quarantined: Quarantined[] } = { labels: [], quarantined: [] };
    for (const name of listDroppedCsvFiles(this.directory)) {
      const stamp = fileStamp(join(this.directory, name));
      if (stamp === undefined || this.seen.get(name) === stamp) continue;
      const text = readDroppedFile(this.directory, name);
      if (text === undefined) continue;
      try {
        // One by one, not push(...labels): spreading a file of 100k+ labels as arguments overflows the stack.
        for (const label of parseLabelFile(text, name, spec)) found.labels.push(label);
        this.seen.set(name, stamp);
      } catch (error) {
        if (!isUserError(error)) throw error;
        found.quarantined.push(quarantineFile(this.directory, name, this.quarantineDirectory, error.message));
      }
    }
    return found;
  }
}

/** Size and modification time: what tells a file written again from the one read. */
function fileStamp(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** Every label arrived so far (none while the directory does not exist); a malformed file is quarantined and passed over. */
export function readArrivedLabels(directory: string, dataset: LoadedDatasetSpec, quarantineDirectory: string): ArrivedLabels {
  const { labels, quarantined } = new LabelDirectory(directory, dataset, quarantineDirectory).readNew();
  const arrived: ArrivedLabels = { labels: new Map(), quarantined };
  for (const label of labels) keepEarliestLabel(arrived.labels, label);
  return arrived;
}

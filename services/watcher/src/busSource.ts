import { BUS_STREAMS } from '../../core/src/domain/busStreams.ts';
import type { BusEntry } from '../../core/src/infrastructure/redisBus.ts';
import { checkedLabel, labelFields } from './labelStore.ts';
import { predictionRow } from './predictionLogSource.ts';
import type { WatchableSpec } from './windowHeader.ts';
import type { ArrivedLabel, Quarantined, SourcePosition, SourceRow } from './windowTypes.ts';

/*
 * The bus's entries as the watcher's rows and labels. An entry the watcher cannot use is
 * set aside with its reason and passed over, as a line of the prediction log is: a live
 * stream must not stop the loop, and the same entry is set aside by every watcher.
 */

/** One predictions entry (field `record`: the prediction log's line) as a window row, or why it cannot be one. */
export function busPredictionRow(entry: BusEntry, spec: WatchableSpec, header: readonly string[], latestEventMs: number): SourceRow | string {
  const record = entry.fields.record;
  if (record === undefined) return 'no "record" field';
  return predictionRow(record, spec, header, latestEventMs);
}

/** Predictions entries as rows with their positions, and those set aside. */
export function busRows(entries: readonly BusEntry[], spec: WatchableSpec, header: readonly string[], latestEventMs: number): { rows: { row: SourceRow; after: SourcePosition }[]; quarantined: Quarantined[] } {
  const read: { rows: { row: SourceRow; after: SourcePosition }[]; quarantined: Quarantined[] } = { rows: [], quarantined: [] };
  for (const entry of entries) {
    const row = busPredictionRow(entry, spec, header, latestEventMs);
    if (typeof row === 'string') read.quarantined.push({ file: `${BUS_STREAMS.predictions}:${entry.id}`, reason: `${BUS_STREAMS.predictions}: entry ${entry.id}: ${row}` });
    else read.rows.push({ row, after: { kind: 'bus', id: entry.id } });
  }
  return read;
}

/** Label entries (fields: the dataset's id, its label, label_time) as arrived labels, and those set aside. */
export function busLabels(entries: readonly BusEntry[], spec: WatchableSpec): { labels: ArrivedLabel[]; quarantined: Quarantined[] } {
  const [idField, labelField, timeField] = labelFields(spec);
  const read: { labels: ArrivedLabel[]; quarantined: Quarantined[] } = { labels: [], quarantined: [] };
  for (const entry of entries) {
    const missing = [idField, labelField, timeField].find((field) => entry.fields[field] === undefined);
    const checked = missing !== undefined ? { field: missing, problem: 'missing' } : checkedLabel(spec, entry.fields[idField] as string, entry.fields[labelField] as string, entry.fields[timeField] as string);
    if ('problem' in checked) read.quarantined.push({ file: `${BUS_STREAMS.labels}:${entry.id}`, reason: `${BUS_STREAMS.labels}: entry ${entry.id}: field "${checked.field}": ${checked.problem}` });
    else read.labels.push(checked);
  }
  return read;
}

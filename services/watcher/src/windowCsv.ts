import { labelMeaning, type LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { formatCsvLine } from '../../core/src/infrastructure/csv/csvFormat.ts';
import { eventMs, type KeptRow, type LabelledRow } from './labelWindow.ts';
import { requireWatchableSpec, windowHeader } from './windowHeader.ts';
import type { SourceRow } from './windowTypes.ts';

/*
 * A window's rows as CSV, the one way the watcher and the replay write them: a row kept
 * as its line once, the rows under the window header, the labelled rows with the label
 * spelled as the dataset spells it.
 */

/** A source's row as the label window keeps it: its id, event time in ms, and its CSV line. */
export function keptRowOf(row: SourceRow): KeptRow {
  return { id: row.id, eventMs: eventMs(row), line: formatCsvLine(row.cells).slice(0, -1) };
}

export function rowsCsv(dataset: LoadedDatasetSpec, rows: readonly KeptRow[]): string {
  return `${formatCsvLine(windowHeader(requireWatchableSpec(dataset)))}${rows.map((row) => `${row.line}\n`).join('')}`;
}

function labelCell(dataset: LoadedDatasetSpec, label: 0 | 1): string {
  const { positive, negative } = dataset.spec.target;
  const cell = String(label === 1 ? positive : negative);
  // The spelling written back must read as the same label (a spec's own values always do).
  if (labelMeaning(dataset.spec, cell) !== label) throw new Error(`internal: label ${label} written as "${cell}" reads back otherwise`);
  return cell;
}

export function labelledRowsCsv(dataset: LoadedDatasetSpec, rows: readonly LabelledRow[]): string {
  const header = formatCsvLine([...windowHeader(requireWatchableSpec(dataset)), dataset.spec.target.column]);
  const cells = [labelCell(dataset, 0), labelCell(dataset, 1)];
  return `${header}${rows.map((row) => `${row.line},${cells[row.label] as string}\n`).join('')}`;
}

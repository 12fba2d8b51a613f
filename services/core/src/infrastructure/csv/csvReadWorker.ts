import { workerData } from 'node:worker_threads';
import { replyFromWorker } from '../typeScriptWorker.ts';
import { cleanNumbers } from './columnTable.ts';
import { readCsvTable } from './csvFile.ts';
import type { CsvReadOptions } from './csvTable.ts';
import type { CsvColumn } from './dataTable.ts';
import type { CleanNumbers } from './columnTable.ts';

/** What the worker sends back: the table's typed columns, and the numbers it cleaned and sorted. */
export interface ReadInWorker {
  source: string;
  header: string[];
  rowCount: number;
  sha256?: string;
  columns: CsvColumn[];
  cleaned: (CleanNumbers & { name: string })[];
}

/** Worker thread body: read one CSV into typed columns, sort its numbers, send them back (buffers transferred). */
const { path, options, numericalToClean } = workerData as { path: string; options: CsvReadOptions; numericalToClean: 'all' | string[] };
await replyFromWorker((): { value: ReadInWorker; transfer: ArrayBuffer[] } => {
  const table = readCsvTable(path, options);
  const columns = table.header.filter((name) => table.hasColumn(name)).map((name) => table.column(name));
  const cleaned = columns
    .filter((column) => column.kind === 'numerical' && (numericalToClean === 'all' || numericalToClean.includes(column.name)))
    .map((column) => ({ name: column.name, ...cleanNumbers((column as { values: Float64Array }).values) }));
  const transfer: ArrayBuffer[] = [];
  const sendable = columns.map((column) => {
    if (column.kind === 'numerical') {
      const values = column.values.slice();
      transfer.push(values.buffer);
      return { ...column, values };
    }
    const codes = column.codes.slice();
    transfer.push(codes.buffer);
    return { ...column, codes };
  });
  const sendableCleaned = cleaned.map((entry) => {
    const sorted = entry.sorted.slice();
    transfer.push(sorted.buffer);
    return { ...entry, sorted };
  });
  return { value: { source: table.source, header: table.header, rowCount: table.rowCount, sha256: table.sha256, columns: sendable, cleaned: sendableCleaned }, transfer };
});

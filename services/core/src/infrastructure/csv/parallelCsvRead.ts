import { cleanNumbers, ColumnTable, type CleanNumbers } from './columnTable.ts';
import { readCsvTable } from './csvFile.ts';
import type { CsvReadOptions } from './csvTable.ts';
import type { CsvColumn, NumericalColumn } from './dataTable.ts';
import { startTypeScriptWorker, workerResult } from '../typeScriptWorker.ts';
import { pathToFileURL } from 'node:url';
import { repositoryPath } from '../repoRoot.ts';

export interface ParallelReadRequest {
  path: string;
  options: CsvReadOptions;
  /** Numerical columns to clean and sort in the worker as well. */
  numericalToClean: 'all' | string[];
}

/** What the worker sends back: the table's typed columns, and the numbers it cleaned and sorted. */
export interface ReadInWorker {
  source: string;
  header: string[];
  rowCount: number;
  sha256?: string;
  columns: CsvColumn[];
  cleaned: (CleanNumbers & { name: string })[];
}

export interface WorkerRead {
  result: Promise<ColumnTable>;
  /** Stop the worker (when the command fails before it is needed). */
  terminate(): void;
}

/** A worker thread started ahead of its one read, to take its request once the caller knows it. */
export interface CsvReadWorker {
  read(request: ParallelReadRequest): WorkerRead;
}

/**
 * Start a worker that reads one CSV once asked (`read`). A thread takes about 0.1 s to
 * boot, so a command starts it first and loads its own modules meanwhile. Until asked it
 * does not keep the process alive: a command that ends before reading (--help, a bad
 * flag) exits at once.
 */
export function spawnCsvReadWorker(): CsvReadWorker {
  const worker = startTypeScriptWorker(pathToFileURL(repositoryPath('services/core/src/infrastructure/csv/csvReadWorker.ts')), undefined);
  // Listening from the start: a worker that fails to load reports it here rather than as an uncaught 'error' event.
  const reply = workerResult<ReadInWorker>(worker);
  reply.catch(() => undefined);
  // After the listeners: adding a 'message' listener refs the worker again.
  worker.unref();
  let asked = false;
  return {
    read(request) {
      if (asked) throw new Error('internal: a CSV read worker reads one file');
      asked = true;
      worker.ref();
      worker.postMessage(request);
      const result = reply.then((read) => new ColumnTable(read.source, read.header, read.rowCount, read.columns, read.sha256, new Map(read.cleaned.map(({ name, ...clean }) => [name, clean]))));
      // The caller awaits the result only after its own work; until then a failed read must not count as unhandled.
      result.catch(() => undefined);
      return { result, terminate: () => { void worker.terminate(); } };
    },
  };
}

/** Work done while the worker reads: on any failure the worker is stopped, and the error passes on. */
export async function whileReading<T>(inWorker: WorkerRead, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    inWorker.terminate();
    throw error;
  }
}

/** A CSV's typed columns, without its text: the text (as large as the file) is garbage once this returns. */
function typedColumns(request: ParallelReadRequest): { source: string; header: string[]; rowCount: number; sha256: string | undefined; columns: CsvColumn[] } {
  const table = readCsvTable(request.path, request.options);
  return { source: table.source, header: table.header, rowCount: table.rowCount, sha256: table.sha256, columns: table.header.filter((name) => table.hasColumn(name)).map((name) => table.column(name)) };
}

/** What the worker does, done on this thread: the numbers are cleaned and sorted after the text is let go, so the two never add up. */
export function readCsvTableHere(request: ParallelReadRequest): ColumnTable {
  const { source, header, rowCount, sha256, columns } = typedColumns(request);
  const cleaned = new Map(columns
    .filter((column): column is NumericalColumn => column.kind === 'numerical' && (request.numericalToClean === 'all' || request.numericalToClean.includes(column.name)))
    .map((column) => [column.name, cleanNumbers(column.values)]));
  return new ColumnTable(source, header, rowCount, columns, sha256, cleaned);
}

/**
 * Two CSVs at once: the first in a worker thread (started early by the caller), the
 * second on this thread, otherwise idle. Parsing dominates the monitor's time at 1M
 * rows; measured on 2 cores, two workers contend and cost more than one worker plus
 * this thread. Errors come in request order (the worker's file first).
 */
export async function finishParallelRead(inWorker: WorkerRead, here: ParallelReadRequest): Promise<[ColumnTable, ColumnTable]> {
  let table: ColumnTable;
  try {
    table = readCsvTableHere(here);
  } catch (error) {
    await inWorker.result;
    throw error;
  }
  return [await inWorker.result, table];
}

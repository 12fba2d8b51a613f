import { Worker } from 'node:worker_threads';
import { cleanNumbers, ColumnTable, type CleanNumbers } from './columnTable.ts';
import { readCsvTable } from './csvFile.ts';
import type { CsvReadOptions } from './csvTable.ts';
import type { CsvColumn, NumericalColumn } from './dataTable.ts';
import { UserError } from '../errors.ts';

export interface ParallelReadRequest {
  path: string;
  options: CsvReadOptions;
  /** Numerical columns to clean and sort in the worker as well. */
  numericalToClean: 'all' | string[];
}

interface WorkerReply {
  ok: boolean;
  userError?: boolean;
  message?: string;
  stack?: string;
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

/** Start reading a CSV in a worker thread now; the caller does other work meanwhile. */
export function startCsvReadInWorker(request: ParallelReadRequest): WorkerRead {
  // Node 20 does not carry module hooks into workers: each registers tsx itself, then loads the TypeScript body.
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./csvReadWorker.ts', import.meta.url).href)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: request });
  const result = new Promise<ColumnTable>((resolve, reject) => {
    worker.once('message', (reply: WorkerReply) => {
      void worker.terminate();
      if (!reply.ok) {
        reject(reply.userError ? new UserError(reply.message ?? 'read failed') : new Error(reply.stack ?? reply.message));
        return;
      }
      resolve(new ColumnTable(reply.source, reply.header, reply.rowCount, reply.columns, reply.sha256, new Map(reply.cleaned.map(({ name, ...clean }) => [name, clean]))));
    });
    worker.once('error', reject);
  });
  // The caller awaits the result only after its own work; until then a failed read must not count as unhandled.
  result.catch(() => undefined);
  return { result, terminate: () => { void worker.terminate(); } };
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

/** What the worker does, done on this thread. */
export function readCsvTableHere(request: ParallelReadRequest): ColumnTable {
  const table = readCsvTable(request.path, request.options);
  const columns = table.header.filter((name) => table.hasColumn(name)).map((name) => table.column(name));
  const cleaned = new Map(columns
    .filter((column): column is NumericalColumn => column.kind === 'numerical' && (request.numericalToClean === 'all' || request.numericalToClean.includes(column.name)))
    .map((column) => [column.name, cleanNumbers(column.values)]));
  return new ColumnTable(table.source, table.header, table.rowCount, columns, table.sha256, cleaned);
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

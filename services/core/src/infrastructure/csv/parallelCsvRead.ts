import { ColumnTable, finiteNumbers, sortedNumbers, type FiniteNumbers } from './columnTable.ts';
import { readCsvTable } from './csvFile.ts';
import type { CsvReadOptions } from './csvTable.ts';
import type { CsvColumn, NumericalColumn } from './dataTable.ts';
import { sortFiniteNumbers } from './numberSort.ts';
import { sortOnTwoThreads } from './sortOnTwoThreads.ts';
import { RecycledMemory, ownedArray } from './recycledMemory.ts';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { startTypeScriptWorker, unwrapReply, type WorkerReply } from '../typeScriptWorker.ts';
import { pathToFileURL } from 'node:url';
import { repositoryPath } from '../repoRoot.ts';

export interface ParallelReadRequest {
  path: string;
  options: CsvReadOptions;
  /** Numerical columns to clean (NaN and inf dropped) and sort as well. */
  numericalToClean: 'all' | string[];
}

/** A CSV's typed columns, and the finite numbers of those to clean (sorted once the reader has sorted them: what the worker sends back). */
export interface TypedColumns {
  source: string;
  header: string[];
  rowCount: number;
  sha256?: string;
  columns: CsvColumn[];
  finite: (FiniteNumbers & { name: string })[];
}

/** How the worker is asked to read: the request, and its end of the channel on which the main thread asks it for columns to sort. */
export interface ReadMessage {
  read: ParallelReadRequest;
  share: MessagePort;
}

/** What the main thread says on that channel: it is done, and would take columns of the worker's file to sort. */
export const TAKE = 'take';

/** What the worker gives on that channel: finite columns of its file (moved), by their index in its `finite`. */
export interface GivenColumns {
  indices: number[];
  columns: Float64Array[];
}

/** The worker's reply: its file, with the indices of the finite columns it gave away (empty in the reply) and did not sort. */
export interface ReadInWorker extends TypedColumns {
  given: number[];
}

/** What the worker is asked once its read is done: to sort one column of numbers (moved to it, and back). */
export interface SortRequest {
  sort: Float64Array;
}

export interface WorkerRead {
  result: Promise<ReadInWorker>;
  /**
   * The worker's file with every finite column sorted: when it has not replied by now,
   * it is asked for half of the columns it has left to sort, and this thread sorts them.
   */
  sortedResult(): Promise<TypedColumns>;
  /** Have the worker sort these numbers: they are moved to it, and come back sorted. */
  sortThere(column: Float64Array): Promise<Float64Array>;
  /** Stop the worker (when the command fails before it is needed, or once it is no longer). */
  terminate(): void;
}

/** A worker thread started ahead of its one read, to take its request once the caller knows it. */
export interface CsvReadWorker {
  read(request: ParallelReadRequest): WorkerRead;
}

/** The buffers behind these arrays, each once: what a message moves rather than copies. */
export function buffersOf(arrays: readonly (Float64Array | Int32Array)[]): ArrayBuffer[] {
  return [...new Set(arrays.map((array) => array.buffer as ArrayBuffer))];
}

/**
 * Start a worker that reads one CSV once asked (`read`). A thread takes about 0.1 s to
 * boot, so a command starts it first and loads its own modules meanwhile. Until asked it
 * does not keep the process alive: a command that ends before reading (--help, a bad
 * flag) exits at once.
 */
export function spawnCsvReadWorker(): CsvReadWorker {
  const worker = startTypeScriptWorker(pathToFileURL(repositoryPath('services/core/src/infrastructure/csv/csvReadWorker.ts')), undefined);
  // The worker's replies in the order they come: the read's, then one per sort. Once it has
  // failed or ended, every reply still awaited, and any asked for later, fails with that.
  const awaiting: { resolve: (reply: WorkerReply<unknown>) => void; reject: (error: unknown) => void }[] = [];
  let ended: { error: unknown } | undefined;
  const nextReply = <T>() => new Promise<WorkerReply<unknown>>((resolve, reject) => {
    if (ended !== undefined) reject(ended.error);
    else awaiting.push({ resolve, reject });
  }).then((reply) => unwrapReply(reply as WorkerReply<T>));
  const failAll = (error: unknown) => {
    ended ??= { error };
    for (const waiter of awaiting.splice(0)) waiter.reject(ended.error);
  };
  // Listening from the start: a worker that fails to load reports it here rather than as an uncaught 'error' event.
  worker.on('message', (reply: WorkerReply<unknown>) => awaiting.shift()?.resolve(reply));
  worker.on('messageerror', failAll);
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`internal: the CSV read worker ended (exit code ${code}) before it replied`)));
  const result = nextReply<ReadInWorker>();
  let replied = false;
  // The rejection handler also keeps a failed read from counting as unhandled: the caller awaits it only after its own work.
  result.then(() => { replied = true; }, () => undefined);
  // After the listeners: adding a 'message' listener refs the worker again.
  worker.unref();
  let asked = false;
  return {
    read(request) {
      if (asked) throw new Error('internal: a CSV read worker reads one file');
      asked = true;
      worker.ref();
      const channel = new MessageChannel();
      const message: ReadMessage = { read: request, share: channel.port2 };
      worker.postMessage(message, [channel.port2]);
      return {
        result,
        async sortedResult() {
          try {
            if (!replied) channel.port1.postMessage(TAKE);
            const given = new Promise<GivenColumns>((resolve, reject) => {
              channel.port1.once('message', resolve);
              channel.port1.once('messageerror', reject);
            });
            // Given columns come on the channel before the reply, but the two are not ordered: whichever comes first.
            const first = await Promise.race([result.then(() => undefined), given]);
            const taken = first ?? ((await result).given.length > 0 ? await given : undefined);
            for (const column of taken?.columns ?? []) sortFiniteNumbers(column);
            const read = await result;
            taken?.indices.forEach((index, position) => { (read.finite[index] as FiniteNumbers).values = taken.columns[position] as Float64Array; });
            return read;
          } finally {
            // Closed in every case: a channel still listened to would keep the process alive.
            channel.port1.close();
          }
        },
        sortThere(column) {
          const sorted = nextReply<Float64Array>();
          // Moved alone: a column that shares its buffer (RecycledMemory) goes as a copy.
          const job: SortRequest = { sort: ownedArray(column) };
          worker.postMessage(job, buffersOf([job.sort]));
          return sorted;
        },
        terminate: () => { void worker.terminate(); },
      };
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

/** A CSV's typed columns, and the file's bytes, no longer read by anyone: the table that read them is garbage once this returns. */
function typedColumns(request: ParallelReadRequest): Omit<TypedColumns, 'finite'> & { bytes: Buffer } {
  const table = readCsvTable(request.path, request.options);
  const columns = table.header.filter((name) => table.hasColumn(name)).map((name) => table.column(name));
  return { source: table.source, header: table.header, rowCount: table.rowCount, sha256: table.sha256, columns, bytes: table.releaseBytes() };
}

/**
 * A CSV's typed columns and finite numbers. The numbers are copied into the memory of
 * the file's bytes once the text is no longer read, when they fill at least half of it
 * (RecycledMemory): held beside the text they took 0.3 GB more a thread on the wide
 * case, and copied into new memory they took twice the time.
 */
export function readTypedColumns(request: ParallelReadRequest): TypedColumns {
  const { bytes, ...read } = typedColumns(request);
  const toClean = read.columns.filter((column): column is NumericalColumn => column.kind === 'numerical' && (request.numericalToClean === 'all' || request.numericalToClean.includes(column.name)));
  const memory = new RecycledMemory(bytes, toClean.reduce((total, column) => total + column.values.length, 0));
  const finite = toClean.map((column) => ({ name: column.name, ...finiteNumbers(column.values, memory.take(column.values.length)) }));
  return { ...read, finite };
}

/** The table, once its finite numbers are sorted (in place, or given back sorted as `sorted`, in the same order). */
function tableOf(read: TypedColumns, sorted: readonly Float64Array[] = read.finite.map((numbers) => numbers.values)): ColumnTable {
  const cleaned = new Map(read.finite.map(({ name, ...numbers }, index) => [name, sortedNumbers({ ...numbers, values: sorted[index] as Float64Array })]));
  return new ColumnTable(read.source, read.header, read.rowCount, read.columns, read.sha256, cleaned);
}

/** What the worker and this thread do between them, done on this thread alone. */
export function readCsvTableHere(request: ParallelReadRequest): ColumnTable {
  const read = readTypedColumns(request);
  for (const numbers of read.finite) sortFiniteNumbers(numbers.values);
  return tableOf(read);
}

/**
 * Two CSVs at once: the first in a worker thread (started early by the caller), the
 * second on this thread, otherwise idle. Parsing dominates the monitor's time at 1M
 * rows; measured on 2 cores, two workers contend and cost more than one worker plus
 * this thread. A worker done with its file sorts numbers of this one beside this
 * thread (sortOnTwoThreads); this thread, done first, sorts half of what the worker has
 * left (sortGivingHalfWhenAsked). Errors come in request order (the worker's file first).
 */
export async function finishParallelRead(inWorker: WorkerRead, here: ParallelReadRequest): Promise<[ColumnTable, ColumnTable]> {
  let read: TypedColumns;
  try {
    read = readTypedColumns(here);
  } catch (error) {
    await inWorker.result;
    throw error;
  }
  const sorted = await sortOnTwoThreads(read.finite.map((numbers) => numbers.values), inWorker.result, (column) => inWorker.sortThere(column));
  const reference = await inWorker.sortedResult();
  inWorker.terminate();
  return [tableOf(reference), tableOf(read, sorted)];
}

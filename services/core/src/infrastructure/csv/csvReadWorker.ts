import { parentPort } from 'node:worker_threads';
import { settle } from '../typeScriptWorker.ts';
import { sortFiniteNumbers } from './numberSort.ts';
import { buffersOf, readSortedColumns, type ParallelReadRequest, type SortRequest, type TypedColumns } from './parallelCsvRead.ts';

/**
 * Worker thread body: wait for the CSV to read (spawnCsvReadWorker), read it into typed
 * columns and sorted finite numbers and send them back; then sort the columns of numbers
 * of the other file it is sent (finishParallelRead), until stopped. Every array is moved, not
 * copied: copying the wide case's 2 x 285 MB cost it 0.8 s.
 */
const port = parentPort;
if (port === null) throw new Error('internal: csvReadWorker runs as a worker thread');
const request = await new Promise<ParallelReadRequest>((resolve) => port.once('message', resolve));
const read = await settle((): { value: TypedColumns; transfer: ArrayBuffer[] } => {
  const typed = readSortedColumns(request);
  // Each column and each finite sample owns its buffer (sized to the file's line count by the reader).
  return { value: typed, transfer: buffersOf([...typed.columns.map((column) => (column.kind === 'numerical' ? column.values : column.codes)), ...typed.finite.map((numbers) => numbers.values)]) };
});
port.postMessage(read.reply, read.transfer);
port.on('message', (job: SortRequest) => {
  void settle(() => ({ value: sortFiniteNumbers(job.sort), transfer: buffersOf([job.sort]) })).then(({ reply, transfer }) => port.postMessage(reply, transfer));
});

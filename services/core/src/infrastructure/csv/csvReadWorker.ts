import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { settle } from '../typeScriptWorker.ts';
import { sortFiniteNumbers } from './numberSort.ts';
import type { FiniteNumbers } from './columnTable.ts';
import { buffersOf, readTypedColumns, type GivenColumns, type ReadInWorker, type ReadMessage, type SortRequest } from './parallelCsvRead.ts';
import { sortGivingHalfWhenAsked } from './sortOnTwoThreads.ts';
import { ownedArray } from './recycledMemory.ts';

/**
 * Worker thread body: wait for the CSV to read (spawnCsvReadWorker), read it into typed
 * columns and finite numbers, sort them (giving half of those left to the main thread if
 * it asks: sortGivingHalfWhenAsked) and send them back; then sort the columns of numbers
 * of the other file it is sent (finishParallelRead), until stopped. The reply's arrays are moved,
 * not copied: copying the wide case's 2 x 285 MB cost it 0.8 s. A column moved alone is
 * copied first when it shares its buffer with others (RecycledMemory).
 */
const port = parentPort;
if (port === null) throw new Error('internal: csvReadWorker runs as a worker thread');
const { read: request, share } = await new Promise<ReadMessage>((resolve) => port.once('message', resolve));
const read = await settle((): { value: ReadInWorker; transfer: ArrayBuffer[] } => {
  const typed = readTypedColumns(request);
  const given = sortGivingHalfWhenAsked(typed.finite.map((numbers) => numbers.values), () => receiveMessageOnPort(share) !== undefined, (indices) => {
    // Each moved alone: those that share a buffer (RecycledMemory) go as copies.
    const columns = indices.map((index) => ownedArray((typed.finite[index] as FiniteNumbers).values));
    const message: GivenColumns = { indices, columns };
    share.postMessage(message, buffersOf(columns));
  });
  // Moved to the main thread: what stays here is an empty array in their place.
  for (const index of given) (typed.finite[index] as FiniteNumbers).values = new Float64Array(0);
  // Each column owns its buffer (sized to the file's line count by the reader); the finite samples own theirs or share the file's (RecycledMemory): each buffer is moved once.
  return { value: { ...typed, given }, transfer: buffersOf([...typed.columns.map((column) => (column.kind === 'numerical' ? column.values : column.codes)), ...typed.finite.map((numbers) => numbers.values)]) };
});
port.postMessage(read.reply, read.transfer);
port.on('message', (job: SortRequest) => {
  void settle(() => ({ value: sortFiniteNumbers(job.sort), transfer: buffersOf([job.sort]) })).then(({ reply, transfer }) => port.postMessage(reply, transfer));
});

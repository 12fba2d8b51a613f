import { parentPort } from 'node:worker_threads';
import { replyFromWorker } from '../typeScriptWorker.ts';
import { readCsvTableHere, type ParallelReadRequest, type ReadInWorker } from './parallelCsvRead.ts';

/** Worker thread body: wait for the CSV to read (spawnCsvReadWorker), read it into typed columns, sort its numbers, send them back (buffers transferred). */
const request = await new Promise<ParallelReadRequest>((resolve) => parentPort?.once('message', resolve));
await replyFromWorker((): { value: ReadInWorker; transfer: ArrayBuffer[] } => {
  const table = readCsvTableHere(request);
  const columns = table.header.filter((name) => table.hasColumn(name)).map((name) => table.column(name));
  const cleaned = [...table.cleaned].map(([name, clean]) => ({ name, ...clean }));
  // Moved, not copied: each column and each sorted sample owns its buffer (sized to the
  // file's line count by the reader), and copying 2 x 285 MB cost the wide case 0.8 s.
  const transfer = new Set<ArrayBuffer>();
  for (const column of columns) transfer.add((column.kind === 'numerical' ? column.values : column.codes).buffer as ArrayBuffer);
  for (const entry of cleaned) transfer.add(entry.sorted.buffer as ArrayBuffer);
  return { value: { source: table.source, header: table.header, rowCount: table.rowCount, sha256: table.sha256, columns, cleaned }, transfer: [...transfer] };
});

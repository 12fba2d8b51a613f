import { constants, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { writeFileAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { sha256Hex } from '../../core/src/infrastructure/fileHash.ts';
import { CsvBytes } from '../../core/src/infrastructure/csv/csvBytes.ts';
import { FieldScanner } from '../../core/src/infrastructure/csv/csvScanner.ts';
import { errorMessage, isUserError, UserError } from '../../core/src/infrastructure/errors.ts';
import { requireWatchableSpec, rowProblem, windowHeader, type WatchableSpec } from './windowHeader.ts';
import type { Quarantined, SourcePosition, SourceRead, SourceRow } from './windowTypes.ts';

/*
 * A directory where CSV files are dropped (batches of traffic here, labels in
 * labelStore.ts): which files are ready, how they are read with their line numbers, and
 * how a file that cannot be used is set aside. A batch is checked whole before any row is
 * handed over, so a window never holds half a bad batch.
 */

export type BatchPosition = Extract<SourcePosition, { kind: 'batches' }>;

/** Ready to read: a .csv that is neither hidden nor still being written (NAME.partial, renamed when done). */
export function isDroppedCsv(name: string): boolean {
  return name.endsWith('.csv') && !name.startsWith('.');
}

/** The ready files in name order (code-unit order, the same order positions compare in); none while the directory does not exist. */
export function listDroppedCsvFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  if (!statSync(directory).isDirectory()) throw new UserError(`${directory}: not a directory`);
  return readdirSync(directory, { withFileTypes: true }).filter((entry) => entry.isFile() && isDroppedCsv(entry.name)).map((entry) => entry.name).sort();
}

export interface CsvRecord {
  /** Line of the file the record starts on (the header is line 1). */
  line: number;
  fields: string[];
}

/** A CSV's header and records, each record as wide as the header; a malformed file throws one line naming it and the line. */
export function readCsvRecords(input: string, source: string): { header: string[]; headerLine: number; records: CsvRecord[] } {
  const scanner = new FieldScanner(CsvBytes.fromText(input), source);
  scanner.skipByteOrderMark();
  if (!scanner.skipBlankLines()) throw new UserError(`${source}: empty file (no header row)`);
  const headerLine = scanner.line;
  const header = scanner.readRecord().map((name) => name.trim());
  const duplicate = header.find((name, index) => header.indexOf(name) !== index);
  if (duplicate !== undefined) throw new UserError(`${source}: line ${headerLine}: column "${duplicate}" appears twice in the header`);
  const records: CsvRecord[] = [];
  while (scanner.skipBlankLines()) {
    const line = scanner.line;
    const fields = scanner.readRecord();
    if (fields.length !== header.length) throw new UserError(`${source}: line ${line}: ${fields.length} fields, the header has ${header.length}`);
    records.push({ line, fields });
  }
  return { header, headerLine, records };
}

/** The header's index of each column, or a one-line refusal naming the first missing one. */
export function columnIndices(csv: { header: readonly string[]; headerLine: number }, columns: readonly string[], source: string, why: string): number[] {
  const { header, headerLine } = csv;
  return columns.map((column) => {
    const index = header.indexOf(column);
    if (index < 0) throw new UserError(`${source}: line ${headerLine}: missing column "${column}" (${why}; found: ${header.join(', ')})`);
    return index;
  });
}

/** A dropped batch as window rows, checked whole: the first problem throws, naming the file, the column and the line. */
export function parseBatch(text: string, name: string, spec: WatchableSpec, latestEventMs = Infinity): SourceRow[] {
  const columns = windowHeader(spec);
  const csv = readCsvRecords(text, name);
  const indices = columnIndices(csv, columns, name, `dataset "${spec.name}" needs ${columns.join(', ')}`);
  return csv.records.map(({ line, fields }) => {
    const cells = indices.map((index) => fields[index] as string);
    const problem = rowProblem(spec, cells, latestEventMs);
    if (problem !== undefined) throw new UserError(`${name}: line ${line}: column "${columns[problem.column] as string}": ${problem.problem}`);
    const [id, time] = cells as [string, string];
    return { id, eventTime: time, cells };
  });
}

/** NAME, else NAME-1, NAME-2 … before the extension: the first name free in the quarantine, with its reason file. */
function freeQuarantineName(quarantineDirectory: string, name: string): string {
  const extension = extname(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let suffix = 0; ; suffix += 1) {
    const candidate = suffix === 0 ? name : `${stem}-${suffix}${extension}`;
    if (!existsSync(join(quarantineDirectory, candidate)) && !existsSync(join(quarantineDirectory, `${candidate}.reason.txt`))) return candidate;
  }
}

/** Move without ever replacing a file (rename would): link then unlink, or copy then unlink where links cannot be made (another file system). */
function moveWithoutReplacing(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    copyFileSync(from, to, constants.COPYFILE_EXCL);
  }
  unlinkSync(from);
}

/**
 * Set a dropped file aside: moved (never deleted) into the quarantine with NAME.reason.txt
 * beside it, so it is not read again and whoever dropped it can see why.
 */
export function quarantineFile(directory: string, name: string, quarantineDirectory: string, reason: string): Quarantined {
  try {
    mkdirSync(quarantineDirectory, { recursive: true });
    const target = freeQuarantineName(quarantineDirectory, name);
    moveWithoutReplacing(join(directory, name), join(quarantineDirectory, target));
    writeFileAtomic(join(quarantineDirectory, `${target}.reason.txt`), `${reason}\n`);
  } catch (error) {
    if (isUserError(error)) throw error;
    throw new UserError(`cannot move ${join(directory, name)} into the quarantine ${quarantineDirectory}: ${errorMessage(error)}`);
  }
  return { file: name, reason };
}

/** The file's text, or undefined when it went away since it was listed (taken back by whoever dropped it). */
export function readDroppedFile(directory: string, name: string): string | undefined {
  try {
    return readFileSync(join(directory, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read ${join(directory, name)}: ${errorMessage(error)}`);
  }
}

/** A batch as read before: its name and the sha256 of its bytes. */
export type ReadBatches = ReadonlyMap<string, string>;

/**
 * Every row after `from` (null: from the first batch), batch by batch in name order, each
 * with the position after it. A batch that fails its check is quarantined and the next one
 * read. A batch already read (`alreadyRead`: the same name and bytes) is passed over. One
 * named before the batch the position stands in, and not read before (or written again
 * since), came too late to be read in its order: it is quarantined with that reason, not
 * passed over. The position's own batch written again: its new rows are read from the
 * first when the old ones were all taken, and it is quarantined when they were not.
 */
export function readBatches(directory: string, from: BatchPosition | null, dataset: LoadedDatasetSpec, quarantineDirectory: string, options: { alreadyRead?: ReadBatches; latestEventMs?: number } = {}): SourceRead {
  const alreadyRead = options.alreadyRead ?? new Map<string, string>();
  const spec = requireWatchableSpec(dataset);
  const read: SourceRead = { rows: [], quarantined: [] };
  const fromFile = from?.file ?? null;
  for (const name of listDroppedCsvFiles(directory)) {
    const text = readDroppedFile(directory, name);
    if (text === undefined) continue;
    const sha256 = sha256Hex(text);
    if (name !== fromFile && alreadyRead.get(name) === sha256) continue;
    let rows: SourceRow[];
    try {
      rows = parseBatch(text, name, spec, options.latestEventMs);
    } catch (error) {
      if (!isUserError(error)) throw error;
      read.quarantined.push(quarantineFile(directory, name, quarantineDirectory, error.message));
      continue;
    }
    if (fromFile !== null && name < fromFile) {
      // A batch with no rows has nothing to lose; one with rows would be read out of order, or never.
      if (rows.length > 0) read.quarantined.push(quarantineFile(directory, name, quarantineDirectory, `${name}: dropped after later batches were read (the watcher stands in ${fromFile}); rename it to sort after the batches already read and drop it again`));
      continue;
    }
    let firstRow = 0;
    if (name === fromFile && from !== null) {
      const changed = from.sha256 !== undefined && from.sha256 !== sha256;
      // Rows appended to it: the bytes read before are still its beginning, and its rows go on from the position.
      const appended = changed && from.bytes !== undefined && sha256Hex(Buffer.from(text).subarray(0, from.bytes)) === from.sha256;
      const allTaken = from.rows !== undefined && from.row >= from.rows;
      if (changed && !appended && !allTaken) {
        read.quarantined.push(quarantineFile(directory, name, quarantineDirectory, `${name}: written again after ${from.row} of its ${from.rows ?? '?'} rows were taken; drop new data under a new name`));
        continue;
      }
      // Written again whole after all its rows were taken: new rows under an old name, read from the first.
      if (!changed || appended) firstRow = from.row;
    }
    const bytes = Buffer.byteLength(text);
    rows.slice(firstRow).forEach((row, index) => {
      read.rows.push({ row, after: { kind: 'batches', file: name, row: firstRow + index + 1, rows: rows.length, sha256, bytes } });
    });
  }
  return read;
}

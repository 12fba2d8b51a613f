import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { UserError, errorMessage } from '../errors.ts';
import { sha256Hex } from '../fileHash.ts';
import { CsvBytes } from './csvBytes.ts';
import { FieldScanner } from './csvScanner.ts';
import { parseCsvBytes, type CsvReadOptions, type CsvTable } from './csvTable.ts';

/** V8's string limit is ~512 MiB; stay clearly below it. */
export const MAX_CSV_BYTES = 480 * 1024 * 1024;

const HEADER_READ_BYTES = 1024 * 1024;

/** The header row alone, from the file's first MiB (for choosing columns before a full read). */
export function readCsvHeader(path: string): string[] {
  let header: CsvBytes;
  try {
    const descriptor = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(HEADER_READ_BYTES);
      const bytesRead = readSync(descriptor, buffer, 0, HEADER_READ_BYTES, 0);
      header = new CsvBytes(buffer.subarray(0, bytesRead));
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  const scanner = new FieldScanner(header, path);
  scanner.skipByteOrderMark();
  if (!scanner.skipBlankLines()) throw new UserError(`${path}: empty file (no header row)`);
  return scanner.readRecord().map((name) => name.trim());
}

export function readCsvTable(path: string, options: CsvReadOptions = {}): CsvTable {
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new UserError(`${path}: not a file`);
    size = stats.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  if (size === 0) throw new UserError(`${path}: empty file (no header row)`);
  if (size > MAX_CSV_BYTES) throw new UserError(`${path}: ${(size / 2 ** 20).toFixed(0)} MiB is larger than the ${MAX_CSV_BYTES / 2 ** 20} MiB a CSV may have here`);
  const { file, sha256, lines } = fileBytes(path, options.computeSha256 === true);
  return parseCsvBytes(file, path, { ...options, sha256, rowsAtMost: lines });
}

/** LF bytes, by memchr through the file (30-45 ms for the 300 MB wide benchmark file). */
function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let index = bytes.indexOf(10); index >= 0; index = bytes.indexOf(10, index + 1)) lines += 1;
  return lines + 1;
}

/** The file's bytes, their hash and their line count (an upper bound on the records: the columns are allocated once, at their size). */
function fileBytes(path: string, computeSha256: boolean): { file: CsvBytes; sha256: string | undefined; lines: number } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  return { file: new CsvBytes(bytes), sha256: computeSha256 ? sha256Hex(bytes) : undefined, lines: countLines(bytes) };
}

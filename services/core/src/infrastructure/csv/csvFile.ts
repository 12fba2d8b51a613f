import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { UserError, errorMessage } from '../errors.ts';
import { sha256Hex } from '../fileHash.ts';
import { FieldScanner } from './csvScanner.ts';
import { parseCsvText, type CsvReadOptions, type CsvTable } from './csvTable.ts';

/** V8's string limit is ~512 MiB; stay clearly below it. */
export const MAX_CSV_BYTES = 480 * 1024 * 1024;

const HEADER_READ_BYTES = 1024 * 1024;

/** The header row alone, from the file's first MiB (for choosing columns before a full read). */
export function readCsvHeader(path: string): string[] {
  let text: string;
  try {
    const descriptor = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(HEADER_READ_BYTES);
      const bytesRead = readSync(descriptor, buffer, 0, HEADER_READ_BYTES, 0);
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  const scanner = new FieldScanner(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, path);
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  const sha256 = options.computeSha256 ? sha256Hex(bytes) : undefined;
  return parseCsvText(bytes.toString('utf8'), path, { ...options, sha256 });
}

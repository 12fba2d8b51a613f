import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { errorMessage, UserError } from '../../core/src/infrastructure/errors.ts';
import { isUtcTime, rowProblem, requireWatchableSpec, UTC_TIME_FORMAT, windowHeader, type WatchableSpec } from './windowHeader.ts';
import type { Quarantined, SourcePosition, SourceRead, SourceRow } from './windowTypes.ts';

/*
 * The API's prediction log (services/api/src/predictionLog.ts) as a source of window
 * rows, read while the API appends to it. Only whole lines count: the API writes a record
 * and its newline in one write, so a line without its newline is still being written.
 * A record the watcher cannot use is set aside and passed over; a live log must not stop it.
 */

export type PredictionLogPosition = Extract<SourcePosition, { kind: 'prediction_log' }>;

/** What was read, and the position after everything looked at: past records set aside after the last row too. */
export interface PredictionLogRead extends SourceRead {
  end: PredictionLogPosition;
}

// The API's file names (predictions-NNNNNN.jsonl, rotating by index); the API owns them, this only reads.
const FILE_PATTERN = /^predictions-(\d{6})\.jsonl$/;
const NEWLINE = 0x0a;

function logFileName(index: number): string {
  return `predictions-${String(index).padStart(6, '0')}.jsonl`;
}

/** Before the first record of the first file, whatever index the log starts at. */
export function predictionLogStart(): PredictionLogPosition {
  return { kind: 'prediction_log', file: 0, offset: 0 };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One window cell from a logged value: what the API accepted is a number, a string or null. */
function cellOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return undefined;
}

/** A logged line as a window row, or why it cannot be one. */
export function predictionRow(line: string, spec: WatchableSpec, header: readonly string[], latestEventMs = Infinity): SourceRow | string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (!isPlainObject(record) || !isPlainObject(record.features)) return 'not a prediction record (no "features" object)';
  const features = record.features;
  const known = new Set(header);
  const foreign = Object.keys(features).find((name) => !known.has(name));
  if (foreign !== undefined) return `feature "${foreign}" is not a column of dataset "${spec.name}"`;
  const id = features[spec.id];
  if (!((typeof id === 'string' && id.trim() !== '') || (typeof id === 'number' && Number.isFinite(id)))) return `no "${spec.id}" (the id) among its features`;
  const time = features[spec.time];
  if (typeof time !== 'string') return `no "${spec.time}" (the event time) among its features`;
  if (!isUtcTime(time)) return `"${spec.time}" is ${JSON.stringify(time)}, not an ISO 8601 UTC time (${UTC_TIME_FORMAT})`;
  const cells: string[] = [];
  for (const column of header) {
    const cell = cellOf(features[column]);
    if (cell === undefined) return `feature "${column}" is ${JSON.stringify(features[column])}, neither a number nor text`;
    cells.push(cell);
  }
  const problem = rowProblem(spec, cells, latestEventMs);
  if (problem !== undefined) return `feature "${header[problem.column] as string}": ${problem.problem}`;
  return { id: String(id), eventTime: time, cells };
}

/** The bytes of a file from `offset` to `end` (its current end when not given). */
function readFrom(path: string, offset: number, end?: number): Buffer {
  const descriptor = openSync(path, 'r');
  try {
    const size = Math.min(end ?? Infinity, fstatSync(descriptor).size);
    if (offset > size) throw new UserError(`${path}: ${size} bytes, shorter than the watcher's position in it (byte ${offset}): the log was truncated or replaced; start the watcher from the beginning of the log`);
    const buffer = Buffer.alloc(size - offset);
    for (let read = 0; read < buffer.length;) {
      const bytes = readSync(descriptor, buffer, read, buffer.length - read, offset + read);
      if (bytes === 0) return buffer.subarray(0, read);
      read += bytes;
    }
    return buffer;
  } finally {
    closeSync(descriptor);
  }
}

/** Lines before `offset`: only counted when a record is set aside, to name its line. */
function linesBefore(path: string, offset: number): number {
  const prefix = readFrom(path, 0, offset);
  let lines = 0;
  for (let index = prefix.indexOf(NEWLINE); index >= 0; index = prefix.indexOf(NEWLINE, index + 1)) lines += 1;
  return lines;
}

function logFileIndices(directory: string): number[] {
  if (!existsSync(directory)) return [];
  if (!statSync(directory).isDirectory()) throw new UserError(`${directory}: not a directory (the prediction log is a directory of predictions-NNNNNN.jsonl files)`);
  return readdirSync(directory).map((name) => FILE_PATTERN.exec(name)).filter((match) => match !== null).map((match) => Number(match[1])).sort((a, b) => a - b);
}

/**
 * Every whole record after `from` (null: from the start), oldest file first, at most
 * `maxRows` rows, each with the position just after its line.
 */
export function readPredictionLog(directory: string, from: PredictionLogPosition | null, dataset: LoadedDatasetSpec, options: { maxRows?: number; latestEventMs?: number } = {}): PredictionLogRead {
  const maxRows = options.maxRows ?? Infinity;
  const spec = requireWatchableSpec(dataset);
  const header = windowHeader(spec);
  const start = from ?? predictionLogStart();
  const read: PredictionLogRead = { rows: [], quarantined: [], end: start };
  for (const index of logFileIndices(directory).filter((fileIndex) => fileIndex >= start.file)) {
    const name = logFileName(index);
    const path = join(directory, name);
    const startOffset = index === start.file ? start.offset : 0;
    let bytes: Buffer;
    try {
      bytes = readFrom(path, startOffset);
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
    }
    let linesBeforeStart: number | undefined;
    let linesRead = 0;
    for (let lineStart = 0, newline = bytes.indexOf(NEWLINE); newline >= 0; lineStart = newline + 1, newline = bytes.indexOf(NEWLINE, lineStart)) {
      if (read.rows.length >= maxRows) return read;
      const after: PredictionLogPosition = { kind: 'prediction_log', file: index, offset: startOffset + newline + 1 };
      const line = bytes.subarray(lineStart, newline).toString('utf8');
      linesRead += 1;
      if (line.trim() !== '') {
        const row = predictionRow(line, spec, header, options.latestEventMs);
        if (typeof row === 'string') {
          linesBeforeStart ??= linesBefore(path, startOffset);
          read.quarantined.push(quarantinedRecord(name, linesBeforeStart + linesRead, row));
        } else {
          read.rows.push({ row, after });
        }
      }
      read.end = after;
    }
  }
  return read;
}

function quarantinedRecord(name: string, line: number, reason: string): Quarantined {
  return { file: `${name}:${line}`, reason: `${name}: line ${line}: ${reason}` };
}

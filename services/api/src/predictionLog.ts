import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cutTornTail } from '../../core/src/infrastructure/appendOnlyLines.ts';
import { errorMessage, UserError } from '../../core/src/infrastructure/errors.ts';
import type { PredictionRecord, PredictionSink } from './predictionSink.ts';

export type { PredictionRecord } from './predictionSink.ts';

const FILE_PATTERN = /^predictions-(\d{6})\.jsonl$/;

function fileName(index: number): string {
  return `predictions-${String(index).padStart(6, '0')}.jsonl`;
}

/**
 * When a prediction counts as logged. `durable` (the default): append() resolves once the
 * write() holding the record has completed, so a 200 sent after it survives a SIGKILL (not
 * a power cut: no fsync). `async`: append() resolves at once and the record is written
 * after the response, as fast as the log goes but lost if the process is killed first.
 */
export const PREDICTION_LOG_MODES = ['durable', 'async'] as const;
export type PredictionLogMode = (typeof PREDICTION_LOG_MODES)[number];

/** The records of one append() call, acknowledged together once all are written. */
interface Ticket {
  pending: number;
  failed: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

interface QueuedLine {
  text: string;
  bytes: number;
  ticket: Ticket | undefined;
}

/**
 * An append-only prediction log with group commit. append() queues records; the first
 * append after a write schedules the next one with setImmediate, which runs once the event
 * loop has handled the I/O at hand, so every request parsed meanwhile shares one write()
 * (split only where the file rotates past `maxFileBytes`, between records); in durable
 * mode an append that finds the group older than `maxGroupWaitMs` writes it at once. The
 * write is synchronous: a few KB into the page cache cost less than a trip through libuv's
 * thread pool, which on a busy 2-core machine waits for a core while the answers wait for
 * it. In durable mode each append's promise settles after the write holding its records:
 * resolved, or rejected if that write failed (and none of its records count as written).
 */
export class PredictionLog implements PredictionSink {
  private queue: QueuedLine[] = [];
  private scheduled = false;
  /** performance.now() when the first record of the queued group arrived. */
  private groupStarted = 0;
  private fileIndex: number;
  private fileBytes: number;
  /** Kept open between writes: open/close per write costs more than the write under load. */
  private fd: number | undefined;
  /** Set when a write failed: the file may end in part of it, which is cut before the next write. */
  private damaged = false;
  private closed = false;
  /** Records written (a record of a failed write is not). */
  written = 0;
  /** write() calls made, successful or not: records / writes is the group size. */
  writes = 0;

  /**
   * `maxGroupWaitMs` (durable mode): how long the first record of a group may wait for
   * others before the append that finds it that old writes the group. It bounds what
   * grouping adds to an answer's latency when the event loop has many requests at hand.
   */
  constructor(
    private readonly directory: string,
    private readonly maxFileBytes: number,
    readonly mode: PredictionLogMode = 'durable',
    private readonly maxGroupWaitMs = 2,
  ) {
    mkdirSync(directory, { recursive: true });
    const indices = readdirSync(directory).map((name) => FILE_PATTERN.exec(name)).filter((match) => match !== null).map((match) => Number(match[1]));
    this.fileIndex = indices.length > 0 ? Math.max(...indices) : 1;
    // A server killed mid-write leaves a torn last record: cut it, or the next record would run into it.
    this.fileBytes = cutTornTail(this.path());
  }

  private path(): string {
    return join(this.directory, fileName(this.fileIndex));
  }

  /**
   * Queue records to be written together with everyone else's. Durable: resolves once they
   * are written, rejects if their write failed. Async: resolves now; a failed write is
   * reported on stderr.
   */
  append(...records: PredictionRecord[]): Promise<void> {
    if (this.closed) throw new Error('prediction log is closed');
    let acknowledged = Promise.resolve();
    let ticket: Ticket | undefined;
    if (this.mode === 'durable' && records.length > 0) {
      const pending = records.length;
      acknowledged = new Promise<void>((resolve, reject) => { ticket = { pending, failed: false, resolve, reject }; });
    }
    if (this.queue.length === 0) this.groupStarted = performance.now();
    for (const record of records) {
      const text = `${JSON.stringify(record)}\n`;
      this.queue.push({ text, bytes: Buffer.byteLength(text), ticket });
    }
    if (this.mode === 'durable' && performance.now() - this.groupStarted >= this.maxGroupWaitMs) {
      this.drain(); // the setImmediate already scheduled, if any, will find nothing left to write
      return acknowledged;
    }
    if (!this.scheduled && this.queue.length > 0) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.drain();
      });
    }
    return acknowledged;
  }

  /** Write everything queued, one write per file it lands in. */
  private drain(): void {
    const batch = this.queue;
    this.queue = [];
    let start = 0;
    let chunkBytes = 0;
    for (let index = 0; index < batch.length; index += 1) {
      const lineBytes = (batch[index] as QueuedLine).bytes;
      // Rotate between records, never inside one; a record alone over the limit gets its own file.
      const pendingBytes = this.fileBytes + chunkBytes;
      if (pendingBytes > 0 && pendingBytes + lineBytes > this.maxFileBytes) {
        this.commit(batch.slice(start, index));
        this.rotate();
        start = index;
        chunkBytes = 0;
      }
      chunkBytes += lineBytes;
    }
    this.commit(batch.slice(start));
  }

  /** One write of these lines, then settle their tickets; a failure is theirs alone, never the log's. */
  private commit(lines: QueuedLine[]): void {
    if (lines.length === 0) return;
    try {
      this.write(Buffer.from(lines.map((line) => line.text).join('')));
    } catch (error) {
      for (const line of lines) {
        if (line.ticket && !line.ticket.failed) line.ticket.reject(error);
        if (line.ticket) line.ticket.failed = true;
      }
      if (this.mode === 'async') process.stderr.write(`prediction log: ${lines.length} records lost: ${errorMessage(error)}\n`);
      return;
    }
    this.written += lines.length;
    for (const line of lines) {
      const ticket = line.ticket;
      if (ticket && !ticket.failed && --ticket.pending === 0) ticket.resolve();
    }
  }

  private write(bytes: Buffer): void {
    this.writes += 1;
    if (this.damaged) this.repair();
    this.fd ??= openSync(this.path(), 'a');
    try {
      // A write may take part of the buffer (a disk filling up): go on until all of it is written or it fails.
      for (let offset = 0; offset < bytes.length;) offset += writeSync(this.fd, bytes, offset);
    } catch (error) {
      this.damaged = true;
      this.closeFile();
      throw error;
    }
    this.fileBytes += bytes.length;
  }

  /** After a failed write: drop what part of it reached the file, so the next record starts a whole line. */
  private repair(): void {
    const path = this.path();
    if (existsSync(path) && statSync(path).isFile() && statSync(path).size > this.fileBytes) truncateSync(path, this.fileBytes);
    this.fileBytes = cutTornTail(path);
    this.damaged = false;
  }

  private rotate(): void {
    this.closeFile();
    // A file left behind must end in a whole record: only the newest may be mid-write.
    if (this.damaged) {
      try {
        this.repair();
      } catch (error) {
        process.stderr.write(`prediction log: cannot cut a failed write from ${this.path()}: ${errorMessage(error)}\n`);
      }
    }
    this.damaged = false;
    this.fileIndex += 1;
    this.fileBytes = 0;
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Closing is best effort: what was written is written.
    }
    this.fd = undefined;
  }

  /** Resolves once everything appended so far has been written (or has failed). */
  async flush(): Promise<void> {
    this.drain();
  }

  describe(): string {
    return `prediction log ${this.mode}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.drain();
    this.closeFile();
  }
}

/**
 * Every logged record, oldest file first (for monitor-live and tests). The newest file may
 * end in a torn record (a crash mid-write, not yet cut by a restart): a last line without
 * its newline there was never acknowledged and is skipped. Any other line that is not JSON
 * is an error naming its file and line.
 */
export function readPredictionLog(directory: string): PredictionRecord[] {
  if (!existsSync(directory)) return [];
  const names = readdirSync(directory).filter((name) => FILE_PATTERN.test(name)).sort();
  return names.flatMap((name, fileIndex) => {
    const path = join(directory, name);
    const lines = readFileSync(path, 'utf8').split('\n');
    // After a final newline split() leaves ''; anything else there is a line whose newline was never written.
    if (fileIndex === names.length - 1) lines.pop();
    const records: PredictionRecord[] = [];
    lines.forEach((line, index) => {
      if (line.length === 0) return;
      try {
        records.push(JSON.parse(line) as PredictionRecord);
      } catch {
        throw new UserError(`${path}: line ${index + 1}: not valid JSON`);
      }
    });
    return records;
  });
}

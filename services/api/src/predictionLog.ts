import { mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cutTornTail } from '../../core/src/infrastructure/appendOnlyLines.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';

/** One line of shared/predictions/predictions-NNNNNN.jsonl. */
export interface PredictionRecord {
  request_id: string;
  time: string;
  model_version: number;
  features: Record<string, unknown>;
  score: number;
  label: 0 | 1;
}

const FILE_PATTERN = /^predictions-(\d{6})\.jsonl$/;

function fileName(index: number): string {
  return `predictions-${String(index).padStart(6, '0')}.jsonl`;
}

/**
 * An append-only prediction log off the response path: records queue in memory and one
 * writer appends them in order (a batch per write), rotating to a new file past
 * `maxFileBytes`. close() drains the queue, so every accepted request is written.
 */
export class PredictionLog {
  private queue: string[] = [];
  private writing: Promise<void> | undefined;
  private fileIndex = 0;
  private fileBytes = 0;
  private ready: Promise<void>;
  private closed = false;
  /** Kept open between batches: open/close per write costs more than the write under load. */
  private handle: FileHandle | undefined;
  written = 0;

  constructor(private readonly directory: string, private readonly maxFileBytes: number) {
    this.ready = this.open();
  }

  private async open(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const indices = (await readdir(this.directory)).map((name) => FILE_PATTERN.exec(name)).filter((match) => match !== null).map((match) => Number(match[1]));
    this.fileIndex = indices.length > 0 ? Math.max(...indices) : 1;
    // A server killed mid-write leaves a torn last record: cut it, or the next record would run into it.
    this.fileBytes = cutTornTail(join(this.directory, fileName(this.fileIndex)));
  }

  append(record: PredictionRecord): void {
    if (this.closed) throw new Error('prediction log is closed');
    this.queue.push(`${JSON.stringify(record)}\n`);
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    await this.ready;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        let chunk = '';
        let chunkBytes = 0;
        for (const line of batch) {
          const lineBytes = Buffer.byteLength(line);
          // Rotate between records, never inside one; a record alone over the limit gets its own file.
          const pendingBytes = this.fileBytes + chunkBytes;
          if (pendingBytes > 0 && pendingBytes + lineBytes > this.maxFileBytes) {
            await this.write(chunk);
            chunk = '';
            chunkBytes = 0;
            await this.handle?.close();
            this.handle = undefined;
            this.fileIndex += 1;
            this.fileBytes = 0;
          }
          chunk += line;
          chunkBytes += lineBytes;
        }
        await this.write(chunk);
        this.written += batch.length;
      }
    } finally {
      this.writing = undefined;
    }
  }

  private async write(chunk: string): Promise<void> {
    if (chunk.length === 0) return;
    this.handle ??= await open(join(this.directory, fileName(this.fileIndex)), 'a');
    const bytes = Buffer.from(chunk);
    await this.handle.write(bytes);
    this.fileBytes += bytes.length;
  }

  /** Resolves when everything appended so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing || this.queue.length > 0) {
      this.writing ??= this.drain();
      await this.writing;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
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

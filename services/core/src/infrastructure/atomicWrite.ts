import { createWriteStream, promises as fs, renameSync, writeFileSync, mkdirSync, unlinkSync, type WriteStream } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { UserError, errorMessage } from './errors.ts';

function temporaryNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

function ensureParentDirectory(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new UserError(`cannot create directory for ${path}: ${errorMessage(error)}`);
  }
}

/** Replace a file in one step: a reader sees the old content or the new, never half. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  ensureParentDirectory(path);
  const temporaryPath = temporaryNameFor(path);
  try {
    writeFileSync(temporaryPath, content);
    renameSync(temporaryPath, path);
  } catch (error) {
    try { unlinkSync(temporaryPath); } catch { /* never created */ }
    throw new UserError(`cannot write ${path}: ${errorMessage(error)}`);
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A stream to a temporary file that becomes `path` only on commit(); abort() removes
 * it, so a failed or interrupted run leaves the previous file untouched.
 */
class AtomicFileStream {
  readonly path: string;
  private readonly temporaryPath: string;
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(path: string) {
    ensureParentDirectory(path);
    this.path = path;
    this.temporaryPath = temporaryNameFor(path);
    this.stream = createWriteStream(this.temporaryPath);
    this.stream.on('error', (error) => { this.failure = error; });
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.failure) throw new UserError(`cannot write ${this.path}: ${this.failure.message}`);
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void => reject(new UserError(`cannot write ${this.path}: ${error.message}`));
        this.stream.once('drain', () => { this.stream.off('error', onError); resolve(); });
        this.stream.once('error', onError);
      });
    }
  }

  async commit(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    }).catch((error: unknown) => { throw new UserError(`cannot write ${this.path}: ${errorMessage(error)}`); });
    if (this.failure) throw new UserError(`cannot write ${this.path}: ${this.failure.message}`);
    await fs.rename(this.temporaryPath, this.path);
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    await fs.rm(this.temporaryPath, { force: true });
  }
}

/**
 * Stream a file through `fill`: it appears at `path` only when fill and the final flush
 * succeed; on any error the temporary file is removed and `path` keeps what it held.
 */
export async function writeStreamAtomic(path: string, fill: (out: Pick<AtomicFileStream, 'write'>) => Promise<void>): Promise<void> {
  const out = new AtomicFileStream(path);
  try {
    await fill(out);
    await out.commit();
  } catch (error) {
    await out.abort();
    throw error;
  }
}

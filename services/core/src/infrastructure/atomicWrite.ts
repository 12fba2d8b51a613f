import { closeSync, createWriteStream, mkdirSync, openSync, promises as fs, renameSync, statSync, unlinkSync, writeFileSync, type WriteStream } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { UserError, errorMessage } from './errors.ts';

function temporaryNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** What is at `path`; below a missing directory or a file there is nothing. */
function entryKind(path: string): 'directory' | 'other' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'none';
    throw error;
  }
}

/**
 * mkdir -p, one level at a time. Node's own recursive mkdir retries forever where a
 * parent exists but cannot hold children (under /proc: ENOENT for the child, EEXIST for
 * the parent, again and again), so a typo in --out would hang the command.
 */
function createMissingDirectories(directory: string): void {
  const missing: string[] = [];
  let kind = entryKind(directory);
  while (kind === 'none' && dirname(directory) !== directory) {
    missing.push(directory);
    directory = dirname(directory);
    kind = entryKind(directory);
  }
  if (kind === 'other') throw new Error(`${directory} is not a directory`);
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Made by another process meanwhile is fine; anything else stops here, at once.
      if (errorCode(error) !== 'EEXIST' || entryKind(level) !== 'directory') throw error;
    }
  }
}

function ensureParentDirectory(path: string): void {
  try {
    createMissingDirectories(resolve(dirname(path)));
  } catch (error) {
    throw new UserError(`cannot create directory for ${path}: ${errorMessage(error)}`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing, the usual case; any other trouble shows when the file is opened
  }
}

/**
 * Create the temporary file beside `path` before any content is made, so a target that
 * cannot be replaced (a directory, a place that takes no new files) fails at once with
 * one line and leaves nothing behind. Returns the temporary file's name and descriptor.
 */
function openTemporaryFile(path: string): { temporaryPath: string; fd: number } {
  ensureParentDirectory(path);
  if (isDirectory(path)) throw new UserError(`cannot write ${path}: ${path} is a directory`);
  const temporaryPath = temporaryNameFor(path);
  try {
    return { temporaryPath, fd: openSync(temporaryPath, 'wx') };
  } catch (error) {
    throw new UserError(`cannot write ${path}: cannot create a file in ${dirname(path)} (${errorCode(error) ?? errorMessage(error)})`);
  }
}

/** Fail now, before a long computation, if `path` could not be written later. */
export function checkWritableFile(path: string): void {
  const { temporaryPath, fd } = openTemporaryFile(path);
  closeSync(fd);
  unlinkSync(temporaryPath);
}

/** Replace a file in one step: a reader sees the old content or the new, never half. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const { temporaryPath, fd } = openTemporaryFile(path);
  try {
    try {
      writeFileSync(fd, content);
    } finally {
      closeSync(fd);
    }
    renameSync(temporaryPath, path);
  } catch (error) {
    try { unlinkSync(temporaryPath); } catch { /* already gone */ }
    throw new UserError(`cannot write ${path}: ${errorMessage(error)}`);
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, jsonFileText(value));
}

/** The exact text writeJsonAtomic writes, for a caller that needs its bytes (their sha256) first. */
export function jsonFileText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
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
    this.path = path;
    const { temporaryPath, fd } = openTemporaryFile(path);
    this.temporaryPath = temporaryPath;
    this.stream = createWriteStream(temporaryPath, { fd });
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
    await fs.rename(this.temporaryPath, this.path).catch((error: unknown) => { throw new UserError(`cannot write ${this.path}: ${errorMessage(error)}`); });
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

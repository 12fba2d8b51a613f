import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

const NEWLINE = 0x0a;
const CHUNK_BYTES = 64 * 1024;

/**
 * An append-only JSON-lines file may end in a torn record after a crash mid-append (a last
 * line without its newline). Cut it, so the next append starts a whole line instead of
 * running into the torn one. Reads backwards from the end only; returns the size after the
 * cut (0 when there is no file).
 */
export function cutTornTail(path: string): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const chunk = Buffer.alloc(CHUNK_BYTES);
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - CHUNK_BYTES);
      readSync(fd, chunk, 0, end - start, start);
      const newline = chunk.subarray(0, end - start).lastIndexOf(NEWLINE);
      if (newline >= 0) {
        const whole = start + newline + 1;
        if (whole < size) ftruncateSync(fd, whole);
        return whole;
      }
      end = start;
    }
    if (size > 0) ftruncateSync(fd, 0);
    return 0;
  } finally {
    closeSync(fd);
  }
}

/**
 * Append whole lines and flush them to the disk before returning: a record written
 * ahead of an effect must survive whatever happens to the process or the machine next.
 */
export function appendLinesDurably(path: string, lines: readonly string[]): void {
  const descriptor = openSync(path, 'a');
  try {
    writeSync(descriptor, lines.map((line) => `${line}\n`).join(''));
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

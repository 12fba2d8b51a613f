import { mkdirSync, openSync, closeSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from './errors.ts';

interface LockOwner { pid: number; since: string; purpose: string }

function sleepSync(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/**
 * An exclusive lock file (O_EXCL create). A second holder waits up to `timeoutMs`,
 * then fails with who holds it; a lock left by a dead process (kill -9) is taken over.
 */
export function acquireFileLock(path: string, options: { timeoutMs: number; purpose: string }): () => void {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + options.timeoutMs;
  while (true) {
    try {
      const descriptor = openSync(path, 'wx');
      writeSync(descriptor, JSON.stringify({ pid: process.pid, since: new Date().toISOString(), purpose: options.purpose } satisfies LockOwner));
      closeSync(descriptor);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try { unlinkSync(path); } catch { /* already gone */ }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot create lock ${path}: ${(error as Error).message}`);
    }
    const owner = readOwner(path);
    if (owner && owner.pid !== process.pid && !isAlive(owner.pid)) {
      try { unlinkSync(path); } catch { /* another waiter took it over first */ }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = owner ? `pid ${owner.pid} (${owner.purpose}) since ${owner.since}` : 'another process';
      throw new UserError(`${path} is held by ${who}; waited ${(options.timeoutMs / 1000).toFixed(1)} s, try again when it finishes`);
    }
    sleepSync(50);
  }
}

export function withFileLock<T>(path: string, options: { timeoutMs: number; purpose: string }, work: () => T): T {
  const release = acquireFileLock(path, options);
  try {
    return work();
  } finally {
    release();
  }
}

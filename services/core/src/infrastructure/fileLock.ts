import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage, UserError } from './errors.ts';
import { sha256Hex } from './fileHash.ts';

/**
 * What a lock file says: who holds it, since when, why, and the token that names this
 * holding alone. `started` is when the holding process started (Linux), so a PID that
 * names a newer process (a restarted container's pid 1) is not taken for the holder.
 */
interface LockOwner { pid: number; since: string; purpose: string; token: string; started?: string }

/** A process's start time in clock ticks since boot, from /proc (undefined where there is none). */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const OWN_START = processStart(process.pid);

function sleepSync(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

/** Whether a process with this PID exists (EPERM: it does, owned by someone else). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that wrote the lock still runs: its PID exists and, where known, started when it did. */
function isAlive(owner: Pick<LockOwner, 'pid' | 'started'>): boolean {
  if (!pidExists(owner.pid)) return false;
  const started = owner.started === undefined ? undefined : processStart(owner.pid);
  return started === undefined || started === owner.started;
}

/** This process holds it (a lock taken twice in one process would wait for itself). */
function isThisProcess(owner: Pick<LockOwner, 'pid' | 'started'>): boolean {
  return owner.pid === process.pid && (owner.started === undefined || owner.started === OWN_START);
}

function readOwner(path: string): LockOwner | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.pid !== 'number') return undefined;
    // A lock written before holdings had tokens is named by its content, which no other holding shares.
    return { pid: owner.pid, since: String(owner.since), purpose: String(owner.purpose), token: owner.token ?? `content-${sha256Hex(text)}`, ...(typeof owner.started === 'string' ? { started: owner.started } : {}) };
  } catch {
    return undefined;
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function ownerNow(purpose: string): LockOwner {
  return { pid: process.pid, since: new Date().toISOString(), purpose, token: randomUUID(), ...(OWN_START === undefined ? {} : { started: OWN_START }) };
}

/**
 * Create `path` holding `owner`, only if nothing is there: the content is written to a
 * file of our own first and then hard-linked into place, so the lock appears whole or
 * not at all (a reader never sees it empty) and two creators cannot both succeed.
 */
function createExclusive(path: string, owner: LockOwner): boolean {
  const candidate = `${path}.${owner.token}.tmp`;
  writeFileSync(candidate, JSON.stringify(owner));
  try {
    linkSync(candidate, path);
    return true;
  } catch (error) {
    if (code(error) === 'EEXIST') return false;
    throw new UserError(`cannot create lock ${path}: ${errorMessage(error)}`);
  } finally {
    try { unlinkSync(candidate); } catch { /* already gone */ }
  }
}

/**
 * Remove a lock whose holder died, if it is still that holder's lock. Exactly one waiter
 * may act on a given dead holding: the right to remove it is itself a lock, named by the
 * dead holding's token. Under it the lock is read again; it can only still carry the
 * dead token (nobody else may remove it), or be gone or replaced, in which case nothing
 * is removed. If a remover dies too, its own right is taken over the same way.
 */
function removeStaleLock(path: string, dead: LockOwner, depth = 0): void {
  const right = `${path}.takeover-${dead.token}`;
  const me = ownerNow(`takeover of ${dead.token}`);
  if (!createExclusive(right, me)) {
    const remover = readOwner(right);
    if (remover && !isAlive(remover) && depth < 8) removeStaleLock(right, remover, depth + 1);
    return;
  }
  try {
    if (readOwner(path)?.token === dead.token) unlinkSync(path);
  } finally {
    try { unlinkSync(right); } catch { /* already gone */ }
  }
}

/**
 * An exclusive lock file. A second holder waits up to `timeoutMs`, then fails naming the
 * holder; a lock left by a dead process (kill -9) is taken over, by one waiter only.
 * The returned release removes the lock only while it is still this holding's (its
 * token), so it can never remove a lock another process holds.
 */
export function acquireFileLock(path: string, options: { timeoutMs: number; purpose: string }): () => void {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + options.timeoutMs;
  const me = ownerNow(options.purpose);
  while (true) {
    if (createExclusive(path, me)) {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (readOwner(path)?.token === me.token) {
          try { unlinkSync(path); } catch { /* already gone */ }
        }
      };
    }
    const owner = readOwner(path);
    if (owner && !isThisProcess(owner) && !isAlive(owner)) {
      removeStaleLock(path, owner);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = owner ? `pid ${owner.pid} (${owner.purpose}) since ${owner.since}` : 'another process';
      throw new UserError(`${path} is held by ${who}; waited ${(options.timeoutMs / 1000).toFixed(1)} s, try again when it finishes`, 'conflict');
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

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireFileLock } from './fileLock.ts';

const directory = mkdtempSync(join(tmpdir(), 'driftwatch-lock-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A PID that no process has any more: a lock naming it was left by a process killed with -9. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

function runContenders(lockDirectory: string, contenders: number, rounds: number, gapMs: number, holdMs: number): Promise<void> {
  const startAt = Date.now() + 2500;
  const script = join(import.meta.dirname, 'fileLockContender.ts');
  return Promise.all(Array.from({ length: contenders }, () => new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, lockDirectory, String(rounds), String(startAt), String(gapMs), String(holdMs)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`contender exited ${code}: ${stderr}`))));
  }))).then(() => undefined);
}

function overlaps(log: string): string[] {
  const spans = log.trim().split('\n').map((line) => line.split(' ').map(Number) as [number, number, number]).sort((a, b) => a[1] - b[1]);
  const found: string[] = [];
  for (let index = 1; index < spans.length; index += 1) {
    const previous = spans[index - 1] as [number, number, number];
    const span = spans[index] as [number, number, number];
    if (span[1] < previous[2]) found.push(`pid ${span[0]} entered at ${span[1]} while pid ${previous[0]} held it until ${previous[2]}`);
  }
  return found;
}

describe('the file lock', () => {
  it('lets exactly one of many waiters take over a stale lock at a time, round after round', async () => {
    const dead = await deadPid();
    const contenders = 6;
    const rounds = 16;
    const lockDirectory = mkdtempSync(join(directory, 'stale-'));
    for (let round = 0; round < rounds; round += 1) {
      writeFileSync(join(lockDirectory, `round-${round}.lock`), JSON.stringify({ pid: dead, since: new Date().toISOString(), purpose: 'killed with -9', token: `dead-${round}` }));
    }
    await runContenders(lockDirectory, contenders, rounds, 350, 20);
    for (let round = 0; round < rounds; round += 1) {
      const log = readFileSync(join(lockDirectory, `round-${round}.log`), 'utf8');
      expect(log.trim().split('\n'), `round ${round}`).toHaveLength(contenders);
      expect(overlaps(log), `round ${round}`).toEqual([]);
    }
  }, 120_000);

  it('releasing removes only the holder\'s own lock, never one another process holds now', () => {
    const lockPath = join(directory, 'own.lock');
    const release = acquireFileLock(lockPath, { timeoutMs: 100, purpose: 'first' });
    // The file is replaced behind the holder's back (as a wrong takeover would): release must leave it.
    writeFileSync(lockPath, JSON.stringify({ pid: process.pid, since: new Date().toISOString(), purpose: 'someone else', token: 'other' }));
    release();
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).token).toBe('other');
    rmSync(lockPath);
  });

  it('a lock whose PID now names another process (a restarted container\'s pid 1) is taken over', () => {
    const lockPath = join(directory, 'reused-pid.lock');
    // This very process's PID, written by an earlier process that started at another time.
    writeFileSync(lockPath, JSON.stringify({ pid: process.pid, since: '2026-01-01T00:00:00Z', purpose: 'the API before its restart', token: 'earlier', started: '1' }));
    const release = acquireFileLock(lockPath, { timeoutMs: 100, purpose: 'after the restart' });
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).purpose).toBe('after the restart');
    release();
  });

  it('a second holder waits, then fails naming the holder', () => {
    const lockPath = join(directory, 'held.lock');
    const release = acquireFileLock(lockPath, { timeoutMs: 100, purpose: 'first holder' });
    expect(() => acquireFileLock(lockPath, { timeoutMs: 100, purpose: 'second' })).toThrow(/held by pid \d+ \(first holder\)/);
    release();
    acquireFileLock(lockPath, { timeoutMs: 100, purpose: 'after release' })();
  });
});

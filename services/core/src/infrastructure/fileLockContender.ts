/**
 * A process that contends for locks, for the lock's tests. Round r starts at
 * START_MS + r * GAP_MS (every contender sleeps until then, so all try at once); in it
 * the contender takes DIR/round-r.lock, records when it held it, and lets go.
 * Usage: node --import tsx fileLockContender.ts DIR ROUNDS START_MS GAP_MS HOLD_MS
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireFileLock } from './fileLock.ts';

const [directory, rounds, startAt, gapMs, holdMs] = process.argv.slice(2) as [string, string, string, string, string];
const sleeper = new Int32Array(new SharedArrayBuffer(4));
for (let round = 0; round < Number(rounds); round += 1) {
  const roundStart = Number(startAt) + round * Number(gapMs);
  Atomics.wait(sleeper, 0, 0, Math.max(0, roundStart - Date.now()));
  const release = acquireFileLock(join(directory, `round-${round}.lock`), { timeoutMs: 20_000, purpose: `contender ${process.pid}` });
  const entered = performance.timeOrigin + performance.now();
  Atomics.wait(sleeper, 0, 0, Number(holdMs));
  // The exit time is taken before release, so any overlap of two intervals is a double hold.
  appendFileSync(join(directory, `round-${round}.log`), `${process.pid} ${entered} ${performance.timeOrigin + performance.now()}\n`);
  release();
}

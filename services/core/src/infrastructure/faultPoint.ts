/**
 * Named moments where a test may kill the process (DRIFTWATCH_FAULT=<name>), to prove
 * that a crash exactly there leaves a state the next run reconciles, or stall it
 * (DRIFTWATCH_FAULT_STALL=<name>:<ms>: the thread blocks, as a long synchronous step would,
 * so not even its timers run), to prove that a slow process cannot make others repeat its
 * work. Unset, it does nothing.
 */
export function faultPoint(name: string): void {
  if (process.env.DRIFTWATCH_FAULT === name) process.kill(process.pid, 'SIGKILL');
  const stall = process.env.DRIFTWATCH_FAULT_STALL;
  if (stall !== undefined && stall.startsWith(`${name}:`)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(stall.slice(name.length + 1)));
}

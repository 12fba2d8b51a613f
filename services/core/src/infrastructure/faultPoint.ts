/** Fault points that stalled already, for a stall asked for once. */
const stalled = new Set<string>();

/**
 * Named moments where a test may kill the process (DRIFTWATCH_FAULT=<name>), to prove
 * that a crash exactly there leaves a state the next run reconciles, or stall it
 * (DRIFTWATCH_FAULT_STALL=<name>:<ms>[:once]: the thread blocks, as a long synchronous step
 * would, so not even its timers run; every time, or the first time only), to prove that a
 * slow process cannot make others repeat its work. Unset, it does nothing.
 */
export function faultPoint(name: string): void {
  if (process.env.DRIFTWATCH_FAULT === name) process.kill(process.pid, 'SIGKILL');
  const [point, ms, times] = (process.env.DRIFTWATCH_FAULT_STALL ?? '').split(':');
  if (point !== name || (times === 'once' && stalled.has(name))) return;
  stalled.add(name);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
}

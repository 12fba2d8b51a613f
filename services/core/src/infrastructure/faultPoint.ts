/**
 * Named moments where a test may kill the process (DRIFTWATCH_FAULT=<name>), to prove
 * that a crash exactly there leaves a state the next run reconciles. Unset, it does nothing.
 */
export function faultPoint(name: string): void {
  if (process.env.DRIFTWATCH_FAULT === name) process.kill(process.pid, 'SIGKILL');
}

/** Set by a program that starts DriftWatch's processes and wants them gone when it is (make demo-live). */
export const STOP_WITH_PARENT_VARIABLE = 'DRIFTWATCH_STOP_WITH_PARENT';

/**
 * Calls `stop` once the process that started this one is gone, however it ended, a SIGKILL
 * included: it holds the other end of our stdin, and its death closes the pipe. Only when
 * the variable asks for it: a terminal's or make's stdin reaching its end must not stop a
 * server. The pipe does not keep this process alive by itself.
 */
export function stopWithParent(stop: (reason: string) => void): void {
  if (process.env[STOP_WITH_PARENT_VARIABLE] !== '1') return;
  const gone = () => stop('the process that started it is gone');
  process.stdin.once('end', gone);
  process.stdin.once('error', gone);
  process.stdin.resume();
  (process.stdin as { unref?: () => void }).unref?.();
}

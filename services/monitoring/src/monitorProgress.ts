/*
 * The monitor's progress on a terminal: a wide table takes seconds, and a user at a
 * terminal should see it move. Piped or redirected (make, CI, a log), it says nothing, so
 * logs hold only the verdict.
 */

/** What the monitor reports as it goes: a column's pair prepared (its samples sorted), or a column tested. */
export type ColumnProgress = (stage: 'prepared' | 'tested', done: number, total: number) => void;

/** One progress line: the stage, columns done of total, and the time since the monitor started. */
export function progressLine(stage: string, done: number, total: number, elapsedMs: number): string {
  return `monitor: ${stage} ${done}/${total} columns, ${(elapsedMs / 1000).toFixed(1)} s`;
}

/** Redrawn at most this often: a hundred columns tested in a blink need not be a hundred writes. */
const REDRAW_MS = 100;

/**
 * Progress rewritten in place on `stream` when it is a terminal; undefined otherwise. The
 * time is counted from `startedMs` on `now`'s clock: by default the process's start
 * (performance.now() counts from it), so the reading of the tables is in it. The last
 * column of a stage is always drawn; end() clears the line for the verdict.
 */
export function terminalProgress(stream: Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean }, now: () => number = () => performance.now(), startedMs = 0): { report: ColumnProgress; end: () => void } | undefined {
  if (stream.isTTY !== true) return undefined;
  const started = startedMs;
  let drawnAt = -Infinity;
  let drawn = false;
  return {
    report: (stage, done, total) => {
      const at = now();
      if (done < total && at - drawnAt < REDRAW_MS) return;
      drawnAt = at;
      drawn = true;
      stream.write(`\r\x1b[2K${progressLine(stage, done, total, at - started)}`);
    },
    end: () => {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}

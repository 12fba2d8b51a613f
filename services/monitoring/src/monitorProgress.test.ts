import { describe, expect, it } from 'vitest';
import { progressLine, terminalProgress } from './monitorProgress.ts';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => { written.push(text); return true; } };
}

describe('the monitor\'s progress', () => {
  it('says nothing when stderr is not a terminal (make, CI, a log)', () => {
    expect(terminalProgress(fakeStream(false))).toBeUndefined();
  });

  it('on a terminal: columns done of total and the time since the process started, redrawn in place at most ten times a second, the last column of a stage always; cleared at the end', () => {
    const stream = fakeStream(true);
    let clock = 1000;
    const progress = terminalProgress(stream, () => clock, 1000);
    if (progress === undefined) throw new Error('a terminal gets progress');
    clock = 1050;
    progress.report('prepared', 1, 100);
    clock = 1080;
    progress.report('prepared', 2, 100);
    clock = 1200;
    progress.report('prepared', 3, 100);
    clock = 1210;
    progress.report('prepared', 100, 100);
    progress.end();
    expect(stream.written).toEqual([
      '\r\x1b[2Kmonitor: prepared 1/100 columns, 0.1 s',
      '\r\x1b[2Kmonitor: prepared 3/100 columns, 0.2 s',
      '\r\x1b[2Kmonitor: prepared 100/100 columns, 0.2 s',
      '\r\x1b[2K',
    ]);
  });

  it('a line reads as what it does', () => {
    expect(progressLine('tested', 40, 100, 2345)).toBe('monitor: tested 40/100 columns, 2.3 s');
  });
});

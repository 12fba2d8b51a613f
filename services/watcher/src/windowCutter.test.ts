import { describe, expect, it } from 'vitest';
import { eventMs } from './labelWindow.ts';
import { cutWindows, type CutWindow } from './windowCutter.ts';
import type { SourcePosition, SourceRow } from './windowTypes.ts';

const DAY_MS = 86_400_000;

/** A stream of rows from one batch file, each with the position after it (row numbers from `firstRow`). */
function stream(times: readonly string[], firstRow = 0): { row: SourceRow; after: SourcePosition }[] {
  return times.map((time, index) => ({
    row: { id: `tx-${firstRow + index}`, eventTime: time, cells: [`tx-${firstRow + index}`, time] },
    after: { kind: 'batches', file: 'batch.csv', row: firstRow + index + 1 },
  }));
}

/** What a window is, without its rows' cells: the ids are enough to see which rows it holds. */
function shape(window: CutWindow) {
  return { id: window.id, ids: window.rows.map((row) => row.id), after: window.after, start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString(), lateRows: window.lateRows };
}

function cutByDay(times: readonly string[], minSamples: number, extra: { closedThroughMs?: number; decidedThroughMs?: number } = {}) {
  return cutWindows(stream(times), { kind: 'day' }, minSamples, { firstRowIndex: 0, eventMs, ...extra }).map(shape);
}

describe('day windows', () => {
  it('a day closes when a row of a later day comes; the last day stays open', () => {
    const windows = cutByDay(['2026-09-01T00:10:00Z', '2026-09-01T12:00:00Z', '2026-09-01T23:59:59Z', '2026-09-02T00:00:00Z', '2026-09-02T08:00:00Z', '2026-09-03T01:00:00Z'], 1);
    expect(windows).toEqual([
      { id: '2026-09-01', ids: ['tx-0', 'tx-1', 'tx-2'], after: { kind: 'batches', file: 'batch.csv', row: 3 }, start: '2026-09-01T00:00:00.000Z', end: '2026-09-02T00:00:00.000Z', lateRows: 0 },
      { id: '2026-09-02', ids: ['tx-3', 'tx-4'], after: { kind: 'batches', file: 'batch.csv', row: 5 }, start: '2026-09-02T00:00:00.000Z', end: '2026-09-03T00:00:00.000Z', lateRows: 0 },
    ]);
  });

  it('rows of a day already decided (a late batch) go into the next window and never name one: that name is a decided window\'s', () => {
    const decidedThroughMs = Date.parse('2026-09-03T00:00:00Z');
    const windows = cutByDay(['2026-09-02T10:00:00Z', '2026-09-02T11:00:00Z', '2026-09-03T01:00:00Z', '2026-09-04T01:00:00Z'], 1, { decidedThroughMs });
    expect(windows).toEqual([
      { id: '2026-09-03', ids: ['tx-0', 'tx-1', 'tx-2'], after: { kind: 'batches', file: 'batch.csv', row: 3 }, start: '2026-09-03T00:00:00.000Z', end: '2026-09-04T00:00:00.000Z', lateRows: 2 },
    ]);
  });

  it('no rows, or one day only: no window', () => {
    expect(cutByDay([], 1)).toEqual([]);
    expect(cutByDay(['2026-09-01T00:10:00Z', '2026-09-01T23:00:00Z'], 1)).toEqual([]);
  });

  it('the replay\'s clock closes the open day once it has passed the day\'s end, not a millisecond before', () => {
    const times = ['2026-09-01T00:10:00Z', '2026-09-02T05:00:00Z'];
    expect(cutByDay(times, 1, { closedThroughMs: Date.UTC(2026, 8, 3) - 1 }).map((window) => window.id)).toEqual(['2026-09-01']);
    const closed = cutByDay(times, 1, { closedThroughMs: Date.UTC(2026, 8, 3) });
    expect(closed.map((window) => [window.id, window.ids, window.after])).toEqual([
      ['2026-09-01', ['tx-0'], { kind: 'batches', file: 'batch.csv', row: 1 }],
      ['2026-09-02', ['tx-1'], { kind: 'batches', file: 'batch.csv', row: 2 }],
    ]);
  });

  it('a day with fewer rows than min_samples is carried into the next: the window spans both days, from the first day\'s start to the last day\'s end', () => {
    const times = [
      '2026-09-01T01:00:00Z', '2026-09-01T02:00:00Z', '2026-09-01T03:00:00Z',
      '2026-09-02T01:00:00Z',
      '2026-09-03T01:00:00Z', '2026-09-03T02:00:00Z',
      '2026-09-04T01:00:00Z',
    ];
    expect(cutByDay(times, 3)).toEqual([
      { id: '2026-09-01', ids: ['tx-0', 'tx-1', 'tx-2'], after: { kind: 'batches', file: 'batch.csv', row: 3 }, start: '2026-09-01T00:00:00.000Z', end: '2026-09-02T00:00:00.000Z', lateRows: 0 },
      { id: '2026-09-02..2026-09-03', ids: ['tx-3', 'tx-4', 'tx-5'], after: { kind: 'batches', file: 'batch.csv', row: 6 }, start: '2026-09-02T00:00:00.000Z', end: '2026-09-04T00:00:00.000Z', lateRows: 0 },
    ]);
  });

  it('small days go on accumulating until min_samples is reached, however many days that takes', () => {
    const times = ['2026-09-01T01:00:00Z', '2026-09-02T01:00:00Z', '2026-09-03T01:00:00Z', '2026-09-04T01:00:00Z', '2026-09-05T01:00:00Z'];
    const windows = cutByDay(times, 3);
    expect(windows.map((window) => [window.id, window.ids, window.start, window.end])).toEqual([
      ['2026-09-01..2026-09-03', ['tx-0', 'tx-1', 'tx-2'], '2026-09-01T00:00:00.000Z', '2026-09-04T00:00:00.000Z'],
    ]);
  });

  it('an accumulated window still short at the replay\'s clock stays open', () => {
    expect(cutByDay(['2026-09-01T01:00:00Z', '2026-09-02T01:00:00Z'], 3, { closedThroughMs: Date.UTC(2026, 8, 10) })).toEqual([]);
  });

  it('a row of a day already passed is counted late in the window it came in', () => {
    const windows = cutByDay(['2026-09-01T10:00:00Z', '2026-09-02T10:00:00Z', '2026-09-01T23:00:00Z', '2026-09-02T11:00:00Z', '2026-09-03T00:00:00Z'], 1);
    expect(windows).toEqual([
      { id: '2026-09-01', ids: ['tx-0'], after: { kind: 'batches', file: 'batch.csv', row: 1 }, start: '2026-09-01T00:00:00.000Z', end: '2026-09-02T00:00:00.000Z', lateRows: 0 },
      { id: '2026-09-02', ids: ['tx-1', 'tx-2', 'tx-3'], after: { kind: 'batches', file: 'batch.csv', row: 4 }, start: '2026-09-02T00:00:00.000Z', end: '2026-09-03T00:00:00.000Z', lateRows: 1 },
    ]);
  });

  it('days are UTC days, across a month and a year end', () => {
    const windows = cutByDay(['2026-12-31T23:59:59.999Z', '2027-01-01T00:00:00Z', '2027-01-02T00:00:00Z'], 1);
    expect(windows.map((window) => [window.id, window.start, window.end])).toEqual([
      ['2026-12-31', '2026-12-31T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
      ['2027-01-01', '2027-01-01T00:00:00.000Z', '2027-01-02T00:00:00.000Z'],
    ]);
  });

  it('every window is a prefix of the rest: cutting again from the last window\'s position gives the same windows', () => {
    const times = ['2026-09-01T01:00:00Z', '2026-09-01T02:00:00Z', '2026-09-02T01:00:00Z', '2026-09-03T01:00:00Z', '2026-09-03T02:00:00Z', '2026-09-04T01:00:00Z', '2026-09-05T01:00:00Z'];
    const all = cutWindows(stream(times), { kind: 'day' }, 2, { firstRowIndex: 0, eventMs }).map(shape);
    const first = cutWindows(stream(times.slice(0, 3)), { kind: 'day' }, 2, { firstRowIndex: 0, eventMs }).map(shape);
    expect(first.map((window) => window.id)).toEqual(['2026-09-01']);
    const done = (first[0] as { after: { row: number } }).after.row;
    const rest = cutWindows(stream(times.slice(done), done), { kind: 'day' }, 2, { firstRowIndex: done, eventMs }).map(shape);
    expect([...first, ...rest]).toEqual(all);
    // 2026-09-04 has one row: it waits for 2026-09-05, still open.
    expect(all.map((window) => window.id)).toEqual(['2026-09-01', '2026-09-02..2026-09-03']);
  });
});

describe('row windows', () => {
  it('N rows each, named by the stream\'s count of rows before them; the rest waits', () => {
    const times = ['2026-09-01T05:00:00Z', '2026-09-01T01:00:00Z', '2026-09-01T03:00:00Z', '2026-09-02T00:00:00Z', '2026-09-02T01:00:00Z'];
    const windows = cutWindows(stream(times, 10), { kind: 'rows', rows: 2 }, 1, { firstRowIndex: 10, eventMs }).map(shape);
    expect(windows).toEqual([
      // From the earliest row's time to a millisecond after the latest's, whatever order they came in.
      { id: 'rows-000000010', ids: ['tx-10', 'tx-11'], after: { kind: 'batches', file: 'batch.csv', row: 12 }, start: '2026-09-01T01:00:00.000Z', end: '2026-09-01T05:00:00.001Z', lateRows: 0 },
      { id: 'rows-000000012', ids: ['tx-12', 'tx-13'], after: { kind: 'batches', file: 'batch.csv', row: 14 }, start: '2026-09-01T03:00:00.000Z', end: '2026-09-02T00:00:00.001Z', lateRows: 0 },
    ]);
  });

  it('a window of 200,000 rows is cut (its span found without spreading its times as arguments)', () => {
    const times = Array.from({ length: 200_000 }, (_, index) => new Date(Date.UTC(2026, 8, 1) + index * 100).toISOString());
    const [window] = cutWindows(stream(times), { kind: 'rows', rows: 200_000 }, 1, { firstRowIndex: 0, eventMs });
    expect(window?.rows).toHaveLength(200_000);
    expect(new Date(window?.endMs as number).toISOString()).toBe(new Date(Date.UTC(2026, 8, 1) + 199_999 * 100 + 1).toISOString());
  });

  it('windows smaller than min_samples grow to min_samples rows', () => {
    const times = Array.from({ length: 7 }, (_, index) => new Date(Date.UTC(2026, 8, 1) + index * 60_000).toISOString());
    const windows = cutWindows(stream(times), { kind: 'rows', rows: 2 }, 3, { firstRowIndex: 0, eventMs }).map(shape);
    expect(windows.map((window) => [window.id, window.ids])).toEqual([
      ['rows-000000000', ['tx-0', 'tx-1', 'tx-2']],
      ['rows-000000003', ['tx-3', 'tx-4', 'tx-5']],
    ]);
  });

  it('fewer rows than one window: none', () => {
    expect(cutWindows(stream(['2026-09-01T05:00:00Z']), { kind: 'rows', rows: 2 }, 1, { firstRowIndex: 0, eventMs })).toEqual([]);
  });

  it('a day is 86 400 000 ms: day windows end exactly a day after they start', () => {
    const [window] = cutWindows(stream(['2026-09-01T05:00:00Z', '2026-09-02T05:00:00Z']), { kind: 'day' }, 1, { firstRowIndex: 0, eventMs });
    expect((window as CutWindow).endMs - (window as CutWindow).startMs).toBe(DAY_MS);
  });
});

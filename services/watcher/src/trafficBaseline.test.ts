import { describe, expect, it } from 'vitest';
import type { KeptRow } from './labelWindow.ts';
import { trafficBaseline } from './trafficBaseline.ts';

/** Rows on a day of September 2026 at the given hours (minute and second vary, the hour is what counts). */
function day(dayOfMonth: number, hours: readonly number[]): KeptRow[] {
  return hours.map((hour, index) => {
    const ms = Date.UTC(2026, 8, dayOfMonth, hour, index % 60, 59);
    return { id: `tx-${dayOfMonth}-${index}`, eventMs: ms, line: '' };
  });
}

describe('the traffic a window\'s volume is judged against', () => {
  it('no traffic before the window: none (the reference is all there is)', () => {
    expect(trafficBaseline([])).toBeUndefined();
  });

  it('one day: that day is the normal', () => {
    expect(trafficBaseline(day(1, [0, 0, 23]))).toEqual({
      rows: 3,
      days: 1,
      hours: Float64Array.from([0, 0, 23]),
      description: 'the traffic of the 1 day(s) before the window (median 3 rows/day)',
    });
  });

  it('the median day times the days, so one surge does not raise the bar; the surge\'s hours are left out of the profile', () => {
    // 3, 2 and 10 rows: median 3; 10 > 2 x 3 is a surge.
    const before = [...day(1, [1, 1, 2]), ...day(2, [5, 6]), ...day(3, Array.from({ length: 10 }, () => 20))];
    expect(trafficBaseline(before)).toEqual({
      rows: 9,
      days: 3,
      hours: Float64Array.from([1, 1, 2, 5, 6]),
      description: 'the traffic of the 3 day(s) before the window (median 3 rows/day)',
    });
  });

  it('an even number of days: the median is the mean of the two middle days, a fraction if need be', () => {
    const before = [...day(1, [1]), ...day(2, [2, 2]), ...day(3, [3, 3]), ...day(4, [4, 4, 4, 4, 4])];
    // Days of 1, 2, 2 and 5 rows: median 2; 5 > 4 is a surge.
    expect(trafficBaseline(before)).toEqual({
      rows: 8,
      days: 4,
      hours: Float64Array.from([1, 2, 2, 3, 3]),
      description: 'the traffic of the 4 day(s) before the window (median 2 rows/day)',
    });
    const uneven = trafficBaseline([...day(1, [7]), ...day(2, [8, 9])]);
    expect(uneven).toMatchObject({ rows: 3, days: 2, description: 'the traffic of the 2 day(s) before the window (median 1.5 rows/day)' });
    expect(uneven?.hours).toEqual(Float64Array.from([7, 8, 9]));
  });

  it('a day of exactly twice the median is still normal', () => {
    const before = [...day(1, [1]), ...day(2, [2, 2]), ...day(3, [3, 3, 3, 3])];
    expect(trafficBaseline(before)?.hours).toEqual(Float64Array.from([1, 2, 2, 3, 3, 3, 3]));
  });

  it('days are UTC days, whatever order the rows came in', () => {
    const lastMs = Date.UTC(2026, 8, 1, 23, 59, 59, 999);
    const before: KeptRow[] = [
      { id: 'b', eventMs: lastMs + 1, line: '' },
      { id: 'a', eventMs: lastMs, line: '' },
      { id: 'c', eventMs: lastMs + 2, line: '' },
    ];
    // 2026-09-02 (two rows, hour 0) and 2026-09-01 (one row, hour 23): median 1.5.
    expect(trafficBaseline(before)).toEqual({
      rows: 3,
      days: 2,
      hours: Float64Array.from([0, 0, 23]),
      description: 'the traffic of the 2 day(s) before the window (median 1.5 rows/day)',
    });
  });
});

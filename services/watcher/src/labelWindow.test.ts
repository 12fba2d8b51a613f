import { afterEach, describe, expect, it } from 'vitest';
import { eventMs, LabelWindow, labelWindowStart, utcMs, type KeptRow } from './labelWindow.ts';
import type { ArrivedLabel } from './windowTypes.ts';

const DAY_MS = 86_400_000;
const SEPT = (day: number, hour = 0) => Date.UTC(2026, 8, day, hour);

function kept(id: string, ms: number): KeptRow {
  return { id, eventMs: ms, line: `${id},${new Date(ms).toISOString()}` };
}

function label(id: string, value: 0 | 1, ms: number): ArrivedLabel {
  return { id, label: value, labelTime: new Date(ms).toISOString(), labelMs: ms };
}

/** What labelledAt found, as [id, label, label arrival]. */
function found(window: LabelWindow, asOfMs: number, days: number): [string, 0 | 1, number][] {
  return window.labelledAt(asOfMs, days).map((row) => [row.id, row.label, row.labelMs as number]);
}

describe('utcMs: an ISO 8601 time in ms, always UTC', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('with or without its Z, with a fraction, whatever the machine\'s time zone', () => {
    process.env.TZ = 'America/New_York';
    // The zone took effect: a bare time is local time to Date.parse.
    expect(Date.parse('2026-09-01T00:00:00')).toBe(Date.UTC(2026, 8, 1, 4));
    expect(utcMs('2026-09-01T00:00:00Z')).toBe(Date.UTC(2026, 8, 1));
    expect(utcMs('2026-09-01T00:00:00')).toBe(Date.UTC(2026, 8, 1));
    expect(utcMs('2026-09-01T13:45:30.250Z')).toBe(Date.UTC(2026, 8, 1, 13, 45, 30, 250));
    expect(utcMs('2026-09-01T13:45:30.250')).toBe(Date.UTC(2026, 8, 1, 13, 45, 30, 250));
    expect(eventMs({ eventTime: '2026-12-31T23:59:59Z' })).toBe(Date.UTC(2026, 11, 31, 23, 59, 59));
  });

  it('a text that is no time is an internal error (the sources refuse those first)', () => {
    expect(() => utcMs('yesterday')).toThrow('internal: "yesterday" is not an ISO 8601 UTC time (sources refuse those)');
  });
});

describe('labelWindowStart', () => {
  it('is label_window_days before the window\'s end', () => {
    expect(labelWindowStart(SEPT(15), 14)).toBe(SEPT(1));
    expect(labelWindowStart(SEPT(15), 0)).toBe(SEPT(15));
    expect(labelWindowStart(SEPT(15), 1)).toBe(SEPT(15) - DAY_MS);
  });
});

describe('the label window', () => {
  it('finds the rows of [asOf - days, asOf) whose label had arrived by asOf, in the order they came', () => {
    const window = new LabelWindow();
    window.add([kept('old', SEPT(1, 23)), kept('first', SEPT(2)), kept('mid', SEPT(3, 12)), kept('unlabelled', SEPT(3, 13)), kept('last', SEPT(4) - 1), kept('at-end', SEPT(4))]);
    window.learn([
      label('old', 1, SEPT(2, 1)),
      label('first', 0, SEPT(3)),
      label('mid', 1, SEPT(4)),
      label('last', 0, SEPT(4) + 1),
      label('at-end', 1, SEPT(4)),
    ]);
    // From 2026-09-02 00:00 (included) to 2026-09-04 00:00 (excluded); labels that arrived at the end count, later ones do not.
    expect(found(window, SEPT(4), 2)).toEqual([['first', 0, SEPT(3)], ['mid', 1, SEPT(4)]]);
    // A day later the late label has arrived, and the row at the old end is inside.
    expect(found(window, SEPT(5), 3)).toEqual([['first', 0, SEPT(3)], ['mid', 1, SEPT(4)], ['last', 0, SEPT(4) + 1], ['at-end', 1, SEPT(4)]]);
    // A label arriving at the window's end counts; a millisecond before it, it has not arrived.
    expect(found(window, SEPT(2, 1) - 1, 1)).toEqual([]);
    expect(found(window, SEPT(2, 1), 1)).toEqual([['old', 1, SEPT(2, 1)]]);
  });

  it('leaves a shock\'s rows out unless asked for them (shock_policy.retrain_includes_shock), and keeps the mark when the rows are given back', () => {
    const window = new LabelWindow();
    const [calm] = window.add([kept('tx-calm', SEPT(1, 10))]);
    const surge = window.add([kept('tx-surge', SEPT(2, 21))]);
    for (const row of surge) row.shock = true;
    window.learn([label('tx-calm', 0, SEPT(3)), label('tx-surge', 1, SEPT(3))]);
    expect(window.labelledAt(SEPT(4), 7, false).map((row) => row.id)).toEqual(['tx-calm']);
    expect(window.labelledAt(SEPT(4), 7, true).map((row) => row.id)).toEqual(['tx-calm', 'tx-surge']);
    expect(calm?.shock).toBeUndefined();
    // A restart gives the rows back from their window's file, marked as its checkpoint says.
    const again = new LabelWindow();
    again.add([kept('tx-surge', SEPT(2, 21)), { ...kept('tx-calm', SEPT(1, 10)) }].map((row) => (row.id === 'tx-surge' ? { ...row, shock: true } : row)));
    again.learn([label('tx-calm', 0, SEPT(3)), label('tx-surge', 1, SEPT(3))]);
    expect(again.labelledAt(SEPT(4), 7, false).map((row) => row.id)).toEqual(['tx-calm']);
  });

  it('a label learned before its row comes is attached when the row comes', () => {
    const window = new LabelWindow();
    window.learn([label('tx-1', 1, SEPT(2))]);
    window.add([kept('tx-1', SEPT(1))]);
    expect(found(window, SEPT(3), 14)).toEqual([['tx-1', 1, SEPT(2)]]);
  });

  it('keeps the earliest arrival of a label, whichever order the copies are learned in', () => {
    const window = new LabelWindow();
    window.add([kept('tx-1', SEPT(1)), kept('tx-2', SEPT(1))]);
    window.learn([label('tx-1', 1, SEPT(5)), label('tx-2', 0, SEPT(2))]);
    window.learn([label('tx-1', 1, SEPT(3)), label('tx-2', 1, SEPT(4))]);
    expect(found(window, SEPT(10), 14)).toEqual([['tx-1', 1, SEPT(3)], ['tx-2', 0, SEPT(2)]]);
    // Learning the same labels again changes nothing.
    window.learn([label('tx-1', 0, SEPT(3)), label('tx-2', 1, SEPT(2))]);
    expect(found(window, SEPT(10), 14)).toEqual([['tx-1', 1, SEPT(3)], ['tx-2', 0, SEPT(2)]]);
    expect(found(window, SEPT(3) - 1, 14)).toEqual([['tx-2', 0, SEPT(2)]]);
  });

  it('copies the rows it is given: a label is attached to its own copy, not to the caller\'s row', () => {
    const window = new LabelWindow();
    const row = kept('tx-1', SEPT(1));
    window.add([row]);
    window.learn([label('tx-1', 1, SEPT(2))]);
    expect(row).toEqual({ id: 'tx-1', eventMs: SEPT(1), line: `tx-1,${new Date(SEPT(1)).toISOString()}` });
    expect(window.traffic()).toEqual([{ ...row, label: 1, labelMs: SEPT(2) }]);
  });

  it('traffic() is the rows in the order they came, and a copy: later rows are not part of it', () => {
    const window = new LabelWindow();
    window.add([kept('b', SEPT(2)), kept('a', SEPT(1))]);
    const before = window.traffic();
    window.add([kept('c', SEPT(3))]);
    expect(before.map((row) => row.id)).toEqual(['b', 'a']);
    expect(window.traffic().map((row) => row.id)).toEqual(['b', 'a', 'c']);
  });

  it('forgetBefore drops the rows older than the bound and keeps those at it', () => {
    const window = new LabelWindow();
    window.add([kept('d1', SEPT(1)), kept('d2', SEPT(2)), kept('d3', SEPT(3))]);
    window.forgetBefore(SEPT(2));
    expect(window.traffic().map((row) => row.id)).toEqual(['d2', 'd3']);
    // A label for a forgotten row is not attached to anything kept.
    window.learn([label('d1', 1, SEPT(4)), label('d2', 0, SEPT(4))]);
    expect(found(window, SEPT(5), 14)).toEqual([['d2', 0, SEPT(4)]]);
  });

  it('forgetBefore forgets a late row too, though it came after rows that are kept', () => {
    const window = new LabelWindow();
    // The 2026-09-02 window held a late row of 2026-08-31 (the cutter counts it late and keeps it in the window it came in).
    window.add([kept('d1', SEPT(1)), kept('d2', SEPT(2)), kept('late', SEPT(0, 12))]);
    window.forgetBefore(SEPT(1));
    expect(window.traffic().map((row) => row.id)).toEqual(['d1', 'd2']);
  });

  it('a transaction id seen twice: forgetting the older row leaves the newer one labelled', () => {
    const window = new LabelWindow();
    window.add([kept('tx-1', SEPT(1)), kept('tx-1', SEPT(3))]);
    window.forgetBefore(SEPT(2));
    window.learn([label('tx-1', 1, SEPT(4))]);
    expect(window.traffic()).toEqual([{ ...kept('tx-1', SEPT(3)), label: 1, labelMs: SEPT(4) }]);
  });
});

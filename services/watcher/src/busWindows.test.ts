import { describe, expect, it } from 'vitest';
import { announcementFields, announcementOf, claimStep, nextEntryId, parseAnnouncement, predictionsTrimPoint, windowEntryId, type WindowAnnouncement } from './busWindows.ts';
import type { CutWindow } from './windowCutter.ts';

const DAY = 86_400_000;
const day = (index: number) => Date.parse('2026-09-01T00:00:00Z') + index * DAY;

function announced(index: number, after: string, last: string): WindowAnnouncement {
  return { window: `day-${index}`, start_ms: day(index), end_ms: day(index + 1), after, last, rows: 10, late_rows: 0, announced_at_ms: day(index + 1) };
}

describe('claimStep: what a watcher does about the next window', () => {
  it('decides what it holds, takes what nobody holds, waits for a live holder and claims from one idle past the limit', () => {
    expect(claimStep(undefined, 'a', 1000)).toEqual({ kind: 'take' });
    expect(claimStep({ id: '1-0', consumer: 'a', idleMs: 5000, deliveries: 1 }, 'a', 1000)).toEqual({ kind: 'decide' });
    expect(claimStep({ id: '1-0', consumer: 'b', idleMs: 999, deliveries: 1 }, 'a', 1000)).toEqual({ kind: 'wait', holder: 'b', idleMs: 999 });
    expect(claimStep({ id: '1-0', consumer: 'b', idleMs: 1000, deliveries: 1 }, 'a', 1000)).toEqual({ kind: 'claim', holder: 'b', idleMs: 1000 });
  });
});

describe('predictionsTrimPoint: what the predictions stream may lose', () => {
  const windows = [announced(0, '0-0', '100-5'), announced(1, '100-5', '200-0'), announced(20, '200-0', '300-9')];

  it('keeps the rows of every window a watcher starting afresh still reads (the label window and a day before the next)', () => {
    // Decided through day 1 with a 14-day label window: day 0 is still in it, so nothing goes.
    expect(predictionsTrimPoint(windows, day(2), 14)).toBeUndefined();
    // Decided through day 21: days 0 and 1 left the window; the stream keeps day 20's rows on, i.e. what comes after day 1's last row.
    expect(predictionsTrimPoint(windows, day(21), 14)).toBe('200-1');
  });

  it('never trims past the last announced window: the open day is read again at every cut', () => {
    expect(predictionsTrimPoint(windows, day(60), 14)).toBe('300-10');
    expect(predictionsTrimPoint([], day(60), 14)).toBeUndefined();
  });

  it('nextEntryId counts the sequence up, past 2^53 too', () => {
    expect(nextEntryId('1700000000000-0')).toBe('1700000000000-1');
    expect(nextEntryId('1-18446744073709551614')).toBe('1-18446744073709551615');
  });
});

describe('window announcements', () => {
  const cut: CutWindow = { id: '2026-09-01', rows: [{ id: 't1', eventTime: '2026-09-01T01:00:00Z', cells: [] }], after: { kind: 'bus', id: '5-3' }, startMs: day(0), endMs: day(1), lateRows: 0, batches: [] };

  it('round-trips through the entry, under the id of its end', () => {
    const announcement = announcementOf(cut, '0-0', 123);
    expect(parseAnnouncement({ id: windowEntryId(day(1)), fields: announcementFields(announcement) })).toEqual(announcement);
  });

  it('an entry that is not an announcement is one line naming the stream, the entry and the field', () => {
    const fields = announcementFields(announcementOf(cut, '0-0', 123));
    expect(() => parseAnnouncement({ id: '7-0', fields: {} })).toThrow('driftwatch:windows: entry 7-0: no "announcement" field');
    expect(() => parseAnnouncement({ id: '7-0', fields: { announcement: '{' } })).toThrow('driftwatch:windows: entry 7-0: field "announcement": not valid JSON');
    expect(() => parseAnnouncement({ id: windowEntryId(day(1)), fields: { announcement: (fields.announcement as string).replace('"rows":1', '"rows":"1"') } })).toThrow(/driftwatch:windows: entry \d+-0: announcement: rows: must be integer/);
    expect(() => parseAnnouncement({ id: '7-0', fields })).toThrow(`driftwatch:windows: entry 7-0: announcement: end_ms ${day(1)} is not the entry's id`);
  });
});

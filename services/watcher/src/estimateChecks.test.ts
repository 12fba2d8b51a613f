import { describe, expect, it } from 'vitest';
import { checkTime, enoughLabels, estimateCheck, MIN_CHECK_ROWS, MIN_CHECK_ROWS_PER_CLASS, PendingChecks } from './estimateChecks.ts';
import type { KeptRow } from './labelWindow.ts';

const DAY = 86_400_000;
const END = Date.parse('2026-09-02T00:00:00Z');
const row = (id: string, labelMs?: number): KeptRow => ({ id, eventMs: END - 1000, line: id, ...(labelMs === undefined ? {} : { label: 0 as const, labelMs }) });

describe('a window\'s estimate waits for its labels', () => {
  it('is due once every row\'s label has come by then, and is checked at the last label\'s arrival', () => {
    const rows = [row('a', END + DAY), row('b')];
    const pending = new PendingChecks();
    pending.add({ window: 'w1', endMs: END, modelVersion: 1, estimatedAuc: 0.9, rows });
    expect(pending.takeDue({ labelsThroughMs: END + 2 * DAY, clockMs: END + 2 * DAY }, 14)).toEqual([]);
    Object.assign(rows[1] as KeptRow, { label: 1, labelMs: END + 3 * DAY });
    // Arrived, but later than the time asked about: not yet.
    expect(pending.takeDue({ labelsThroughMs: END + 2 * DAY, clockMs: END + 2 * DAY }, 14)).toEqual([]);
    const [due] = pending.takeDue({ labelsThroughMs: END + 3 * DAY, clockMs: END + 3 * DAY }, 14);
    expect(due?.reason).toBe('all_labelled');
    expect(checkTime(due!.check, due!.reason, due!.labelled, 14)).toBe(END + 3 * DAY);
    expect(pending.size).toBe(0);
  });

  it('a window of 200,000 labelled rows is checked at its last label (not spread as arguments, which overflows the stack)', () => {
    const rows = Array.from({ length: 200_000 }, (_, index) => row(`r${index}`, END + index));
    const pending = new PendingChecks();
    pending.add({ window: 'big', endMs: END, modelVersion: 1, estimatedAuc: 0.9, rows });
    const [due] = pending.takeDue({ labelsThroughMs: END + DAY, clockMs: END + DAY }, 14);
    expect(checkTime(due!.check, due!.reason, due!.labelled, 14)).toBe(END + 199_999);
  });

  it('is due with the labels that came when the window leaves the label window', () => {
    const pending = new PendingChecks();
    pending.add({ window: 'w1', endMs: END, modelVersion: 2, estimatedAuc: 0.8, rows: [row('a', END + DAY), row('b')] });
    expect(pending.takeDue({ labelsThroughMs: END + 3 * DAY - 1, clockMs: END + 3 * DAY - 1 }, 3)).toEqual([]);
    const [due] = pending.takeDue({ labelsThroughMs: END + 3 * DAY, clockMs: END + 3 * DAY }, 3);
    expect(due?.reason).toBe('label_window_passed');
    expect(due?.labelled.map((kept) => kept.id)).toEqual(['a']);
    expect(checkTime(due!.check, due!.reason, due!.labelled, 3)).toBe(END + 3 * DAY);
  });

  it('records estimated - realised, and no error when the labels hold one class', () => {
    const check = { window: 'w1', endMs: END, modelVersion: 1, estimatedAuc: 0.9, rows: [row('a', END)] };
    expect(estimateCheck(check, 'all_labelled', check.rows, 0.85, END + DAY)).toMatchObject({ window: 'w1', model_version: 1, estimated_auc: 0.9, realised_auc: 0.85, rows: 1, labelled_rows: 1, checked_at: '2026-09-03T00:00:00.000Z', reason: 'all_labelled' });
    expect(estimateCheck(check, 'all_labelled', check.rows, 0.85, END).error).toBeCloseTo(0.05, 12);
    expect(estimateCheck(check, 'all_labelled', check.rows, null, END).error).toBeNull();
  });

  it('a window without rows waits for nothing', () => {
    const pending = new PendingChecks();
    pending.add({ window: 'empty', endMs: END, modelVersion: 1, estimatedAuc: 0.9, rows: [] });
    expect(pending.size).toBe(0);
  });

  it('a handful of labels (a short label window) is not enough to judge an estimate by', () => {
    const labelled = (rows: number, positives: number) => Array.from({ length: rows }, (_, index) => ({ ...row(`r${index}`, END), label: (index < positives ? 1 : 0) as 0 | 1 }));
    expect(enoughLabels(labelled(50, 20))).toBe(false);
    expect(enoughLabels(labelled(MIN_CHECK_ROWS, MIN_CHECK_ROWS_PER_CLASS - 1))).toBe(false);
    expect(enoughLabels(labelled(MIN_CHECK_ROWS, MIN_CHECK_ROWS - MIN_CHECK_ROWS_PER_CLASS + 1))).toBe(false);
    expect(enoughLabels(labelled(MIN_CHECK_ROWS, MIN_CHECK_ROWS_PER_CLASS))).toBe(true);
  });
});

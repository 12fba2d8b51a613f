import { describe, expect, it } from 'vitest';
import { TIMELINE_WINDOWS_SHOWN, timelinePoint, timelineView } from './timelineView.ts';

const window = (index: number, extra: Record<string, unknown> = {}): string => JSON.stringify({
  window: `w${index}`, day: index, start: `2026-01-${String(index + 1).padStart(2, '0')}T00:00:00Z`, end: `2026-01-${String(index + 1).padStart(2, '0')}T23:59:59Z`, rows: 100 + index,
  known_auc: 0.8, hindsight_auc: 0.81, estimated_auc: 0.79, drift_share: 0.1, action: 'noop', outcome: 'no_action', serving_version_after: 1, ...extra,
});

describe('timelineView: the loop over time, as charted', () => {
  it('reads every window line as a point, in file order', () => {
    const view = timelineView('watcher', '/w/windows.jsonl', `${window(0)}\n${window(1)}\n`);
    expect(view).toMatchObject({ source: 'watcher', path: '/w/windows.jsonl', skipped_lines: 0 });
    expect(view.windows).toEqual([
      { window: 'w0', day: 0, start: '2026-01-01T00:00:00Z', end: '2026-01-01T23:59:59Z', rows: 100, known_auc: 0.8, hindsight_auc: 0.81, estimated_auc: 0.79, drift_share: 0.1, action: 'noop', outcome: 'no_action', serving_version_after: 1 },
      expect.objectContaining({ window: 'w1', rows: 101 }),
    ]);
  });

  it('malformed and torn lines are counted in skipped_lines, not shown; blank lines are neither', () => {
    const text = `${window(0)}\nnot json at all\n\n   \n${window(1)}\n{"window":"w2","start":"2026-01-03T00:`;
    const view = timelineView('replay', '/r/timeline.jsonl', text);
    expect(view.windows.map((point) => point.window)).toEqual(['w0', 'w1']);
    expect(view.skipped_lines).toBe(2);
  });

  it('JSON that is not a window record is skipped: null, an array, a number, a record missing window, start or end', () => {
    const text = ['null', '[1,2]', '42', '"w3"', JSON.stringify({ start: 'a', end: 'b' }), JSON.stringify({ window: 'w', end: 'b' }), JSON.stringify({ window: 'w', start: 'a' }), JSON.stringify({ window: 5, start: 'a', end: 'b' }), window(0)].join('\n');
    const view = timelineView('watcher', null, text);
    expect(view.windows.map((point) => point.window)).toEqual(['w0']);
    expect(view.skipped_lines).toBe(8);
  });

  it(`keeps only the last ${TIMELINE_WINDOWS_SHOWN} windows; skipped lines are counted over the whole file`, () => {
    const lines = Array.from({ length: TIMELINE_WINDOWS_SHOWN + 7 }, (_, index) => window(index));
    lines.splice(3, 0, 'garbage');
    const view = timelineView('watcher', null, lines.join('\n'));
    expect(view.windows).toHaveLength(TIMELINE_WINDOWS_SHOWN);
    expect(view.windows[0]?.window).toBe('w7');
    expect(view.windows[TIMELINE_WINDOWS_SHOWN - 1]?.window).toBe(`w${TIMELINE_WINDOWS_SHOWN + 6}`);
    expect(view.skipped_lines).toBe(1);
  });

  it('missing or non-finite figures are null (rows 0), never NaN or a string', () => {
    const point = timelinePoint(JSON.stringify({ window: 'w', start: 'a', end: 'b', day: 'three', rows: null, known_auc: null, hindsight_auc: 'high', drift_share: Number.NaN, action: 3 }));
    expect(point).toEqual({ window: 'w', day: null, start: 'a', end: 'b', rows: 0, known_auc: null, hindsight_auc: null, estimated_auc: null, drift_share: null, action: null, outcome: null, serving_version_after: null });
  });

  it('an empty file has no windows and nothing skipped', () => {
    expect(timelineView('watcher', '/w/windows.jsonl', '')).toEqual({ source: 'watcher', path: '/w/windows.jsonl', windows: [], skipped_lines: 0 });
  });

  it('Windows line endings do not make lines unreadable', () => {
    const view = timelineView('watcher', null, `${window(0)}\r\n${window(1)}\r\n`);
    expect(view.windows.map((point) => point.window)).toEqual(['w0', 'w1']);
    expect(view.skipped_lines).toBe(0);
  });
});

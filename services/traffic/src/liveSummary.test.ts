import { describe, expect, it } from 'vitest';
import type { WindowRecord } from '../../watcher/src/index.ts';
import { dayIndex, dayTable, versionsByDay, withHindsight, type ServedPrediction } from './liveSummary.ts';

const window = (day: number, change: Partial<WindowRecord> = {}): WindowRecord => ({
  window: `2026-09-0${day + 1}`, day: null, start: `2026-09-0${day + 1}T00:00:00.000Z`, end: `2026-09-0${day + 2}T00:00:00.000Z`, rows: 4, labelled_rows: 0,
  drift_share: 0, drifted_columns: [], severity: 'none', incident: 'none', action: 'noop', outcome: 'no_action', guardrail_skips: [], confidence: 1,
  serving_version: 1, serving_version_after: 1, hindsight_auc: null, known_auc: null, estimated_auc: null, estimate_check: null, approval: null, run_id: `r${day}`, ...change,
});

const at = (iso: string) => Date.parse(iso);

describe('the live run\'s figures', () => {
  it('each window\'s hindsight AUC is the logged scores of its rows against the true labels; a window without both classes has none', () => {
    const predictions: ServedPrediction[] = [
      { id: 'a', eventMs: at('2026-09-01T01:00:00Z'), score: 0.9, version: 1 },
      { id: 'b', eventMs: at('2026-09-01T02:00:00Z'), score: 0.1, version: 1 },
      { id: 'c', eventMs: at('2026-09-01T03:00:00Z'), score: 0.8, version: 1 },
      { id: 'd', eventMs: at('2026-09-01T04:00:00Z'), score: 0.7, version: 1 },
      { id: 'e', eventMs: at('2026-09-02T01:00:00Z'), score: 0.5, version: 2 },
    ];
    const truth = new Map<string, 0 | 1>([['a', 1], ['b', 0], ['c', 0], ['d', 1], ['e', 0]]);
    const [first, second] = withHindsight([window(0), window(1)], predictions, truth, '2026-09-01');
    // Positives 0.9 and 0.7 against negatives 0.1 and 0.8: 3 of 4 pairs ranked right.
    expect(first).toMatchObject({ day: 0, hindsight_auc: 0.75 });
    expect(second).toMatchObject({ day: 1, hindsight_auc: null });
  });

  it('counts the predictions each version answered per day, and lays the days out with them', () => {
    const predictions: ServedPrediction[] = [
      { id: 'a', eventMs: at('2026-09-01T01:00:00Z'), score: 0.9, version: 1 },
      { id: 'b', eventMs: at('2026-09-02T01:00:00Z'), score: 0.1, version: 1 },
      { id: 'c', eventMs: at('2026-09-02T23:00:00Z'), score: 0.8, version: 2 },
    ];
    const versions = versionsByDay(predictions, '2026-09-01');
    expect([...versions.entries()].map(([day, counts]) => [day, [...counts.entries()]])).toEqual([[0, [[1, 1]]], [1, [[1, 1], [2, 1]]]]);
    expect(dayIndex('2026-09-01', at('2026-09-03T00:00:00Z'))).toBe(2);
    const table = dayTable([{ ...window(1, { action: 'retrain_and_evaluate', outcome: 'promoted', serving_version_after: 2 }), day: 1, hindsight_auc: 0.812 }], versions).split('\n');
    expect(table[0]).toMatch(/^day\s+window\s+drift share\s+action -> outcome\s+serving after\s+answered by\s+hindsight AUC$/);
    expect(table[2]).toMatch(/^1\s+2026-09-02\s+0\.00\s+retrain_and_evaluate -> promoted\s+v2\s+v1:1 v2:1\s+0\.812$/);
  });
});

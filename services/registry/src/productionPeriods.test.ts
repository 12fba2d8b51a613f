import { describe, expect, it } from 'vitest';
import { productionPeriods } from './registryStages.ts';
import type { HistoryEntry, Stage } from './registryTypes.ts';

let operation = 0;
/** One history line; moves of one operation share its time, as the store writes them. */
const move = (time: string, version: number, from: Stage | null, to: Stage, kind: HistoryEntry['operation'] = 'promote', runId: string | null = null): HistoryEntry => {
  operation += 1;
  return { time, version, from, to, actor: `actor-${kind}`, reason: `${kind} v${version}`, run_id: runId, operation: kind, operation_id: `op-${operation}`, operation_size: 1 };
};

const DAY1 = '2026-01-01T00:00:00.000Z';
const DAY2 = '2026-01-02T00:00:00.000Z';
const DAY3 = '2026-01-03T00:00:00.000Z';
const DAY4 = '2026-01-04T00:00:00.000Z';

describe('productionPeriods: what served when, from the registry history', () => {
  it('a version still serving has an open period (until null) carrying who put it there, how and why', () => {
    const history = [move(DAY1, 1, null, 'None', 'register'), move(DAY2, 1, 'None', 'Production', 'promote', 'run-a')];
    expect(productionPeriods(history)).toEqual([
      { version: 1, from: DAY2, until: null, actor: 'actor-promote', operation: 'promote', reason: 'promote v1', run_id: 'run-a' },
    ]);
  });

  it('promoting a version archives the previous Production: the earlier period ends when the next begins', () => {
    const history = [
      move(DAY1, 1, null, 'None', 'register'),
      move(DAY1, 1, 'None', 'Production'),
      move(DAY2, 2, null, 'None', 'register'),
      move(DAY3, 1, 'Production', 'Archived'),
      move(DAY3, 2, 'None', 'Production'),
    ];
    expect(productionPeriods(history).map(({ version, from, until }) => ({ version, from, until }))).toEqual([
      { version: 1, from: DAY1, until: DAY3 },
      { version: 2, from: DAY3, until: null },
    ]);
  });

  it('a rollback ends the current period and opens one for the restored version, marked as a rollback', () => {
    const history = [
      move(DAY1, 1, 'None', 'Production'),
      move(DAY2, 1, 'Production', 'Archived'),
      move(DAY2, 2, 'None', 'Production'),
      move(DAY3, 2, 'Production', 'Archived', 'rollback'),
      move(DAY3, 1, 'Archived', 'Production', 'rollback'),
    ];
    const periods = productionPeriods(history);
    expect(periods.map(({ version, from, until, operation: how }) => ({ version, from, until, how }))).toEqual([
      { version: 1, from: DAY1, until: DAY2, how: 'promote' },
      { version: 2, from: DAY2, until: DAY3, how: 'promote' },
      { version: 1, from: DAY3, until: null, how: 'rollback' },
    ]);
  });

  it('archiving a version that is not in Production does not end the serving period', () => {
    const history = [
      move(DAY1, 1, 'None', 'Production'),
      move(DAY2, 2, null, 'None', 'register'),
      move(DAY2, 2, 'None', 'Staging'),
      move(DAY3, 2, 'Staging', 'Archived', 'archive'),
      // An Archived version moved again (a stray line) names no open period either.
      move(DAY4, 3, 'Archived', 'Archived', 'archive'),
    ];
    expect(productionPeriods(history)).toEqual([expect.objectContaining({ version: 1, from: DAY1, until: null })]);
  });

  it('a move out of Production of a version that is not the one serving does not end the period', () => {
    const history = [move(DAY1, 1, 'None', 'Production'), move(DAY2, 7, 'Production', 'Archived')];
    expect(productionPeriods(history)).toEqual([expect.objectContaining({ version: 1, until: null })]);
  });

  it('no Production ever: no periods (an empty history, or registrations and staging only)', () => {
    expect(productionPeriods([])).toEqual([]);
    expect(productionPeriods([move(DAY1, 1, null, 'None', 'register'), move(DAY2, 1, 'None', 'Staging')])).toEqual([]);
  });

  it('the last Production archived with nothing in its place leaves the period closed and none open', () => {
    const history = [move(DAY1, 1, 'None', 'Production'), move(DAY2, 1, 'Production', 'Archived', 'archive')];
    expect(productionPeriods(history)).toEqual([expect.objectContaining({ version: 1, from: DAY1, until: DAY2 })]);
  });

  it('periods are oldest first and do not overlap', () => {
    const history = [
      move(DAY1, 1, 'None', 'Production'),
      move(DAY2, 1, 'Production', 'Archived'), move(DAY2, 2, 'None', 'Production'),
      move(DAY3, 2, 'Production', 'Archived'), move(DAY3, 3, 'None', 'Production'),
    ];
    const periods = productionPeriods(history);
    expect(periods.map((period) => period.version)).toEqual([1, 2, 3]);
    for (let index = 1; index < periods.length; index += 1) expect(periods[index - 1]?.until).toBe(periods[index]?.from);
  });
});

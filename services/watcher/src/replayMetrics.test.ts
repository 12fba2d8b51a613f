import { describe, expect, it } from 'vitest';
import { phaseFigures, runTotals, type TimelinePhase } from './replayMetrics.ts';
import type { WindowRecord } from './windowTypes.ts';

/** A calm window of day `day` on a timeline starting 2026-09-01; overrides say what happened. */
function windowOf(day: number, overrides: Partial<WindowRecord> = {}): WindowRecord {
  const date = new Date(Date.UTC(2026, 8, 1 + day)).toISOString().slice(0, 10);
  return {
    window: date, day, start: `${date}T00:00:00.000Z`, end: `${date}T23:59:59.999Z`, rows: 2000, labelled_rows: 1200,
    drift_share: 0, drifted_columns: [], severity: 'none', incident: 'none', action: 'noop', outcome: 'no_action',
    guardrail_skips: [], confidence: 0.9, serving_version: 1, serving_version_after: 1,
    hindsight_auc: 0.9, known_auc: 0.9, estimated_auc: null, estimate_check: null, approval: null, run_id: `run-${day}`, ...overrides,
  };
}

/** One window per day with these hindsight AUCs; `events` overrides the windows of some days. */
function run(aucs: readonly (number | null)[], events: Record<number, Partial<WindowRecord>> = {}): WindowRecord[] {
  return aucs.map((auc, day) => windowOf(day, { hindsight_auc: auc, ...events[day] }));
}

const repeat = (value: number | null, times: number) => Array.from({ length: times }, () => value);
const BASE: TimelinePhase = { from_day: 0, to_day: 19, scenario: 'nodrift' };
const DRIFT: TimelinePhase = { from_day: 10, to_day: 19, scenario: 'drift_feature' };

describe('phaseFigures', () => {
  it('credits no detection to a phase whose kind of incident was already raised the day before it began', () => {
    const records = run(repeat(0.9, 20), { 9: { incident: 'data_drift' }, 10: { incident: 'data_drift' } });
    expect(phaseFigures(records, [DRIFT])[0]).toMatchObject({ detection_delay_days: null, note: expect.stringContaining('already raised the day before') });
    // Another kind the day before is not this phase's alarm.
    expect(phaseFigures(run(repeat(0.9, 20), { 9: { incident: 'shock' }, 10: { incident: 'data_drift' } }), [DRIFT])[0]?.detection_delay_days).toBe(0);
  });

  it('credits a phase only with its own kind of incident, and only until a later phase starts', () => {
    // Feature drift from day 10, a shock on day 14, concept drift from day 16: the feature drift's incidents go on throughout.
    const phases: TimelinePhase[] = [BASE, DRIFT, { from_day: 14, to_day: 14, scenario: 'shock_black_friday' }, { from_day: 16, to_day: 19, scenario: 'drift_concept' }];
    const events: Record<number, Partial<WindowRecord>> = { 11: { incident: 'data_drift' }, 14: { incident: 'data_drift' }, 15: { incident: 'shock' }, 16: { incident: 'data_drift' }, 18: { incident: 'concept_drift' } };
    // The AUC falls only when the concept moves: the loss is the concept drift's, not the feature drift's.
    const aucs = [...repeat(0.9, 16), 0.7, 0.7, 0.7, 0.7];
    const [, feature, shock, concept] = phaseFigures(run(aucs, events), phases);
    expect(feature).toMatchObject({ detection_delay_days: 1, time_to_recover_days: 0 });
    expect(shock).toMatchObject({ detection_delay_days: 1, time_to_recover_days: 0 });
    expect(concept).toMatchObject({ detection_delay_days: 2, time_to_recover_days: 'never' });
  });

  it('reports the base phase with nothing to detect, but its AUC', () => {
    const [base] = phaseFigures(run([...repeat(0.9, 10), ...repeat(0.8, 10)]), [BASE, DRIFT]);
    expect(base).toEqual({
      scenario: 'nodrift', from_day: 0, to_day: 19, base: true, detection_delay_days: null, time_to_recover_days: null,
      worst_auc: 0.8, mean_auc: expect.closeTo(0.85, 12), note: expect.stringContaining('base phase'),
    });
  });

  it('counts detection from the phase start to the first window naming an incident, ignoring incidents before it', () => {
    const records = run(repeat(0.9, 20), { 8: { incident: 'data_quality' }, 12: { incident: 'data_drift' }, 15: { incident: 'concept_drift' } });
    expect(phaseFigures(records, [DRIFT])[0]?.detection_delay_days).toBe(2);
  });

  it('says not detected when no window names an incident in the phase or the week after', () => {
    const records = run(repeat(0.9, 30), { 8: { incident: 'data_drift' }, 27: { incident: 'data_drift' }, 14: { incident: null } });
    expect(phaseFigures(records, [DRIFT])[0]?.detection_delay_days).toBeNull();
  });

  it('credits a one-day shock with an incident up to a week after it, not later', () => {
    const shock: TimelinePhase = { from_day: 5, to_day: 5, scenario: 'shock_black_friday' };
    expect(phaseFigures(run(repeat(0.9, 20), { 12: { incident: 'shock' } }), [shock])[0]?.detection_delay_days).toBe(7);
    expect(phaseFigures(run(repeat(0.9, 20), { 13: { incident: 'shock' } }), [shock])[0]?.detection_delay_days).toBeNull();
  });

  it('reports recovery 0 when one bad day does not pull the 3-window mean under the level', () => {
    // Day 12 at 0.85: the trailing mean dips to 0.8833, above 0.9 − 0.02.
    const [figure] = phaseFigures(run([...repeat(0.9, 12), 0.85, ...repeat(0.9, 7)]), [DRIFT]);
    expect(figure?.time_to_recover_days).toBe(0);
    expect(figure?.worst_auc).toBe(0.85);
  });

  it('counts recovery up to the first day after the fall whose trailing mean is back within tolerance', () => {
    // Level 0.9. Trailing means from day 10: .867 (fell) .833 .8 .8 .833 .867 .9 (day 16: back).
    const [figure] = phaseFigures(run([...repeat(0.9, 10), ...repeat(0.8, 4), ...repeat(0.9, 6)]), [DRIFT]);
    expect(figure).toMatchObject({ detection_delay_days: null, time_to_recover_days: 6, worst_auc: 0.8, note: null });
    expect(figure?.mean_auc).toBeCloseTo(0.86, 12);
  });

  it('says never when the trailing mean has not come back by the end of the timeline', () => {
    const [figure] = phaseFigures(run([...repeat(0.9, 10), ...repeat(0.85, 10)]), [DRIFT]);
    expect(figure?.time_to_recover_days).toBe('never');
  });

  it('takes the level from the 7 windows before the phase only', () => {
    // Days 0–2 at 0.5 would pull a 10-window level to 0.78, under which 0.8 is no loss.
    const [figure] = phaseFigures(run([...repeat(0.5, 3), ...repeat(0.9, 7), ...repeat(0.8, 10)]), [DRIFT]);
    expect(figure?.time_to_recover_days).toBe('never');
  });

  it('looks for a recovery after the phase ends, and for the fall only within its aftermath', () => {
    const shock: TimelinePhase = { from_day: 10, to_day: 10, scenario: 'shock' };
    // Falls on day 10; day 21 trails (0.8 + 0.95 + 0.95) / 3 = 0.9 >= 0.88: 11 days, past the phase and its week.
    const lasting = run([...repeat(0.9, 10), ...repeat(0.8, 10), ...repeat(0.95, 10)]);
    expect(phaseFigures(lasting, [shock])[0]?.time_to_recover_days).toBe(11);
    // A fall that starts on day 18 (after day 10 + 7) is not this shock's.
    const later = run([...repeat(0.9, 18), ...repeat(0.7, 5)]);
    expect(phaseFigures(later, [shock])[0]?.time_to_recover_days).toBe(0);
  });

  it('does not judge recovery without a hindsight AUC before the phase', () => {
    const phase: TimelinePhase = { from_day: 3, to_day: 9, scenario: 'drift_feature' };
    const [figure] = phaseFigures(run([...repeat(null, 3), ...repeat(0.7, 7)]), [phase]);
    expect(figure).toMatchObject({ time_to_recover_days: null, worst_auc: 0.7, note: expect.stringContaining('no hindsight AUC before') });
  });

  it('gives the same figures whatever order the windows come in, ignoring windows off the timeline', () => {
    const records = run([...repeat(0.9, 10), ...repeat(0.8, 4), ...repeat(0.9, 6)], { 11: { incident: 'data_drift' } });
    const shuffled = [...records].reverse().concat(windowOf(0, { day: null, hindsight_auc: 0.1, incident: 'bad_model' }));
    expect(phaseFigures(shuffled, [BASE, DRIFT])).toEqual(phaseFigures(records, [BASE, DRIFT]));
    expect(phaseFigures(shuffled, [DRIFT])[0]).toMatchObject({ detection_delay_days: 1, time_to_recover_days: 6 });
  });
});

describe('runTotals', () => {
  const records = run(repeat(0.9, 10), {
    0: { hindsight_auc: 0.8, known_auc: 0.85 },
    1: { action: 'retrain_and_evaluate', outcome: 'promoted', known_auc: 0.95 },
    2: { action: 'retrain_and_evaluate', outcome: 'blocked', known_auc: null },
    3: { action: 'retrain_and_evaluate', outcome: 'deferred', guardrail_skips: ['cooldown'] },
    4: { action: 'retrain_and_evaluate', outcome: 'pending_approval', approval: { id: 'a1', answer: 'waiting', answered_in: null, outcome: null } },
    5: { action: 'escalate', outcome: 'pending_approval', approval: { id: 'a2', answer: 'approved', answered_in: 'w7', outcome: 'promoted' }, hindsight_auc: 0.7 },
    6: { action: 'rollback', outcome: 'rolled_back', hindsight_auc: null },
    7: { action: 'escalate', outcome: 'no_action' },
    8: { action: 'retrain_and_evaluate', outcome: 'failed' },
    9: { guardrail_skips: ['retrain_budget', 'cooldown'] },
  });

  it('counts what the run did, only retrains that ran as retrains', () => {
    expect(runTotals(records)).toMatchObject({
      windows: 10, retrains: 3, failed: 1, promotions: 2, blocked: 1, rollbacks: 1, escalations: 2,
      guardrail_skips: { blackout_window: 0, cooldown: 2, retrain_budget: 1 }, approvals_asked: 2, executed_actions: 5,
    });
    expect(Object.keys(runTotals(records).guardrail_skips)).toEqual(['blackout_window', 'cooldown', 'retrain_budget']);
  });

  it('counts an executed action a human approved against autonomy', () => {
    expect(runTotals(records).autonomy_rate).toBe(0.8);
  });

  it('averages hindsight AUC over the windows with one, and the known-vs-hindsight gap where both exist', () => {
    const totals = runTotals(records);
    // Nine values: 0.8, 0.7 and seven 0.9.
    expect(totals.mean_auc).toBeCloseTo((0.8 + 0.7 + 7 * 0.9) / 9, 12);
    expect(totals.worst_auc).toBe(0.7);
    // Gaps: day 0 0.05, day 1 0.05, day 5 0.2, days 3, 4, 7, 8, 9 zero; day 2 and 6 lack one side.
    expect(totals.mean_known_gap).toBeCloseTo(0.3 / 8, 12);
  });

  it('has no autonomy rate and no AUC when nothing was executed or measured', () => {
    expect(runTotals(run(repeat(null, 3)))).toMatchObject({ executed_actions: 0, autonomy_rate: null, mean_auc: null, worst_auc: null, mean_known_gap: null });
    expect(runTotals([])).toMatchObject({ windows: 0, retrains: 0, autonomy_rate: null });
  });
});

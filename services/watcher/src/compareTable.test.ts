import { describe, expect, it } from 'vitest';
import { compareTable, formatAuc, formatDays, formatRate, type ComparedRun } from './compareTable.ts';
import type { PhaseFigure, RunTotals } from './replayMetrics.ts';

function totals(overrides: Partial<RunTotals>): RunTotals {
  return {
    windows: 90, retrains: 0, failed: 0, promotions: 0, blocked: 0, rollbacks: 0, escalations: 0,
    guardrail_skips: { blackout_window: 0, cooldown: 0, retrain_budget: 0 }, approvals_asked: 0, executed_actions: 0,
    autonomy_rate: null, mean_auc: 0.9, worst_auc: 0.8, mean_known_gap: 0.01, estimate_checks: 0, mean_estimate_error: null, max_estimate_error: null, ...overrides,
  };
}

function phase(scenario: string, from_day: number, to_day: number, figures: Partial<PhaseFigure> = {}): PhaseFigure {
  return { scenario, from_day, to_day, base: from_day === 0, detection_delay_days: null, time_to_recover_days: null, worst_auc: null, mean_auc: null, note: null, ...figures };
}

const policy: ComparedRun = {
  label: 'policy',
  totals: totals({
    retrains: 4, failed: 1, promotions: 2, blocked: 1, rollbacks: 1, escalations: 1, guardrail_skips: { blackout_window: 1, cooldown: 2, retrain_budget: 0 },
    executed_actions: 5, autonomy_rate: 0.8, mean_auc: 0.91234, worst_auc: 0.80049,
  }),
  phases: [phase('nodrift', 0, 89), phase('drift_feature', 30, 89, { detection_delay_days: 3, time_to_recover_days: 12 }), phase('shock_black_friday', 55, 55, { detection_delay_days: 0, time_to_recover_days: 0 })],
  unauthorized: 0,
};
const never: ComparedRun = {
  label: 'never',
  totals: totals({ mean_auc: 0.85, worst_auc: 0.7 }),
  phases: [phase('nodrift', 0, 89), phase('drift_feature', 30, 89, { time_to_recover_days: 'never' }), phase('shock_black_friday', 55, 55, { time_to_recover_days: 0 })],
  unauthorized: null,
};

describe('compareTable', () => {
  it('lays the runs out side by side, one row per figure, base phase left out', () => {
    expect(compareTable([policy, never])).toBe([
      '                               policy  never',
      '--------------------------------------------',
      'mean AUC                        0.912  0.850',
      'worst AUC                       0.800  0.700',
      'drift_feature@30 detect             3      —',
      'drift_feature@30 recover           12  never',
      'shock_black_friday@55 detect        0      —',
      'shock_black_friday@55 recover       0      0',
      'retrains                            4      0',
      'failed                              1      0',
      'promotions                          2      0',
      'blocked                             1      0',
      'rollbacks                           1      0',
      'escalations                         1      0',
      'guardrail skips                     3      0',
      'autonomy rate                   80.0%      —',
      'unauthorized actions                0      —',
    ].join('\n'));
  });

  it('widens a column to a long label and keeps control characters out of the terminal', () => {
    const table = compareTable([{ ...never, label: 'every_window\u001b[31m' }]);
    expect(table.split('\n')[0]).toBe('                               every_window?[31m');
    expect(table).toContain('mean AUC                                   0.850');
  });

  it('shows a phase a run lacks as a dash', () => {
    const table = compareTable([policy, { ...never, phases: [] }]);
    expect(table).toContain('drift_feature@30 recover           12      —');
  });
});

describe('figure formats', () => {
  it('writes AUC to 3 decimals, days as integers or never, shares as percentages, missing as a dash', () => {
    expect([formatAuc(0.87654), formatAuc(null)]).toEqual(['0.877', '—']);
    expect([formatDays(7), formatDays('never'), formatDays(null)]).toEqual(['7', 'never', '—']);
    expect([formatRate(2 / 3), formatRate(null)]).toEqual(['66.7%', '—']);
  });
});

import { describe, expect, it } from 'vitest';
import { categoricalPair, numericalPair } from '../../core/src/domain/stattests/columnPair.ts';
import { columnDrift, type DriftSettings } from './datasetDrift.ts';

const EVIDENTLY: DriftSettings = { driftShare: 0.5, severityThresholds: { high: 0.5, medium: 0.2 }, columns: {} };
const amounts = numericalPair(Array.from({ length: 300 }, (_, index) => index), Array.from({ length: 300 }, (_, index) => index * 1.6));

describe('each column records which setting chose its test (stattest_chosen_by)', () => {
  it('default: Evidently\'s choice for the column', () => {
    expect(columnDrift('amount', amounts, EVIDENTLY)).toMatchObject({ stattest_name: 'ks', stattest_chosen_by: 'default' });
  });
  it('policy: drift_policy.stattest', () => {
    expect(columnDrift('amount', amounts, { ...EVIDENTLY, stattest: 'psi' })).toMatchObject({ stattest_name: 'psi', stattest_chosen_by: 'policy' });
  });
  it('column_rule: drift_policy.columns.<col>.stattest, over drift_policy.stattest', () => {
    expect(columnDrift('amount', amounts, { ...EVIDENTLY, stattest: 'psi', columns: { amount: { stattest: 'wasserstein' } } })).toMatchObject({ stattest_name: 'wasserstein', stattest_chosen_by: 'column_rule' });
  });
  it('a column rule with a threshold only does not choose the test', () => {
    expect(columnDrift('amount', amounts, { ...EVIDENTLY, columns: { amount: { threshold: 0.01 } } })).toMatchObject({ stattest_chosen_by: 'default', stattest_threshold: 0.01 });
    expect(columnDrift('amount', amounts, { ...EVIDENTLY, stattest: 'psi', columns: { amount: { threshold: 0.2 } } })).toMatchObject({ stattest_name: 'psi', stattest_chosen_by: 'policy' });
  });
});

describe('Evidently\'s allowed column types hold for a policy\'s test, not for its own default choice', () => {
  const binary = numericalPair([0, 0, 1, 1, 0], [1, 1, 1, 0, 1]);
  it('the default runs z on a small binary numerical column, as Evidently\'s does', () => {
    expect(columnDrift('flag', binary, EVIDENTLY)).toMatchObject({ stattest_name: 'z', stattest_chosen_by: 'default' });
  });
  it('the same test named by the policy is refused for the numerical column', () => {
    expect(() => columnDrift('flag', binary, { ...EVIDENTLY, stattest: 'z' })).toThrow('z does not apply to numerical column "flag" (Evidently allows it for categorical columns only)');
  });
  it('and allowed for a categorical one', () => {
    const channel = categoricalPair({ categories: ['a', 'b'], codes: [0, 1, 0, 1] }, { categories: ['a', 'b'], codes: [0, 0, 0, 1] });
    expect(columnDrift('channel', channel, { ...EVIDENTLY, columns: { channel: { stattest: 'chisquare' } } })).toMatchObject({ stattest_name: 'chisquare', stattest_chosen_by: 'column_rule' });
  });
});

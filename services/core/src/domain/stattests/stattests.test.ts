import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../../../tests/helpers/runScript.ts';
import { chiSquareStatTest } from './chisquare.ts';
import { categoricalPair, numericalPair, type ColumnPair } from './columnPair.ts';
import { jensenShannonStatTest } from './jensenshannon.ts';
import { kolmogorovSurvival } from './kolmogorovDistribution.ts';
import { ksPValue, ksStatistic } from './ks.ts';
import { psiStatTest } from './psi.ts';
import { allowsColumnType, defaultChoiceReason, defaultStatTest, defaultStatTestName, runStatTest, STAT_TESTS } from './statTestRegistry.ts';
import { wassersteinStatTest } from './wasserstein.ts';
import { zStatTest } from './ztest.ts';

/** Numbers computed once with SciPy by tests/fixtures/compute_drift_fixtures.py. */
const fixtures = JSON.parse(readFileSync(join(REPO_ROOT, 'tests/fixtures/drift_fixtures.json'), 'utf8'));

type Values = (number | string)[];

function pairOf(reference: Values, current: Values, numerical = typeof reference[0] === 'number'): ColumnPair {
  if (numerical) return numericalPair(reference as number[], current as number[]);
  const encode = (values: Values) => {
    const categories = [...new Set(values.map(String))];
    return { categories, codes: values.map((value) => categories.indexOf(String(value))) };
  };
  return categoricalPair(encode(reference), encode(current));
}

/** Agreement with SciPy to 1e-9 relative (or 1e-12 absolute near zero). */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-12, 1e-9 * Math.abs(expected)));
}

describe('Kolmogorov-Smirnov matches scipy.stats.ks_2samp', () => {
  for (const [index, testCase] of (fixtures.ks as { reference: number[]; current: number[]; statistic: number; p_value: number }[]).entries()) {
    it(`case ${index}: ${testCase.reference.length} vs ${testCase.current.length} rows`, () => {
      const pair = pairOf(testCase.reference, testCase.current) as ReturnType<typeof numericalPair>;
      expectClose(ksStatistic(pair.reference, pair.current), testCase.statistic);
      expectClose(ksPValue(pair.reference, pair.current), testCase.p_value);
    });
  }

  for (const testCase of fixtures.kstwo as { n: number; x: number; sf: number }[]) {
    it(`kstwo.sf(${testCase.x}, ${testCase.n})`, () => expectClose(kolmogorovSurvival(testCase.n, testCase.x), testCase.sf));
  }

  it('identical samples give p = 1', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5]);
    expect(ksPValue(values, values)).toBe(1);
  });
});

describe('chi-square matches scipy.stats.chisquare on Evidently\'s scaled counts', () => {
  for (const [index, testCase] of (fixtures.chisquare as { reference: string[]; current: string[]; p_value: number }[]).entries()) {
    it(`case ${index}`, () => expectClose(chiSquareStatTest.run(pairOf(testCase.reference, testCase.current), 0.05).score, testCase.p_value));
  }
  it('a category absent from reference gives p = 0 (infinite statistic), so drift', () => {
    expect(chiSquareStatTest.run(pairOf(['a', 'b', 'a'], ['a', 'c', 'b']), 0.05)).toEqual({ score: 0, drifted: true });
  });
});

describe('z-test matches Evidently\'s two-proportion test', () => {
  for (const [index, testCase] of (fixtures.z as { reference: Values; current: Values; p_value: number }[]).entries()) {
    it(`case ${index}`, () => expectClose(zStatTest.run(pairOf(testCase.reference, testCase.current), 0.05).score, testCase.p_value));
  }
});

describe('normed Wasserstein matches scipy.stats.wasserstein_distance / std', () => {
  for (const [index, testCase] of (fixtures.wasserstein as { reference: number[]; current: number[]; score: number }[]).entries()) {
    it(`case ${index}`, () => expectClose(wassersteinStatTest.run(numericalPair(testCase.reference, testCase.current), 0.1).score, testCase.score));
  }
});

describe('Jensen-Shannon and PSI match SciPy over Evidently\'s bins', () => {
  type BinnedCase = { name: string; numerical: boolean; reference: Values; current: Values; score: number };
  for (const testCase of fixtures.jensenshannon as BinnedCase[]) {
    it(`jensenshannon: ${testCase.name}`, () => expectClose(jensenShannonStatTest.run(pairOf(testCase.reference, testCase.current, testCase.numerical), 0.1).score, testCase.score));
  }
  for (const testCase of fixtures.psi as BinnedCase[]) {
    it(`psi: ${testCase.name}`, () => expectClose(psiStatTest.run(pairOf(testCase.reference, testCase.current, testCase.numerical), 0.1).score, testCase.score));
  }
});

describe('thresholds decide the verdict the way Evidently does', () => {
  it('p-value tests: ks drifts at p <= threshold, chisquare and z at p < threshold', () => {
    const same = pairOf([1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7]);
    expect(defaultStatTest(same).name).toBe('ks');
    expect(runStatTest(defaultStatTest(same), same, 1, 'same').drifted).toBe(true);
    const categorical = pairOf(['a', 'b', 'c'], ['a', 'b', 'c']);
    expect(chiSquareStatTest.run(categorical, 1).drifted).toBe(false);
  });
  it('distances drift at score >= threshold', () => {
    const shifted = numericalPair([1, 2, 3], [2, 3, 4]);
    const { score } = wassersteinStatTest.run(shifted, 0.1);
    expect(wassersteinStatTest.run(shifted, score).drifted).toBe(true);
  });
});

describe('Evidently\'s default test choice', () => {
  const table: [string, 'numerical' | 'categorical', number, number, string][] = [
    ['small numerical, many values', 'numerical', 1000, 6, 'ks'],
    ['small numerical, 3-5 values', 'numerical', 1000, 5, 'chisquare'],
    ['small numerical, binary', 'numerical', 500, 2, 'z'],
    ['small categorical, many values', 'categorical', 800, 3, 'chisquare'],
    ['small categorical, binary', 'categorical', 800, 2, 'z'],
    ['large numerical, many values', 'numerical', 1001, 6, 'wasserstein'],
    ['large numerical, few values', 'numerical', 5000, 5, 'jensenshannon'],
    ['large categorical', 'categorical', 5000, 40, 'jensenshannon'],
  ];
  for (const [name, type, rows, distinct, expected] of table) {
    it(`${name} -> ${expected}`, () => expect(defaultStatTestName(type, rows, distinct)).toBe(expected));
  }
});

describe('each test declares the column types a policy may name it for, as Evidently\'s allowed_feature_types', () => {
  // evidently/legacy/calculations/stattests/*.py: chisquare and z categorical only; ks and wasserstein numerical only; jensenshannon and psi both.
  const evidently: Record<string, string[]> = {
    ks: ['numerical'], chisquare: ['categorical'], z: ['categorical'], wasserstein: ['numerical'], jensenshannon: ['categorical', 'numerical'], psi: ['categorical', 'numerical'],
  };
  for (const test of STAT_TESTS) {
    it(`${test.name}: ${evidently[test.name]?.join(' and ')}`, () => {
      expect([...test.allowedColumnTypes].sort()).toEqual(evidently[test.name]);
      for (const type of ['numerical', 'categorical'] as const) expect(allowsColumnType(test, type)).toBe(evidently[test.name]?.includes(type));
    });
  }
  it('a test computes on every type it allows', () => {
    for (const test of STAT_TESTS) for (const type of test.allowedColumnTypes) expect(test.columnTypes as readonly string[]).toContain(type);
  });
});

describe('Evidently\'s default choice, in words', () => {
  const branches: ['numerical' | 'categorical', number, number][] = [
    ['numerical', 1000, 2], ['numerical', 1000, 5], ['numerical', 1000, 6], ['categorical', 1000, 3], ['categorical', 1000, 2],
    ['numerical', 1001, 5], ['numerical', 1001, 6], ['categorical', 1001, 40],
  ];
  for (const [type, rows, distinct] of branches) {
    const name = defaultStatTestName(type, rows, distinct);
    it(`${type}, ${rows} rows, ${distinct} values -> ${name}: its reason matches the branch`, () => {
      const reason = defaultChoiceReason(name, type);
      expect(reason).toMatch(new RegExp(`^default for a ${type} column with ${rows <= 1000 ? 'at most' : 'more than'} 1000 reference rows`));
      // The test can run on the pair the default gives it, whatever its allowed types say.
      expect(test(name).columnTypes as readonly string[]).toContain(type);
    });
  }
  it('a test that is never a default says so', () => expect(defaultChoiceReason('psi', 'numerical')).toBe('not Evidently\'s default for a numerical column'));
  function test(name: string) {
    return STAT_TESTS.find((candidate) => candidate.name === name) as (typeof STAT_TESTS)[number];
  }
});

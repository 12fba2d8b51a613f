import { UserError } from '../../infrastructure/errors.ts';
import { chiSquareStatTest } from './chisquare.ts';
import type { ColumnType } from '../vocabularies.ts';
import { referenceRows, uniqueCount, type ColumnPair } from './columnPair.ts';
import { jensenShannonStatTest } from './jensenshannon.ts';
import { ksStatTest } from './ks.ts';
import { psiStatTest } from './psi.ts';
import type { StatTest, StatTestResult } from './statTest.ts';
import { wassersteinStatTest } from './wasserstein.ts';
import { zStatTest } from './ztest.ts';

/**
 * Adding a test: one module, one line here. The names (and so the policy's and the
 * summary's schemas, through the vocabulary schema) follow from this list.
 */
export const STAT_TESTS = [ksStatTest, chiSquareStatTest, zStatTest, wassersteinStatTest, jensenShannonStatTest, psiStatTest] as const;

export type StatTestName = (typeof STAT_TESTS)[number]['name'];
/** Any registered test, whatever pair it accepts. */
export type RegisteredStatTest = (typeof STAT_TESTS)[number];

export const STAT_TEST_NAMES: readonly StatTestName[] = STAT_TESTS.map((test) => test.name);

export function statTestByName(name: string): RegisteredStatTest {
  const test = STAT_TESTS.find((candidate) => candidate.name === name);
  if (!test) throw new UserError(`unknown statistical test "${name}" (known: ${STAT_TEST_NAMES.join(', ')})`);
  return test;
}

/** Evidently switches from tests to distances when the reference has more rows than this. */
const SMALL_REFERENCE_ROWS = 1000;

/**
 * Evidently's default test for a column: by reference size (rows left after dropping
 * empty/NaN/inf), column type and distinct values over reference and current together.
 */
export function defaultStatTestName(type: ColumnType, referenceRowCount: number, distinctValues: number): StatTestName {
  if (referenceRowCount <= SMALL_REFERENCE_ROWS) {
    if (type === 'numerical') {
      if (distinctValues <= 2) return 'z';
      if (distinctValues <= 5) return 'chisquare';
      return 'ks';
    }
    return distinctValues > 2 ? 'chisquare' : 'z';
  }
  if (type === 'numerical') return distinctValues <= 5 ? 'jensenshannon' : 'wasserstein';
  return 'jensenshannon';
}

export function defaultStatTest(pair: ColumnPair): RegisteredStatTest {
  return statTestByName(defaultStatTestName(pair.type, referenceRows(pair), uniqueCount(pair)));
}

/** Run a test on a column, refusing a column type the test does not accept (Evidently's allowed_feature_types). */
export function runStatTest(test: RegisteredStatTest, pair: ColumnPair, threshold: number, column: string): StatTestResult {
  const accepted: readonly ColumnType[] = test.columnTypes;
  if (!accepted.includes(pair.type)) throw new UserError(`statistical test "${test.name}" does not apply to ${pair.type} column "${column}"`);
  // The check above is what makes the pair one the test accepts.
  return (test as StatTest).run(pair, threshold);
}

import { UserError } from '../../infrastructure/errors.ts';
import { chiSquareStatTest } from './chisquare.ts';
import { referenceRows, uniqueCount, type ColumnPair, type ColumnType } from './columnPair.ts';
import { jensenShannonStatTest } from './jensenshannon.ts';
import { ksStatTest } from './ks.ts';
import { psiStatTest } from './psi.ts';
import type { StatTest, StatTestName } from './statTest.ts';
import { wassersteinStatTest } from './wasserstein.ts';
import { zStatTest } from './ztest.ts';

/** Adding a test: one module, one line here. */
export const STAT_TESTS: readonly StatTest[] = [ksStatTest, chiSquareStatTest, zStatTest, wassersteinStatTest, jensenShannonStatTest, psiStatTest];

export const STAT_TEST_NAMES = STAT_TESTS.map((test) => test.name);

export function statTestByName(name: string): StatTest {
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

export function defaultStatTest(pair: ColumnPair): StatTest {
  return statTestByName(defaultStatTestName(pair.type, referenceRows(pair), uniqueCount(pair)));
}

export function assertTestAccepts(test: StatTest, type: ColumnType, column: string): void {
  if (!test.columnTypes.includes(type)) throw new UserError(`statistical test "${test.name}" does not apply to ${type} column "${column}"`);
}

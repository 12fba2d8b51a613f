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
/** At most this many distinct values: a numerical column is tested like a categorical one. */
const FEW_VALUES = 5;
/** At most this many distinct values: a two-proportion z-test instead of chi-square. */
const BINARY_VALUES = 2;

/**
 * Evidently's default test for a column: by reference size (rows left after dropping
 * empty/NaN/inf), column type and distinct values over reference and current together.
 */
export function defaultStatTestName(type: ColumnType, referenceRowCount: number, distinctValues: number): StatTestName {
  if (referenceRowCount <= SMALL_REFERENCE_ROWS) {
    if (type === 'numerical') {
      if (distinctValues <= BINARY_VALUES) return 'z';
      if (distinctValues <= FEW_VALUES) return 'chisquare';
      return 'ks';
    }
    return distinctValues > BINARY_VALUES ? 'chisquare' : 'z';
  }
  if (type === 'numerical') return distinctValues <= FEW_VALUES ? 'jensenshannon' : 'wasserstein';
  return 'jensenshannon';
}

const SMALL = `at most ${SMALL_REFERENCE_ROWS} reference rows`;
const LARGE = `more than ${SMALL_REFERENCE_ROWS} reference rows`;

/** Each branch of defaultStatTestName, said in words: a (test, column type) pair comes from one branch only. */
const DEFAULT_CHOICE_REASONS: Partial<Record<`${StatTestName}/${ColumnType}`, string>> = {
  'z/numerical': `${SMALL} and at most ${BINARY_VALUES} distinct values`,
  'chisquare/numerical': `${SMALL} and ${BINARY_VALUES + 1} to ${FEW_VALUES} distinct values`,
  'ks/numerical': `${SMALL} and more than ${FEW_VALUES} distinct values`,
  'chisquare/categorical': `${SMALL} and more than ${BINARY_VALUES} distinct values`,
  'z/categorical': `${SMALL} and at most ${BINARY_VALUES} distinct values`,
  'jensenshannon/numerical': `${LARGE} and at most ${FEW_VALUES} distinct values`,
  'wasserstein/numerical': `${LARGE} and more than ${FEW_VALUES} distinct values`,
  'jensenshannon/categorical': LARGE,
};

/** Why Evidently's default is this test for a column of this type: "default for a numerical column with more than 1000 reference rows and ...". */
export function defaultChoiceReason(name: StatTestName, type: ColumnType): string {
  const condition = DEFAULT_CHOICE_REASONS[`${name}/${type}`];
  return condition === undefined ? `not Evidently's default for a ${type} column` : `default for a ${type} column with ${condition}`;
}

export function defaultStatTest(pair: ColumnPair): RegisteredStatTest {
  return statTestByName(defaultStatTestName(pair.type, referenceRows(pair), uniqueCount(pair, FEW_VALUES)));
}

/** Whether a policy may name this test for a column of this type (Evidently's allowed_feature_types). */
export function allowsColumnType(test: RegisteredStatTest, type: ColumnType): boolean {
  const allowed: readonly ColumnType[] = test.allowedColumnTypes;
  return allowed.includes(type);
}

/**
 * Why a policy may not name this test for a column of this type, as Evidently refuses it
 * (StatTestInvalidFeatureTypeError), or undefined when it may.
 */
export function columnTypeRefusal(test: RegisteredStatTest, type: ColumnType, column: string, remedy?: string): string | undefined {
  if (allowsColumnType(test, type)) return undefined;
  return `${test.name} does not apply to ${type} column "${column}" (Evidently allows it for ${test.allowedColumnTypes.join(' and ')} columns only${remedy ? `; ${remedy}` : ''})`;
}

/**
 * Run a test on a column. A test a policy named must allow the column's type (Evidently's
 * allowed_feature_types); Evidently's default choice is exempt, as in Evidently (chisquare
 * and z on a numerical column of few values). Either way the test must compute on it.
 */
export function runStatTest(test: RegisteredStatTest, pair: ColumnPair, threshold: number, column: string, chosenByPolicy = false): StatTestResult {
  const refusal = chosenByPolicy ? columnTypeRefusal(test, pair.type, column) : undefined;
  if (refusal) throw new UserError(refusal);
  const computesOn: readonly ColumnType[] = test.columnTypes;
  if (!computesOn.includes(pair.type)) throw new UserError(`statistical test "${test.name}" does not apply to ${pair.type} column "${column}"`);
  // The check above is what makes the pair one the test accepts.
  return (test as StatTest).run(pair, threshold);
}

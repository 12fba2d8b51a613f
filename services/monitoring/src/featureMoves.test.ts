import { describe, expect, it } from 'vitest';
import { categoricalPair, numericalPair, type ColumnPair } from '../../core/src/domain/stattests/columnPair.ts';
import { describeMove, featureMove, featureMoves } from './featureMoves.ts';

/** A categorical side from its values, as the reader codes it. */
function codes(values: string[]) {
  const categories = [...new Set(values)];
  return { codes: Int32Array.from(values, (value) => categories.indexOf(value)), categories };
}

describe('which way a numerical feature moved', () => {
  it('reads the median and the 90th percentile of each side as numpy does (linear interpolation)', () => {
    // numpy.quantile([1..10], 0.5) = 5.5, 0.9 -> 9.1; of [11..20]: 15.5 and 19.1.
    const move = featureMove(numericalPair([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]));
    expect(move).toEqual({ column_type: 'numerical', reference_median: 5.5, current_median: 15.5, reference_p90: expect.closeTo(9.1, 12), current_p90: expect.closeTo(19.1, 12), direction: 'up' });
  });

  it('amounts that fell are "down"', () => {
    expect(featureMove(numericalPair([40, 50, 60], [20, 25, 30]))).toMatchObject({ direction: 'down', reference_median: 50, current_median: 25 });
  });

  it('an equal median leaves the direction to the upper tail (an integer column\'s median rarely moves)', () => {
    expect(featureMove(numericalPair([1, 2, 3, 4, 5], [1, 2, 3, 9, 12]))).toMatchObject({ reference_median: 3, current_median: 3, direction: 'up' });
    expect(featureMove(numericalPair([0, 0, 0, 0, 1], [0, 0, 0, 0, 1]))).toMatchObject({ direction: 'flat' });
  });

  it('a flag (0 and 1 only) moves by its share of 1, which its median and p90 hardly show', () => {
    const flag = (ones: number) => Array.from({ length: 100 }, (_, index) => (index < ones ? 1 : 0));
    const move = featureMove(numericalPair(flag(8), flag(20)));
    expect(move).toMatchObject({ reference_median: 0, current_median: 0, share_of_ones: { reference: 0.08, current: 0.2 }, direction: 'up' });
    expect(describeMove('is_international', move as NonNullable<typeof move>)).toBe('is_international: share of 1 8.0% → 20.0%, up');
    // A count that happens to hold 0, 1 and 2 is no flag.
    expect(featureMove(numericalPair([0, 1, 2], [0, 1, 1]))).not.toHaveProperty('share_of_ones');
  });

  it('missing values are not values: they move nothing', () => {
    expect(featureMove(numericalPair([1, Number.NaN, 3], [1, 3, Number.NaN]))).toMatchObject({ reference_median: 2, current_median: 2, direction: 'flat' });
  });

  it('a side without values has no move', () => {
    expect(featureMove(numericalPair([1, 2], [Number.NaN]))).toBeNull();
  });
});

describe('which way a categorical feature moved', () => {
  it('names the category whose share changed most, with both shares', () => {
    const pair = categoricalPair(codes(['pos', 'pos', 'online', 'atm']), codes(['online', 'online', 'online', 'pos']));
    expect(featureMove(pair)).toEqual({ column_type: 'categorical', category: 'online', reference_share: 0.25, current_share: 0.75, direction: 'up' });
  });

  it('a category new in current counts from a share of 0; a vanished one falls to 0', () => {
    expect(featureMove(categoricalPair(codes(['a', 'a', 'b', 'b']), codes(['a', 'a', 'b', 'c', 'c', 'c'])))).toMatchObject({ category: 'c', reference_share: 0, current_share: 0.5, direction: 'up' });
    expect(featureMove(categoricalPair(codes(['a', 'b', 'b', 'b']), codes(['a'])))).toMatchObject({ category: 'a', direction: 'up' });
  });

  it('equal changes go to the first category by name, whatever order the data came in', () => {
    // z gains a quarter of the rows and m loses one: a tie, by exact shares.
    expect(featureMove(categoricalPair(codes(['z', 'm', 'z', 'm']), codes(['z', 'z', 'z', 'm'])))).toMatchObject({ category: 'm', direction: 'down' });
    expect(featureMove(categoricalPair(codes(['m', 'z', 'm', 'z']), codes(['m', 'z', 'z', 'z'])))).toMatchObject({ category: 'm', direction: 'down' });
  });
});

describe('the moves of a summary', () => {
  it('one entry per feature, in the features\' order', () => {
    const pairs = new Map<string, ColumnPair>([['amount', numericalPair([1, 2, 3], [4, 5, 6])], ['channel', categoricalPair(codes(['a']), codes(['a']))]]);
    expect(Object.keys(featureMoves(pairs, ['channel', 'amount']))).toEqual(['channel', 'amount']);
  });

  it('reads as a person says it: "median 49 → 79"', () => {
    const numerical = featureMove(numericalPair([49.08, 49.08, 49.08], [78.96, 78.96, 78.96]));
    expect(describeMove('transaction_amount', numerical!)).toBe('transaction_amount: median 49.1 → 79 (p90 49.1 → 79), up');
    const categorical = featureMove(categoricalPair(codes(['pos', 'pos', 'online', 'atm']), codes(['online', 'online', 'online', 'pos'])));
    expect(describeMove('channel', categorical!)).toBe('channel: "online" 25.0% → 75.0% of rows, up');
  });
});

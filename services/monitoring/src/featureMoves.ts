import type { CategoricalPair, ColumnPair, NumericalPair } from '../../core/src/domain/stattests/columnPair.ts';
import type { MoveDirection } from '../../core/src/domain/vocabularies.ts';
import { quantileOfSorted } from './chartBinning.ts';

/*
 * Which way each feature moved, in the column's own units: a drift score says how far
 * the distributions are apart, not whether amounts went up or a channel lost its share.
 * Read off the pairs the drift tests already built (numerical values come sorted), so it
 * costs a few array reads per column.
 */

/** A numerical column's centre and upper tail on each side (numpy's linear quantiles). */
export interface NumericalMove {
  column_type: 'numerical';
  reference_median: number;
  current_median: number;
  reference_p90: number;
  current_p90: number;
  /** A column of 0 and 1 only (a flag): the share of 1 on each side, which its median and p90 hardly show. */
  share_of_ones?: { reference: number; current: number };
  /** By the share of 1 for a flag; else by the median, and by the 90th percentile when the medians are equal (an integer column's median often is). */
  direction: MoveDirection;
}

/** The category whose share of the column's non-missing rows changed most, with both shares. */
export interface CategoricalMove {
  column_type: 'categorical';
  category: string;
  reference_share: number;
  current_share: number;
  direction: MoveDirection;
}

export type FeatureMove = NumericalMove | CategoricalMove;

/** up / down: the current value is above / below the reference's; flat: equal. */
function directionOf(reference: number, current: number): MoveDirection {
  return current > reference ? 'up' : current < reference ? 'down' : 'flat';
}

/** The share of 1 in sorted values that are all 0 or 1, else undefined. */
function shareOfOnes(sorted: ArrayLike<number>): number | undefined {
  if ((sorted[0] as number) < 0 || (sorted[sorted.length - 1] as number) > 1) return undefined;
  let ones = 0;
  for (let index = 0; index < sorted.length; index += 1) {
    const value = sorted[index] as number;
    if (value === 1) ones += 1;
    else if (value !== 0) return undefined;
  }
  return ones / sorted.length;
}

function numericalMove(pair: NumericalPair): NumericalMove | null {
  if (pair.reference.length === 0 || pair.current.length === 0) return null;
  const referenceOnes = shareOfOnes(pair.reference);
  const currentOnes = referenceOnes === undefined ? undefined : shareOfOnes(pair.current);
  const referenceMedian = quantileOfSorted(pair.reference, 0.5);
  const currentMedian = quantileOfSorted(pair.current, 0.5);
  const referenceP90 = quantileOfSorted(pair.reference, 0.9);
  const currentP90 = quantileOfSorted(pair.current, 0.9);
  const byMedian = directionOf(referenceMedian, currentMedian);
  return {
    column_type: 'numerical',
    reference_median: referenceMedian,
    current_median: currentMedian,
    reference_p90: referenceP90,
    current_p90: currentP90,
    ...(referenceOnes !== undefined && currentOnes !== undefined
      ? { share_of_ones: { reference: referenceOnes, current: currentOnes }, direction: directionOf(referenceOnes, currentOnes) }
      : { direction: byMedian === 'flat' ? directionOf(referenceP90, currentP90) : byMedian }),
  };
}

function total(counts: Float64Array): number {
  let sum = 0;
  for (const count of counts) sum += count;
  return sum;
}

function categoricalMove(pair: CategoricalPair): CategoricalMove | null {
  const referenceTotal = total(pair.referenceCounts);
  const currentTotal = total(pair.currentCounts);
  if (referenceTotal === 0 || currentTotal === 0) return null;
  let best: CategoricalMove | null = null;
  let bestChange = -1;
  for (let key = 0; key < pair.keys.length; key += 1) {
    const category = pair.keys[key] as string;
    const referenceShare = (pair.referenceCounts[key] as number) / referenceTotal;
    const currentShare = (pair.currentCounts[key] as number) / currentTotal;
    const change = Math.abs(currentShare - referenceShare);
    // Ties go to the first category by name, so the same data always names the same category.
    if (change > bestChange || (change === bestChange && best !== null && category < best.category)) {
      best = { column_type: 'categorical', category, reference_share: referenceShare, current_share: currentShare, direction: directionOf(referenceShare, currentShare) };
      bestChange = change;
    }
  }
  return best;
}

/** The move of one column; null when either side has no values to compare. */
export function featureMove(pair: ColumnPair): FeatureMove | null {
  return pair.type === 'numerical' ? numericalMove(pair) : categoricalMove(pair);
}

/** Every feature's move, keyed (and ordered) by the features' order. */
export function featureMoves(pairs: ReadonlyMap<string, ColumnPair>, features: readonly string[]): Record<string, FeatureMove | null> {
  return Object.fromEntries(features.map((name) => [name, featureMove(pairs.get(name) as ColumnPair)]));
}

/** Three significant digits, as a reader compares two values ("49.1 → 79.0" rather than 49.08313 → 78.96). */
function short(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** One line a person reads: "transaction_amount: median 49.1 → 79 (p90 143 → 230), up". */
export function describeMove(column: string, move: FeatureMove): string {
  if (move.column_type === 'numerical') {
    if (move.share_of_ones) return `${column}: share of 1 ${percent(move.share_of_ones.reference)} → ${percent(move.share_of_ones.current)}, ${move.direction}`;
    return `${column}: median ${short(move.reference_median)} → ${short(move.current_median)} (p90 ${short(move.reference_p90)} → ${short(move.current_p90)}), ${move.direction}`;
  }
  return `${column}: "${move.category}" ${percent(move.reference_share)} → ${percent(move.current_share)} of rows, ${move.direction}`;
}

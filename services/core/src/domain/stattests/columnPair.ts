import { cleanNumbers, type CleanNumbers } from '../../infrastructure/csv/columnTable.ts';
import { StringCodes } from '../../infrastructure/csv/stringCodes.ts';

export type { ColumnType, ScoreKind } from '../vocabularies.ts';

/*
 * A column of the reference and current tables, cleaned the way Evidently cleans it
 * (empty, NaN and infinite values dropped), in the form the tests need.
 */

export interface NumericalPair {
  type: 'numerical';
  /** Finite values, sorted ascending. */
  reference: Float64Array;
  current: Float64Array;
  /** Empty / NaN values dropped from each side (the rest of what was dropped was +-inf). */
  referenceMissing: number;
  currentMissing: number;
  /** pandas would read both columns as int64 (no missing values, all integral): numpy's histogram then keeps bin width >= 1. */
  integerDtype: boolean;
}

export interface CategoricalPair {
  type: 'categorical';
  keys: string[];
  referenceCounts: Float64Array;
  currentCounts: Float64Array;
}

export type ColumnPair = NumericalPair | CategoricalPair;

/** Counts per distinct value over the union of both samples (value_counts of each, aligned). */
export interface ValueCounts {
  referenceCounts: Float64Array;
  currentCounts: Float64Array;
  referenceTotal: number;
  currentTotal: number;
}

/** From raw values, or from numbers a reader already cleaned and sorted. */
export function numericalPair(reference: ArrayLike<number> | CleanNumbers, current: ArrayLike<number> | CleanNumbers): NumericalPair {
  const ref = 'sorted' in reference ? reference : cleanNumbers(reference);
  const cur = 'sorted' in current ? current : cleanNumbers(current);
  return {
    type: 'numerical',
    reference: ref.sorted,
    current: cur.sorted,
    referenceMissing: ref.missingCount,
    currentMissing: cur.missingCount,
    integerDtype: ref.allIntegral && cur.allIntegral && !ref.hadMissing && !cur.hadMissing,
  };
}

/** A categorical column as codes into its own category list; -1 is missing. */
export interface CategoricalCodes { codes: ArrayLike<number>; categories: readonly string[] }

/** A categorical column counted: rows per category of its list. */
export interface CategoryCounts { categories: readonly string[]; perCategory: readonly number[] }

export function countCategories(side: CategoricalCodes): CategoryCounts {
  const perCategory = new Array<number>(side.categories.length).fill(0);
  for (let row = 0; row < side.codes.length; row += 1) {
    const code = side.codes[row] as number;
    if (code >= 0) perCategory[code] = (perCategory[code] as number) + 1;
  }
  return { categories: side.categories, perCategory };
}

/** From codes, or from counts made earlier (a reference counted once for many windows). */
export function categoricalPair(reference: CategoricalCodes | CategoryCounts, current: CategoricalCodes | CategoryCounts): CategoricalPair {
  const counted = (side: CategoricalCodes | CategoryCounts): CategoryCounts => ('perCategory' in side ? side : countCategories(side));
  const { categories: referenceCategories, perCategory: referencePerCategory } = counted(reference);
  const { categories: currentCategories, perCategory: currentPerCategory } = counted(current);
  // Keys are the values present on either side, reference's first; a category with no rows is not a key.
  const keys = new StringCodes();
  const keyOf = (categories: readonly string[], perCategory: readonly number[]): number[] =>
    categories.map((category, code) => ((perCategory[code] as number) > 0 ? keys.codeOf(category) : -1));
  const referenceKeys = keyOf(referenceCategories, referencePerCategory);
  const currentKeys = keyOf(currentCategories, currentPerCategory);
  const aligned = (sideKeys: number[], perCategory: readonly number[]): Float64Array => {
    const counts = new Float64Array(keys.values.length);
    sideKeys.forEach((key, code) => { if (key >= 0) counts[key] = perCategory[code] as number; });
    return counts;
  };
  return { type: 'categorical', keys: keys.values, referenceCounts: aligned(referenceKeys, referencePerCategory), currentCounts: aligned(currentKeys, currentPerCategory) };
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** value_counts of both sides over the union of their distinct values. */
export function valueCounts(pair: ColumnPair): ValueCounts {
  if (pair.type === 'categorical') {
    return { referenceCounts: pair.referenceCounts, currentCounts: pair.currentCounts, referenceTotal: sum(pair.referenceCounts), currentTotal: sum(pair.currentCounts) };
  }
  // Merge the two sorted arrays, counting each distinct value on each side.
  const { reference, current } = pair;
  const referenceCounts: number[] = [];
  const currentCounts: number[] = [];
  forEachValue(reference, current, (_, referenceRun, currentRun) => {
    referenceCounts.push(referenceRun);
    currentCounts.push(currentRun);
    return true;
  });
  return { referenceCounts: Float64Array.from(referenceCounts), currentCounts: Float64Array.from(currentCounts), referenceTotal: reference.length, currentTotal: current.length };
}

export function referenceRows(pair: ColumnPair): number {
  return pair.type === 'numerical' ? pair.reference.length : sum(pair.referenceCounts);
}

export function currentRows(pair: ColumnPair): number {
  return pair.type === 'numerical' ? pair.current.length : sum(pair.currentCounts);
}

/**
 * Where the run of `value` that starts at `from` in sorted `values` ends (`from` itself
 * when values[from] is not `value`): by galloping, in about log2 of the run's length
 * comparisons. A column of a few values (a flag, hours, ages) is a few long runs, which
 * a step a value took 60 ms to count over a million rows a side.
 */
export function runEnd(values: Float64Array, from: number, value: number): number {
  const length = values.length;
  if (from >= length || values[from] !== value) return from;
  // values[low] is in the run; the run ends at or before `high`.
  let low = from;
  let step = 1;
  while (low + step < length && values[low + step] === value) {
    low += step;
    step *= 2;
  }
  let high = Math.min(low + step, length);
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (values[middle] === value) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * Each distinct value of two sorted samples together, in ascending order, with how many
 * times each side holds it, until `visit` returns false. Each value's runs are passed
 * over by galloping (runEnd).
 */
function forEachValue(reference: Float64Array, current: Float64Array, visit: (value: number, referenceRun: number, currentRun: number) => boolean): void {
  let i = 0;
  let j = 0;
  while (i < reference.length || j < current.length) {
    // Math.min: of -0 and 0 on either side, the value named is -0, as the sorted order has it.
    const value = Math.min(i < reference.length ? (reference[i] as number) : Infinity, j < current.length ? (current[j] as number) : Infinity);
    const referenceEnd = runEnd(reference, i, value);
    const currentEnd = runEnd(current, j, value);
    if (referenceEnd === i && currentEnd === j) throw notFinite();
    if (!visit(value, referenceEnd - i, currentEnd - j)) return;
    i = referenceEnd;
    j = currentEnd;
  }
}

/** The distinct values of both sides in ascending order, aligned with valueCounts. */
export function distinctValues(pair: NumericalPair): number[] {
  const values: number[] = [];
  forEachValue(pair.reference, pair.current, (value) => {
    values.push(value);
    return true;
  });
  return values;
}

/** Distinct values of two sorted arrays together, in one merge that builds nothing, up to `atMost` + 1: past it the count stops. */
function distinctInMerge(reference: Float64Array, current: Float64Array, atMost: number): number {
  let distinct = 0;
  // The count stops once past `atMost`, checked before the first value too: none is counted past a negative limit.
  if (!(atMost >= 0)) return distinct;
  forEachValue(reference, current, () => {
    distinct += 1;
    return distinct <= atMost;
  });
  return distinct;
}

/** Only a NaN is in no run, not even its own: a sample is cleaned of them first, and one left would loop for ever. */
function notFinite(): Error {
  return new Error('internal: a NaN in a sorted sample (samples are cleaned of NaN before any test)');
}

/** Distinct values of one sorted array, up to `atMost` + 1. */
function distinctInSorted(values: Float64Array, atMost: number): number {
  let distinct = 0;
  for (let index = 0; index < values.length && distinct <= atMost;) {
    const end = runEnd(values, index, values[index] as number);
    if (end === index) throw notFinite();
    distinct += 1;
    index = end;
  }
  return distinct;
}

/**
 * Distinct values over reference and current together (pandas nunique of the
 * concatenation). With `atMost`, counting stops once the count passes it: every caller
 * compares the count with a small threshold (a binary column, a few values, the bars of a
 * chart), and a continuous column of 356k values then answers after a few of them instead
 * of a merge of both sides, which was a fifth of the wide case's time. A numerical pair
 * is counted without valueCounts' arrays.
 */
export function uniqueCount(pair: ColumnPair, atMost = Infinity): number {
  return pair.type === 'numerical' ? distinctInMerge(pair.reference, pair.current, atMost) : Math.min(valueCounts(pair).referenceCounts.length, atMost + 1);
}

/** Distinct values in the reference alone (up to `atMost` + 1, as uniqueCount). */
export function referenceUniqueCount(pair: ColumnPair, atMost = Infinity): number {
  return pair.type === 'numerical' ? distinctInSorted(pair.reference, atMost) : Math.min(valueCounts(pair).referenceCounts.filter((count) => count > 0).length, atMost + 1);
}

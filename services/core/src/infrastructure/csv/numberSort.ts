/**
 * Sorting a numerical column's finite values, the monitor's largest cost on wide tables
 * (each column of each side is sorted once, for its test and its distinct values).
 *
 * Most CSV numbers are written with a few decimals: amounts in cents, scores to four
 * places, normal data to five. Such a column is integers M scaled by 10^-F, and integers
 * in a bounded range sort by counting (a range of keys up to COUNTED_SPAN times the
 * values) or in two or three radix passes, several times faster than V8's comparison sort of doubles (on 356k
 * values written with five decimals: 18 ms against 51 ms for Float64Array.prototype.sort;
 * on a million amounts in cents, 15 ms against 54 ms for the radix passes).
 *
 * The result is the same array, bit for bit: every value is checked to equal M / 10^F
 * computed in doubles (one correctly rounded division of exact operands, so it is also
 * the value a parser of the text produces), and is written back as exactly that; the
 * order of integers is the order of their quotients by a positive constant. Columns that
 * are not such decimals (a value like 0.1 + 0.2, a range too wide) take the built-in
 * sort.
 */

/** Scales tried: 10^0 .. 10^9 (beyond, the integers outgrow the ranges sorted here). */
const POWERS_OF_TEN = Array.from({ length: 10 }, (_, exponent) => 10 ** exponent);
/** |M| below this keeps M * 10^F and M / 10^F exact enough for the check to be decisive. */
const MAX_SCALED = 2 ** 50;
/** Below this many values, the built-in sort is as fast as anything here. */
const SMALL = 1024;
const RADIX_BITS = 11;
const RADIX_SIZE = 1 << RADIX_BITS;
const RADIX_MASK = RADIX_SIZE - 1;
/**
 * Counting beats the radix passes while the keys' range is below about five times the
 * values (on the wide case's columns, 356k five-decimal values over about 2.5 times as
 * many keys: 9 ms against 13 ms; at ten times, 21 ms against 15 ms).
 */
const COUNTED_SPAN = 4;

/** The smallest F (0-9) for which every value is an integer over 10^F; -1 when there is none. */
export function smallestScale(values: Float64Array): number {
  let scale = 0;
  let power = 1;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    while (Math.round(value * power) / power !== value) {
      scale += 1;
      if (scale >= POWERS_OF_TEN.length) return -1;
      power = POWERS_OF_TEN[scale] as number;
    }
  }
  return scale;
}

/** The smallest and largest values, and how many are -0. */
export function extremesOf(values: Float64Array): { negativeZeros: number; min: number; max: number } {
  let negativeZeros = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    if (value < min) min = value;
    if (value > max) max = value;
    if (value === 0 && 1 / value < 0) negativeZeros += 1;
  }
  return { negativeZeros, min, max };
}

/** The integer keys (scaled value - low), or undefined when a value is not exactly key / 10^F; with each radix digit's counts. */
function scaledKeys(values: Float64Array, power: number, low: number): { keys: Uint32Array<ArrayBuffer>; counts: Uint32Array[] } | undefined {
  const keys = new Uint32Array(values.length);
  const counts = [0, 1, 2].map(() => new Uint32Array(RADIX_SIZE));
  const [first, second, third] = counts as [Uint32Array, Uint32Array, Uint32Array];
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    const scaled = Math.round(value * power);
    // The scale may be a guess from the first values (sortFiniteNumbers): each value is held to it here.
    if (scaled / power !== value) return undefined;
    const key = scaled - low;
    keys[index] = key;
    first[key & RADIX_MASK] = (first[key & RADIX_MASK] as number) + 1;
    second[(key >>> RADIX_BITS) & RADIX_MASK] = (second[(key >>> RADIX_BITS) & RADIX_MASK] as number) + 1;
    third[key >>> (2 * RADIX_BITS)] = (third[key >>> (2 * RADIX_BITS)] as number) + 1;
  }
  return { keys, counts };
}

/**
 * The counting sort's counts, kept for the next column: a fresh array for each cost the
 * wide case a page fault every 4 KiB. Kept up to 2^22 keys (16 MiB a thread); a wider
 * range gets an array of its own, let go after its column.
 */
let countsScratch = new Uint32Array(0);
const KEPT_COUNTS = 2 ** 22;

/**
 * Keys in a range at most a few times the values (cents of amounts, scores to four
 * places, hours, normal data to five places): each key counted, then written out in
 * order as its value, with no keys array and no scatter (3.5x faster than the radix
 * passes on a million amounts). Undefined when a value is not exactly key / 10^F, with
 * `values` untouched.
 */
function countingSort(values: Float64Array, power: number, low: number, high: number, negativeZeros: number): Float64Array | undefined {
  const span = high - low + 1;
  if (countsScratch.length < span && span <= KEPT_COUNTS) countsScratch = new Uint32Array(span);
  const counts = span <= countsScratch.length ? countsScratch.subarray(0, span).fill(0) : new Uint32Array(span);
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    const scaled = Math.round(value * power);
    if (scaled / power !== value) return undefined;
    counts[scaled - low] = (counts[scaled - low] as number) + 1;
  }
  let position = 0;
  for (let key = 0; key < counts.length; key += 1) {
    const count = counts[key] as number;
    if (count === 0) continue;
    const value = (key + low) / power;
    const end = position + count;
    // The built-in sort puts -0 before 0; they are one key here, so the first zeros are given back their sign.
    if (value === 0) values.fill(-0, position, position + negativeZeros);
    // A loop, not fill(): over a sparse range most keys hold one value, and a call for each cost more than the sort.
    for (let index = value === 0 ? position + negativeZeros : position; index < end; index += 1) values[index] = value;
    position = end;
  }
  return values;
}

/**
 * LSD radix sort of keys below 2^33, 11 bits a pass, with each pass's digit counts made
 * beforehand; a pass where every key has the same digit is skipped.
 */
function radixSort(keys: Uint32Array<ArrayBuffer>, digitCounts: Uint32Array[]): Uint32Array<ArrayBuffer> {
  let source = keys;
  let target = new Uint32Array(keys.length);
  digitCounts.forEach((counts, pass) => {
    const shift = pass * RADIX_BITS;
    if (counts[((source[0] as number) >>> shift) & RADIX_MASK] === source.length) return;
    let sum = 0;
    for (let digit = 0; digit < RADIX_SIZE; digit += 1) {
      const count = counts[digit] as number;
      counts[digit] = sum;
      sum += count;
    }
    for (let index = 0; index < source.length; index += 1) {
      const key = source[index] as number;
      const digit = (key >>> shift) & RADIX_MASK;
      const position = counts[digit] as number;
      target[position] = key;
      counts[digit] = position + 1;
    }
    const swap = source;
    source = target;
    target = swap;
  });
  return source;
}

/**
 * The scale is guessed from the first values (SCALE_SAMPLE), not found from all: finding it
 * divides every value, a pass that cost a fifth of the sort. The guess is safe because the
 * sorts below check every value against it; when one does not fit, the scale is found
 * from all values and the sort tried once more.
 */
const SCALE_SAMPLE = 4096;

/**
 * Sort finite numbers (no NaN) in place, in ascending order as Float64Array.prototype.sort
 * orders them; returns the array.
 */
export function sortFiniteNumbers(values: Float64Array): Float64Array {
  if (values.length < SMALL) return values.sort();
  const extremes = extremesOf(values);
  const guessed = smallestScale(values.subarray(0, SCALE_SAMPLE));
  if (guessed >= 0 && sortedAtScale(values, guessed, extremes)) return values;
  const scale = smallestScale(values);
  if (scale > guessed && sortedAtScale(values, scale, extremes)) return values;
  return values.sort();
}

/** Sort by the integer keys value x 10^scale; false, with `values` untouched, when a value is not exactly its key / 10^scale or the keys' range is too wide. */
function sortedAtScale(values: Float64Array, scale: number, extremes: { negativeZeros: number; min: number; max: number }): boolean {
  const power = POWERS_OF_TEN[scale] as number;
  // Rounding a scaled value is monotone: the extremes' keys are the keys' extremes.
  const low = Math.round(extremes.min * power);
  const high = Math.round(extremes.max * power);
  if (-low > MAX_SCALED || high > MAX_SCALED || high - low >= 2 ** 32) return false;
  if (high - low < COUNTED_SPAN * values.length) return countingSort(values, power, low, high, extremes.negativeZeros) !== undefined;
  const scaled = scaledKeys(values, power, low);
  if (scaled === undefined) return false;
  const sorted = radixSort(scaled.keys, scaled.counts);
  let negativeZeros = extremes.negativeZeros;
  for (let index = 0; index < values.length; index += 1) {
    const value = ((sorted[index] as number) + low) / power;
    // The built-in sort puts -0 before 0; they are one key here, so the first zeros are given back their sign.
    if (value === 0 && negativeZeros > 0) {
      values[index] = -0;
      negativeZeros -= 1;
    } else {
      values[index] = value;
    }
  }
  return true;
}

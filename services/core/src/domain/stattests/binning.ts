import { valueCounts, referenceUniqueCount, type ColumnPair, type NumericalPair } from './columnPair.ts';

/** Numerical columns with more than this many distinct reference values are histogrammed. */
const DISTINCT_VALUES_FOR_HISTOGRAM = 20;

/** First index with values[index] >= target (numpy searchsorted side='left'). */
export function lowerBound(values: Float64Array, target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) < target) low = middle + 1; else high = middle;
  }
  return low;
}

/** First index with values[index] > target (numpy searchsorted side='right'). */
export function upperBound(values: Float64Array, target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) <= target) low = middle + 1; else high = middle;
  }
  return low;
}

/**
 * numpy.histogram_bin_edges(concat(reference, current), bins="sturges"), with numpy's
 * arithmetic: width = ptp / (log2(n) + 1) (at least 1 for integer dtypes),
 * ceil(range / width) equal bins, edges by linspace (last edge exactly the maximum).
 */
export function sturgesBinEdges(pair: NumericalPair): Float64Array {
  const size = pair.reference.length + pair.current.length;
  const minimum = Math.min(pair.reference[0] ?? Infinity, pair.current[0] ?? Infinity);
  const maximum = Math.max(pair.reference[pair.reference.length - 1] ?? -Infinity, pair.current[pair.current.length - 1] ?? -Infinity);
  let first = minimum;
  let last = maximum;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  let width = (maximum - minimum) / (Math.log2(size) + 1);
  let binCount = 1;
  if (width) {
    if (pair.integerDtype && width < 1) width = 1;
    binCount = Math.ceil((last - first) / width);
  }
  const edges = new Float64Array(binCount + 1);
  const step = (last - first) / binCount;
  for (let index = 0; index <= binCount; index += 1) edges[index] = index * step + first;
  edges[binCount] = last;
  return edges;
}

/** numpy.histogram(values, edges) counts: half-open bins, the last one closed. */
export function histogramCounts(sortedValues: Float64Array, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length - 1);
  for (let bin = 0; bin < counts.length; bin += 1) {
    const low = lowerBound(sortedValues, edges[bin] as number);
    const high = bin === counts.length - 1 ? upperBound(sortedValues, edges[bin + 1] as number) : lowerBound(sortedValues, edges[bin + 1] as number);
    counts[bin] = high - low;
  }
  return counts;
}

export interface BinnedShares {
  reference: Float64Array;
  current: Float64Array;
}

/**
 * Evidently's get_binned_data: shares per Sturges bin for a numerical column with more
 * than 20 distinct reference values, else shares per distinct value. With fillZeroes
 * (PSI), empty bins get min(non-zero)/1e6 when that minimum is <= 1e-4, else 1e-4.
 */
export function binnedShares(pair: ColumnPair, fillZeroes: boolean): BinnedShares {
  let reference: Float64Array;
  let current: Float64Array;
  if (pair.type === 'numerical' && referenceUniqueCount(pair, DISTINCT_VALUES_FOR_HISTOGRAM) > DISTINCT_VALUES_FOR_HISTOGRAM) {
    const edges = sturgesBinEdges(pair);
    reference = histogramCounts(pair.reference, edges).map((count) => count / pair.reference.length);
    current = histogramCounts(pair.current, edges).map((count) => count / pair.current.length);
  } else {
    const counts = valueCounts(pair);
    reference = counts.referenceCounts.map((count) => count / counts.referenceTotal);
    current = counts.currentCounts.map((count) => count / counts.currentTotal);
  }
  if (fillZeroes) {
    fillZeroShares(reference);
    fillZeroShares(current);
  }
  return { reference, current };
}

function fillZeroShares(shares: Float64Array): void {
  let smallest = Infinity;
  for (const share of shares) if (share !== 0 && share < smallest) smallest = share;
  const fill = smallest <= 0.0001 ? smallest / 10 ** 6 : 0.0001;
  for (let index = 0; index < shares.length; index += 1) if (shares[index] === 0) shares[index] = fill;
}

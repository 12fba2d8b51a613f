/**
 * Quantile bins per feature, fitted on the training rows, as histogram tree learners
 * (LightGBM, scikit-learn's HistGradientBoosting) do: a split search then scans at most
 * `maxBins` bins per feature instead of every distinct value, which makes a node cost
 * O(rows) rather than O(rows · distinct values).
 *
 * A bin is described by its upper edge: bin b holds the values x with
 * edges[b-1] < x <= edges[b] (the last bin is unbounded above). So "bin <= b" is exactly
 * "x <= edges[b]", and a tree can keep the raw edge as its threshold: prediction needs
 * no binning, and gives the same answer on a training row as the binned search did.
 */

/** At most 255 bins, so a bin index fits in a byte. */
export const MAX_BINS = 255;

/**
 * The midpoint of two neighbouring training values, rounded to the fewest significant
 * digits that keep it strictly between them. Any t with low <= t < high separates the
 * two values identically; the midpoint (as scikit-learn's trees use) is the fair place
 * for values seen later, and a short decimal keeps the JSON small.
 */
export function separatingThreshold(low: number, high: number): number {
  const middle = low + (high - low) / 2;
  for (let digits = 1; digits <= 17; digits += 1) {
    const candidate = Number(middle.toPrecision(digits));
    if (candidate > low && candidate < high) return candidate;
  }
  return low; // low and high are neighbouring doubles
}

/**
 * Upper edges of at most `maxBins` bins for one column: between every pair of adjacent
 * distinct values when there are few enough, else at the quantiles k/maxBins of the values.
 */
export function quantileEdges(values: Float64Array, maxBins: number = MAX_BINS): number[] {
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  const count = sorted.length;
  if (count === 0) return edges;
  let distinct = 1;
  for (let index = 1; index < count; index += 1) if ((sorted[index] as number) !== (sorted[index - 1] as number)) distinct += 1;
  if (distinct <= maxBins) {
    for (let index = 1; index < count; index += 1) {
      const previous = sorted[index - 1] as number;
      const value = sorted[index] as number;
      if (value !== previous) edges.push(separatingThreshold(previous, value));
    }
    return edges;
  }
  let next = 0; // the first sorted position above the last edge's lower value
  for (let bin = 1; bin < maxBins; bin += 1) {
    const rank = Math.floor((bin * count) / maxBins);
    const low = sorted[Math.max(0, rank - 1)] as number;
    if (rank - 1 < next) continue; // this quantile falls in a run already cut
    next = rank;
    while (next < count && (sorted[next] as number) === low) next += 1;
    if (next === count) break;
    edges.push(separatingThreshold(low, sorted[next] as number));
  }
  return edges;
}

/** The bin of a value: how many edges lie below it (binary search). */
export function binOf(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((edges[middle] as number) < value) low = middle + 1; else high = middle;
  }
  return low;
}

export interface BinnedColumns {
  /** Per feature, the upper edges of its bins (see the module comment). */
  edges: number[][];
  /** Per feature, the bin of every row: column-major, one byte per value. */
  codes: Uint8Array[];
}

/** Fit the edges on the given rows and bin them, column by column. */
export function binColumns(matrix: readonly (readonly number[])[], maxBins: number = MAX_BINS): BinnedColumns {
  if (maxBins > MAX_BINS || maxBins < 2) throw new RangeError(`maxBins must be in 2..${MAX_BINS}, got ${maxBins}`);
  const width = matrix[0]?.length ?? 0;
  const edges: number[][] = [];
  const codes: Uint8Array[] = [];
  const column = new Float64Array(matrix.length);
  for (let feature = 0; feature < width; feature += 1) {
    for (let row = 0; row < matrix.length; row += 1) column[row] = (matrix[row] as readonly number[])[feature] as number;
    const featureEdges = quantileEdges(column, maxBins);
    const featureCodes = new Uint8Array(matrix.length);
    for (let row = 0; row < matrix.length; row += 1) featureCodes[row] = binOf(featureEdges, column[row] as number);
    edges.push(featureEdges);
    codes.push(featureCodes);
  }
  return { edges, codes };
}

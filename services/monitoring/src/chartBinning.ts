import { histogramCounts, sturgesBinEdges } from '../../core/src/domain/stattests/binning.ts';
import { distinctValues, uniqueCount, valueCounts, type ColumnPair, type NumericalPair } from '../../core/src/domain/stattests/columnPair.ts';
import type { ChartBinning } from '../../core/src/domain/vocabularies.ts';
import { formatEdge } from './reportFormat.ts';

export type { ChartBinning } from '../../core/src/domain/vocabularies.ts';


/** Reference and current shares over common bins (or values), for one chart. */
export interface ColumnHistogram {
  column: string;
  binning: ChartBinning;
  /** What the bins are, said beside the chart. */
  caption: string;
  labels: string[];
  reference: number[];
  current: number[];
}

const MAX_CATEGORY_BARS = 12;
const MAX_NUMERIC_BINS = 30;
const MIN_SKEWED_BINS = 8;
const QUANTILE_BINS = 10;
/** A sample skewness above this is a skewed column (a log-normal amount is about 2 and more). */
const SKEWNESS_LIMIT = 1;
/** (p99 - p50) / (p50 - p1) above this is a heavy right tail (1 for a symmetric column). */
const TAIL_RATIO_LIMIT = 3;

/** The Fisher-Pearson sample skewness m3 / m2^1.5 (0 for fewer than three values or a constant). */
export function skewness(values: ArrayLike<number>): number {
  const count = values.length;
  if (count < 3) return 0;
  let sum = 0;
  for (let index = 0; index < count; index += 1) sum += values[index] as number;
  const mean = sum / count;
  let m2 = 0;
  let m3 = 0;
  for (let index = 0; index < count; index += 1) {
    const deviation = (values[index] as number) - mean;
    m2 += deviation * deviation;
    m3 += deviation * deviation * deviation;
  }
  m2 /= count;
  m3 /= count;
  return m2 === 0 ? 0 : m3 / m2 ** 1.5;
}

/** The q-quantile of sorted values, interpolated linearly (numpy's default). */
export function quantileOfSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return (sorted[below] as number) + (position - below) * ((sorted[above] as number) - (sorted[below] as number));
}

/** How far the right tail reaches past the median, against the left: (p99 - p50) / (p50 - p1). */
export function rightTailRatio(sorted: Float64Array): number {
  const median = quantileOfSorted(sorted, 0.5);
  const right = quantileOfSorted(sorted, 0.99) - median;
  const left = median - quantileOfSorted(sorted, 0.01);
  if (left === 0) return right > 0 ? Infinity : 1;
  return right / left;
}

export interface NumericalBins {
  binning: 'equal_width' | 'log' | 'quantile';
  edges: Float64Array;
  skewness: number;
}

/** count bins equal on a log scale from minimum to maximum (both > 0), the ends exact. */
export function logBinEdges(minimum: number, maximum: number, count: number): Float64Array {
  const low = Math.log(minimum);
  const step = (Math.log(maximum) - low) / count;
  const edges = Float64Array.from({ length: count + 1 }, (_, index) => Math.exp(low + index * step));
  edges[0] = minimum;
  edges[count] = maximum;
  return edges;
}

/** Edges at the reference's quantiles (a share of 1/count each), widened to hold current too; repeated edges merged. */
export function quantileBinEdges(reference: Float64Array, minimum: number, maximum: number, count: number): Float64Array {
  const edges = [minimum];
  for (let index = 1; index < count; index += 1) {
    const edge = quantileOfSorted(reference, index / count);
    if (edge > (edges[edges.length - 1] as number) && edge < maximum) edges.push(edge);
  }
  edges.push(maximum);
  return Float64Array.from(edges);
}

function equalWidthEdges(pair: NumericalPair): Float64Array {
  const edges = sturgesBinEdges(pair);
  if (edges.length - 1 <= MAX_NUMERIC_BINS) return edges;
  const first = edges[0] as number;
  const last = edges[edges.length - 1] as number;
  return Float64Array.from({ length: MAX_NUMERIC_BINS + 1 }, (_, index) => first + ((last - first) * index) / MAX_NUMERIC_BINS);
}

/**
 * The bins for a numerical column's chart. Equal-width bins squeeze a skewed column
 * (an amount, a distance) into its first bin or two, where a ×1.6 shift cannot be
 * seen; a column skewed by its reference's skewness (either way) or right tail gets
 * log bins when it is skewed right and every value is positive, else quantile bins.
 */
export function numericalBins(pair: NumericalPair): NumericalBins {
  const skew = skewness(pair.reference);
  const minimum = Math.min(pair.reference[0] ?? Infinity, pair.current[0] ?? Infinity);
  const maximum = Math.max(pair.reference[pair.reference.length - 1] ?? -Infinity, pair.current[pair.current.length - 1] ?? -Infinity);
  const rightTail = skew > SKEWNESS_LIMIT || rightTailRatio(pair.reference) > TAIL_RATIO_LIMIT;
  const skewed = maximum > minimum && pair.reference.length >= 3 && (rightTail || skew < -SKEWNESS_LIMIT);
  if (!skewed) return { binning: 'equal_width', edges: equalWidthEdges(pair), skewness: skew };
  const count = Math.min(MAX_NUMERIC_BINS, Math.max(MIN_SKEWED_BINS, sturgesBinEdges(pair).length - 1));
  // Log bins spread a long tail of high values; a tail of low values they would squeeze further.
  if (minimum > 0 && rightTail) return { binning: 'log', edges: logBinEdges(minimum, maximum, count), skewness: skew };
  const edges = quantileBinEdges(pair.reference, minimum, maximum, QUANTILE_BINS);
  if (edges.length < 4) return { binning: 'equal_width', edges: equalWidthEdges(pair), skewness: skew };
  return { binning: 'quantile', edges, skewness: skew };
}

function sharesOf(values: Float64Array, edges: Float64Array): number[] {
  return Array.from(histogramCounts(values, edges), (count) => (values.length === 0 ? 0 : count / values.length));
}

const CAPTIONS: Record<NumericalBins['binning'], (skew: number) => string> = {
  equal_width: () => 'equal-width bins',
  log: (skew) => `log-scaled bins (skewed: skewness ${skew.toFixed(1)})`,
  quantile: (skew) => `quantile bins: a tenth of the reference each (skewed: skewness ${skew.toFixed(1)})`,
};

/** Share of each value (binary and few-valued columns) or of the top categories. */
function valueHistogram(name: string, pair: ColumnPair, distinct: number): ColumnHistogram {
  const counts = valueCounts(pair);
  const labels = pair.type === 'categorical' ? pair.keys : distinctValues(pair).map(formatEdge);
  const order = labels.map((label, index) => ({
    index,
    label,
    weight: (counts.referenceCounts[index] as number) / counts.referenceTotal + (counts.currentCounts[index] as number) / counts.currentTotal,
  }));
  // Categories by weight; numbers in their order.
  if (pair.type === 'categorical') order.sort((a, b) => b.weight - a.weight || a.label.localeCompare(b.label));
  const shown = order.slice(0, MAX_CATEGORY_BARS);
  const binning: ChartBinning = distinct <= 2 ? 'binary' : pair.type === 'categorical' ? 'categories' : 'values';
  const caption = binning === 'binary'
    ? 'share of each value, on a 0–100% scale'
    : `share of each ${pair.type === 'categorical' ? 'category' : 'value'}${shown.length < order.length ? ` (top ${shown.length} of ${order.length})` : ''}`;
  return {
    column: name,
    binning,
    caption,
    labels: shown.map((entry) => entry.label),
    reference: shown.map((entry) => (counts.referenceCounts[entry.index] as number) / counts.referenceTotal),
    current: shown.map((entry) => (counts.currentCounts[entry.index] as number) / counts.currentTotal),
  };
}

/** One chart's data for a column: binary and few-valued columns by value, categories by share, numbers by bins. */
export function columnHistogram(name: string, pair: ColumnPair): ColumnHistogram {
  const distinct = uniqueCount(pair, MAX_CATEGORY_BARS);
  if (pair.type === 'categorical' || distinct <= MAX_CATEGORY_BARS) return valueHistogram(name, pair, distinct);
  const bins = numericalBins(pair);
  return {
    column: name,
    binning: bins.binning,
    caption: CAPTIONS[bins.binning](bins.skewness),
    labels: Array.from({ length: bins.edges.length - 1 }, (_, index) => `${formatEdge(bins.edges[index] as number)}–${formatEdge(bins.edges[index + 1] as number)}`),
    reference: sharesOf(pair.reference, bins.edges),
    current: sharesOf(pair.current, bins.edges),
  };
}

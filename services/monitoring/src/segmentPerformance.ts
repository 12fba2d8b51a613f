import type { CategoricalCodes } from '../../core/src/domain/stattests/columnPair.ts';
import type { SegmentBasis } from '../../core/src/domain/vocabularies.ts';
import type { DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';
import { quantileOfSorted } from './chartBinning.ts';
import { driftStrength, type ColumnDrift } from './datasetDrift.ts';

/*
 * Where the model lost quality: its ranking (ROC AUC) and recall at its threshold in each
 * segment of the labelled rows, beside the same segment of the reference. Segments are
 * the categories of each categorical feature and bins at the reference's quartiles of
 * the most drifted numerical features. A segment with too few rows, or too few of either
 * class, on either side is listed but not judged: an AUC on four frauds is noise.
 */

/** Below these a segment is listed, not judged (on either side). */
export const SEGMENT_LIMITS = { minRows: 100, minRowsPerClass: 10 } as const;
/** How many numerical features are cut into bins: the most drifted first. */
export const SEGMENTED_NUMERICAL_FEATURES = 3;
/** Bins at the reference's quartiles. */
export const QUANTILE_BINS = 4;
/** A categorical feature with more categories than this is not segmented: a table of hundreds of small segments says nothing. */
export const MAX_SEGMENT_CATEGORIES = 50;

export interface SegmentSide {
  rows: number;
  positives: number;
  /** Null when the segment holds one class only (or no rows). */
  roc_auc: number | null;
  /** Recall at the model's threshold; null without positives. */
  recall: number | null;
}

interface SegmentFigures {
  /** What a reader sees: the category, "(missing)", or the bin ("≤ 26.4", "(26.4, 49.1]", "> 92.3"). */
  label: string;
  reference: SegmentSide;
  current: SegmentSide;
  judged: boolean;
  /** Why the segment is not judged; null when it is. */
  reason: string | null;
  /** current − reference, for judged segments (null otherwise, or where either side has none). */
  roc_auc_change: number | null;
  recall_change: number | null;
}

/** A category; a bin of the reference's quantiles (lower exclusive, upper inclusive, null: open); or the rows without a value. */
export type Segment = SegmentFigures & ({ category: string } | { lower: number | null; upper: number | null } | { missing: true });

export interface FeatureSegments {
  column: string;
  column_type: 'numerical' | 'categorical';
  segmented_by: SegmentBasis;
  segments: Segment[];
  /** Why the feature has no segments (too many categories), when it has none. */
  note?: string;
}

/** summary.segment_performance */
export interface SegmentPerformance {
  source: string;
  threshold: number;
  min_rows: number;
  min_rows_per_class: number;
  features: FeatureSegments[];
}

/** One side's labels and the model's scores, row by row. */
export interface LabelledScores { labels: ArrayLike<number>; scores: ArrayLike<number> }

/** A column to segment, with its values row by row on each side (numerical: NaN where missing). */
export type SegmentedColumn =
  | { name: string; column_type: 'categorical'; reference: CategoricalCodes; current: CategoricalCodes }
  | { name: string; column_type: 'numerical'; referenceSorted: Float64Array; reference: ArrayLike<number>; current: ArrayLike<number> };

export interface SegmentInput {
  source: string;
  threshold: number;
  reference: LabelledScores;
  current: LabelledScores;
  columns: readonly SegmentedColumn[];
}

/** The numerical features worth cutting into bins: drifted first, then by how strongly, ties by name. */
export function mostDriftedNumerical(results: readonly ColumnDrift[], count = SEGMENTED_NUMERICAL_FEATURES): string[] {
  return results.filter((result) => result.column_type === 'numerical')
    .sort((a, b) => Number(b.drift_detected) - Number(a.drift_detected) || driftStrength(b) - driftStrength(a) || (a.column_name < b.column_name ? -1 : 1))
    .slice(0, count)
    .map((result) => result.column_name);
}

/** Inner edges at the reference's quantiles, repeated ones merged (a 0/1 column has one edge). */
export function quantileEdges(referenceSorted: Float64Array, bins = QUANTILE_BINS): number[] {
  const edges: number[] = [];
  for (let index = 1; index < bins; index += 1) {
    const edge = quantileOfSorted(referenceSorted, index / bins);
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  return edges;
}

/** One side's rows in ascending score order: sorted once, read by every column's segments. */
interface OrderedSide extends LabelledScores { order: Uint32Array }

function ascending(side: LabelledScores): OrderedSide {
  const scores = Float64Array.from(side.scores);
  const order = new Uint32Array(scores.length);
  for (let row = 0; row < order.length; row += 1) order[row] = row;
  order.sort((a, b) => (scores[a] as number) - (scores[b] as number) || a - b);
  return { labels: side.labels, scores, order };
}

/**
 * Rows, positives, ROC AUC and recall at the threshold of every segment, in one pass
 * over the side's rows in score order (a segment's rows are then in score order too).
 * ROC AUC is the Mann-Whitney statistic with ties counted half, as training's rocAuc
 * (average ranks): each positive counts the negatives of its segment scored below it.
 */
function figuresBySegment(side: OrderedSide, segmentOf: Int32Array, segmentCount: number, threshold: number): SegmentSide[] {
  const { order, labels, scores } = side;
  const positives = new Float64Array(segmentCount);
  const negatives = new Float64Array(segmentCount);
  const pairsWon = new Float64Array(segmentCount);
  const detected = new Float64Array(segmentCount);
  const tiedPositives = new Float64Array(segmentCount);
  const tiedNegatives = new Float64Array(segmentCount);
  const touched: number[] = [];
  let index = 0;
  while (index < order.length) {
    const first = order[index] as number;
    const score = scores[first] as number;
    let end = index + 1;
    while (end < order.length && scores[order[end] as number] === score) end += 1;
    if (end === index + 1) {
      // The common case, a score of its own: a positive wins against every negative of its segment below it.
      const segment = segmentOf[first] as number;
      if (labels[first] === 1) {
        pairsWon[segment] = (pairsWon[segment] as number) + (negatives[segment] as number);
        positives[segment] = (positives[segment] as number) + 1;
        if (score >= threshold) detected[segment] = (detected[segment] as number) + 1;
      } else negatives[segment] = (negatives[segment] as number) + 1;
    } else {
      // Tied scores: each positive wins half against the negatives tied with it.
      for (let tied = index; tied < end; tied += 1) {
        const row = order[tied] as number;
        const segment = segmentOf[row] as number;
        if ((tiedPositives[segment] as number) + (tiedNegatives[segment] as number) === 0) touched.push(segment);
        if (labels[row] === 1) tiedPositives[segment] = (tiedPositives[segment] as number) + 1;
        else tiedNegatives[segment] = (tiedNegatives[segment] as number) + 1;
      }
      for (const segment of touched) {
        const groupPositives = tiedPositives[segment] as number;
        const groupNegatives = tiedNegatives[segment] as number;
        pairsWon[segment] = (pairsWon[segment] as number) + groupPositives * ((negatives[segment] as number) + groupNegatives / 2);
        positives[segment] = (positives[segment] as number) + groupPositives;
        negatives[segment] = (negatives[segment] as number) + groupNegatives;
        if (score >= threshold) detected[segment] = (detected[segment] as number) + groupPositives;
        tiedPositives[segment] = 0;
        tiedNegatives[segment] = 0;
      }
      touched.length = 0;
    }
    index = end;
  }
  return Array.from({ length: segmentCount }, (_, segment) => {
    const segmentPositives = positives[segment] as number;
    const segmentNegatives = negatives[segment] as number;
    return {
      rows: segmentPositives + segmentNegatives,
      positives: segmentPositives,
      roc_auc: segmentPositives === 0 || segmentNegatives === 0 ? null : (pairsWon[segment] as number) / (segmentPositives * segmentNegatives),
      recall: segmentPositives === 0 ? null : (detected[segment] as number) / segmentPositives,
    };
  });
}

/** The first reason a side cannot be judged, or undefined. */
function shortfall(name: string, side: SegmentSide): string | undefined {
  const { minRows, minRowsPerClass } = SEGMENT_LIMITS;
  if (side.rows < minRows) return `${name}: ${side.rows} rows < ${minRows}`;
  if (side.positives < minRowsPerClass) return `${name}: ${side.positives} positives < ${minRowsPerClass}`;
  if (side.rows - side.positives < minRowsPerClass) return `${name}: ${side.rows - side.positives} negatives < ${minRowsPerClass}`;
  return undefined;
}

function change(current: number | null, reference: number | null): number | null {
  return current === null || reference === null ? null : current - reference;
}

function figures(label: string, reference: SegmentSide, current: SegmentSide): SegmentFigures {
  const reasons = [shortfall('reference', reference), shortfall('current', current)].filter((reason) => reason !== undefined);
  const judged = reasons.length === 0;
  return {
    label,
    reference,
    current,
    judged,
    reason: judged ? null : reasons.join('; '),
    roc_auc_change: judged ? change(current.roc_auc, reference.roc_auc) : null,
    recall_change: judged ? change(current.recall, reference.recall) : null,
  };
}

const MISSING_LABEL = '(missing)';

/** Both sides, each sorted by score once. */
interface Sides { reference: OrderedSide; current: OrderedSide; threshold: number }

/**
 * The segments of one column from each side's rows numbered 0..count-1 by segment, and
 * `count` for a row without a value: those rows are a segment of their own, listed last,
 * when a side has any.
 */
function segmentsOf(sides: Sides, segmentOf: { reference: Int32Array; current: Int32Array }, count: number, describe: (segment: number) => Omit<Segment, keyof SegmentFigures> & { label: string }): Segment[] {
  const reference = figuresBySegment(sides.reference, segmentOf.reference, count + 1, sides.threshold);
  const current = figuresBySegment(sides.current, segmentOf.current, count + 1, sides.threshold);
  const segments: Segment[] = [];
  for (let segment = 0; segment < count; segment += 1) {
    const { label, ...where } = describe(segment);
    segments.push({ ...where, ...figures(label, reference[segment] as SegmentSide, current[segment] as SegmentSide) } as Segment);
  }
  const missing = { reference: reference[count] as SegmentSide, current: current[count] as SegmentSide };
  if (missing.reference.rows + missing.current.rows > 0) segments.push({ missing: true, ...figures(MISSING_LABEL, missing.reference, missing.current) });
  return segments;
}

function categoricalSegments(column: Extract<SegmentedColumn, { column_type: 'categorical' }>, sides: Sides): FeatureSegments {
  const base = { column: column.name, column_type: 'categorical' as const, segmented_by: 'category' as const };
  // Each side codes its own category list: segments are joined by the category's text, in name order.
  const present = new Set<string>();
  for (const side of [column.reference, column.current]) {
    const used = new Uint8Array(side.categories.length);
    for (let row = 0; row < side.codes.length; row += 1) if ((side.codes[row] as number) >= 0) used[side.codes[row] as number] = 1;
    side.categories.forEach((category, code) => { if (used[code] === 1) present.add(category); });
  }
  if (present.size > MAX_SEGMENT_CATEGORIES) return { ...base, segments: [], note: `${present.size} categories, more than ${MAX_SEGMENT_CATEGORIES}: not segmented` };
  const names = [...present].sort();
  const numberOf = new Map(names.map((name, segment) => [name, segment]));
  const missingSegment = names.length;
  const numbered = (side: CategoricalCodes) => {
    const segmentOfCode = side.categories.map((category) => numberOf.get(category) ?? missingSegment);
    const segments = new Int32Array(side.codes.length);
    for (let row = 0; row < segments.length; row += 1) {
      const code = side.codes[row] as number;
      segments[row] = code < 0 ? missingSegment : (segmentOfCode[code] as number);
    }
    return segments;
  };
  const segments = segmentsOf(sides, { reference: numbered(column.reference), current: numbered(column.current) }, names.length, (segment) => ({ category: names[segment] as string, label: names[segment] as string }));
  return { ...base, segments };
}

/** The bin of a value: how many edges lie below it (a value on an edge belongs to the bin it closes). */
function binOf(value: number, edges: readonly number[]): number {
  let bin = 0;
  while (bin < edges.length && value > (edges[bin] as number)) bin += 1;
  return bin;
}

/** Four significant digits: enough to tell neighbouring quartiles apart; the exact bounds are in lower and upper. */
function edgeText(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

function binLabel(lower: number | null, upper: number | null): string {
  if (lower === null && upper === null) return 'all values';
  if (lower === null) return `≤ ${edgeText(upper as number)}`;
  if (upper === null) return `> ${edgeText(lower)}`;
  return `(${edgeText(lower)}, ${edgeText(upper)}]`;
}

function numericalSegments(column: Extract<SegmentedColumn, { column_type: 'numerical' }>, sides: Sides): FeatureSegments {
  const edges = quantileEdges(column.referenceSorted);
  const bins = edges.length + 1;
  const numbered = (values: ArrayLike<number>) => {
    const segments = new Int32Array(values.length);
    for (let row = 0; row < segments.length; row += 1) {
      const value = values[row] as number;
      segments[row] = Number.isNaN(value) ? bins : binOf(value, edges);
    }
    return segments;
  };
  const bounds = (bin: number) => ({ lower: bin === 0 ? null : (edges[bin - 1] as number), upper: bin === edges.length ? null : (edges[bin] as number) });
  const segments = segmentsOf(sides, { reference: numbered(column.reference), current: numbered(column.current) }, bins, (bin) => {
    const { lower, upper } = bounds(bin);
    return { lower, upper, label: binLabel(lower, upper) };
  });
  return { column: column.name, column_type: 'numerical', segmented_by: 'reference_quantiles', segments };
}

/** The model's quality per segment of each given column, on both sides. */
export function segmentPerformance(input: SegmentInput): SegmentPerformance {
  // Each side is sorted by score once, whatever the number of columns.
  const sides = input.columns.length === 0 ? undefined : { reference: ascending(input.reference), current: ascending(input.current), threshold: input.threshold };
  return {
    source: input.source,
    threshold: input.threshold,
    min_rows: SEGMENT_LIMITS.minRows,
    min_rows_per_class: SEGMENT_LIMITS.minRowsPerClass,
    features: input.columns.map((column) => (column.column_type === 'categorical' ? categoricalSegments(column, sides as Sides) : numericalSegments(column, sides as Sides))),
  };
}

/** The judged segments where the model lost the most ROC AUC against the reference, worst first (ties by column, then label). */
export function weakestSegments(performance: SegmentPerformance, count: number): { column: string; segment: Segment }[] {
  return performance.features
    .flatMap((feature) => feature.segments.map((segment) => ({ column: feature.column, segment })))
    .filter(({ segment }) => segment.judged && segment.roc_auc_change !== null && segment.roc_auc_change < 0)
    .sort((a, b) => (a.segment.roc_auc_change as number) - (b.segment.roc_auc_change as number) || (a.column < b.column ? -1 : a.column > b.column ? 1 : 0) || (a.segment.label < b.segment.label ? -1 : a.segment.label > b.segment.label ? 1 : 0))
    .slice(0, count);
}

/**
 * The columns to segment, read from the tables performance is judged on: the most
 * drifted numerical features (most drifted first), then every categorical feature. A
 * column the judged table lacks, or holds as text where the reference holds numbers, is
 * left out rather than refusing the whole summary over a breakdown.
 */
export function columnsToSegment(input: {
  drift: readonly ColumnDrift[];
  referenceSorted: (name: string) => Float64Array | undefined;
  reference: DataTable;
  judged: DataTable;
}): SegmentedColumn[] {
  const { reference, judged } = input;
  const present = (name: string) => reference.hasColumn(name) && judged.hasColumn(name);
  const numerical = mostDriftedNumerical(input.drift).flatMap((name): SegmentedColumn[] => {
    const referenceSorted = input.referenceSorted(name);
    if (!present(name) || referenceSorted === undefined || reference.column(name).kind !== 'numerical' || judged.column(name).kind !== 'numerical') return [];
    return [{ name, column_type: 'numerical', referenceSorted, reference: reference.numerical(name).values, current: judged.numerical(name).values }];
  });
  const categorical = input.drift.filter((result) => result.column_type === 'categorical' && present(result.column_name))
    .map((result): SegmentedColumn => ({ name: result.column_name, column_type: 'categorical', reference: reference.categorical(result.column_name), current: judged.categorical(result.column_name) }));
  return [...numerical, ...categorical];
}

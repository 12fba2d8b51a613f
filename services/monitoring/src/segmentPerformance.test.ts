import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../core/src/infrastructure/csv/csvTable.ts';
import { classificationReport } from '../../training/src/index.ts';
import type { ColumnDrift } from './datasetDrift.ts';
import { columnsToSegment, mostDriftedNumerical, quantileEdges, SEGMENT_LIMITS, segmentPerformance, weakestSegments, type LabelledScores, type SegmentPerformance } from './segmentPerformance.ts';

/**
 * One side's rows, category by category: the first `positives` rows of each are fraud.
 * An informative model scores every fraud above every other row of its category; an
 * uninformative one scores by row number, whatever the label.
 */
function side(categories: Record<string, { rows: number; positives: number; informative: boolean }>): LabelledScores & { values: string[] } {
  const values: string[] = [];
  const labels: number[] = [];
  const scores: number[] = [];
  for (const [category, { rows, positives, informative }] of Object.entries(categories)) {
    for (let row = 0; row < rows; row += 1) {
      const label = row < positives ? 1 : 0;
      const jitter = (row % 10) / 100;
      values.push(category);
      labels.push(label);
      scores.push(informative ? (label ? 0.7 + jitter : 0.1 + jitter) : ((row * 37) % 100) / 100);
    }
  }
  return { values, labels, scores };
}

/** A categorical column coded as the reader codes it: categories in order of first appearance, -1 for an empty value. */
function coded(values: (string | undefined)[]) {
  const categories = [...new Set(values.filter((value): value is string => value !== undefined))];
  return { codes: Int32Array.from(values, (value) => (value === undefined ? -1 : categories.indexOf(value))), categories };
}

function byChannel(reference: ReturnType<typeof side>, current: ReturnType<typeof side>, currentValues: (string | undefined)[] = current.values): SegmentPerformance {
  return segmentPerformance({
    source: 'model v1',
    threshold: 0.5,
    reference,
    current,
    columns: [{ name: 'channel', column_type: 'categorical', reference: coded(reference.values), current: coded(currentValues) }],
  });
}

const REFERENCE = side({ online: { rows: 300, positives: 30, informative: true }, pos: { rows: 300, positives: 30, informative: true }, atm: { rows: 50, positives: 5, informative: true } });
// In current, the model has lost its grip on online payments only.
const CURRENT = side({ atm: { rows: 50, positives: 5, informative: true }, pos: { rows: 300, positives: 30, informative: true }, online: { rows: 300, positives: 30, informative: false } });

describe('segment performance by category', () => {
  const result = byChannel(REFERENCE, CURRENT);
  const segment = (label: string) => result.features[0]?.segments.find((candidate) => candidate.label === label);

  it('shows where the model lost quality: the segment\'s ROC AUC beside the same segment of the reference', () => {
    expect(segment('pos')).toMatchObject({ judged: true, reference: { rows: 300, positives: 30, roc_auc: 1, recall: 1 }, current: { rows: 300, positives: 30, roc_auc: 1 }, roc_auc_change: 0 });
    const online = segment('online');
    expect(online).toMatchObject({ judged: true, reason: null, reference: { roc_auc: 1 } });
    expect(online?.current.roc_auc).toBeLessThan(0.8);
    expect(online?.roc_auc_change).toBeLessThan(-0.2);
  });

  it('joins the sides by the category\'s text, whatever each side\'s code order, and lists categories by name', () => {
    expect(result.features[0]?.segments.map((candidate) => candidate.label)).toEqual(['atm', 'online', 'pos']);
    expect(segment('atm')).toMatchObject({ category: 'atm', reference: { rows: 50 }, current: { rows: 50 } });
  });

  it('a segment with too few rows is listed, not judged, with the reason', () => {
    expect(segment('atm')).toMatchObject({ judged: false, reason: `reference: 50 rows < ${SEGMENT_LIMITS.minRows}; current: 50 rows < ${SEGMENT_LIMITS.minRows}`, roc_auc_change: null, recall_change: null });
  });

  it('a segment with one class on a side is not judged, and has no ROC AUC there', () => {
    const oneClass = byChannel(REFERENCE, side({ online: { rows: 300, positives: 0, informative: true }, pos: { rows: 300, positives: 30, informative: true } }));
    expect(oneClass.features[0]?.segments.find((candidate) => candidate.label === 'online')).toMatchObject({ judged: false, reason: `current: 0 positives < ${SEGMENT_LIMITS.minRowsPerClass}`, current: { roc_auc: null, recall: null } });
  });

  it('rows without a value are a segment of their own', () => {
    const values = CURRENT.values.map((value, row) => (row % 100 === 0 ? undefined : value));
    const withMissing = byChannel(REFERENCE, CURRENT, values);
    expect(withMissing.features[0]?.segments.at(-1)).toMatchObject({ label: '(missing)', missing: true, reference: { rows: 0 }, current: { rows: 7 } });
  });

  it('a category absent from one side has zero rows there', () => {
    const newChannel = byChannel(REFERENCE, side({ ...{ online: { rows: 300, positives: 30, informative: true } }, wallet: { rows: 120, positives: 12, informative: true } }));
    expect(newChannel.features[0]?.segments.find((candidate) => candidate.label === 'wallet')).toMatchObject({ judged: false, reference: { rows: 0, roc_auc: null } });
  });

  it('the same input gives the same output, byte for byte', () => {
    expect(JSON.stringify(byChannel(REFERENCE, CURRENT))).toBe(JSON.stringify(result));
  });
});

describe('the figures of a segment', () => {
  it('are training\'s ROC AUC and recall on the segment\'s rows alone, ties in the scores included', () => {
    // Scores on a coarse grid, so many rows tie, within and across segments.
    let state = 7;
    const random = () => { state = (state * 16807) % 2147483647; return state / 2147483647; };
    const rows = 3000;
    const labels = Array.from({ length: rows }, () => (random() < 0.1 ? 1 : 0));
    const scores = labels.map((label) => Math.round((label ? 0.3 : 0) + random() * 0.7 * 20) / 20);
    const values = Array.from({ length: rows }, () => ['a', 'b', 'c'][Math.floor(random() * 3)] as string);
    const result = segmentPerformance({ source: 'm', threshold: 0.5, reference: { labels, scores }, current: { labels, scores }, columns: [{ name: 'channel', column_type: 'categorical', reference: coded(values), current: coded(values) }] });
    for (const segment of result.features[0]?.segments ?? []) {
      const picked = values.flatMap((value, row) => (value === segment.label ? [row] : []));
      const expected = classificationReport(picked.map((row) => labels[row] as number), picked.map((row) => scores[row] as number), 0.5);
      expect(segment.current).toEqual({ rows: expected.rows, positives: expected.positives, roc_auc: expect.closeTo(expected.roc_auc as number, 12), recall: expect.closeTo(expected.recall, 12) });
    }
  });
});

describe('segment performance by bins of a numerical feature', () => {
  it('bins at the reference\'s quartiles (numpy\'s linear quantiles), repeated edges merged', () => {
    expect(quantileEdges(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]))).toEqual([2.75, 4.5, 6.25]);
    expect(quantileEdges(Float64Array.from([0, 0, 0, 0, 0, 0, 0, 1]))).toEqual([0]);
  });

  it('a value on an edge belongs to the bin it closes; the outer bins are open', () => {
    // 0..400: the quartiles fall on 100, 200 and 300 exactly.
    const amounts = Array.from({ length: 401 }, (_, row) => row);
    const labelled = { labels: amounts.map((amount) => (amount % 10 === 0 ? 1 : 0)), scores: amounts.map((amount) => (amount % 10 === 0 ? 0.9 : 0.1)) };
    const result = segmentPerformance({
      source: 'model v1', threshold: 0.5, reference: labelled, current: labelled,
      columns: [{ name: 'amount', column_type: 'numerical', referenceSorted: Float64Array.from(amounts), reference: amounts, current: [...amounts.slice(0, 400), Number.NaN] }],
    });
    const segments = result.features[0]?.segments ?? [];
    expect(segments.map((segment) => segment.label)).toEqual(['≤ 100', '(100, 200]', '(200, 300]', '> 300', '(missing)']);
    expect(segments[0]).toMatchObject({ lower: null, upper: 100, reference: { rows: 101 }, current: { rows: 101 } });
    expect(segments[1]).toMatchObject({ lower: 100, upper: 200, reference: { rows: 100 }, current: { rows: 100 } });
    expect(segments[3]).toMatchObject({ lower: 300, upper: null, reference: { rows: 100 }, current: { rows: 99 } });
    expect(segments[4]).toMatchObject({ missing: true, reference: { rows: 0 }, current: { rows: 1 }, judged: false });
  });
});

function drift(name: string, type: 'numerical' | 'categorical', score: number, detected: boolean): ColumnDrift {
  return { column_name: name, column_type: type, stattest_name: 'wasserstein', stattest_chosen_by: 'default', stattest_threshold: 0.1, drift_score: score, drift_detected: detected, score_kind: 'distance', reference_rows: 100, current_rows: 100 };
}

describe('which columns are segmented', () => {
  const results = [drift('tenure', 'numerical', 0.05, false), drift('amount', 'numerical', 0.4, true), drift('channel', 'categorical', 0.9, true), drift('distance', 'numerical', 0.6, true), drift('age', 'numerical', 0.05, false), drift('hour', 'numerical', 0.01, false)];

  it('the three most drifted numerical features, most drifted first, ties by name', () => {
    expect(mostDriftedNumerical(results)).toEqual(['distance', 'amount', 'age']);
  });

  it('every categorical feature too; a column the judged table lacks is left out', () => {
    const text = (header: string, rows: number) => `${header}\n${Array.from({ length: rows }, (_, row) => `${row},${row * 2},${row % 3},pos`).join('\n')}\n`;
    const reference = parseCsvText(text('amount,distance,age,channel', 10), 'ref.csv');
    const judged = parseCsvText(text('amount,tenure,age,channel', 10), 'labelled.csv');
    const columns = columnsToSegment({ drift: results, referenceSorted: () => Float64Array.from([1, 2, 3]), reference, judged });
    expect(columns.map((column) => [column.name, column.column_type])).toEqual([['amount', 'numerical'], ['age', 'numerical'], ['channel', 'categorical']]);
  });
});

describe('the weakest segments', () => {
  it('judged losses only, the largest first, ties by column then segment', () => {
    const result = byChannel(REFERENCE, CURRENT);
    const twice: SegmentPerformance = { ...result, features: [result.features[0]!, { ...result.features[0]!, column: 'another' }] };
    expect(weakestSegments(twice, 3).map(({ column, segment }) => `${column} ${segment.label}`)).toEqual(['another online', 'channel online']);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_DATASET, loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { busLabels, busRows } from './busSource.ts';
import { requireWatchableSpec, windowHeader } from './windowHeader.ts';

const spec = requireWatchableSpec(loadDatasetSpec(DEFAULT_DATASET));
const header = windowHeader(spec);

describe('the bus entries as rows and labels', () => {
  it('a label entry with a field missing or wrong is set aside, naming the stream, the entry and the field; the others are kept', () => {
    const { labels, quarantined } = busLabels([
      { id: '1-0', fields: { transaction_id: 't1', is_fraud: '1', label_time: '2026-09-02T00:00:00Z' } },
      { id: '2-0', fields: { transaction_id: 't2', label_time: '2026-09-02T00:00:00Z' } },
      { id: '3-0', fields: { transaction_id: 't3', is_fraud: 'yes', label_time: '2026-09-02T00:00:00Z' } },
    ], spec);
    expect(labels.map((label) => [label.id, label.label])).toEqual([['t1', 1]]);
    expect(quarantined.map((item) => item.reason)).toEqual([
      'driftwatch:labels: entry 2-0: field "is_fraud": missing',
      expect.stringMatching(/^driftwatch:labels: entry 3-0: field "is_fraud": "yes" is not a label of dataset/),
    ]);
  });

  it('a prediction entry without its record, or with one the watcher cannot use, is set aside; a good one keeps its position', () => {
    const { rows, quarantined } = busRows([{ id: '1-0', fields: {} }, { id: '2-0', fields: { record: '{"features": 3}' } }], spec, header, Infinity);
    expect(rows).toEqual([]);
    expect(quarantined.map((item) => item.reason)).toEqual(['driftwatch:predictions: entry 1-0: no "record" field', 'driftwatch:predictions: entry 2-0: not a prediction record (no "features" object)']);
  });
});

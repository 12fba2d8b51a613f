import { describe, expect, it } from 'vitest';
import { loadDatasetSpec, parseDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { comparableUtcTime, isUtcTime, requireWatchableSpec, windowHeader } from './windowHeader.ts';

const NO_ID_OR_TIME = `name: credit
target: { column: status, positive: bad, negative: good }
features:
  income: { type: numerical }
`;

describe('the window header', () => {
  it('is the id, the time and the features in the spec\'s order', () => {
    const spec = requireWatchableSpec(loadDatasetSpec('fraud'));
    expect(windowHeader(spec)).toEqual([
      'transaction_id', 'event_time', 'transaction_amount', 'transaction_hour', 'customer_age', 'account_tenure_days',
      'merchant_risk_score', 'geo_distance_km', 'is_international', 'merchant_category', 'channel',
    ]);
  });

  it('refuses a spec without id and time columns, naming the spec\'s file', () => {
    const dataset = { spec: parseDatasetSpec(NO_ID_OR_TIME, 'own/credit.yaml'), sha256: '', source: 'own/credit.yaml' };
    expect(() => requireWatchableSpec(dataset)).toThrow(/^own\/credit\.yaml: the watcher needs the id and time columns/);
    const withId = { ...dataset, spec: parseDatasetSpec(`id: account\n${NO_ID_OR_TIME}`, 'own/credit.yaml') };
    expect(() => requireWatchableSpec(withId)).toThrow(/needs the time column \(add "time: COLUMN"\)/);
  });
});

describe('UTC times', () => {
  it('spells every accepted time one way, so they compare as text', () => {
    expect(comparableUtcTime('2026-09-01T10:00:00Z')).toBe('2026-09-01T10:00:00.000000000Z');
    expect(comparableUtcTime('2026-09-01T10:00:00')).toBe('2026-09-01T10:00:00.000000000Z');
    expect(comparableUtcTime('2026-09-01T10:00:00.5Z')).toBe('2026-09-01T10:00:00.500000000Z');
    expect((comparableUtcTime('2026-09-01T10:00:00.25') as string) < (comparableUtcTime('2026-09-01T10:00:00.3Z') as string)).toBe(true);
  });

  it.each(['2026-09-01', '2026-09-01 10:00:00', '2026-09-01T10:00:00+02:00', '2026-02-30T10:00:00Z', '2026-09-01T24:00:00Z', '', 'yesterday'])('refuses %j', (text) => {
    expect(isUtcTime(text)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { HistoryEntry, Stage, VersionMetadata, VersionRecord } from '../../../registry/src/index.ts';
import { registryView } from './registryView.ts';

function version(number: number, stage: Stage, overrides: Partial<VersionMetadata> = {}): VersionRecord {
  const metadata: VersionMetadata = {
    version: number,
    created_at: `2026-01-0${number}T00:00:00.000Z`,
    model_type: 'lr',
    artifact_sha256: String(number).repeat(64),
    metrics: { validation: { rows: 100, positives: 10, roc_auc: 0.8 + number / 100, average_precision: 0.4 + number / 100, precision: 0.5, recall: 0.5, f1: 0.5, brier: 0.1, log_loss: 0.3, threshold: 0.5, confusion_matrix: { true_positives: 5, false_positives: 5, true_negatives: 85, false_negatives: 5 } } },
    training_data: { path: `data/v${number}.csv`, sha256: '0'.repeat(64), rows: 1000 * number, scenario: number === 1 ? 'base' : null },
    seed: 1,
    params: {},
    parent_version: number === 1 ? null : number - 1,
    run_id: number === 1 ? null : `run-${number}`,
    ...overrides,
  };
  return { metadata, stage };
}

let operation = 0;
const move = (time: string, versionNumber: number, from: Stage | null, to: Stage, kind: HistoryEntry['operation'] = 'promote'): HistoryEntry => {
  operation += 1;
  return { time, version: versionNumber, from, to, actor: 'test', reason: `${kind} v${versionNumber}`, run_id: null, operation: kind, operation_id: `op-${operation}`, operation_size: 1 };
};

describe('registryView: every version, what served when, the latest moves', () => {
  it('lists versions newest first with their figures, lineage and training data, and names the Production version', () => {
    const view = registryView([version(1, 'Archived'), version(2, 'Production'), version(3, 'None')], []);
    expect(view.production_version).toBe(2);
    expect(view.versions.map((row) => row.version)).toEqual([3, 2, 1]);
    expect(view.versions[1]).toEqual({
      version: 2, stage: 'Production', model_type: 'lr', created_at: '2026-01-02T00:00:00.000Z', roc_auc: 0.8 + 2 / 100, average_precision: 0.4 + 2 / 100,
      parent_version: 1, run_id: 'run-2', training_rows: 2000, scenario: null,
    });
    expect(view.versions[2]?.scenario).toBe('base');
  });

  it('a version registered before scenarios were recorded shows scenario null; a metric that could not be computed stays null', () => {
    const old = version(1, 'Production');
    const { scenario: _dropped, ...trainingData } = old.metadata.training_data;
    old.metadata.training_data = trainingData;
    old.metadata.metrics.validation.roc_auc = null;
    const [row] = registryView([old], []).versions;
    expect(row?.scenario).toBeNull();
    expect(row?.roc_auc).toBeNull();
  });

  it('no Production version: production_version null, no served periods', () => {
    const view = registryView([version(1, 'None')], [move('2026-01-01T00:00:00.000Z', 1, null, 'None', 'register')]);
    expect(view.production_version).toBeNull();
    expect(view.served).toEqual([]);
  });

  it('served periods and history are newest first', () => {
    const history = [
      move('2026-01-01T00:00:00.000Z', 1, 'None', 'Production'),
      move('2026-01-02T00:00:00.000Z', 1, 'Production', 'Archived'),
      move('2026-01-02T00:00:00.000Z', 2, 'None', 'Production'),
    ];
    const view = registryView([version(1, 'Archived'), version(2, 'Production')], history);
    expect(view.served.map(({ version: served, until }) => [served, until])).toEqual([[2, null], [1, '2026-01-02T00:00:00.000Z']]);
    expect(view.history.map((entry) => `${entry.version}:${entry.to}`)).toEqual(['2:Production', '1:Archived', '1:Production']);
  });

  it('shows only the last 50 moves of a long history', () => {
    const history = Array.from({ length: 60 }, (_, index) => move(`2026-01-01T00:00:${String(index).padStart(2, '0')}.000Z`, index + 1, null, 'None', 'register'));
    const view = registryView([], history);
    expect(view.history).toHaveLength(50);
    expect(view.history[0]?.version).toBe(60);
    expect(view.history[49]?.version).toBe(11);
  });

  it('does not reorder or change the caller\'s history', () => {
    const history = [move('2026-01-01T00:00:00.000Z', 1, 'None', 'Production'), move('2026-01-02T00:00:00.000Z', 2, 'None', 'Staging')];
    const copy = structuredClone(history);
    registryView([version(1, 'Production'), version(2, 'Staging')], history);
    expect(history).toEqual(copy);
  });
});

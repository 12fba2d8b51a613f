import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../core/src/infrastructure/csv/csvTable.ts';
import { monitorTables, type MonitorPolicy } from './monitorPipeline.ts';
import { monitorReadPlan } from './readPlan.ts';

describe('a test for every column must fit the model\'s scores too', () => {
  it('drift_policy.stattest: z fits categorical features but not the numerical scores of --prediction, and is refused by key', async () => {
    const rows = (shift: number) => Array.from({ length: 30 }, (_, index) => `${index % 2 ? 'a' : 'b'},${((index + shift) % 10) / 10}`).join('\n');
    const reference = parseCsvText(`colour,score\n${rows(0)}\n`, 'ref.csv');
    const current = parseCsvText(`colour,score\n${rows(3)}\n`, 'cur.csv');
    const policy: MonitorPolicy = { drift: { drift_share: 0.5, min_samples: 1, severity_thresholds: { high: 0.5, medium: 0.2 }, stattest: 'z', columns: {} }, identity: null, loaded: null };
    await expect(monitorTables({
      reference, current, referencePath: 'ref.csv', currentPath: 'cur.csv', plan: monitorReadPlan(reference.header, current.header, []),
      policy, prediction: 'score', runId: 'test', now: new Date('2026-11-23T00:00:00Z'),
    })).rejects.toThrow('drift_policy.stattest: z does not apply to numerical column "the scores of column score" (Evidently allows it for categorical columns only; prediction drift runs drift_policy.stattest on them)');
  });
});

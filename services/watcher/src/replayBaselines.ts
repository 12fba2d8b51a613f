import type { PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { DEFAULT_TRAINING, trainModels, type ModelArtifact } from '../../training/src/index.ts';
import { LabelWindow } from './labelWindow.ts';
import { hindsightAuc, rowsTable } from './replayScoring.ts';
import { LabelFeed, type LoadedTimeline } from './replayTimeline.ts';
import { undecidedRecord } from './windowRecord.ts';
import type { WindowRecord } from './windowTypes.ts';

/*
 * What a policy is compared with, on the same traffic and labels: `never` keeps v1 for
 * ever; `every_window` retrains on the label window's arrived labels at the end of every
 * day that has at least retrain.min_labeled_rows of them, and serves the new model from
 * the next day on, with no gate, guardrail or human. One window per day.
 */

export const BASELINES = ['never', 'every_window'] as const;
export type Baseline = (typeof BASELINES)[number];

export function replayBaseline(timeline: LoadedTimeline, baseline: Baseline, policy: PromotionPolicy, firstModel: ModelArtifact): WindowRecord[] {
  const labelWindow = new LabelWindow();
  const feed = new LabelFeed(timeline.labels);
  let serving = firstModel;
  let version = 1;
  const windowDays = policy.performance_policy.label_window_days;
  return timeline.days.map((day) => {
    labelWindow.learn(feed.deliverThrough(day.endMs));
    const { labelled } = labelWindow.enter(day.kept, day.endMs, windowDays, true);
    const record = undecidedRecord({ window: day.date, day: day.index, startMs: day.startMs, endMs: day.endMs, rows: day.kept.length, labelledRows: labelled.length }, null);
    record.serving_version = version;
    record.hindsight_auc = hindsightAuc(serving, timeline.dataset, day.kept, timeline.hindsight, `${baseline} ${day.date}`);
    if (baseline === 'every_window' && labelled.length >= policy.retrain.min_labeled_rows) {
      const { retrain } = policy;
      const table = rowsTable(timeline.dataset, labelled, `every_window ${day.date} labelled rows`, true);
      serving = trainModels(table, { ...DEFAULT_TRAINING, dataset: timeline.dataset, model: retrain.model, seed: retrain.seed, selectionMetric: retrain.selection_metric }).artifact;
      version += 1;
      record.action = 'retrain_and_evaluate';
      record.outcome = 'promoted';
    }
    record.serving_version_after = version;
    return record;
  });
}

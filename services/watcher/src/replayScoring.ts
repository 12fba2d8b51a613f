import { parseCsvText } from '../../core/src/infrastructure/csv/csvTable.ts';
import { textColumnsOf, type LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { classificationReport, loadRegisteredArtifact, scoreTable, type ModelArtifact } from '../../training/src/index.ts';
import { ModelRegistry } from '../../registry/src/index.ts';
import { checkTime, enoughLabels, estimateCheck, type DueCheck, type EstimateCheck } from './estimateChecks.ts';
import type { KeptRow, LabelledRow } from './labelWindow.ts';
import { labelledRowsCsv, rowsCsv } from './windowCsv.ts';

/** Rows as a table the models read (no file: a replay scores hundreds of windows). */
export function rowsTable(dataset: LoadedDatasetSpec, rows: readonly KeptRow[], source: string, labelled = false) {
  const text = labelled ? labelledRowsCsv(dataset, rows as readonly LabelledRow[]) : rowsCsv(dataset, rows);
  return parseCsvText(text, source, { textColumns: textColumnsOf(dataset.spec) });
}

/** The ROC AUC a model has on rows with the labels given; null when there are none, or one class only. */
export function realisedAuc(artifact: ModelArtifact, dataset: LoadedDatasetSpec, rows: readonly KeptRow[], labelOf: (row: KeptRow) => number, source: string): number | null {
  if (rows.length === 0) return null;
  const scores = scoreTable(artifact, rowsTable(dataset, rows, source)).probabilities;
  return classificationReport(rows.map(labelOf), scores, artifact.decision_threshold).roc_auc;
}

/**
 * The ROC AUC a model had on rows, judged with every label hindsight knows: what the
 * serving model was really worth on that window, whatever the system could see then.
 * Null when the rows hold one class only.
 */
export function hindsightAuc(artifact: ModelArtifact, dataset: LoadedDatasetSpec, rows: readonly KeptRow[], hindsight: ReadonlyMap<string, 0 | 1>, source: string): number | null {
  return realisedAuc(artifact, dataset, rows.filter((row) => hindsight.has(row.id)), (row) => hindsight.get(row.id) as number, source);
}

/** A registry's artifacts by version, each read once: a registered version's artifact never changes. */
export function registeredArtifacts(registryDirectory: string): (version: number) => ModelArtifact {
  const artifacts = new Map<number, ModelArtifact>();
  return (version) => {
    if (!artifacts.has(version)) artifacts.set(version, loadRegisteredArtifact(ModelRegistry.open(registryDirectory), version));
    return artifacts.get(version) as ModelArtifact;
  };
}

/** A due estimate checked: the window's serving model scores its labelled rows (when there are enough of them). */
export function checkDueEstimate(due: DueCheck, artifact: ModelArtifact, dataset: LoadedDatasetSpec, labelWindowDays: number, source: string): EstimateCheck {
  const { check, reason, labelled } = due;
  const realised = enoughLabels(labelled) ? realisedAuc(artifact, dataset, labelled, (row) => row.label as number, source) : null;
  return estimateCheck(check, reason, labelled, realised, checkTime(check, reason, labelled, labelWindowDays));
}

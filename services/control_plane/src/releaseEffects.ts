import seedrandom from 'seedrandom';
import { writeFileAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import type { CsvTable } from '../../core/src/infrastructure/csv/csvTable.ts';
import { eventHours, labelsOf } from '../../core/src/domain/datasetColumns.ts';
import { textColumnsOf, type LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import type { PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { archiveVersion, ModelRegistry, promoteVersion, registerVersion, rollbackCandidate, rollbackProduction } from '../../registry/src/index.ts';
import { classificationReport, DEFAULT_TRAINING, loadRegisteredArtifact, registrationRecord, scoreTable, stratifiedSplit, trainModels } from '../../training/src/index.ts';
import type { ExecutionPlan, ModelEvaluation } from './controlTypes.ts';
import type { ReleaseEffects } from './agents/release.ts';
import { approvalId, createApproval, listApprovals, type ApprovalRequest } from './approvalsStore.ts';
import { asksTheSame } from './approvalValidity.ts';
import { faultPoint } from '../../core/src/infrastructure/faultPoint.ts';

export interface EffectsContext {
  registryDirectory: string;
  approvalsDirectory: string;
  /** Where the challenger's exact training rows are written (lineage). */
  trainingDataPath: string;
  /**
   * Where the data the challenger is built from is written: the current rows, held-out
   * slice included, less a shock's rows (plus the reference, by policy). The monitor
   * compares with it while the challenger serves: the training rows alone are a
   * subsample, and would make every later window look like more rows per day.
   */
  referenceDataPath: string;
  referencePath: string;
  currentPath: string;
  /** The current file's hash as monitoring saw it: the release acts on that data or not at all. */
  currentSha256: string;
  /** The reference's hash as monitoring saw it: a retrain that adds the reference trains on that data or not at all. */
  referenceSha256: string;
  policy: PromotionPolicy;
  /** The dataset spec the monitor read the data with: a retrain's features and label come from it. */
  dataset: LoadedDatasetSpec;
  /** Hours of day whose current rows a retrain leaves out (a shock's surge, by shock_policy.retrain_includes_shock); null: none. */
  excludedHours: readonly number[] | null;
  /** What an approval created by this run records besides its plan. */
  approvalBasis: Omit<ApprovalRequest, 'plan'>;
  runId: string;
  actor: string;
  now: Date;
  /**
   * Called before each effect: the first call writes the run's intent ahead of it (the
   * runner's business); every call returns what the effect must carry.
   */
  beginEffect(start: EffectStart): EffectMark;
}

/** Which effect is about to happen, and on what. */
export interface EffectStart {
  effect: 'retrain' | 'rollback' | 'approval_created';
  targetVersion: number | null;
  approvalId: string | null;
}

/** What every effect of a run carries: its intent's key, and where the audit log stood after the intent. */
export interface EffectMark {
  idempotencyKey: string;
  auditHead: { records: number; last_hash: string };
}

/**
 * A file the release reads must be the one the monitor judged: decided on one and
 * trained on another is neither. The hash is of the very bytes read (one pass, no window
 * between a check and the read).
 */
function readAsMonitored(path: string, monitored: string, dataset: LoadedDatasetSpec): CsvTable {
  const table = readCsvTable(path, { computeSha256: true, textColumns: textColumnsOf(dataset.spec) });
  const actual = table.sha256 as string;
  if (actual !== monitored) throw new Error(`${path} changed since monitoring (sha256 ${actual.slice(0, 12)}… != ${monitored.slice(0, 12)}…); re-run the monitor first`);
  return table;
}

/**
 * The rows not in the given hours of day (by the dataset's event time). A shock without a
 * surge in particular hours (more of everything) has no hours to name: every row is the shock's.
 */
function outsideHours(table: CsvTable, dataset: LoadedDatasetSpec, rows: readonly number[], hours: readonly number[]): number[] {
  const hourOf = eventHours(table, dataset.spec);
  if (hours.length === 0 || hourOf === undefined) return [];
  const excluded = new Set(hours);
  return rows.filter((row) => !excluded.has(hourOf[row] as number));
}

/** The release agent's effects on the registry and the data, for real. */
export function createReleaseEffects(context: EffectsContext): ReleaseEffects {
  let current: { table: CsvTable; labels: Float64Array } | undefined;
  let reference: CsvTable | undefined;
  let shockRowsLeftOut = 0;
  const moveContext = (reason: string, mark: EffectMark) => ({ actor: context.actor, reason, runId: context.runId, now: context.now, ...mark });

  function labelledCurrent(): { table: CsvTable; labels: Float64Array } {
    if (current) return current;
    const table = readAsMonitored(context.currentPath, context.currentSha256, context.dataset);
    const labelColumn = context.dataset.spec.target.column;
    if (!table.hasColumn(labelColumn)) throw new Error(`${context.currentPath} has no "${labelColumn}" labels: nothing to retrain or evaluate on`);
    current = { table, labels: labelsOf(table, context.dataset.spec) };
    return current;
  }

  return {
    productionVersion: () => ModelRegistry.open(context.registryDirectory).productionVersion(),
    rollbackCandidate: () => rollbackCandidate(ModelRegistry.open(context.registryDirectory)),
    holdoutSplit: () => {
      const { table, labels } = labelledCurrent();
      // Checked before anything is trained: the reference a retrain adds must be the data the monitor judged.
      if (context.policy.retrain.data === 'reference_and_current') reference = readAsMonitored(context.referencePath, context.referenceSha256, context.dataset);
      const minimum = context.policy.retrain.min_labeled_rows;
      if (table.rowCount < minimum) throw new Error(`${table.rowCount} labelled current rows, fewer than retrain.min_labeled_rows ${minimum}`);
      const split = stratifiedSplit(labels, context.policy.release_policy.champion_challenger.holdout_share, seedrandom.alea(`${context.policy.retrain.seed}:holdout`));
      const trainRows = context.excludedHours === null ? split.train : outsideHours(table, context.dataset, split.train, context.excludedHours);
      shockRowsLeftOut = split.train.length - trainRows.length;
      if (trainRows.length === 0 && context.policy.retrain.data === 'current') throw new Error(`no current rows outside the shock's hours (${context.excludedHours?.join(', ') || 'all'}) to train on; shock_policy.retrain_includes_shock: true trains on them`);
      return { holdoutRows: split.validation, trainRows };
    },
    trainChallenger: (trainRows) => {
      const mark = context.beginEffect({ effect: 'retrain', targetVersion: null, approvalId: null });
      const { table } = labelledCurrent();
      const lines = trainRows.map((row) => table.recordText(row));
      const everyRow = Array.from({ length: table.rowCount }, (_, row) => row);
      const builtFrom = (context.excludedHours === null ? everyRow : outsideHours(table, context.dataset, everyRow, context.excludedHours)).map((row) => table.recordText(row));
      if (context.policy.retrain.data === 'reference_and_current') {
        // Read and checked by holdoutSplit, which runs first.
        if (!reference) throw new Error('internal: the reference was not read before training on it');
        if (reference.header.join(',') !== table.header.join(',')) throw new Error(`${context.referencePath} and ${context.currentPath} have different columns; cannot train on both`);
        for (let row = 0; row < reference.rowCount; row += 1) {
          lines.push(reference.recordText(row));
          builtFrom.push(reference.recordText(row));
        }
      }
      const header = table.header.join(',');
      const trainingPath = context.trainingDataPath;
      writeFileAtomic(trainingPath, `${header}\n${lines.join('\n')}\n`);
      writeFileAtomic(context.referenceDataPath, `${header}\n${builtFrom.join('\n')}\n`);
      const trainingTable = readCsvTable(trainingPath, { textColumns: textColumnsOf(context.dataset.spec) });
      const { retrain } = context.policy;
      const trained = trainModels(trainingTable, { ...DEFAULT_TRAINING, dataset: context.dataset, model: retrain.model, seed: retrain.seed, selectionMetric: retrain.selection_metric, minRows: Math.min(DEFAULT_TRAINING.minRows, trainingTable.rowCount) });
      const metadata = registerVersion(context.registryDirectory, registrationRecord(trained, {
        dataPath: trainingPath,
        rows: trainingTable.rowCount,
        referenceData: { path: context.referenceDataPath, rows: builtFrom.length },
        seed: retrain.seed,
        runId: context.runId,
        params: {
          retrain_data: retrain.data,
          holdout_excluded: true,
          // Which of the shock's rows were left out: its surge hours, or all of its rows when it had none to name.
          shock_excluded: context.excludedHours === null ? null : { hours: context.excludedHours.length > 0 ? [...context.excludedHours] : 'all', rows: shockRowsLeftOut },
        },
        tags: { role: 'challenger', trained_on: context.currentPath },
      }), moveContext(`challenger trained on ${retrain.data} data; stage None while it is evaluated`, mark));
      faultPoint('after_challenger_registered');
      return metadata.version;
    },
    evaluate: (version, rows): ModelEvaluation => {
      const { table, labels } = labelledCurrent();
      const artifact = loadRegisteredArtifact(ModelRegistry.open(context.registryDirectory), version);
      const selected = rows === 'all' ? undefined : rows;
      const scores = scoreTable(artifact, table, selected).probabilities;
      const sliceLabels = selected ? selected.map((row) => labels[row] as number) : Array.from(labels);
      const report = classificationReport(sliceLabels, scores, artifact.decision_threshold);
      return { version, rows: report.rows, positives: report.positives, roc_auc: report.roc_auc, average_precision: report.average_precision };
    },
    promote: (version, stage) => {
      const mark = context.beginEffect({ effect: 'retrain', targetVersion: version, approvalId: null });
      promoteVersion(context.registryDirectory, version, stage, moveContext(`passed every release gate (run ${context.runId}); release_policy.promote_stage: ${stage}`, mark));
      faultPoint('after_promotion');
    },
    archiveChallenger: (version, failedGates) => {
      const mark = context.beginEffect({ effect: 'retrain', targetVersion: version, approvalId: null });
      archiveVersion(context.registryDirectory, version, moveContext(`challenger blocked by ${failedGates.join(', ')} (run ${context.runId})`, mark));
      faultPoint('after_challenger_archived');
    },
    rollback: () => {
      const mark = context.beginEffect({ effect: 'rollback', targetVersion: rollbackCandidate(ModelRegistry.open(context.registryDirectory)), approvalId: null });
      const entries = rollbackProduction(context.registryDirectory, moveContext('previous version is better on current labels', mark));
      faultPoint('after_rollback');
      const archived = entries.find((entry) => entry.to === 'Archived');
      const restored = entries.find((entry) => entry.to === 'Production');
      return { from: archived?.version ?? -1, to: restored?.version ?? -1 };
    },
    createApproval: (plan: ExecutionPlan) => {
      const request = { ...context.approvalBasis, plan };
      const waiting = listApprovals(context.approvalsDirectory).find((approval) => asksTheSame(approval, request, context.now));
      if (waiting) return { id: waiting.id, existing: true };
      context.beginEffect({ effect: 'approval_created', targetVersion: null, approvalId: approvalId(plan.run_id) });
      const created = createApproval(context.approvalsDirectory, request).id;
      faultPoint('after_approval_created');
      return { id: created, existing: false };
    },
  };
}

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy, type PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { textColumnsOf } from '../../core/src/domain/datasetSpec.ts';
import { readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import { errorMessage, isUserError } from '../../core/src/infrastructure/errors.ts';
import { ReferenceProfiles, summaryPath } from '../../monitoring/src/index.ts';
import { ModelRegistry, promoteVersion, registerVersion } from '../../registry/src/index.ts';
import { DEFAULT_TRAINING, registrationRecord, trainModels } from '../../training/src/index.ts';
import { approveApproval, auditKeyFromEnvironment, loadApproval, controlOptionsAt, mirroredPositions, readRecordedRun, readVerifiedAudit, rejectApproval, type VerificationReport, verifyActions } from '../../control_plane/src/index.ts';
import { answerDueMs, describeApprovalsRule, type ApprovalsRule } from './approvalsRule.ts';
import { eventMs, LabelWindow, markShock, type KeptRow } from './labelWindow.ts';
import { checkDueEstimate, hindsightAuc, registeredArtifacts } from './replayScoring.ts';
import { PendingChecks } from './estimateChecks.ts';
import { LabelFeed, type LoadedTimeline } from './replayTimeline.ts';
import { cutWindows } from './windowCutter.ts';
import { undecidedRecord, windowRecord, type WindowFacts } from './windowRecord.ts';
import { runWindow, type WindowContext } from './windowRun.ts';
import { attemptRunId } from './windowAttempts.ts';
import type { SourcePosition, SourceRow, WindowRecord } from './windowTypes.ts';

/*
 * A policy over a timeline, for real but on a simulated clock: v1 is trained on the
 * timeline's reference and promoted; then day by day the labels that arrive are
 * delivered, the day's traffic is cut into windows, and each window is judged and decided
 * by the watcher's own code (runWindow: the monitor and the control plane) in a scratch
 * registry, events and approvals folder. Approvals are answered by a declared rule.
 * Afterwards the independent verifier re-reads the audit log and the registry's history.
 */

export interface PolicyReplay {
  label: string;
  policyPath: string;
  records: WindowRecord[];
  verification: VerificationReport;
  /** Windows whose run was refused (one line each): counted, never hidden. */
  refusals: { window: string; reason: string }[];
}

const REPLAY_ACTOR = 'replay';
/** A replay decides each window once, in a fresh events folder: its run id is the window's. */
const WINDOW_RUN_PREFIX = 'window';
const DAY_MS = 86_400_000;

/** The scratch folders of one policy's run, emptied first: a replay starts from nothing. */
function scratch(workDirectory: string) {
  rmSync(workDirectory, { recursive: true, force: true });
  const paths = {
    registryDirectory: join(workDirectory, 'registry'),
    eventsDirectory: join(workDirectory, 'events'),
    approvalsDirectory: join(workDirectory, 'approvals'),
    windowsDirectory: join(workDirectory, 'windows'),
  };
  for (const path of Object.values(paths)) mkdirSync(path, { recursive: true });
  return paths;
}

/** v1: trained on the timeline's reference with the policy's retrain settings, then put in Production, at day 0's start. */
export function trainFirstModel(timeline: LoadedTimeline, policy: PromotionPolicy) {
  const table = readCsvTable(timeline.referencePath, { textColumns: textColumnsOf(timeline.dataset.spec) });
  const { retrain } = policy;
  const trained = trainModels(table, { ...DEFAULT_TRAINING, dataset: timeline.dataset, model: retrain.model, seed: retrain.seed, selectionMetric: retrain.selection_metric });
  return { trained, rows: table.rowCount };
}

function registerFirstModel(timeline: LoadedTimeline, policy: PromotionPolicy, registryDirectory: string, now: Date): number {
  const { trained, rows } = trainFirstModel(timeline, policy);
  const context = { actor: REPLAY_ACTOR, reason: `v1 of the replay of ${timeline.meta.timeline}: trained on its reference`, runId: 'replay-v1', now };
  const { version } = registerVersion(registryDirectory, registrationRecord(trained, { dataPath: timeline.referencePath, rows, seed: policy.retrain.seed, runId: 'replay-v1' }), context);
  promoteVersion(registryDirectory, version, 'Production', { ...context, reason: 'the replay starts with v1 in Production' });
  return version;
}

/** An approval the rule answers later, and the window whose record it belongs to. */
interface WaitingApproval {
  id: string;
  dueMs: number;
  record: WindowRecord;
}

export async function replayPolicy(timeline: LoadedTimeline, input: { label: string; policyPath: string; workDirectory: string; approvals: ApprovalsRule; log: (line: string) => void }): Promise<PolicyReplay> {
  const policy = loadPolicy(input.policyPath);
  const paths = scratch(input.workDirectory);
  const firstNow = new Date(timeline.days[0]?.startMs ?? Date.parse(`${timeline.meta.start}T00:00:00Z`));
  registerFirstModel(timeline, policy, paths.registryDirectory, firstNow);
  const context: WindowContext = { ...paths, dataset: timeline.dataset, policyPath: input.policyPath, profiles: new ReferenceProfiles(), actor: REPLAY_ACTOR, htmlReport: false };
  const artifactOf = registeredArtifacts(paths.registryDirectory);
  const labelWindow = new LabelWindow();
  const feed = new LabelFeed(timeline.labels);
  let open: { row: SourceRow; after: SourcePosition; kept: KeptRow }[] = [];
  const records: WindowRecord[] = [];
  const recordOf = new Map<string, WindowRecord>();
  const pendingChecks = new PendingChecks();
  const labelWindowDays = policy.performance_policy.label_window_days;
  /** The estimates whose windows' labels have come by `asOfMs`, checked against the labels, in their windows' records. */
  const checkEstimates = (asOfMs: number) => {
    for (const due of pendingChecks.takeDue({ labelsThroughMs: asOfMs, clockMs: asOfMs }, labelWindowDays)) {
      const { check } = due;
      const { window: _window, model_version: _version, estimated_auc: _estimate, rows: _rows, ...result } = checkDueEstimate(due, artifactOf(check.modelVersion), timeline.dataset, labelWindowDays, `${timeline.directory} window ${check.window} (labels arrived)`);
      (recordOf.get(check.window) as WindowRecord).estimate_check = result;
    }
  };
  const refusals: PolicyReplay['refusals'] = [];
  const waiting: WaitingApproval[] = [];
  const windowRunId = (windowId: string) => attemptRunId(WINDOW_RUN_PREFIX, windowId, 0);
  // A human's answer is a run of its own (one per approval: two may fall due in one window), under the window it was given in.
  const optionsAt = (now: Date, summary: string, windowId: string, approvalId: string) => controlOptionsAt({ ...paths, policyPath: input.policyPath, summaryPath: summary, dataset: timeline.dataset.source }, { now, actor: `${REPLAY_ACTOR} (--approvals ${describeApprovalsRule(input.approvals)})`, runId: `${windowRunId(windowId)}-answer-${approvalId}`, windowId });

  /** Answers the approvals due by `now`, on the inputs of the window just decided. */
  const answerDue = (nowMs: number, summary: string, windowId: string) => {
    for (const item of waiting.filter((entry) => entry.dueMs <= nowMs)) {
      waiting.splice(waiting.indexOf(item), 1);
      const options = optionsAt(new Date(nowMs), summary, windowId, item.id);
      const approval = item.record.approval as NonNullable<WindowRecord['approval']>;
      try {
        if (input.approvals.kind === 'reject') {
          rejectApproval(options, item.id, `replay: --approvals reject`);
          approval.answer = 'rejected';
          approval.answered_in = windowId;
          continue;
        }
        const { outcome } = approveApproval(options, item.id, `replay: --approvals ${describeApprovalsRule(input.approvals)}`);
        approval.answer = 'approved';
        approval.outcome = outcome.release.outcome;
        approval.answered_in = windowId;
      } catch (error) {
        if (!isUserError(error)) throw error;
        // Expired or stale by the time it was answered: closed and audited by the control plane, nothing ran.
        approval.answer = 'closed';
        approval.answered_in = windowId;
        input.log(`replay ${input.label}: ${item.id} not carried out: ${errorMessage(error)}`);
      }
    }
  };

  for (const day of timeline.days) {
    day.rows.forEach((row, index) => open.push({ row, after: { kind: 'batches', file: day.date, row: index + 1 }, kept: day.kept[index] as KeptRow }));
    const windows = cutWindows(open, { kind: 'day' }, policy.drift_policy.min_samples, { firstRowIndex: 0, closedThroughMs: day.endMs, eventMs });
    for (const window of windows) {
      const windowRows = open.slice(0, window.rows.length).map((entry) => entry.kept);
      open = open.slice(window.rows.length);
      labelWindow.learn(feed.deliverThrough(window.endMs));
      checkEstimates(window.endMs);
      const { before, added, labelled } = labelWindow.enter(windowRows, window.endMs, labelWindowDays, policy.shock_policy.retrain_includes_shock);
      const now = new Date(window.endMs);
      const facts: WindowFacts = { window: window.id, day: Math.round((window.endMs - DAY_MS - (timeline.days[0] as { startMs: number }).startMs) / DAY_MS), startMs: window.startMs, endMs: window.endMs, rows: windowRows.length, labelledRows: labelled.length };
      const servingBefore = ModelRegistry.open(paths.registryDirectory).productionVersion();
      let record: WindowRecord;
      try {
        const result = await runWindow(context, { id: window.id, runId: windowRunId(window.id), auditWindowId: window.id, rows: windowRows, before, labelled, now });
        record = windowRecord(facts, result.summary, result.control, result.runId);
        if (record.incident === 'shock') markShock(added);
        if (result.control.release.outcome === 'pending_approval' && result.control.release.approval_id !== null && !waiting.some((entry) => entry.id === result.control.release.approval_id)) {
          waiting.push({ id: result.control.release.approval_id, dueMs: answerDueMs(input.approvals, window.endMs), record });
        }
        answerDue(window.endMs, summaryPath(result.directory), window.id);
      } catch (error) {
        if (!isUserError(error)) throw error;
        refusals.push({ window: window.id, reason: errorMessage(error) });
        input.log(`replay ${input.label}: window ${window.id} refused: ${errorMessage(error)}`);
        record = undecidedRecord(facts, windowRunId(window.id));
      }
      record.serving_version = servingBefore;
      record.serving_version_after = ModelRegistry.open(paths.registryDirectory).productionVersion();
      record.hindsight_auc = servingBefore === null ? null : hindsightAuc(artifactOf(servingBefore), timeline.dataset, windowRows, timeline.hindsight, `${timeline.directory} window ${window.id}`);
      if (record.estimated_auc !== null && servingBefore !== null) pendingChecks.add({ window: window.id, endMs: window.endMs, modelVersion: servingBefore, estimatedAuc: record.estimated_auc, rows: added });
      records.push(record);
      recordOf.set(window.id, record);
    }
  }
  // Labels keep coming after the last day: the last windows' estimates are checked when theirs have.
  labelWindow.learn(feed.deliverThrough(Number.POSITIVE_INFINITY));
  checkEstimates(Number.POSITIVE_INFINITY);
  // Still waiting when the timeline ended: the record says how the approval ended (a later run may have expired it).
  for (const item of waiting) {
    const { status } = loadApproval(paths.approvalsDirectory, item.id);
    const approval = item.record.approval as NonNullable<WindowRecord['approval']>;
    if (status === 'expired' || status === 'stale') approval.answer = 'closed';
    else if (status === 'rejected') approval.answer = 'rejected';
  }
  const registry = ModelRegistry.open(paths.registryDirectory);
  const history = registry.history();
  const { records: audit } = readVerifiedAudit(paths.eventsDirectory, auditKeyFromEnvironment(), mirroredPositions(history));
  const verification = verifyActions({ audit, history, policy, run: (runId) => readRecordedRun(paths.eventsDirectory, runId) });
  return { label: input.label, policyPath: input.policyPath, records, verification, refusals };
}

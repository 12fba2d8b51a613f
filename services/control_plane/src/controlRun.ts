import { dirname } from 'node:path';
import type { PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { loadPolicyWithHash } from '../../core/src/domain/promotionPolicy.ts';
import type { ApprovalStatus, AuditKind } from '../../core/src/domain/vocabularies.ts';
import { errorMessage, isUserError, UserError } from '../../core/src/infrastructure/errors.ts';
import { faultPoint } from '../../core/src/infrastructure/faultPoint.ts';
import { sha256OfFileSync } from '../../core/src/infrastructure/fileHash.ts';
import { withFileLock } from '../../core/src/infrastructure/fileLock.ts';
import { readMonitoringSummary, recordDecisionInReport, servingReference, type MonitoringSummary } from '../../monitoring/src/index.ts';
import { ModelRegistry, rollbackCandidate, type HistoryEntry } from '../../registry/src/index.ts';
import { compareForRollback, planHumanAction, runPlanner, type HumanOrigin, type PlannerInput } from './agents/planner.ts';
import { runRelease, type ReleaseEffects } from './agents/release.ts';
import { runSentinel, type Serving } from './agents/sentinel.ts';
import { pastIncidentHistory } from './agents/rootCause.ts';
import { assertOwnOutput } from '../../core/src/infrastructure/jsonSchema.ts';
import { validateSentinelReport } from './eventSchemas.ts';
import { hasExpired, judgeApproval } from './approvalValidity.ts';
import { approvalExists, listApprovals, loadApproval, saveApproval, type Approval, type ApprovalIncident, type DecisionInputs } from './approvalsStore.ts';
import type { MirroredPosition } from './auditChain.ts';
import { appendAudit, readVerifiedAudit, type AuditEntry, type AuditRecord } from './auditLog.ts';
import type { ControlOptions } from './controlOptions.ts';
import type { ExecutionPlan, ReleaseResult, RollbackComparison, SentinelReport } from './controlTypes.ts';
import { deferralEntries, openDeferrals } from './deferrals.ts';
import { auditPath, challengerReferencePath, challengerTrainingPath, controlLockPath, runDirectoryPath, writeRunEvents } from './eventsStore.ts';
import { failedGuardrails, guardrailReason } from './guardrails.ts';
import { createReleaseEffects, type EffectMark, type EffectStart } from './releaseEffects.ts';
import { judgeUnderPolicy } from './summaryUnderPolicy.ts';
import { WindowAlreadyDecided, windowDecision } from './windowDecisions.ts';
import { intentEntry, intentKey, openIntents, outcomeEntry, retrainTimes, settleIntent } from './writeAhead.ts';
import { DEFAULT_DATASET, loadDatasetSpec, type LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';

export interface ControlOutcome {
  sentinel: SentinelReport;
  plan: ExecutionPlan;
  release: ReleaseResult;
  runDirectory: string;
}

/**
 * The run's records, in the audit log: each of this run's own records carries the window
 * it decided when the watcher or a replay started the run, so a window's decision is found
 * by its id, and the alert that started it when Alertmanager did. What the run writes for
 * earlier runs (an intent settled, an approval expired) keeps their runs' own windows out of it.
 */
export function appendRunAudit(options: ControlOptions, entries: AuditEntry[]): ReturnType<typeof appendAudit> {
  const { windowId, trigger } = options;
  const stamped = (entry: AuditEntry): AuditEntry => (entry.run_id !== options.runId ? entry : {
    ...entry,
    detail: {
      ...entry.detail,
      ...(windowId === undefined ? {} : { window_id: windowId }),
      // An alert's own record carries the whole alert; the trigger names it on the records the run decided.
      ...(trigger === undefined || entry.kind === 'alert' ? {} : { trigger }),
    },
  });
  return appendAudit(options.eventsDirectory, entries.map(stamped), options.auditKey);
}

/** Two control runs never interleave: the second waits, then refuses naming the holder. */
export function withControlLock<T>(options: Pick<ControlOptions, 'eventsDirectory' | 'lockTimeoutMs'>, purpose: string, work: () => T): T {
  return withFileLock(controlLockPath(options.eventsDirectory), { timeoutMs: options.lockTimeoutMs, purpose }, work);
}

/** The audit positions the registry's moves recorded: copies of the log's head that outlive a cut log. */
export function mirroredPositions(history: readonly HistoryEntry[]): MirroredPosition[] {
  return history.flatMap((entry) => (entry.audit_head
    ? [{ ...entry.audit_head, source: `the registry history (v${entry.version} ${entry.from ?? 'new'} -> ${entry.to} at ${entry.time})` }]
    : []));
}

/**
 * First thing under the lock, before anything is decided: the audit log is checked
 * against its head and the registry's copies (a broken log stops the run, naming the
 * line), and the intents of runs that died are settled from what the registry and the
 * approvals show. Returns the log's records, settlements included.
 */
export function openControlRun(options: ControlOptions, run: { decidesWindow: boolean } = { decidesWindow: false }): AuditRecord[] {
  const registry = ModelRegistry.open(options.registryDirectory);
  const history = registry.history();
  let records: AuditRecord[];
  try {
    ({ records } = readVerifiedAudit(options.eventsDirectory, options.auditKey, mirroredPositions(history)));
  } catch (error) {
    throw isUserError(error) ? new UserError(`${error.message}; refusing to act on it, nothing was done (see make audit-verify)`) : error;
  }
  // Checked and claimed under the lock: two watchers judging one window (under one run id, or two attempts') decide it once.
  // Only a run deciding its window: a human's answer given in a window (a replay's approvals) is not that window's decision.
  const decided = !run.decidesWindow || options.windowId === undefined ? undefined : windowDecision(records, options.windowId);
  if (decided !== undefined) throw new WindowAlreadyDecided(options.windowId as string, decided.run_id, `${auditPath(options.eventsDirectory)}: line ${decided.seq}`);
  // A run id names one run: it keys the run's intent and its approval, so a second run under it could repeat an effect.
  const earlier = records.find((record) => record.run_id === options.runId);
  if (earlier) throw new UserError(`run id "${options.runId}" is already in ${auditPath(options.eventsDirectory)} (line ${earlier.seq}): a run id names one run; leave --run-id out to get a new one`);
  const world = {
    history,
    versionsOfRun: (runId: string) => registry.versions().filter((version) => version.metadata.run_id === runId).map((version) => version.metadata.version),
    approvalExists: (id: string) => approvalExists(options.approvalsDirectory, id),
  };
  alignApprovalsWithAudit(options.approvalsDirectory, records);
  const settlements = openIntents(records).map((intent) => settleIntent(intent, world));
  if (settlements.length === 0) return [...records, ...expireApprovals(options)];
  for (const settlement of settlements) {
    if (settlement.reopenApproval !== null) {
      // The human's approval was claimed by a run that never acted on it: it waits again.
      const approval = loadApproval(options.approvalsDirectory, settlement.reopenApproval);
      saveApproval(options.approvalsDirectory, { ...approval, status: 'pending', decided_at: null, decided_by: null, reason: null, executed_run_id: null });
    }
  }
  const { records: written } = appendRunAudit(options, settlements.map((settlement) => outcomeEntry(options.now, settlement.runId, settlement.key, settlement.outcome, {
    settled: settlement.settled,
    started: settlement.started,
    reconciled_by: options.runId,
    explanation: settlement.explanation,
    reopened_approval: settlement.reopenApproval,
  })));
  return [...records, ...written, ...expireApprovals(options)];
}

/** A decision on an approval that is not a human's yes: what it records and what status it leaves. */
type ApprovalClosing = Extract<ApprovalStatus, 'rejected' | 'expired' | 'stale'>;

/** Who closes an approval nobody decided in time: the expiry, not whoever's run noticed it. */
const EXPIRY_ACTOR = 'expiry (autonomy.approval_ttl_hours)';

/** Recorded in the audit log first, then saved: a crash in between is put right by the next run (alignApprovalsWithAudit). */
export function closeApproval(options: ControlOptions, approval: Approval, status: ApprovalClosing, reason: string, by = options.actor): AuditRecord[] {
  const { records } = appendRunAudit(options, [{ time: options.now.toISOString(), run_id: approval.run_id, kind: 'approval', decision: status, detail: { approval_id: approval.id, by, reason } }]);
  faultPoint('after_decision_recorded');
  saveApproval(options.approvalsDirectory, { ...approval, status, reason, decided_at: options.now.toISOString(), decided_by: by });
  return records;
}

/** Pending approvals past their expiry are closed as expired, each audited, before anything is decided. */
function expireApprovals(options: ControlOptions): AuditRecord[] {
  return listApprovals(options.approvalsDirectory).filter((approval) => hasExpired(approval, options.now))
    .flatMap((approval) => closeApproval(options, approval, 'expired', `nobody decided before ${approval.expires_at} (autonomy.approval_ttl_hours)`, EXPIRY_ACTOR));
}

/**
 * A decision on an approval is recorded in the audit log before the approval file is
 * saved; a file still pending after its decision was recorded (a crash in between) is
 * saved now as the record says.
 */
function alignApprovalsWithAudit(directory: string, records: readonly AuditRecord[]): void {
  for (const record of records) {
    if (record.kind !== 'approval' || typeof record.detail.approval_id !== 'string' || !approvalExists(directory, record.detail.approval_id)) continue;
    const approval = loadApproval(directory, record.detail.approval_id);
    if (approval.status !== 'pending') continue;
    const decided = { decided_at: record.time, decided_by: String(record.detail.by ?? 'unknown') };
    const closing = (['rejected', 'expired', 'stale'] as const).find((status) => status === record.decision);
    saveApproval(directory, closing
      ? { ...approval, ...decided, status: closing, reason: String(record.detail.reason ?? '') }
      : { ...approval, ...decided, status: 'approved', reason: typeof record.detail.reason === 'string' ? record.detail.reason : approval.reason, executed_run_id: record.run_id });
  }
}

/** What a run decides from: the policy, and the summary as that policy judges it. */
export interface ControlInputs {
  policy: PromotionPolicy;
  policySha256: string;
  summary: MonitoringSummary;
  summarySha256: string;
  /** The summary's verdicts the current policy changed (summaryUnderPolicy.ts). */
  rejudged: string[];
  /** The dataset spec the summary's data was read with: a retrain's features and label. */
  dataset: LoadedDatasetSpec;
}

/**
 * The dataset spec to act with: the one the summary records, unchanged since the monitor
 * read it (a feature added in between would train a model on columns nobody judged), or
 * the one named by --dataset, which must then be that same spec. A summary made without
 * a spec is read with the named one, or the default.
 */
export function datasetOfSummary(summary: MonitoringSummary, summaryPath: string, named: string | undefined): LoadedDatasetSpec {
  const recorded = summary.dataset ?? null;
  if (recorded === null) return loadDatasetSpec(named ?? DEFAULT_DATASET);
  const loaded = loadDatasetSpec(named ?? recorded.source);
  if (loaded.sha256 !== recorded.sha256) {
    const what = named === undefined ? `${recorded.source} changed since the monitor read it` : `--dataset ${named} is not the spec the monitor read (${recorded.source})`;
    throw new UserError(`${what} (sha256 ${loaded.sha256.slice(0, 12)}, ${summaryPath} records ${recorded.sha256.slice(0, 12)}): re-run the monitor, nothing was done`);
  }
  return loaded;
}

/**
 * The current data must be the data the summary judged: decided on one and acted on the
 * other, a retrain would train on rows nobody looked at, and an approval would outlive
 * the data it was asked for.
 */
function assertCurrentUnchanged(summary: MonitoringSummary, summaryPath: string): void {
  for (const { path, sha256 } of [summary.current, ...(summary.labelled ? [summary.labelled] : [])]) {
    let actual: string;
    try {
      actual = sha256OfFileSync(path);
    } catch (error) {
      throw new UserError(`cannot read ${path}, the current data ${summaryPath} was made from: ${errorMessage(error)}; re-run the monitor`);
    }
    if (actual !== sha256) throw new UserError(`${path} changed since the monitor read it (sha256 ${actual.slice(0, 12)}, ${summaryPath} records ${sha256.slice(0, 12)}): re-run the monitor, nothing was done`);
  }
}

/** The labelled rows a retrain trains on and a comparison scores: the label window's, over time, else the current data's own. */
function labelledData(summary: MonitoringSummary): { path: string; sha256: string } {
  return summary.labelled ?? summary.current;
}

function loadInputs(options: ControlOptions): ControlInputs {
  const { policy, sha256: policySha256 } = loadPolicyWithHash(options.policyPath);
  const { summary, sha256 } = readMonitoringSummary(options.summaryPath);
  assertCurrentUnchanged(summary, options.summaryPath);
  const dataset = datasetOfSummary(summary, options.summaryPath, options.dataset);
  const judged = judgeUnderPolicy(summary, options.summaryPath, policy, policySha256);
  return { policy, policySha256, summary: judged.summary, summarySha256: sha256, rejudged: judged.rejudged, dataset };
}

/** What serves now, and the reference the policy says the monitor should have compared with. */
function servingNow(policy: PromotionPolicy, registry: ModelRegistry): Serving {
  return { version: registry.productionVersion(), rollbackTarget: rollbackCandidate(registry), reference: servingReference(policy.reference, registry) };
}

/** What an approval asked now would be made from. */
function decisionInputs(inputs: ControlInputs, serving: Serving): DecisionInputs {
  return {
    summary_sha256: inputs.summarySha256,
    current_sha256: inputs.summary.current.sha256,
    reference_sha256: inputs.summary.reference.sha256,
    policy_sha256: inputs.policySha256,
    production_version: serving.version,
    rollback_target: serving.rollbackTarget,
  };
}

function incidentOf(report: SentinelReport): ApprovalIncident {
  return { type: report.incident_type, severity: report.severity, rule: report.rule, explanation: report.explanation };
}

/** A refusal is a decision too: it is audited, and nothing else happens. */
export function refusingOnError<T>(options: ControlOptions, load: () => T): T {
  try {
    return load();
  } catch (error) {
    appendRunAudit(options, [{ time: options.now.toISOString(), run_id: options.runId, kind: 'refusal', decision: 'no_action', detail: { reason: errorMessage(error) } }]);
    throw isUserError(error) ? error : new UserError(errorMessage(error));
  }
}

/** The run's inputs, or its audited refusal; `precondition` lets a caller refuse for a reason of its own first (POST /alerts: no summary yet is a 404). */
export function loadInputsOrRefuse(options: ControlOptions, precondition: () => void = () => {}): ControlInputs {
  return refusingOnError(options, () => {
    precondition();
    return loadInputs(options);
  });
}

/**
 * The sentinel's report, checked against its schema here, before any effect: a report
 * that could not be written must stop the run before it acts, not after.
 */
function sentinelFor(options: ControlOptions, { policy, summary, summarySha256, rejudged }: ControlInputs, serving: Serving, history: readonly AuditRecord[]): SentinelReport {
  const report = runSentinel({ runId: options.runId, now: options.now, summary, summaryIdentity: { path: options.summaryPath, sha256: summarySha256 }, rejudged, policy, serving, history });
  return assertOwnOutput(validateSentinelReport, report, 'sentinel report');
}

/**
 * On a regression, with rollback_when_previous_is_better: the serving and the earlier
 * Production version, both scored on all current labels. Null when there is nothing to
 * compare (no earlier version, no labels), which leaves the regression to on_regression.
 */
function rollbackComparisonFor(policy: PromotionPolicy, sentinel: SentinelReport, registry: ModelRegistry, effects: ReleaseEffects): RollbackComparison | null {
  if (sentinel.incident_type !== 'concept_drift' && sentinel.incident_type !== 'bad_model') return null;
  const champion = sentinel.production_version;
  const previous = rollbackCandidate(registry);
  if (!policy.performance_policy.rollback_when_previous_is_better || champion === null || previous === null) return null;
  try {
    return compareForRollback(effects.evaluate(champion, 'all'), effects.evaluate(previous, 'all'), policy.performance_policy.rollback_margin);
  } catch {
    return null;
  }
}

/** What the planner reads, from the inputs, the sentinel's report and the audit log. */
function plannerInput(options: ControlOptions, { policy, summary }: ControlInputs, sentinel: SentinelReport, records: readonly AuditRecord[], rollbackComparison: RollbackComparison | null): PlannerInput {
  return {
    report: sentinel,
    policy,
    now: options.now,
    currentRows: summary.current.rows,
    minSamples: summary.min_samples,
    retrainTimes: retrainTimes(records),
    rollbackComparison,
    openDeferrals: openDeferrals(records),
  };
}

/**
 * The run's write-ahead: the first effect appends (and flushes) the intent, then, for a
 * human's approval, claims it; every effect gets the intent's key and the log's position.
 */
class WriteAhead {
  private mark: (EffectMark & { effect: EffectStart['effect'] }) | undefined;

  constructor(private readonly options: ControlOptions, private readonly championBefore: number | null, private readonly claim?: { approvalId: string; save: () => void }) {}

  get key(): string | undefined {
    return this.mark?.idempotencyKey;
  }

  begin = (start: EffectStart): EffectMark => {
    if (this.mark) {
      if (this.mark.effect !== start.effect) throw new Error(`internal: run ${this.options.runId} began ${start.effect} after ${this.mark.effect}`);
      return { idempotencyKey: this.mark.idempotencyKey, auditHead: this.mark.auditHead };
    }
    const key = intentKey(this.options.runId, start.effect);
    const { position } = appendRunAudit(this.options, [intentEntry(this.options.now, this.options.runId, {
      key,
      action: start.effect === 'retrain' ? 'retrain_and_evaluate' : start.effect === 'rollback' ? 'rollback' : 'escalate',
      effect: start.effect,
      champion_before: this.championBefore,
      target_version: start.targetVersion,
      approval_id: this.claim?.approvalId ?? start.approvalId,
      claimed_approval: this.claim !== undefined,
    })]);
    faultPoint('after_intent');
    this.claim?.save();
    faultPoint('after_claim');
    this.mark = { effect: start.effect, idempotencyKey: key, auditHead: position };
    return { idempotencyKey: key, auditHead: position };
  };
}

/**
 * The release's effects on this run's inputs. `incident` is the one the action answers
 * (the sentinel's, or the approved one's): a shock's surge hours are left out of a
 * retrain unless shock_policy.retrain_includes_shock.
 */
function effectsFor(options: ControlOptions, inputs: ControlInputs, serving: Serving, incident: ApprovalIncident, writeAhead: WriteAhead): ReleaseEffects {
  const { summary, policy } = inputs;
  const runDirectory = runDirectoryPath(options.eventsDirectory, options.runId);
  return createReleaseEffects({
    // Over time (a labelled table of its own) the shock's rows are the watcher's to leave out, by window: its hours are
    // only the current window's, and the labelled rows are other days'.
    excludedHours: incident.type === 'shock' && !policy.shock_policy.retrain_includes_shock && !summary.labelled ? summary.volume.surge_hours : null,
    approvalBasis: { incident, inputs: decisionInputs(inputs, serving), ttlHours: policy.autonomy.approval_ttl_hours },
    registryDirectory: options.registryDirectory,
    approvalsDirectory: options.approvalsDirectory,
    trainingDataPath: challengerTrainingPath(runDirectory),
    referenceDataPath: challengerReferencePath(runDirectory),
    referencePath: summary.reference.path,
    currentPath: labelledData(summary).path,
    currentSha256: labelledData(summary).sha256,
    referenceSha256: summary.reference.sha256,
    policy,
    dataset: inputs.dataset,
    runId: options.runId,
    actor: options.actor,
    now: options.now,
    beginEffect: writeAhead.begin,
  });
}

/**
 * The drifted columns of an incident, for a later run to find it among similar past
 * incidents (agents/rootCause.ts). Left out when there is no incident or the columns are
 * not known (the summary compared with another reference): such a record is never alike.
 */
function incidentColumns(sentinel: SentinelReport): { drifted_columns?: string[] } {
  const moved = sentinel.root_cause?.moved_features;
  return moved ? { drifted_columns: moved.map((feature) => feature.column) } : {};
}

/** The ROC AUCs a release compared (null where it compared none): what a later run quotes as "before → after". */
function releaseAucs(release: ReleaseResult): { champion_roc_auc: number | null; challenger_roc_auc: number | null; previous_roc_auc: number | null } {
  const { champion, challenger, previous } = release.evaluation;
  return { champion_roc_auc: champion?.roc_auc ?? null, challenger_roc_auc: challenger?.roc_auc ?? null, previous_roc_auc: previous?.roc_auc ?? null };
}

/** The audit lines of one decision, by agent: the runner chooses which it writes. */
function decisionEntries(now: Date, sentinel: SentinelReport, plan: ExecutionPlan, release: ReleaseResult): Record<Extract<AuditKind, 'sentinel' | 'plan' | 'release'>, AuditEntry> {
  const time = now.toISOString();
  return {
    sentinel: { time, run_id: sentinel.run_id, kind: 'sentinel', decision: `${sentinel.incident_type}/${sentinel.severity}`, detail: { rule: sentinel.rule, production_version: sentinel.production_version, summary_sha256: sentinel.monitoring_summary.sha256, ...incidentColumns(sentinel) } },
    plan: { time, run_id: plan.run_id, kind: 'plan', decision: plan.action, detail: { policy_rule: plan.policy_rule, status: plan.status, confidence: plan.confidence.value, requires_approval: plan.requires_approval, guardrails: plan.guardrails.map((check) => `${check.name}:${check.passed ? 'pass' : 'fail'}`) } },
    release: { time, run_id: release.run_id, kind: 'release', decision: release.outcome, detail: { action: release.action, outcome: release.outcome, champion_before: release.champion_version_before, champion_after: release.champion_version_after, challenger: release.challenger_version, approval_id: release.approval_id, ...releaseAucs(release) } },
  };
}

/** The outcome that closes the run's intent, when it wrote one. */
function closingEntries(options: ControlOptions, writeAhead: WriteAhead, release: ReleaseResult): AuditEntry[] {
  const key = writeAhead.key;
  return key === undefined ? [] : [outcomeEntry(options.now, options.runId, key, release.outcome, { settled: 'completed', started: true, champion_after: release.champion_version_after, challenger: release.challenger_version })];
}

/**
 * The decision at the top of the drift report it was made from. Written last, after the
 * audit: the report is a view, and a crash before it loses nothing the log does not hold.
 */
function showInReport(options: ControlOptions, inputs: ControlInputs, sentinel: SentinelReport, plan: ExecutionPlan, release: ReleaseResult): void {
  recordDecisionInReport(dirname(options.summaryPath), {
    control_run_id: options.runId,
    summary_sha256: inputs.summarySha256,
    incident_type: sentinel.incident_type,
    severity: sentinel.severity,
    rule: sentinel.rule,
    action: release.action,
    outcome: release.outcome,
    plan_status: plan.status,
    reasons: [...plan.reasons, ...release.reasons],
    caveats: sentinel.caveats,
    decided_at: options.now.toISOString(),
    similar_incidents: sentinel.root_cause?.similar_incidents.map((incident) => incident.description) ?? [],
  });
}

/** make control: sentinel -> planner -> release under the policy; events and audit written by this runner alone. */
export function runControl(options: ControlOptions): ControlOutcome {
  return withControlLock(options, `control run ${options.runId}`, () => {
    const records = openControlRun(options, { decidesWindow: true });
    return decideOnInputs(options, records, loadInputsOrRefuse(options));
  });
}

/** sentinel -> planner -> release on inputs already loaded, by a caller holding the control lock after openControlRun. */
export function decideOnInputs(options: ControlOptions, records: readonly AuditRecord[], inputs: ControlInputs): ControlOutcome {
  const registry = ModelRegistry.open(options.registryDirectory);
  const serving = servingNow(inputs.policy, registry);
  const sentinel = sentinelFor(options, inputs, serving, records);
  const writeAhead = new WriteAhead(options, serving.version);
  const effects = effectsFor(options, inputs, serving, incidentOf(sentinel), writeAhead);
  const plan = runPlanner(plannerInput(options, inputs, sentinel, records, rollbackComparisonFor(inputs.policy, sentinel, registry, effects)));
  const release = runRelease({ plan, policy: inputs.policy, now: options.now }, effects);
  faultPoint('before_events');
  writeRunEvents(options.eventsDirectory, { sentinel, plan, release });
  const entries = decisionEntries(options.now, sentinel, plan, release);
  const deferrals = deferralEntries(options.now, options.runId, openDeferrals(records), plan);
  appendRunAudit(options, [entries.sentinel, entries.plan, ...deferrals, entries.release, ...closingEntries(options, writeAhead, release)]);
  showInReport(options, inputs, sentinel, plan, release);
  return { sentinel, plan, release, runDirectory: runDirectoryPath(options.eventsDirectory, options.runId) };
}

/** Where a human-initiated action comes from: a pending approval, or a direct request (POST /action). */
export type HumanRequest =
  | { kind: 'approval'; approval: Approval; reason: string | null }
  | { kind: 'manual'; requestedAction: Extract<HumanOrigin, { kind: 'manual' }>['action'] };

/** An approval as decided by this run: claimed before the first effect, saved again (the same) at the end. */
function approvedBy(options: ControlOptions, approval: Approval, reason: string | null): Approval {
  return { ...approval, status: 'approved', reason, decided_at: options.now.toISOString(), decided_by: options.actor, executed_run_id: options.runId };
}

/**
 * A human's decision, carried out by the caller holding the control lock (after
 * openControlRun): the planner plans the approved (or requested) action with the
 * guardrails checked now, the release applies the same gates as any run; the human's
 * decision and its result are audited. An approval is claimed, after the intent and
 * before any effect, so a crash can neither lose the decision nor run it twice.
 */
export function carryOutHumanDecision(options: ControlOptions, request: HumanRequest, records: readonly AuditRecord[]): ControlOutcome {
  const inputs = loadInputsOrRefuse(options);
  const registry = ModelRegistry.open(options.registryDirectory);
  const serving = servingNow(inputs.policy, registry);
  const sentinel = sentinelFor(options, inputs, serving, pastIncidentHistory(records, request.kind === 'approval' ? request.approval.run_id : undefined));
  const writeAheadFor = (claim?: { approvalId: string; save: () => void }) => new WriteAhead(options, serving.version, claim);
  const effectsOf = (incident: ApprovalIncident, writeAhead: WriteAhead) => effectsFor(options, inputs, serving, incident, writeAhead);
  const basePlanner = plannerInput(options, inputs, sentinel, records, rollbackComparisonFor(inputs.policy, sentinel, registry, effectsOf(incidentOf(sentinel), writeAheadFor())));
  const { origin, incident, replanned } = humanOrigin(options, request, inputs, serving, sentinel, basePlanner);
  const plan = planHumanAction({ ...basePlanner, origin, actor: options.actor, runId: options.runId });
  if (replanned.length > 0) plan.reasons.push(`re-planned under the current inputs (autonomy.on_stale_approval: replan): ${replanned.join('; ')}`);
  if (plan.status === 'deferred') {
    // A guardrail holds a human's decision back: nothing runs, and an approval keeps waiting rather than being used up.
    const why = `${origin.action} cannot run now: ${failedGuardrails(plan.guardrails).map(guardrailReason).join('; ')}; ${origin.kind === 'approval' ? `${origin.approvalId} stays pending` : 'nothing ran'}`;
    appendRunAudit(options, [{ time: options.now.toISOString(), run_id: options.runId, kind: 'refusal', decision: 'no_action', detail: { reason: why, by: options.actor } }]);
    throw new UserError(why, 'conflict');
  }
  const approval = request.kind === 'approval' ? approvedBy(options, request.approval, request.reason) : undefined;
  const claim = approval ? { approvalId: approval.id, save: () => saveApproval(options.approvalsDirectory, approval) } : undefined;
  const writeAhead = writeAheadFor(claim);
  const approvalId = origin.kind === 'approval' ? origin.approvalId : `manual-${options.runId}`;
  const release = runRelease({ plan, policy: inputs.policy, now: options.now, approved: { approvalId, action: origin.action } }, effectsOf(incident, writeAhead));
  faultPoint('before_events');
  writeRunEvents(options.eventsDirectory, { sentinel, plan, release });
  const time = options.now.toISOString();
  const humanEntry: AuditEntry = origin.kind === 'approval'
    ? { time, run_id: options.runId, kind: 'approval', decision: `approved:${origin.action}`, detail: { approval_id: origin.approvalId, by: options.actor, from_run: origin.fromRun, reason: approval?.reason ?? null, replanned } }
    : { time, run_id: options.runId, kind: 'manual', decision: `requested:${origin.action}`, detail: { by: options.actor } };
  // The human's decision stands where the sentinel's would: the incident is the one the human acted on.
  const entries = decisionEntries(options.now, sentinel, plan, release);
  appendRunAudit(options, [humanEntry, entries.plan, entries.release, ...closingEntries(options, writeAhead, release)]);
  // Saved after the record (again, when an effect's intent already claimed it): a crash in between is put right by the next run.
  faultPoint('after_decision_recorded');
  if (claim) claim.save();
  showInReport(options, inputs, sentinel, plan, release);
  return { sentinel, plan, release, runDirectory: runDirectoryPath(options.eventsDirectory, options.runId) };
}

/**
 * What a human's decision runs on. A direct request answers the current incident. An
 * approval answers the incident and inputs it was asked for: expired, or asked under
 * other inputs (data, reference, serving model, policy, incident), it is closed and
 * refused with the reason, unless autonomy.on_stale_approval is replan and the current
 * data still shows that kind of incident: then the action runs on the current inputs.
 */
function humanOrigin(options: ControlOptions, request: HumanRequest, inputs: ControlInputs, serving: Serving, sentinel: SentinelReport, planner: PlannerInput): { origin: HumanOrigin; incident: ApprovalIncident; replanned: string[] } {
  const incidentNow = incidentOf(sentinel);
  if (request.kind === 'manual') return { origin: { kind: 'manual', action: request.requestedAction }, incident: incidentNow, replanned: [] };
  const { approval } = request;
  const handling = inputs.policy.autonomy.on_stale_approval;
  const planNow = runPlanner(planner);
  const judged = judgeApproval(approval, options.now, { inputs: decisionInputs(inputs, serving), incident: incidentNow }, handling, planNow);
  const origin: HumanOrigin = { kind: 'approval', approvalId: approval.id, fromRun: approval.run_id, plan: approval.plan, action: approval.approval_action };
  switch (judged.verdict) {
    case 'as_asked':
      return { origin, incident: approval.incident, replanned: [] };
    case 'replan':
      return { origin: { ...origin, plan: planNow }, incident: incidentNow, replanned: judged.changes };
    case 'expired':
      closeApproval(options, approval, 'expired', judged.reason, EXPIRY_ACTOR);
      throw new UserError(`${approval.id} expired at ${approval.expires_at}: nothing ran`, 'conflict');
    case 'stale':
      closeApproval(options, approval, 'stale', judged.reason);
      throw new UserError(`${approval.id} is stale, ${judged.reason}; nothing ran (autonomy.on_stale_approval: ${handling})`, 'conflict');
  }
}

/** POST /action: a human's direct request, run now under the lock. */
export function runHumanAction(options: ControlOptions, request: Extract<HumanRequest, { kind: 'manual' }>): ControlOutcome {
  return withControlLock(options, `manual ${request.requestedAction}`, () => carryOutHumanDecision(options, request, openControlRun(options)));
}

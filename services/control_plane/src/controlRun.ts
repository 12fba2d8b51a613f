import type { PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { loadPolicy } from '../../core/src/domain/promotionPolicy.ts';
import type { AuditKind } from '../../core/src/domain/vocabularies.ts';
import { errorMessage, isUserError, UserError } from '../../core/src/infrastructure/errors.ts';
import { faultPoint } from '../../core/src/infrastructure/faultPoint.ts';
import { withFileLock } from '../../core/src/infrastructure/fileLock.ts';
import { readMonitoringSummary, type MonitoringSummary } from '../../monitoring/src/index.ts';
import { ModelRegistry, rollbackCandidate, type HistoryEntry } from '../../registry/src/index.ts';
import { planHumanAction, runPlanner, type HumanOrigin, type PlannerInput } from './agents/planner.ts';
import { runRelease } from './agents/release.ts';
import { runSentinel } from './agents/sentinel.ts';
import { approvalExists, loadApproval, saveApproval, type Approval } from './approvalsStore.ts';
import type { MirroredPosition } from './auditChain.ts';
import { appendAudit, readVerifiedAudit, type AuditEntry, type AuditRecord } from './auditLog.ts';
import type { ControlOptions } from './controlOptions.ts';
import type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';
import { auditPath, challengerTrainingPath, controlLockPath, runDirectoryPath, writeRunEvents } from './eventsStore.ts';
import { createReleaseEffects, type EffectMark, type EffectStart } from './releaseEffects.ts';
import { intentEntry, intentKey, openIntents, outcomeEntry, retrainTimes, settleIntent } from './writeAhead.ts';

export interface ControlOutcome {
  sentinel: SentinelReport;
  plan: ExecutionPlan;
  release: ReleaseResult;
  runDirectory: string;
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
export function openControlRun(options: ControlOptions): AuditRecord[] {
  const registry = ModelRegistry.open(options.registryDirectory);
  const history = registry.history();
  let records: AuditRecord[];
  try {
    ({ records } = readVerifiedAudit(options.eventsDirectory, options.auditKey, mirroredPositions(history)));
  } catch (error) {
    throw isUserError(error) ? new UserError(`${error.message}; refusing to act on it, nothing was done (see make audit-verify)`) : error;
  }
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
  if (settlements.length === 0) return records;
  for (const settlement of settlements) {
    if (settlement.reopenApproval !== null) {
      // The human's approval was claimed by a run that never acted on it: it waits again.
      const approval = loadApproval(options.approvalsDirectory, settlement.reopenApproval);
      saveApproval(options.approvalsDirectory, { ...approval, status: 'pending', decided_at: null, decided_by: null, reason: null, executed_run_id: null });
    }
  }
  const { records: written } = appendAudit(options.eventsDirectory, settlements.map((settlement) => outcomeEntry(options.now, settlement.runId, settlement.key, settlement.outcome, {
    settled: settlement.settled,
    started: settlement.started,
    reconciled_by: options.runId,
    explanation: settlement.explanation,
    reopened_approval: settlement.reopenApproval,
  })), options.auditKey);
  return [...records, ...written];
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
    saveApproval(directory, record.decision === 'rejected'
      ? { ...approval, ...decided, status: 'rejected', reason: String(record.detail.reason ?? '') }
      : { ...approval, ...decided, status: 'approved', reason: typeof record.detail.reason === 'string' ? record.detail.reason : approval.reason, executed_run_id: record.run_id });
  }
}

interface ControlInputs { policy: PromotionPolicy; summary: MonitoringSummary; summarySha256: string }

function loadInputs(options: ControlOptions): ControlInputs {
  const policy = loadPolicy(options.policyPath);
  const { summary, sha256 } = readMonitoringSummary(options.summaryPath);
  return { policy, summary, summarySha256: sha256 };
}

/** A refusal is a decision too: it is audited, and nothing else happens. */
function loadInputsOrRefuse(options: ControlOptions): ControlInputs {
  try {
    return loadInputs(options);
  } catch (error) {
    appendAudit(options.eventsDirectory, [{ time: options.now.toISOString(), run_id: options.runId, kind: 'refusal', decision: 'no_action', detail: { reason: errorMessage(error) } }], options.auditKey);
    throw isUserError(error) ? error : new UserError(errorMessage(error));
  }
}

function sentinelFor(options: ControlOptions, { policy, summary, summarySha256 }: ControlInputs, registry: ModelRegistry): SentinelReport {
  return runSentinel({ runId: options.runId, now: options.now, summary, summaryIdentity: { path: options.summaryPath, sha256: summarySha256 }, policy, productionVersion: registry.productionVersion() });
}

/** What the planner reads, from the inputs, the sentinel's report, the registry and the audit log. */
function plannerInput(options: ControlOptions, { policy, summary }: ControlInputs, sentinel: SentinelReport, registry: ModelRegistry, records: readonly AuditRecord[]): PlannerInput {
  return {
    report: sentinel,
    policy,
    now: options.now,
    currentRows: summary.current.rows,
    minSamples: summary.min_samples,
    retrainTimes: retrainTimes(records),
    previousProductionVersion: rollbackCandidate(registry),
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
    const { position } = appendAudit(this.options.eventsDirectory, [intentEntry(this.options.now, this.options.runId, {
      key,
      action: start.effect === 'retrain' ? 'retrain_and_evaluate' : start.effect === 'rollback' ? 'rollback' : 'escalate',
      effect: start.effect,
      champion_before: this.championBefore,
      target_version: start.targetVersion,
      approval_id: this.claim?.approvalId ?? start.approvalId,
      claimed_approval: this.claim !== undefined,
    })], this.options.auditKey);
    faultPoint('after_intent');
    this.claim?.save();
    faultPoint('after_claim');
    this.mark = { effect: start.effect, idempotencyKey: key, auditHead: position };
    return { idempotencyKey: key, auditHead: position };
  };
}

function effectsFor(options: ControlOptions, { summary, policy }: ControlInputs, writeAhead: WriteAhead) {
  const runDirectory = runDirectoryPath(options.eventsDirectory, options.runId);
  return createReleaseEffects({
    registryDirectory: options.registryDirectory,
    approvalsDirectory: options.approvalsDirectory,
    trainingDataPath: challengerTrainingPath(runDirectory),
    referencePath: summary.reference.path,
    currentPath: summary.current.path,
    currentSha256: summary.current.sha256,
    policy,
    runId: options.runId,
    actor: options.actor,
    now: options.now,
    beginEffect: writeAhead.begin,
  });
}

/** The audit lines of one decision, by agent: the runner chooses which it writes. */
function decisionEntries(now: Date, sentinel: SentinelReport, plan: ExecutionPlan, release: ReleaseResult): Record<Extract<AuditKind, 'sentinel' | 'plan' | 'release'>, AuditEntry> {
  const time = now.toISOString();
  return {
    sentinel: { time, run_id: sentinel.run_id, kind: 'sentinel', decision: `${sentinel.incident_type}/${sentinel.severity}`, detail: { rule: sentinel.rule, production_version: sentinel.production_version, summary_sha256: sentinel.monitoring_summary.sha256 } },
    plan: { time, run_id: plan.run_id, kind: 'plan', decision: plan.action, detail: { policy_rule: plan.policy_rule, status: plan.status, confidence: plan.confidence.value, requires_approval: plan.requires_approval, guardrails: plan.guardrails.map((check) => `${check.name}:${check.passed ? 'pass' : 'fail'}`) } },
    release: { time, run_id: release.run_id, kind: 'release', decision: release.outcome, detail: { action: release.action, outcome: release.outcome, champion_before: release.champion_version_before, champion_after: release.champion_version_after, challenger: release.challenger_version, approval_id: release.approval_id } },
  };
}

/** The outcome that closes the run's intent, when it wrote one. */
function closingEntries(options: ControlOptions, writeAhead: WriteAhead, release: ReleaseResult): AuditEntry[] {
  const key = writeAhead.key;
  return key === undefined ? [] : [outcomeEntry(options.now, options.runId, key, release.outcome, { settled: 'completed', started: true, champion_after: release.champion_version_after, challenger: release.challenger_version })];
}

/** make control: sentinel -> planner -> release under the policy; events and audit written by this runner alone. */
export function runControl(options: ControlOptions): ControlOutcome {
  return withControlLock(options, `control run ${options.runId}`, () => {
    const records = openControlRun(options);
    const inputs = loadInputsOrRefuse(options);
    const registry = ModelRegistry.open(options.registryDirectory);
    const sentinel = sentinelFor(options, inputs, registry);
    const plan = runPlanner(plannerInput(options, inputs, sentinel, registry, records));
    const writeAhead = new WriteAhead(options, registry.productionVersion());
    const release = runRelease({ plan, policy: inputs.policy, now: options.now }, effectsFor(options, inputs, writeAhead));
    faultPoint('before_events');
    writeRunEvents(options.eventsDirectory, { sentinel, plan, release });
    const entries = decisionEntries(options.now, sentinel, plan, release);
    appendAudit(options.eventsDirectory, [entries.sentinel, entries.plan, entries.release, ...closingEntries(options, writeAhead, release)], options.auditKey);
    return { sentinel, plan, release, runDirectory: runDirectoryPath(options.eventsDirectory, options.runId) };
  });
}

/** Where a human-initiated action comes from: a pending approval, or a direct request (POST /action). */
export type HumanRequest =
  | { kind: 'approval'; approval: Approval; reason: string | null }
  | { kind: 'manual'; requestedAction: Extract<HumanOrigin, { kind: 'manual' }>['action'] };

function originOf(request: HumanRequest): HumanOrigin {
  return request.kind === 'approval'
    ? { kind: 'approval', approvalId: request.approval.id, fromRun: request.approval.run_id, plan: request.approval.plan, action: request.approval.approval_action }
    : { kind: 'manual', action: request.requestedAction };
}

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
  const origin = originOf(request);
  const inputs = loadInputs(options);
  const registry = ModelRegistry.open(options.registryDirectory);
  const sentinel = sentinelFor(options, inputs, registry);
  const plan = planHumanAction({ ...plannerInput(options, inputs, sentinel, registry, records), origin, actor: options.actor, runId: options.runId });
  const approval = request.kind === 'approval' ? approvedBy(options, request.approval, request.reason) : undefined;
  const claim = approval ? { approvalId: approval.id, save: () => saveApproval(options.approvalsDirectory, approval) } : undefined;
  const writeAhead = new WriteAhead(options, registry.productionVersion(), claim);
  const approvalId = origin.kind === 'approval' ? origin.approvalId : `manual-${options.runId}`;
  const approved = plan.status === 'skipped' ? undefined : { approvalId, action: origin.action };
  const release = runRelease({ plan, policy: inputs.policy, now: options.now, approved }, effectsFor(options, inputs, writeAhead));
  faultPoint('before_events');
  writeRunEvents(options.eventsDirectory, { sentinel, plan, release });
  const time = options.now.toISOString();
  const humanEntry: AuditEntry = origin.kind === 'approval'
    ? { time, run_id: options.runId, kind: 'approval', decision: `approved:${origin.action}`, detail: { approval_id: origin.approvalId, by: options.actor, from_run: origin.fromRun, reason: approval?.reason ?? null } }
    : { time, run_id: options.runId, kind: 'manual', decision: `requested:${origin.action}`, detail: { by: options.actor } };
  // The human's decision stands where the sentinel's would: the incident is the one the human acted on.
  const entries = decisionEntries(options.now, sentinel, plan, release);
  appendAudit(options.eventsDirectory, [humanEntry, entries.plan, entries.release, ...closingEntries(options, writeAhead, release)], options.auditKey);
  // Saved after the record (again, when an effect's intent already claimed it): a crash in between is put right by the next run.
  faultPoint('after_decision_recorded');
  if (claim) claim.save();
  return { sentinel, plan, release, runDirectory: runDirectoryPath(options.eventsDirectory, options.runId) };
}

/** POST /action: a human's direct request, run now under the lock. */
export function runHumanAction(options: ControlOptions, request: Extract<HumanRequest, { kind: 'manual' }>): ControlOutcome {
  return withControlLock(options, `manual ${request.requestedAction}`, () => carryOutHumanDecision(options, request, openControlRun(options)));
}

import type { PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { loadPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { errorMessage, isUserError, UserError } from '../../core/src/infrastructure/errors.ts';
import { withFileLock } from '../../core/src/infrastructure/fileLock.ts';
import { readMonitoringSummary, type MonitoringSummary } from '../../monitoring/src/index.ts';
import { ModelRegistry, rollbackCandidate } from '../../registry/src/index.ts';
import { planHumanAction, runPlanner, type HumanOrigin, type PlannerInput } from './agents/planner.ts';
import { runRelease } from './agents/release.ts';
import { runSentinel } from './agents/sentinel.ts';
import type { Approval } from './approvalsStore.ts';
import { appendAudit, readAuditLines, retrainTimesFromAudit, type AuditEntry } from './auditLog.ts';
import type { ControlOptions } from './controlOptions.ts';
import type { AuditKind } from '../../core/src/domain/vocabularies.ts';
import type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';
import { auditPath, challengerTrainingPath, controlLockPath, runDirectoryPath, writeRunEvents } from './eventsStore.ts';
import { createReleaseEffects } from './releaseEffects.ts';

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

interface ControlInputs { policy: PromotionPolicy; summary: MonitoringSummary; summarySha256: string }

function loadInputs(options: ControlOptions): ControlInputs {
  const policy = loadPolicy(options.policyPath);
  const { summary, sha256 } = readMonitoringSummary(options.summaryPath);
  return { policy, summary, summarySha256: sha256 };
}

function sentinelFor(options: ControlOptions, { policy, summary, summarySha256 }: ControlInputs, registry: ModelRegistry): SentinelReport {
  return runSentinel({ runId: options.runId, now: options.now, summary, summaryIdentity: { path: options.summaryPath, sha256: summarySha256 }, policy, productionVersion: registry.productionVersion() });
}

/** What the planner reads, from the inputs, the sentinel's report, the registry and the audit log. */
function plannerInput(options: ControlOptions, { policy, summary }: ControlInputs, sentinel: SentinelReport, registry: ModelRegistry, retrainTimes: Date[]): PlannerInput {
  return {
    report: sentinel,
    policy,
    now: options.now,
    currentRows: summary.current.rows,
    minSamples: summary.min_samples,
    retrainTimes,
    previousProductionVersion: rollbackCandidate(registry),
  };
}

function effectsFor(options: ControlOptions, { summary, policy }: ControlInputs) {
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

/** make control: sentinel -> planner -> release under the policy; events and audit written by this runner alone. */
export function runControl(options: ControlOptions): ControlOutcome {
  return withControlLock(options, `control run ${options.runId}`, () => {
    const audit = auditPath(options.eventsDirectory);
    let inputs;
    try {
      inputs = loadInputs(options);
    } catch (error) {
      // A refusal is a decision too: it is audited, and nothing else happens.
      appendAudit(audit, [{ time: options.now.toISOString(), run_id: options.runId, kind: 'refusal', decision: 'no_action', detail: { reason: errorMessage(error) } }]);
      throw isUserError(error) ? error : new UserError(errorMessage(error));
    }
    const registry = ModelRegistry.open(options.registryDirectory);
    const sentinel = sentinelFor(options, inputs, registry);
    const plan = runPlanner(plannerInput(options, inputs, sentinel, registry, retrainTimesFromAudit(readAuditLines(audit))));
    const release = runRelease({ plan, policy: inputs.policy, now: options.now }, effectsFor(options, inputs));
    writeRunEvents(options.eventsDirectory, { sentinel, plan, release });
    const entries = decisionEntries(options.now, sentinel, plan, release);
    appendAudit(audit, [entries.sentinel, entries.plan, entries.release]);
    return { sentinel, plan, release, runDirectory: runDirectoryPath(options.eventsDirectory, options.runId) };
  });
}

/** Where a human-initiated action comes from: a pending approval, or a direct request (POST /action). */
export type HumanRequest =
  | { kind: 'approval'; approval: Approval }
  | { kind: 'manual'; requestedAction: Extract<HumanOrigin, { kind: 'manual' }>['action'] };

function originOf(request: HumanRequest): HumanOrigin {
  return request.kind === 'approval'
    ? { kind: 'approval', approvalId: request.approval.id, fromRun: request.approval.run_id, plan: request.approval.plan, action: request.approval.approval_action }
    : { kind: 'manual', action: request.requestedAction };
}

/**
 * A human's decision, run now as a new run: the planner plans the approved (or
 * requested) action with the guardrails checked at this moment, and the release applies
 * the same gates as any run; the human's decision and its result are audited.
 */
export function runHumanAction(options: ControlOptions, request: HumanRequest): ControlOutcome {
  const origin = originOf(request);
  const label = origin.kind === 'approval' ? `approval ${origin.approvalId}` : `manual ${origin.action}`;
  return withControlLock(options, label, () => {
    const inputs = loadInputs(options);
    const audit = auditPath(options.eventsDirectory);
    const registry = ModelRegistry.open(options.registryDirectory);
    const sentinel = sentinelFor(options, inputs, registry);
    const input = plannerInput(options, inputs, sentinel, registry, retrainTimesFromAudit(readAuditLines(audit)));
    const plan = planHumanAction({ ...input, origin, actor: options.actor, runId: options.runId });
    const approvalId = origin.kind === 'approval' ? origin.approvalId : `manual-${options.runId}`;
    const approved = plan.status === 'skipped' ? undefined : { approvalId, action: origin.action };
    const release = runRelease({ plan, policy: inputs.policy, now: options.now, approved }, effectsFor(options, inputs));
    writeRunEvents(options.eventsDirectory, { sentinel, plan, release });
    const time = options.now.toISOString();
    const humanEntry: AuditEntry = origin.kind === 'approval'
      ? { time, run_id: options.runId, kind: 'approval', decision: `approved:${origin.action}`, detail: { approval_id: origin.approvalId, by: options.actor, from_run: origin.fromRun } }
      : { time, run_id: options.runId, kind: 'manual', decision: `requested:${origin.action}`, detail: { by: options.actor } };
    // The human's decision stands where the sentinel's would: the incident is the one the human acted on.
    const entries = decisionEntries(options.now, sentinel, plan, release);
    appendAudit(audit, [humanEntry, entries.plan, entries.release]);
    return { sentinel, plan, release, runDirectory: runDirectoryPath(options.eventsDirectory, options.runId) };
  });
}

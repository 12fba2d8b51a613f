import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, isUserError, UserError } from '../../core/src/infrastructure/errors.ts';
import { withFileLock } from '../../core/src/infrastructure/fileLock.ts';
import { sha256Hex } from '../../core/src/infrastructure/fileHash.ts';
import { assertValid, compileSchema } from '../../core/src/infrastructure/jsonSchema.ts';
import { loadPolicy, type Action, type PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { readJsonFile } from '../../core/src/infrastructure/yamlFile.ts';
import { monitoringSummarySchema, type MonitoringSummary } from '../../monitoring/src/index.ts';
import { ModelRegistry, rollbackCandidate } from '../../registry/src/index.ts';
import { runPlanner } from './agents/planner.ts';
import { runRelease } from './agents/release.ts';
import { runSentinel } from './agents/sentinel.ts';
import { appendAudit, readAuditLines, retrainTimesFromAudit, type AuditEntry } from './auditLog.ts';
import type { Approval } from './approvalsStore.ts';
import type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';
import { runDirectoryPath, writeRunEvents } from './eventsStore.ts';
import { checkGuardrails } from './guardrails.ts';
import { createReleaseEffects } from './releaseEffects.ts';

export interface ControlOptions {
  eventsDirectory: string;
  approvalsDirectory: string;
  registryDirectory: string;
  policyPath: string;
  summaryPath: string;
  runId: string;
  now: Date;
  actor: string;
  lockTimeoutMs: number;
}

export interface ControlOutcome {
  sentinel: SentinelReport;
  plan: ExecutionPlan;
  release: ReleaseResult;
  runDirectory: string;
}

const validateSummary = compileSchema<MonitoringSummary>(monitoringSummarySchema);

export function auditPath(eventsDirectory: string): string {
  return join(eventsDirectory, 'audit.jsonl');
}

/** Two control runs never interleave: the second waits, then refuses naming the holder. */
export function withControlLock<T>(options: Pick<ControlOptions, 'eventsDirectory' | 'lockTimeoutMs'>, purpose: string, work: () => T): T {
  return withFileLock(join(options.eventsDirectory, '.control.lock'), { timeoutMs: options.lockTimeoutMs, purpose }, work);
}

interface ControlInputs { policy: PromotionPolicy; summary: MonitoringSummary; summarySha256: string }

function loadInputs(options: ControlOptions): ControlInputs {
  const policy = loadPolicy(options.policyPath);
  const summary = assertValid(validateSummary, readJsonFile(options.summaryPath), options.summaryPath);
  return { policy, summary, summarySha256: sha256Hex(readFileSync(options.summaryPath)) };
}

function sentinelFor(options: ControlOptions, { policy, summary, summarySha256 }: ControlInputs, registry: ModelRegistry): SentinelReport {
  return runSentinel({ runId: options.runId, now: options.now, summary, summaryIdentity: { path: options.summaryPath, sha256: summarySha256 }, policy, productionVersion: registry.productionVersion() });
}

function planFor(options: ControlOptions, { policy, summary }: ControlInputs, sentinel: SentinelReport, registry: ModelRegistry, retrainTimes: Date[]): ExecutionPlan {
  return runPlanner({
    report: sentinel,
    policy,
    now: options.now,
    currentRows: summary.current.rows,
    minSamples: summary.min_samples,
    retrainTimes,
    previousProductionVersion: rollbackCandidate(registry),
  });
}

function runDirectoryOf(options: ControlOptions): string {
  return runDirectoryPath(options.eventsDirectory, options.runId);
}

function effectsFor(options: ControlOptions, { summary, policy }: ControlInputs) {
  return createReleaseEffects({
    registryDirectory: options.registryDirectory,
    approvalsDirectory: options.approvalsDirectory,
    runDirectory: runDirectoryOf(options),
    referencePath: summary.reference.path,
    currentPath: summary.current.path,
    currentSha256: summary.current.sha256,
    policy,
    runId: options.runId,
    actor: options.actor,
    now: options.now,
  });
}

function decisionEntries(now: Date, sentinel: SentinelReport, plan: ExecutionPlan, release: ReleaseResult): AuditEntry[] {
  const time = now.toISOString();
  return [
    { time, run_id: sentinel.run_id, kind: 'sentinel', decision: `${sentinel.incident_type}/${sentinel.severity}`, detail: { rule: sentinel.rule, production_version: sentinel.production_version, summary_sha256: sentinel.monitoring_summary.sha256 } },
    { time, run_id: plan.run_id, kind: 'plan', decision: plan.action, detail: { policy_rule: plan.policy_rule, status: plan.status, confidence: plan.confidence.value, requires_approval: plan.requires_approval, guardrails: plan.guardrails.map((check) => `${check.name}:${check.passed ? 'pass' : 'fail'}`) } },
    { time, run_id: release.run_id, kind: 'release', decision: release.outcome, detail: { action: release.action, outcome: release.outcome, champion_before: release.champion_version_before, champion_after: release.champion_version_after, challenger: release.challenger_version, approval_id: release.approval_id } },
  ];
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
    const plan = planFor(options, inputs, sentinel, registry, retrainTimesFromAudit(readAuditLines(audit)));
    const release = runRelease({ plan, policy: inputs.policy, now: options.now }, effectsFor(options, inputs));
    writeRunEvents(options.eventsDirectory, { sentinel, plan, release });
    appendAudit(audit, decisionEntries(options.now, sentinel, plan, release));
    return { sentinel, plan, release, runDirectory: runDirectoryOf(options) };
  });
}

/** Where a human-initiated action comes from: a pending approval, or a direct request (POST /action). */
export type HumanOrigin =
  | { kind: 'approval'; approval: Approval }
  | { kind: 'manual'; requestedAction: 'retrain_and_evaluate' | 'rollback' };

/**
 * A human's decision, run now as a new run: the approved (or requested) action, with
 * the guardrails re-checked at this moment and the same release gates as any run; the
 * decision and its result are audited.
 */
export function runHumanAction(options: ControlOptions, origin: HumanOrigin): ControlOutcome {
  const label = origin.kind === 'approval' ? `approval ${origin.approval.id}` : `manual ${origin.requestedAction}`;
  return withControlLock(options, label, () => {
    const inputs = loadInputs(options);
    const { policy } = inputs;
    const audit = auditPath(options.eventsDirectory);
    const registry = ModelRegistry.open(options.registryDirectory);
    const retrainTimes = retrainTimesFromAudit(readAuditLines(audit));
    const sentinel = sentinelFor(options, inputs, registry);
    const action: Action = origin.kind === 'approval' ? origin.approval.approval_action : origin.requestedAction;
    const basePlan = origin.kind === 'approval' ? origin.approval.plan : planFor(options, inputs, sentinel, registry, retrainTimes);
    const guardrails = checkGuardrails(action, policy.guardrails, options.now, retrainTimes);
    const failed = guardrails.filter((check) => !check.passed);
    const why = origin.kind === 'approval' ? `approved by ${options.actor} (${origin.approval.id}, from run ${origin.approval.run_id})` : `requested by ${options.actor} (POST /action ${action})`;
    const plan: ExecutionPlan = {
      ...basePlan,
      run_id: options.runId,
      created_at: options.now.toISOString(),
      action,
      policy_rule: origin.kind === 'approval' ? basePlan.policy_rule : 'human request',
      requires_approval: false,
      approval_action: null,
      guardrails,
      status: failed.length > 0 ? 'skipped' : 'ready',
      reasons: [why, ...failed.map((check) => `guardrail ${check.name}: ${check.detail}`)],
    };
    const approvalId = origin.kind === 'approval' ? origin.approval.id : `manual-${options.runId}`;
    const approved = plan.status === 'skipped' ? undefined : { approvalId, action };
    const release = runRelease({ plan, policy, now: options.now, approved }, effectsFor(options, inputs));
    writeRunEvents(options.eventsDirectory, { sentinel, plan, release });
    appendAudit(audit, [
      origin.kind === 'approval'
        ? { time: options.now.toISOString(), run_id: options.runId, kind: 'approval', decision: `approved:${action}`, detail: { approval_id: origin.approval.id, by: options.actor, from_run: origin.approval.run_id } }
        : { time: options.now.toISOString(), run_id: options.runId, kind: 'manual', decision: `requested:${action}`, detail: { by: options.actor } },
      ...decisionEntries(options.now, sentinel, plan, release).slice(1),
    ]);
    return { sentinel, plan, release, runDirectory: runDirectoryOf(options) };
  });
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, isUserError, UserError } from '../../core/src/errors.ts';
import { withFileLock } from '../../core/src/fileLock.ts';
import { sha256Hex } from '../../core/src/fileHash.ts';
import { assertValid, compileSchema } from '../../core/src/jsonSchema.ts';
import { loadPolicy, type Action, type PromotionPolicy } from '../../core/src/promotionPolicy.ts';
import { readJsonFile } from '../../core/src/yamlFile.ts';
import { monitoringSummarySchema, type MonitoringSummary } from '../../monitoring/src/index.ts';
import { ModelRegistry, rollbackCandidate } from '../../registry/src/index.ts';
import { runPlanner } from './agents/planner.ts';
import { runRelease } from './agents/release.ts';
import { runSentinel } from './agents/sentinel.ts';
import { appendAudit, readAuditLines, retrainTimesFromAudit, type AuditEntry } from './auditLog.ts';
import type { Approval } from './approvalsStore.ts';
import type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';
import { writeRunEvents } from './eventsStore.ts';
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

function loadInputs(options: ControlOptions): { policy: PromotionPolicy; summary: MonitoringSummary; summarySha256: string } {
  const policy = loadPolicy(options.policyPath);
  const summary = assertValid(validateSummary, readJsonFile(options.summaryPath), options.summaryPath);
  return { policy, summary, summarySha256: sha256Hex(readFileSync(options.summaryPath)) };
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
    const { policy, summary, summarySha256 } = inputs;
    const registry = ModelRegistry.open(options.registryDirectory);
    const productionVersion = registry.productionVersion();
    const previousProductionVersion = rollbackCandidate(registry);

    const sentinel = runSentinel({ runId: options.runId, now: options.now, summary, summaryIdentity: { path: options.summaryPath, sha256: summarySha256 }, policy, productionVersion });
    const plan = runPlanner({
      report: sentinel,
      policy,
      now: options.now,
      currentRows: summary.current.rows,
      minSamples: summary.min_samples,
      retrainTimes: retrainTimesFromAudit(readAuditLines(audit)),
      previousProductionVersion,
    });
    const runDirectory = join(options.eventsDirectory, 'runs', options.runId);
    const effects = createReleaseEffects({
      registryDirectory: options.registryDirectory,
      approvalsDirectory: options.approvalsDirectory,
      runDirectory,
      referencePath: summary.reference.path,
      currentPath: summary.current.path,
      currentSha256: summary.current.sha256,
      policy,
      runId: options.runId,
      actor: options.actor,
      now: options.now,
    });
    const release = runRelease({ plan, policy, now: options.now }, effects);
    writeRunEvents(options.eventsDirectory, { sentinel, plan, release });
    appendAudit(audit, decisionEntries(options.now, sentinel, plan, release));
    return { sentinel, plan, release, runDirectory };
  });
}

/**
 * A human's yes to a pending approval: the approved action runs now as a new run,
 * guardrails re-checked at this moment; the decision and its result are audited.
 */
export function executeApproval(options: ControlOptions, approval: Approval, approvedAction: Action): ControlOutcome {
  return withControlLock(options, `approval ${approval.id}`, () => {
    const { policy, summary, summarySha256 } = loadInputs(options);
    const audit = auditPath(options.eventsDirectory);
    const guardrails = checkGuardrails(approvedAction, policy.guardrails, options.now, retrainTimesFromAudit(readAuditLines(audit)));
    const sentinel = runSentinel({ runId: options.runId, now: options.now, summary, summaryIdentity: { path: options.summaryPath, sha256: summarySha256 }, policy, productionVersion: ModelRegistry.open(options.registryDirectory).productionVersion() });
    const failed = guardrails.filter((check) => !check.passed);
    const plan: ExecutionPlan = {
      ...approval.plan,
      run_id: options.runId,
      created_at: options.now.toISOString(),
      action: approvedAction,
      requires_approval: false,
      approval_action: null,
      guardrails,
      status: failed.length > 0 ? 'skipped' : 'ready',
      reasons: [`approved by ${options.actor} (${approval.id}, from run ${approval.run_id})`, ...failed.map((check) => `guardrail ${check.name}: ${check.detail}`)],
    };
    const runDirectory = join(options.eventsDirectory, 'runs', options.runId);
    const effects = createReleaseEffects({
      registryDirectory: options.registryDirectory,
      approvalsDirectory: options.approvalsDirectory,
      runDirectory,
      referencePath: summary.reference.path,
      currentPath: summary.current.path,
      currentSha256: summary.current.sha256,
      policy,
      runId: options.runId,
      actor: options.actor,
      now: options.now,
    });
    const release = plan.status === 'skipped'
      ? runRelease({ plan, policy, now: options.now }, effects)
      : runRelease({ plan, policy, now: options.now, approved: { approvalId: approval.id, action: approvedAction } }, effects);
    writeRunEvents(options.eventsDirectory, { sentinel, plan, release });
    appendAudit(audit, [
      { time: options.now.toISOString(), run_id: options.runId, kind: 'approval', decision: `approved:${approvedAction}`, detail: { approval_id: approval.id, by: options.actor, from_run: approval.run_id } },
      ...decisionEntries(options.now, sentinel, plan, release).slice(1),
    ]);
    return { sentinel, plan, release, runDirectory };
  });
}

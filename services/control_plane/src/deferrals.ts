import type { Action, DeferralSettlement, IncidentType } from '../../core/src/domain/vocabularies.ts';
import type { AuditEntry, AuditRecord } from './auditChain.ts';
import type { ExecutionPlan } from './controlTypes.ts';

/**
 * An action a guardrail held back (release outcome `deferred`) is not dropped: it stays
 * open in the audit log until a later run settles it. That run plans from its own
 * incident; the deferred action is carried out only if that incident still calls for it.
 * These are the pure parts; the runner reads the log and appends the settlements.
 */

/** A deferred action no later run has settled. */
export interface OpenDeferral {
  run_id: string;
  time: string;
  action: Action;
  incident_type: IncidentType;
}

export function openDeferrals(records: readonly AuditRecord[]): OpenDeferral[] {
  const settled = new Set(records.filter((record) => record.kind === 'deferral').map((record) => String(record.detail.deferred_run)));
  const incidentOf = new Map(records.filter((record) => record.kind === 'sentinel').map((record) => [record.run_id, record.decision.split('/')[0] as IncidentType]));
  return records
    .filter((record) => record.kind === 'release' && record.decision === 'deferred' && !settled.has(record.run_id))
    .map((record) => ({ run_id: record.run_id, time: record.time, action: record.detail.action as Action, incident_type: incidentOf.get(record.run_id) ?? 'none' }));
}

/** Whether this run's plan is the deferred action for the same kind of incident. */
export function stillCalledFor(deferral: OpenDeferral, plan: Pick<ExecutionPlan, 'action' | 'incident_type'>): boolean {
  return deferral.action === plan.action && deferral.incident_type === plan.incident_type;
}

export function settleDeferral(deferral: OpenDeferral, plan: Pick<ExecutionPlan, 'action' | 'incident_type' | 'severity' | 'status'>): { settlement: DeferralSettlement; explanation: string } {
  if (!stillCalledFor(deferral, plan)) {
    return { settlement: 'dropped', explanation: `the incident no longer calls for it: now ${plan.incident_type}/${plan.severity}, planned ${plan.action}` };
  }
  if (plan.status === 'deferred') return { settlement: 'deferred_again', explanation: `still ${plan.incident_type}, still held back: deferred again by this run` };
  return { settlement: 'resumed', explanation: `still ${plan.incident_type}: this run carries out the ${plan.action} (${plan.status})` };
}

/** The audit lines that settle every open deferral against this run's plan. */
export function deferralEntries(now: Date, runId: string, open: readonly OpenDeferral[], plan: ExecutionPlan): AuditEntry[] {
  return open.map((deferral) => {
    const { settlement, explanation } = settleDeferral(deferral, plan);
    return { time: now.toISOString(), run_id: runId, kind: 'deferral', decision: settlement, detail: { deferred_run: deferral.run_id, deferred_at: deferral.time, action: deferral.action, incident_type: deferral.incident_type, explanation } };
  });
}

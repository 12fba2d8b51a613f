import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { compileContractSchema } from '../../core/src/domain/vocabularySchema.ts';
import { addReferencedSchema, assertOwnOutput, assertValid } from '../../core/src/infrastructure/jsonSchema.ts';
import { readJsonFile } from '../../core/src/infrastructure/yamlFile.ts';
import approvalSchema from '../schema/approval.schema.json' with { type: 'json' };
import executionPlanSchema from '../schema/execution-plan.schema.json' with { type: 'json' };
import { POLICY_DEFAULTS } from '../../core/src/domain/promotionPolicy.ts';
import type { Action, ApprovalStatus } from '../../core/src/domain/vocabularies.ts';
import type { ExecutionPlan, SentinelReport } from './controlTypes.ts';

/** What a decision was made from: an approval is only good for these. */
export interface DecisionInputs {
  summary_sha256: string;
  current_sha256: string;
  reference_sha256: string;
  policy_sha256: string;
  production_version: number | null;
  /** The version a rollback would restore: a yes to "roll back" is a yes to restoring that version. */
  rollback_target: number | null;
}

/** The incident an approval was asked for. */
export interface ApprovalIncident {
  type: SentinelReport['incident_type'];
  severity: SentinelReport['severity'];
  rule: string;
  explanation: string;
}

/** shared/approvals/<id>.json: an action waiting for a human. */
export interface Approval {
  id: string;
  run_id: string;
  created_at: string;
  /** Pending after this, it expires (autonomy.approval_ttl_hours). */
  expires_at: string;
  status: ApprovalStatus;
  /** What runs if approved. */
  approval_action: Action;
  incident: ApprovalIncident;
  /** Null on an approval written before inputs were recorded: it cannot be shown to still hold. */
  inputs: DecisionInputs | null;
  plan: ExecutionPlan;
  decided_at: string | null;
  decided_by: string | null;
  reason: string | null;
  /** The run that carried out an approved action. */
  executed_run_id: string | null;
}

// An approval holds the plan it was made for, checked as the plan file is.
addReferencedSchema(executionPlanSchema);
const validateStoredApproval = compileContractSchema<StoredApproval>(approvalSchema);

/** An approval as written before approvals recorded their expiry, incident and inputs. */
type StoredApproval = Omit<Approval, 'expires_at' | 'incident' | 'inputs'> & Partial<Pick<Approval, 'expires_at' | 'incident' | 'inputs'>>;

/**
 * An approval file, checked against its schema: it is read by commands and the API, and
 * edited by nobody. One written before approvals recorded their expiry, incident and
 * inputs still reads (a pending one must not stop every run): it expires a default time
 * after it was made, its incident is its plan's, and having no inputs it is stale when
 * approved.
 */
function readApproval(path: string): Approval {
  const stored = assertValid(validateStoredApproval, readJsonFile(path), path);
  return {
    ...stored,
    expires_at: stored.expires_at ?? new Date(Date.parse(stored.created_at) + POLICY_DEFAULTS.approval_ttl_hours * 3_600_000).toISOString(),
    incident: stored.incident ?? { type: stored.plan.incident_type, severity: stored.plan.severity, rule: stored.plan.policy_rule, explanation: '' },
    inputs: stored.inputs ?? null,
  };
}

export function approvalId(runId: string): string {
  return `apr-${runId}`;
}

/** What an approval is asked for: the plan, the incident and the inputs behind it, and how long it may wait. */
export interface ApprovalRequest {
  plan: ExecutionPlan;
  incident: ApprovalIncident;
  inputs: DecisionInputs;
  ttlHours: number;
}

/** Under the control lock: an approval is created once, never over one that exists. */
export function createApproval(directory: string, request: ApprovalRequest): Approval {
  const { plan } = request;
  if (approvalExists(directory, approvalId(plan.run_id))) throw new UserError(`approval ${approvalId(plan.run_id)} exists already: run ${plan.run_id} cannot create it again`, 'conflict');
  const approval: Approval = {
    id: approvalId(plan.run_id),
    run_id: plan.run_id,
    created_at: plan.created_at,
    expires_at: new Date(Date.parse(plan.created_at) + request.ttlHours * 3_600_000).toISOString(),
    status: 'pending',
    approval_action: plan.approval_action ?? 'noop',
    incident: request.incident,
    inputs: request.inputs,
    plan,
    decided_at: null,
    decided_by: null,
    reason: null,
    executed_run_id: null,
  };
  saveApproval(directory, approval);
  return approval;
}

export function listApprovals(directory: string): Approval[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).filter((file) => file.endsWith('.json')).sort()
    .map((file) => readApproval(join(directory, file)));
}

function approvalPath(directory: string, id: string): string {
  return join(directory, `${id}.json`);
}

export function loadApproval(directory: string, id: string): Approval {
  if (!/^[\w.-]+$/.test(id)) throw new UserError(`not an approval id: "${id}"`);
  const path = approvalPath(directory, id);
  if (!existsSync(path)) throw new UserError(`no approval "${id}" in ${directory} (see: approvals list)`, 'not_found');
  return readApproval(path);
}

export function approvalExists(directory: string, id: string): boolean {
  return /^[\w.-]+$/.test(id) && existsSync(approvalPath(directory, id));
}

export function saveApproval(directory: string, approval: Approval): void {
  assertOwnOutput(validateStoredApproval, approval, 'approval');
  writeJsonAtomic(approvalPath(directory, approval.id), approval);
}

import type { AuditVerification } from '../../../control_plane/src/index.ts';

/** GET /api/audit: the chain's state as `make audit-verify` judges it. */
export type AuditView =
  | { state: 'empty'; records: 0 }
  | { state: 'verified'; records: number; keyed: boolean }
  | { state: 'broken'; line: number | null; problem: string; readable_records: number };

export function auditView(verification: AuditVerification, readableRecords: number): AuditView {
  if (!verification.ok) return { state: 'broken', line: verification.line, problem: verification.problem, readable_records: readableRecords };
  if (verification.records === 0) return { state: 'empty', records: 0 };
  return { state: 'verified', records: verification.records, keyed: verification.keyed };
}

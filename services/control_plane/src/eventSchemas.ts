import { compileSchema } from '../../core/src/infrastructure/jsonSchema.ts';
import auditRecordSchema from '../schema/audit-record.schema.json' with { type: 'json' };
import executionPlanSchema from '../schema/execution-plan.schema.json' with { type: 'json' };
import releaseResultSchema from '../schema/release-result.schema.json' with { type: 'json' };
import sentinelReportSchema from '../schema/sentinel-report.schema.json' with { type: 'json' };
import type { AuditRecord } from './auditLog.ts';
import type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';

/** Validators for the files the control plane writes (checked before writing, and in tests). */
export const validateSentinelReport = compileSchema<SentinelReport>(sentinelReportSchema);
export const validateExecutionPlan = compileSchema<ExecutionPlan>(executionPlanSchema);
export const validateReleaseResult = compileSchema<ReleaseResult>(releaseResultSchema);
export const validateAuditRecord = compileSchema<AuditRecord>(auditRecordSchema);

import { compileContractSchema } from '../../core/src/domain/vocabularySchema.ts';
import { addReferencedSchema } from '../../core/src/infrastructure/jsonSchema.ts';

import auditRecordSchema from '../schema/audit-record.schema.json' with { type: 'json' };
import executionPlanSchema from '../schema/execution-plan.schema.json' with { type: 'json' };
import releaseResultSchema from '../schema/release-result.schema.json' with { type: 'json' };
import sentinelReportSchema from '../schema/sentinel-report.schema.json' with { type: 'json' };
import type { AuditRecord } from './auditChain.ts';
import type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';

/** Validators for the files the control plane writes (checked before writing, and in tests). */
export const validateSentinelReport = compileContractSchema<SentinelReport>(sentinelReportSchema);
export const validateExecutionPlan = compileContractSchema<ExecutionPlan>(executionPlanSchema);
// A model's figures are defined once, in the plan's schema; the release result refers to them.
addReferencedSchema(executionPlanSchema);
export const validateReleaseResult = compileContractSchema<ReleaseResult>(releaseResultSchema);
export const validateAuditRecord = compileContractSchema<AuditRecord>(auditRecordSchema);

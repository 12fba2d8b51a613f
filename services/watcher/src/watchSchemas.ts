import { assertOwnOutput } from '../../core/src/infrastructure/jsonSchema.ts';
import { compileContractSchema } from '../../core/src/domain/vocabularySchema.ts';
import windowRecordSchema from '../schema/window-record.schema.json' with { type: 'json' };
import type { WindowRecord } from './windowTypes.ts';
import estimateCheckSchema from '../schema/estimate-check.schema.json' with { type: 'json' };
import type { EstimateCheck } from './estimateChecks.ts';

/** A window's record is checked against its schema before it is written (the checkpoint's schema is watchState.ts's). */
export const validateWindowRecord = compileContractSchema<WindowRecord>(windowRecordSchema);

/** A window's line (JSON, no newline), checked against its schema first. */
export function recordLine(record: WindowRecord & { refused?: string }): string {
  return JSON.stringify(assertOwnOutput(validateWindowRecord, record, 'window record'));
}

const validateEstimateCheck = compileContractSchema<EstimateCheck>(estimateCheckSchema);

/** A line of estimate_checks.jsonl, checked against its schema first. */
export function estimateCheckLine(check: EstimateCheck): string {
  return JSON.stringify(assertOwnOutput(validateEstimateCheck, check, 'estimate check'));
}

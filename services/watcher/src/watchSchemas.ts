import { assertOwnOutput } from '../../core/src/infrastructure/jsonSchema.ts';
import { compileContractSchema } from '../../core/src/domain/vocabularySchema.ts';
import windowRecordSchema from '../schema/window-record.schema.json' with { type: 'json' };
import watchStateSchema from '../schema/watch-state.schema.json' with { type: 'json' };
import type { WatchState } from './watchState.ts';
import type { WindowRecord } from './windowTypes.ts';

/** The loop over time's files, each checked against its schema: records before they are written, the checkpoint when it is read. */
export const validateWindowRecord = compileContractSchema<WindowRecord>(windowRecordSchema);
export const validateWatchState = compileContractSchema<WatchState>(watchStateSchema);

/** A window's line (JSON, no newline), checked against its schema first. */
export function recordLine(record: WindowRecord & { refused?: string }): string {
  return JSON.stringify(assertOwnOutput(validateWindowRecord, record, 'window record'));
}

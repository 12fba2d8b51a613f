import type { AuditKind } from '../../core/src/domain/vocabularies.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import type { AuditRecord } from './auditChain.ts';

/*
 * A window (the watcher's, a replay's) is decided once: a run that reached its decision
 * for the window, or was refused one, says so in the audit log under the window's id.
 */

/** Kinds of record that say a run reached its decision (or was refused one). */
export const DECIDING_KINDS: ReadonlySet<AuditKind> = new Set<AuditKind>(['sentinel', 'refusal']);

/** The record that decided the window, if one did. */
export function windowDecision(records: readonly Pick<AuditRecord, 'run_id' | 'kind' | 'detail' | 'seq'>[], windowId: string): Pick<AuditRecord, 'run_id' | 'seq'> | undefined {
  return records.find((record) => record.detail.window_id === windowId && DECIDING_KINDS.has(record.kind));
}

/**
 * A run for a window another run decided while this one was judging it (a watcher whose
 * window was claimed from it as it worked slowly): refused under the lock, before it
 * writes anything, naming the run that decided.
 */
export class WindowAlreadyDecided extends UserError {
  constructor(readonly windowId: string, readonly decidedBy: string, where: string) {
    super(`window ${windowId} was decided by run ${decidedBy} (${where}): a window is decided once; nothing was done`, 'conflict');
    this.name = 'WindowAlreadyDecided';
  }
}

import type { Action } from '../../core/src/domain/vocabularies.ts';
import type { HistoryEntry } from '../../registry/src/index.ts';
import type { AuditEntry, AuditRecord } from './auditChain.ts';

/**
 * Effects are written ahead: before a run's first effect an `intent` record names the
 * action, its target and an idempotency key, and is flushed; every registry move the
 * run makes carries that key; an `outcome` record closes the intent. A run that dies in
 * between leaves an open intent, and the next run settles it from what the registry and
 * the approvals show, before it decides anything: nothing is done twice, nothing done
 * goes unrecorded. These are the pure parts; the runner reads and writes.
 */

/** What an intent records (the `detail` of its audit record). */
export interface IntentDetail {
  key: string;
  action: Action;
  /** What the effect is: a retrain (challenger, then maybe promotion), a rollback, an approval created, or a human's approved action. */
  effect: 'retrain' | 'rollback' | 'approval_created';
  champion_before: number | null;
  /** The version a rollback restores (unknown for a retrain until the challenger is registered). */
  target_version: number | null;
  /** The approval this run creates, or the approval a human's decision carries out. */
  approval_id: string | null;
  /** Set when the run carries out a human's approval, which it claimed right after this intent. */
  claimed_approval: boolean;
}

export function intentKey(runId: string, effect: IntentDetail['effect']): string {
  return `${runId}:${effect}`;
}

export function intentEntry(time: Date, runId: string, detail: IntentDetail): AuditEntry {
  return { time: time.toISOString(), run_id: runId, kind: 'intent', decision: detail.action, detail: { ...detail } };
}

export function outcomeEntry(time: Date, runId: string, key: string, outcome: string, detail: Record<string, unknown> = {}): AuditEntry {
  return { time: time.toISOString(), run_id: runId, kind: 'outcome', decision: outcome, detail: { key, ...detail } };
}

/** Intents with no outcome after them: runs that died between their intent and their outcome. */
export function openIntents(records: readonly AuditRecord[]): { record: AuditRecord; detail: IntentDetail }[] {
  const closed = new Set(records.filter((record) => record.kind === 'outcome').map((record) => String(record.detail.key)));
  return records
    .filter((record) => record.kind === 'intent' && !closed.has(String(record.detail.key)))
    .map((record) => ({ record, detail: record.detail as unknown as IntentDetail }));
}

/** How an open intent is settled: what its run did, found from the world, and what else must be put right. */
export interface Settlement {
  runId: string;
  key: string;
  /** completed: its effect happened; abandoned: the run died before its effect finished. */
  settled: 'completed' | 'abandoned';
  /** Whether any of its effect happened (a challenger trained counts as a retrain for the cooldown, even unpromoted). */
  started: boolean;
  outcome: string;
  explanation: string;
  /** A claimed approval whose action never started is pending again, so a human can decide anew. */
  reopenApproval: string | null;
}

/** What the world shows of a run: registry moves carrying its key, versions registered by it, approvals that exist. */
export interface WorldView {
  history: readonly HistoryEntry[];
  /** Versions whose metadata names the run (a registration cut short before its history line still shows here). */
  versionsOfRun(runId: string): number[];
  approvalExists(id: string): boolean;
}

/** Settle one open intent from what the world shows of its run. */
export function settleIntent(intent: { record: AuditRecord; detail: IntentDetail }, world: WorldView): Settlement {
  const { detail, record } = intent;
  const moves = world.history.filter((entry) => entry.idempotency_key === detail.key);
  const base = { runId: record.run_id, key: detail.key, reopenApproval: null };
  const nothingStarted = (what: string): Settlement => ({
    ...base,
    settled: 'abandoned',
    started: false,
    outcome: 'abandoned',
    explanation: `run ${record.run_id} stopped before ${what}; nothing of it took effect`,
    reopenApproval: detail.claimed_approval && detail.approval_id !== null ? detail.approval_id : null,
  });
  switch (detail.effect) {
    case 'retrain': {
      // The run's last registry move tells how far it got: promoted (to Production, or to Staging with the champion kept), archived (blocked), or only registered.
      const promoted = moves.find((entry) => entry.operation === 'promote' && entry.to !== 'Archived');
      if (promoted) return { ...base, settled: 'completed', started: true, outcome: 'promoted', explanation: `run ${record.run_id} promoted v${promoted.version} to ${promoted.to} before it stopped; recorded now` };
      const archived = moves.find((entry) => entry.operation === 'archive');
      if (archived) return { ...base, settled: 'completed', started: true, outcome: 'blocked', explanation: `run ${record.run_id}'s challenger v${archived.version} was blocked by the release gates and archived before the run stopped; the champion was not changed; recorded now` };
      const registered = moves.find((entry) => entry.operation === 'register')?.version ?? world.versionsOfRun(record.run_id)[0];
      if (registered !== undefined) return { ...base, settled: 'abandoned', started: true, outcome: 'abandoned', explanation: `run ${record.run_id} trained challenger v${registered} and stopped before deciding; it stays in stage None, and the champion was not changed` };
      return nothingStarted('training a challenger');
    }
    case 'rollback': {
      const restored = moves.find((entry) => entry.operation === 'rollback' && entry.to === 'Production');
      if (restored) return { ...base, settled: 'completed', started: true, outcome: 'rolled_back', explanation: `run ${record.run_id} restored v${restored.version} before it stopped; recorded now` };
      return nothingStarted('rolling back');
    }
    case 'approval_created': {
      if (detail.approval_id !== null && world.approvalExists(detail.approval_id)) return { ...base, settled: 'completed', started: true, outcome: 'pending_approval', explanation: `run ${record.run_id} created approval ${detail.approval_id} before it stopped; recorded now` };
      return nothingStarted('creating its approval');
    }
  }
}

/**
 * Start times of retrains, for the cooldown and budget guardrails: every retrain intent
 * (written just before training starts), unless its settlement found that nothing of it
 * happened. A retrain that failed before training (too few labels, data changed since
 * monitoring) wrote no intent and uses up neither.
 */
export function retrainTimes(records: readonly AuditRecord[]): Date[] {
  const neverStarted = new Set(records.filter((record) => record.kind === 'outcome' && record.detail.started === false).map((record) => String(record.detail.key)));
  return records
    .filter((record) => record.kind === 'intent' && record.detail.effect === 'retrain' && !neverStarted.has(String(record.detail.key)))
    .map((record) => new Date(record.time));
}

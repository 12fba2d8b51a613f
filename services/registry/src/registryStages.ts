import { UserError } from '../../core/src/infrastructure/errors.ts';
import type { HistoryEntry, Stage, StageMove } from './registryTypes.ts';
import type { PromotionTarget } from '../../core/src/domain/vocabularies.ts';

/**
 * The registry's rules as pure functions of its history: what each version's stage is,
 * what a promotion or rollback moves, and what served at a given time.
 */

export function stagesFromHistory(history: readonly HistoryEntry[]): Map<number, Stage> {
  const stages = new Map<number, Stage>();
  for (const entry of history) stages.set(entry.version, entry.to);
  return stages;
}

export function productionVersion(stages: ReadonlyMap<number, Stage>): number | null {
  for (const [version, stage] of stages) if (stage === 'Production') return version;
  return null;
}

/** Promoting to Production archives the previous Production in the same operation. */
export function planPromotion(stages: ReadonlyMap<number, Stage>, version: number, target: PromotionTarget): StageMove[] {
  const current = stages.get(version);
  if (current === undefined) throw new UserError(`unknown version v${version}`);
  if (current === target) throw new UserError(`v${version} is already in ${target}`);
  const moves: StageMove[] = [];
  if (target === 'Production') {
    const champion = productionVersion(stages);
    if (champion !== null) moves.push({ version: champion, from: 'Production', to: 'Archived' });
  }
  moves.push({ version, from: current, to: target });
  return moves;
}

/**
 * Archiving sets aside a version that does not serve (None or Staging): a challenger the
 * release gates blocked. The Production version leaves only by a promotion or a rollback,
 * which put another in its place.
 */
export function planArchive(stages: ReadonlyMap<number, Stage>, version: number): StageMove[] {
  const current = stages.get(version);
  if (current === undefined) throw new UserError(`unknown version v${version}`);
  if (current === 'Archived') throw new UserError(`v${version} is already Archived`);
  if (current === 'Production') throw new UserError(`v${version} is in Production: promote another version or roll back instead of archiving it`);
  return [{ version, from: current, to: 'Archived' }];
}

/**
 * The version to restore: the Production holder before the current one, by the
 * history (not "latest minus one"), skipping versions that were themselves rolled
 * back out of Production (known bad) and those `usable` rejects (artifact gone).
 */
export function rollbackTarget(history: readonly HistoryEntry[], usable: (version: number) => boolean): { current: number; target: number } {
  const current = productionVersion(stagesFromHistory(history));
  if (current === null) throw new UserError('nothing to roll back: no version is in Production');
  const rolledBackOut = new Set(history.filter((entry) => entry.operation === 'rollback' && entry.from === 'Production').map((entry) => entry.version));
  const promotions = history.filter((entry) => entry.to === 'Production');
  for (let index = promotions.length - 1; index >= 0; index -= 1) {
    const candidate = (promotions[index] as HistoryEntry).version;
    if (candidate === current || rolledBackOut.has(candidate)) continue;
    if (usable(candidate)) return { current, target: candidate };
  }
  throw new UserError(`cannot roll back v${current}: no earlier Production version in the history that still loads`);
}

export function planRollback(history: readonly HistoryEntry[], usable: (version: number) => boolean): StageMove[] {
  const { current, target } = rollbackTarget(history, usable);
  const stages = stagesFromHistory(history);
  return [
    { version: current, from: 'Production', to: 'Archived' },
    { version: target, from: stages.get(target) ?? 'Archived', to: 'Production' },
  ];
}

/** What was in Production at `time` (null before the first promotion). */
export function productionAt(history: readonly HistoryEntry[], time: Date): number | null {
  let version: number | null = null;
  for (const entry of history) {
    if (Date.parse(entry.time) > time.getTime()) break;
    if (entry.to === 'Production') version = entry.version;
  }
  return version;
}

/** One stretch of time a version was in Production: from its promotion to the move that replaced it (null: still serving). */
export interface ProductionPeriod {
  version: number;
  from: string;
  until: string | null;
  /** Who put it there, how, and why (the history line that started the period). */
  actor: string;
  operation: HistoryEntry['operation'];
  reason: string;
  run_id: string | null;
}

/** What served when, oldest first: the history's moves into Production, each ended by the next one. */
export function productionPeriods(history: readonly HistoryEntry[]): ProductionPeriod[] {
  const periods: ProductionPeriod[] = [];
  for (const entry of history) {
    const open = periods[periods.length - 1];
    if (entry.to === 'Production') {
      if (open !== undefined && open.until === null) open.until = entry.time;
      periods.push({ version: entry.version, from: entry.time, until: null, actor: entry.actor, operation: entry.operation, reason: entry.reason, run_id: entry.run_id });
    } else if (entry.from === 'Production' && open !== undefined && open.until === null && open.version === entry.version) {
      open.until = entry.time;
    }
  }
  return periods;
}

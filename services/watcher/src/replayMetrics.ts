import { GUARDRAIL_NAMES, type IncidentType, type ReleaseOutcome } from '../../core/src/domain/vocabularies.ts';
import type { WindowRecord } from './windowTypes.ts';

/*
 * The figures a replay is judged by, computed from its windows alone: how soon each
 * phase of the timeline was noticed, how long the serving model took to get back to
 * where it was, and what the run did along the way. Pure: the same records give the
 * same figures, so runs of different policies over one timeline compare fairly.
 */

/** A phase as the timeline's meta lists it (TimelineMeta's phases carry more; these three are what the figures need). */
export interface TimelinePhase {
  from_day: number;
  to_day: number;
  scenario: string;
}

/**
 * How far the trailing AUC may sit under the level before the phase and still count as
 * "at the level": about one day's sampling noise of AUC, so a loss is a real loss and
 * recovery means back where it was, not back to the last decimal.
 */
export const RECOVERY_TOLERANCE = 0.02;
/** Windows in the trailing mean of hindsight AUC: one bad day alone is not a loss, nor one good day a recovery. */
export const TRAILING_WINDOWS = 3;
/** Days after a phase's last day still credited to it: a one-day shock is noticed, and hurts, in the days after it. */
export const AFTERMATH_DAYS = 7;
/** Windows before a phase whose hindsight AUC set the level to recover to: a week, so one odd day does not set it. */
export const LEVEL_WINDOWS = 7;

export interface PhaseFigure {
  scenario: string;
  from_day: number;
  to_day: number;
  /** A phase starting at day 0: the calm the others depart from, with nothing to detect. */
  base: boolean;
  /** Days from the phase's first day to the first window that named an incident; null: not detected. */
  detection_delay_days: number | null;
  /**
   * 0: the trailing AUC never fell under the level; 'never': it fell and was not back when
   * the timeline ended; null: no level to judge against (the base phase, or no AUC before it).
   */
  time_to_recover_days: number | 'never' | null;
  /** Hindsight AUC over the phase's own days (without the aftermath); null when no window there has one. */
  worst_auc: number | null;
  mean_auc: number | null;
  note: string | null;
}

/** One day's hindsight AUC, in day order. */
interface AucPoint {
  day: number;
  auc: number;
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** The windows that sit on the timeline, in day order (stable: equal days keep the run's order). */
function windowsByDay(records: readonly WindowRecord[]): (WindowRecord & { day: number })[] {
  return records.filter((record): record is WindowRecord & { day: number } => record.day !== null).sort((a, b) => a.day - b.day);
}

function aucPoints(windows: readonly (WindowRecord & { day: number })[]): AucPoint[] {
  return windows.flatMap((window) => (window.hindsight_auc === null ? [] : [{ day: window.day, auc: window.hindsight_auc }]));
}

/** Each point's mean with the points just before it (fewer at the start of the run). */
function trailingMeans(points: readonly AucPoint[]): number[] {
  return points.map((_, index) => mean(points.slice(Math.max(0, index - TRAILING_WINDOWS + 1), index + 1).map((point) => point.auc)) as number);
}

/**
 * The incidents a shipped scenario's phase is detected by: on a timeline where phases
 * overlap, the feature drift still going on when a shock comes is not the shock's
 * detection. A scenario of the user's own is detected by any incident.
 */
const EXPECTED_INCIDENTS: Readonly<Record<string, readonly IncidentType[]>> = {
  drift_feature: ['data_drift', 'data_quality'],
  drift_concept: ['concept_drift', 'bad_model'],
  shock_black_friday: ['shock'],
};

function detects(phase: TimelinePhase, incident: IncidentType | null): boolean {
  if (incident === null || incident === 'none') return false;
  const expected = Object.hasOwn(EXPECTED_INCIDENTS, phase.scenario) ? EXPECTED_INCIDENTS[phase.scenario] : undefined;
  return expected === undefined || expected.includes(incident);
}

/**
 * The last day whose incidents and losses are credited to a phase: its own days and a
 * short aftermath, but not past the start of a later phase, which takes over from there.
 */
function lastCreditedDay(phase: TimelinePhase, phases: readonly TimelinePhase[]): number {
  const nextStart = Math.min(...phases.filter((other) => other.from_day > phase.from_day).map((other) => other.from_day));
  return Math.min(phase.to_day + AFTERMATH_DAYS, nextStart - 1);
}

function detectionDelay(windows: readonly (WindowRecord & { day: number })[], phase: TimelinePhase, lastCredited: number): number | null {
  const first = windows.find((window) => window.day >= phase.from_day && window.day <= lastCredited && detects(phase, window.incident));
  return first === undefined ? null : first.day - phase.from_day;
}

/** The phase's kind of incident was already raised the day before it began: an alarm standing, not a detection. */
function alarmStanding(windows: readonly (WindowRecord & { day: number })[], phase: TimelinePhase): boolean {
  return windows.some((window) => window.day === phase.from_day - 1 && detects(phase, window.incident));
}

/** Days from the phase's start until the trailing AUC is back within tolerance of the level it fell from. */
function timeToRecover(points: readonly AucPoint[], phase: TimelinePhase, level: number, lastCredited: number): number | 'never' {
  const floor = level - RECOVERY_TOLERANCE;
  const trailing = trailingMeans(points);
  const fell = points.findIndex((point, index) => point.day >= phase.from_day && point.day <= lastCredited && (trailing[index] as number) < floor);
  if (fell === -1) return 0;
  const fallDay = (points[fell] as AucPoint).day;
  for (let index = fell + 1; index < points.length; index += 1) {
    const point = points[index] as AucPoint;
    if (point.day > fallDay && (trailing[index] as number) >= floor) return point.day - phase.from_day;
  }
  return 'never';
}

function phaseFigure(windows: readonly (WindowRecord & { day: number })[], points: readonly AucPoint[], phase: TimelinePhase, phases: readonly TimelinePhase[]): PhaseFigure {
  const within = points.filter((point) => point.day >= phase.from_day && point.day <= phase.to_day).map((point) => point.auc);
  const auc = { worst_auc: within.length === 0 ? null : Math.min(...within), mean_auc: mean(within) };
  const identity = { scenario: phase.scenario, from_day: phase.from_day, to_day: phase.to_day };
  if (phase.from_day <= 0) {
    return { ...identity, base: true, detection_delay_days: null, time_to_recover_days: null, ...auc, note: 'base phase: the calm the others depart from, nothing to detect' };
  }
  const level = mean(points.filter((point) => point.day < phase.from_day).slice(-LEVEL_WINDOWS).map((point) => point.auc));
  const standing = alarmStanding(windows, phase);
  const notes = [
    ...(standing ? ['its kind of incident was already raised the day before it began: no detection to credit'] : []),
    ...(level === null ? ['no hindsight AUC before the phase: recovery not judged'] : []),
  ];
  return {
    ...identity,
    base: false,
    detection_delay_days: standing ? null : detectionDelay(windows, phase, lastCreditedDay(phase, phases)),
    time_to_recover_days: level === null ? null : timeToRecover(points, phase, level, lastCreditedDay(phase, phases)),
    ...auc,
    note: notes.length === 0 ? null : notes.join('; '),
  };
}

/** Per phase of the timeline, in the meta's order: detection delay, time to recover, worst and mean hindsight AUC. */
export function phaseFigures(records: readonly WindowRecord[], phases: readonly TimelinePhase[]): PhaseFigure[] {
  const windows = windowsByDay(records);
  const points = aucPoints(windows);
  return phases.map((phase) => phaseFigure(windows, points, phase, phases));
}

export interface RunTotals {
  windows: number;
  /** Retrains that trained and judged a challenger (promoted or blocked), not ones deferred, waiting, or failed before training. */
  retrains: number;
  /** Actions that failed (a retrain with too few arrived labels, say): tried, nothing changed. */
  failed: number;
  promotions: number;
  blocked: number;
  rollbacks: number;
  escalations: number;
  /** Per guardrail, how often it held an action back; every known guardrail listed (0 when it never did), names sorted. */
  guardrail_skips: Record<string, number>;
  /** Windows whose run asked for (or carried out) an approval. */
  approvals_asked: number;
  /** Windows whose action was carried out: promoted, blocked, rolled back or failed. */
  executed_actions: number;
  /** Share of executed actions no human approved; null when nothing was executed. */
  autonomy_rate: number | null;
  mean_auc: number | null;
  worst_auc: number | null;
  /** Mean |known − hindsight| AUC: how far what the system could know was from the truth. */
  mean_known_gap: number | null;
  /** Windows whose estimate (CBPE) was checked against their labels, and its mean and largest |estimated − realised| AUC. */
  estimate_checks: number;
  mean_estimate_error: number | null;
  max_estimate_error: number | null;
}

/** A failed retrain may have stopped before training (too few labels): only a judged challenger counts as a retrain. */
const RETRAIN_RAN: readonly ReleaseOutcome[] = ['promoted', 'blocked'];
const EXECUTED: readonly ReleaseOutcome[] = ['promoted', 'blocked', 'rolled_back', 'failed'];

function isOneOf(outcome: ReleaseOutcome | null, outcomes: readonly ReleaseOutcome[]): boolean {
  return outcome !== null && outcomes.includes(outcome);
}

function guardrailSkips(records: readonly WindowRecord[]): Record<string, number> {
  const counts = new Map<string, number>(GUARDRAIL_NAMES.map((name) => [name, 0]));
  for (const record of records) for (const name of record.guardrail_skips) counts.set(name, (counts.get(name) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** An outcome of the run: the window's own decision, or an approved action carried out later (by a human). */
interface TakenOutcome {
  outcome: ReleaseOutcome;
  retrain: boolean;
  human: boolean;
}

/** Each record's own outcome, and the outcome of the approval it asked for when a human's yes ran it. */
function outcomesOf(records: readonly WindowRecord[]): TakenOutcome[] {
  return records.flatMap((record) => {
    const own: TakenOutcome[] = record.outcome === null ? [] : [{ outcome: record.outcome, retrain: record.action === 'retrain_and_evaluate', human: false }];
    const approved = record.approval?.outcome ?? null;
    // An approved action is a retrain unless it rolled back: rollback is the only other action that runs.
    return approved === null ? own : [...own, { outcome: approved, retrain: approved !== 'rolled_back', human: true }];
  });
}

/** What a run did over the whole timeline, and how well its serving models ranked. */
export function runTotals(records: readonly WindowRecord[]): RunTotals {
  const count = (matches: (record: WindowRecord) => boolean) => records.filter(matches).length;
  const taken = outcomesOf(records);
  const countTaken = (matches: (item: TakenOutcome) => boolean) => taken.filter(matches).length;
  const executed = taken.filter((item) => isOneOf(item.outcome, EXECUTED));
  const approvedByHuman = executed.filter((item) => item.human).length;
  const hindsight = records.flatMap((record) => (record.hindsight_auc === null ? [] : [record.hindsight_auc]));
  const gaps = records.flatMap((record) => (record.hindsight_auc === null || record.known_auc === null ? [] : [Math.abs(record.known_auc - record.hindsight_auc)]));
  const estimateErrors = records.flatMap((record) => (record.estimate_check?.error == null ? [] : [Math.abs(record.estimate_check.error)]));
  return {
    windows: records.length,
    retrains: countTaken((item) => item.retrain && isOneOf(item.outcome, RETRAIN_RAN)),
    failed: countTaken((item) => item.outcome === 'failed'),
    promotions: countTaken((item) => item.outcome === 'promoted'),
    blocked: countTaken((item) => item.outcome === 'blocked'),
    rollbacks: countTaken((item) => item.outcome === 'rolled_back'),
    escalations: count((record) => record.action === 'escalate'),
    guardrail_skips: guardrailSkips(records),
    approvals_asked: count((record) => record.approval !== null),
    executed_actions: executed.length,
    autonomy_rate: executed.length === 0 ? null : (executed.length - approvedByHuman) / executed.length,
    mean_auc: mean(hindsight),
    worst_auc: hindsight.length === 0 ? null : Math.min(...hindsight),
    mean_known_gap: mean(gaps),
    estimate_checks: estimateErrors.length,
    mean_estimate_error: mean(estimateErrors),
    max_estimate_error: estimateErrors.length === 0 ? null : Math.max(...estimateErrors),
  };
}

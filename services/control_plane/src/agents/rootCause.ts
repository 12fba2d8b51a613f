import { ACTIONS, RELEASE_OUTCOMES, SEVERITIES, type Action, type IncidentType, type ReleaseOutcome, type Severity } from '../../../core/src/domain/vocabularies.ts';
import { describeMove, driftStrength, weakestSegments, type FeatureMove, type MonitoringSummary } from '../../../monitoring/src/index.ts';
import type { AuditRecord } from '../auditChain.ts';

/*
 * The evidence behind an incident, for the person who has to understand it: which
 * features moved and which way, in which segments the model lost quality, and what
 * happened the last times the same kind of incident hit the same columns. Pure: the
 * summary and the audit history come in, nothing is read; nothing here decides anything.
 */

/** How many past incidents, and how many losing segments, a report lists. */
export const MAX_SIMILAR_INCIDENTS = 3;
export const MAX_WEAKEST_SEGMENTS = 3;

/** A drifted column, with the figures of its test and the direction of its move. */
export interface MovedFeature {
  column: string;
  stattest_name: string;
  drift_score: number;
  stattest_threshold: number;
  /** Null when the summary does not record moves (written before them) or a side had no values. */
  move: FeatureMove | null;
  /** "transaction_amount: median 50 → 78.9 (p90 174 → 258), up". */
  description: string;
}

/** A judged segment where the model ranks worse than on the same segment of the reference. */
export interface SegmentLoss {
  column: string;
  segment: string;
  reference_roc_auc: number | null;
  current_roc_auc: number | null;
  roc_auc_change: number;
  current_rows: number;
  current_positives: number;
  description: string;
}

/** A past incident of the same type on overlapping columns, with what was done and how it ended. */
export interface SimilarIncident {
  run_id: string;
  time: string;
  incident_type: IncidentType;
  severity: Severity | null;
  drifted_columns: string[];
  /** The drifted columns it shares with this incident, in this incident's order. */
  shared_columns: string[];
  /** Shared columns over all columns of either (Jaccard); 1 when neither names a column. */
  similarity: number;
  action: Action | null;
  outcome: ReleaseOutcome | null;
  champion_before: number | null;
  champion_after: number | null;
  challenger: number | null;
  /** The champion's ROC AUC, and the challenger's (retrain) or the restored version's (rollback), on the same rows. */
  roc_auc_before: number | null;
  roc_auc_after: number | null;
  /** A human's decision on the run's approval: the run that carried it out, or how it was closed. */
  approval: { decision: string; run_id: string } | null;
  description: string;
}

/** sentinel_report.root_cause */
export interface RootCause {
  /**
   * The drifted columns, most strongly drifted first (each score against its own
   * threshold, so p-values and distances compare). Null when the summary compared with
   * another reference than the serving one: which columns moved is then not known.
   */
  moved_features: MovedFeature[] | null;
  /** Null when the summary has no segments judged for the serving model (no labels, or another model's scores). */
  weakest_segments: SegmentLoss[] | null;
  similar_incidents: SimilarIncident[];
  /** What the evidence cannot speak for, and why a part is missing. */
  notes: string[];
}

export interface RootCauseInput {
  incidentType: IncidentType;
  summary: MonitoringSummary;
  /** What the summary cannot speak for (sentinel.ts unusableBases): drift from another reference, scores of another model. */
  unusable: { referenceDrift: boolean; modelQuality: boolean };
  /** The audit log's records before this run, as verified when the run opened. */
  history: readonly AuditRecord[];
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function movedFeatures(summary: MonitoringSummary): MovedFeature[] {
  const moves = summary.feature_moves ?? {};
  return Object.values(summary.drift_by_columns).filter((result) => result.drift_detected)
    .sort((a, b) => driftStrength(b) - driftStrength(a) || byName(a.column_name, b.column_name))
    .map((result) => {
      const move = moves[result.column_name] ?? null;
      return {
        column: result.column_name,
        stattest_name: result.stattest_name,
        drift_score: result.drift_score,
        stattest_threshold: result.stattest_threshold,
        move,
        description: move ? describeMove(result.column_name, move) : `${result.column_name}: drifted (${result.stattest_name} ${result.drift_score.toPrecision(3)}); direction not recorded`,
      };
    });
}

function auc(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}

function segmentLosses(summary: MonitoringSummary): SegmentLoss[] | null {
  const segments = summary.segment_performance;
  if (!segments) return null;
  // A column the current policy excludes (summaryUnderPolicy.ts) is no evidence any more.
  const features = new Set(summary.columns.features);
  const judgedNow = { ...segments, features: segments.features.filter((feature) => features.has(feature.column)) };
  return weakestSegments(judgedNow, MAX_WEAKEST_SEGMENTS).map(({ column, segment }) => ({
    column,
    segment: segment.label,
    reference_roc_auc: segment.reference.roc_auc,
    current_roc_auc: segment.current.roc_auc,
    roc_auc_change: segment.roc_auc_change as number,
    current_rows: segment.current.rows,
    current_positives: segment.current.positives,
    description: `${column} ${segment.label}: ROC AUC ${auc(segment.reference.roc_auc)} → ${auc(segment.current.roc_auc)} (${segment.current.rows} rows, ${segment.current.positives} positives)`,
  }));
}

/* The audit history, read defensively: a record written before these fields existed, or one of an unknown shape, is passed by. */

/** A record's detail and decision as far as they have the shape they should: a hand-written line may lack either. */
function detailOf(record: AuditRecord | undefined): Record<string, unknown> {
  const detail: unknown = record?.detail;
  return typeof detail === 'object' && detail !== null ? (detail as Record<string, unknown>) : {};
}

/** The fields a similar incident copies have the types the audit schema gives them. */
function wellFormed(record: AuditRecord): boolean {
  return typeof record.run_id === 'string' && typeof record.time === 'string' && typeof record.kind === 'string' && Number.isInteger(record.seq);
}

function decisionOf(record: AuditRecord): string {
  return typeof record.decision === 'string' ? record.decision : '';
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
}

function versionOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

function numberOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function oneOf<T extends string>(words: readonly T[], value: unknown): T | null {
  return typeof value === 'string' && (words as readonly string[]).includes(value) ? (value as T) : null;
}

/** Shared over union; two incidents naming no column are alike in that (a concept drift with nothing moved). */
function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const column of a) if (b.has(column)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/** What a run did: its release record's action, outcome, versions and the ROC AUCs before and after. */
function releaseFigures(release: AuditRecord | undefined): Pick<SimilarIncident, 'action' | 'outcome' | 'champion_before' | 'champion_after' | 'challenger' | 'roc_auc_before' | 'roc_auc_after'> {
  const detail = detailOf(release);
  const outcome = oneOf(RELEASE_OUTCOMES, release?.decision);
  // After a retrain the challenger's figure (promoted or not: it shows why it was blocked); after a rollback, the restored version's.
  const after = outcome === 'rolled_back' ? numberOf(detail.previous_roc_auc) : numberOf(detail.challenger_roc_auc);
  return {
    action: oneOf(ACTIONS, detail.action),
    outcome,
    champion_before: versionOf(detail.champion_before),
    champion_after: versionOf(detail.champion_after),
    challenger: versionOf(detail.challenger),
    roc_auc_before: numberOf(detail.champion_roc_auc),
    roc_auc_after: after,
  };
}

function outcomeText(incident: Pick<SimilarIncident, 'outcome' | 'champion_after' | 'challenger'>): string {
  switch (incident.outcome) {
    case null: return 'no recorded outcome';
    case 'promoted': return incident.challenger === null ? 'promoted' : `v${incident.challenger} promoted`;
    case 'blocked': return incident.challenger === null ? 'blocked' : `challenger v${incident.challenger} blocked`;
    case 'rolled_back': return incident.champion_after === null ? 'rolled back' : `rolled back to v${incident.champion_after}`;
    default: return incident.outcome;
  }
}

function describeIncident(incident: Omit<SimilarIncident, 'description'>): string {
  const columns = incident.drifted_columns.length > 0 ? `${incident.drifted_columns.join('+')} drifted` : 'no column drifted';
  const shared = incident.drifted_columns.length > 0 ? ` (${incident.shared_columns.length} in common)` : '';
  const approval = incident.approval === null ? '' : incident.approval.decision.startsWith('approved') ? `, approved (run ${incident.approval.run_id})` : `, approval ${incident.approval.decision}`;
  const figures = incident.roc_auc_before !== null && incident.roc_auc_after !== null ? `, ROC AUC ${auc(incident.roc_auc_before)} → ${auc(incident.roc_auc_after)}` : '';
  return `${incident.time} (run ${incident.run_id}): ${incident.incident_type}/${incident.severity ?? '?'}, ${columns}${shared}: ${incident.action ?? 'no action recorded'}${approval}, ${outcomeText(incident)}${figures}`;
}

/**
 * Past incidents of the same type whose drifted columns overlap this one's, most alike
 * first, then the most recent, then by run id. Only sentinel records that name their
 * drifted columns count (records written before they did are passed by). A run that
 * waited for a human is followed to the run that carried out the approval, or to how
 * the approval was closed.
 */
export function similarIncidents(incidentType: IncidentType, driftedColumns: readonly string[], allHistory: readonly AuditRecord[], count = MAX_SIMILAR_INCIDENTS): SimilarIncident[] {
  const current = new Set(driftedColumns);
  // A chain-valid record of another shape (a hand-appended line, another writer) is passed by, never copied into a report.
  const history = allHistory.filter(wellFormed);
  const releases = new Map<string, AuditRecord>();
  const approvedBy = new Map<string, AuditRecord>();
  const closedApprovals = new Map<string, AuditRecord>();
  for (const record of history) {
    if (record.kind === 'release') releases.set(record.run_id, record);
    if (record.kind !== 'approval') continue;
    const fromRun = detailOf(record).from_run;
    if (decisionOf(record).startsWith('approved:') && typeof fromRun === 'string') approvedBy.set(fromRun, record);
    else if (['rejected', 'expired', 'stale'].includes(decisionOf(record))) closedApprovals.set(record.run_id, record);
  }
  const found: { seq: number; incident: Omit<SimilarIncident, 'description'> }[] = [];
  for (const record of history) {
    if (record.kind !== 'sentinel') continue;
    const [type, severity] = decisionOf(record).split('/');
    const columns = stringList(detailOf(record).drifted_columns);
    if (type !== incidentType || columns === undefined) continue;
    const similarity = jaccard(current, new Set(columns));
    if (similarity === 0) continue;
    const ownRelease = releaseFigures(releases.get(record.run_id));
    const approval = ownRelease.outcome === 'pending_approval' ? (approvedBy.get(record.run_id) ?? closedApprovals.get(record.run_id)) : undefined;
    const carriedOut = approval !== undefined && decisionOf(approval).startsWith('approved:') ? releases.get(approval.run_id) : undefined;
    found.push({
      seq: record.seq,
      incident: {
        run_id: record.run_id,
        time: record.time,
        incident_type: incidentType,
        severity: oneOf(SEVERITIES, severity),
        drifted_columns: columns,
        shared_columns: driftedColumns.filter((column) => columns.includes(column)),
        similarity,
        ...(carriedOut ? releaseFigures(carriedOut) : ownRelease),
        approval: approval ? { decision: decisionOf(approval), run_id: approval.run_id } : null,
      },
    });
  }
  return found.sort((a, b) => b.incident.similarity - a.incident.similarity || b.seq - a.seq || byName(a.incident.run_id, b.incident.run_id))
    .slice(0, count)
    .map(({ incident }) => ({ ...incident, description: describeIncident(incident) }));
}

/**
 * The root-cause evidence of an incident. Moves are left out when the summary compared
 * with another reference than the serving one, and segments when it judged another
 * model: the sentinel did not use those figures either.
 */
/**
 * The audit history a run compares its incident with. A run carrying out an approval
 * answers the incident of the run that asked for it: that run is this incident, not a
 * past one like it.
 */
export function pastIncidentHistory(records: readonly AuditRecord[], answeredRun?: string): readonly AuditRecord[] {
  return answeredRun === undefined ? records : records.filter((record) => record.run_id !== answeredRun);
}

export function rootCause(input: RootCauseInput): RootCause {
  const { summary, unusable } = input;
  const moved = unusable.referenceDrift ? null : movedFeatures(summary);
  const notes = [
    ...(unusable.referenceDrift ? ['moved features and similar incidents left out: the summary compared with another reference than the serving one'] : []),
    ...(!unusable.referenceDrift && summary.feature_moves === undefined ? ['the summary does not record which way features moved (written before it did): re-run the monitor'] : []),
    ...(unusable.modelQuality ? ['segments left out: the summary judged another model than the serving one'] : []),
    ...(!unusable.modelQuality && !summary.segment_performance ? ['no segment performance: the summary has no labels judged'] : []),
  ];
  return {
    moved_features: moved,
    weakest_segments: unusable.modelQuality ? null : segmentLosses(summary),
    // Without the drifted columns there is nothing to compare a past incident with.
    similar_incidents: moved === null ? [] : similarIncidents(input.incidentType, moved.map((feature) => feature.column), input.history),
    notes,
  };
}

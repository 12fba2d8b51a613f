import type { PromotionPolicy } from '../../../core/src/domain/promotionPolicy.ts';
import type { MonitoringSummary, ServingReference } from '../../../monitoring/src/index.ts';
import type { AuditRecord } from '../auditChain.ts';
import type { Incident, SentinelReport } from '../controlTypes.ts';
import { basesOf, INCIDENT_RULES, type RuleBasis } from './incidentRules.ts';
import { rootCause } from './rootCause.ts';

/** What serves now, as the registry and the policy say: what a summary must have judged to be used in full. */
export interface Serving {
  version: number | null;
  /** The version a rollback would restore now (by the registry history). */
  rollbackTarget: number | null;
  /** The reference the monitor should have compared with (reference.mode); null when nothing serves to have one. */
  reference: Pick<ServingReference, 'sha256' | 'description'> | { unavailable: string } | null;
}

export interface SentinelInput {
  runId: string;
  now: Date;
  /** The summary as the current policy judges it (summaryUnderPolicy.ts). */
  summary: MonitoringSummary;
  summaryIdentity: { path: string; sha256: string };
  /** The verdicts the current policy changed in the summary. */
  rejudged: readonly string[];
  policy: PromotionPolicy;
  serving: Serving;
  /** The audit log before this run (as openControlRun verified it), for similar past incidents; absent: none to compare with. */
  history?: readonly AuditRecord[];
}

/**
 * Which rule bases the summary cannot speak for, and why: scores of a model that no
 * longer serves say nothing about the one that does, and drift from a reference the
 * serving model was not trained on is drift the model has already been given.
 */
export function unusableBases(summary: MonitoringSummary, serving: Serving): Map<RuleBasis, string> {
  const unusable = new Map<RuleBasis, string>();
  const judged = summary.model?.version ?? null;
  if (summary.model && judged !== null && judged !== serving.version) {
    const now = serving.version === null ? 'no version serves now' : `v${serving.version} serves now`;
    unusable.set('model_quality', `the summary judged model v${judged}, but ${now}: model-quality rules not applied (re-run the monitor to judge the serving model)`);
  }
  const reference = serving.reference;
  if (reference && summary.status === 'ok') {
    if ('unavailable' in reference) unusable.set('reference_drift', `${reference.unavailable}: drift rules not applied`);
    else if (summary.reference.sha256 !== reference.sha256) {
      unusable.set('reference_drift', `the summary compares with ${summary.reference.path} (sha256 ${summary.reference.sha256.slice(0, 12)}), but the reference is now ${reference.description} (sha256 ${reference.sha256.slice(0, 12)}): drift rules not applied (re-run the monitor with --reference serving)`);
    }
  }
  return unusable;
}

/** Sentinel: what happened, as an incident with the figures and the rule that show it, and what it could not judge. */
export function runSentinel(input: SentinelInput): SentinelReport {
  const { summary } = input;
  const unusable = unusableBases(summary, input.serving);
  const caveats = [
    ...(input.rejudged.length > 0 ? [`judged under the current policy, not the one the summary was made under: ${input.rejudged.join('; ')}`] : []),
    ...unusable.values(),
  ];
  const applicable = INCIDENT_RULES.filter((rule) => !basesOf(rule).some((basis) => unusable.has(basis)));
  const incident: Incident = applicable.map((rule) => rule.detect(summary, input.policy)).find((found) => found !== undefined) ?? {
    incident_type: 'none',
    severity: 'none',
    rule: 'no_incident',
    explanation: unusable.size > 0
      ? `no incident among the rules this summary can speak for (${applicable.map((rule) => rule.name).join(', ')}); see the caveats`
      : `no column drifted (0 of ${summary.number_of_columns}), volume and data quality within policy${summary.performance ? ', performance held' : ''}`,
    evidence: [{ name: 'share_of_drifted_columns', value: summary.share_of_drifted_columns, threshold: summary.drift_share, source: 'monitoring_summary' }],
  };
  return {
    run_id: input.runId,
    created_at: input.now.toISOString(),
    ...incident,
    // No incident, nothing to explain: moves below every threshold are noise, and "similar past non-incidents" help nobody.
    root_cause: incident.incident_type === 'none' ? null : rootCause({
      incidentType: incident.incident_type,
      summary,
      unusable: { referenceDrift: unusable.has('reference_drift'), modelQuality: unusable.has('model_quality') },
      history: input.history ?? [],
    }),
    caveats,
    monitoring_summary: {
      ...input.summaryIdentity,
      status: summary.status,
      generated_at: summary.generated_at,
      model_version: summary.model?.version ?? null,
      reference_sha256: summary.reference.sha256,
      policy_sha256: summary.policy?.sha256 ?? null,
    },
    production_version: input.serving.version,
  };
}

import type { PromotionPolicy } from '../../../core/src/domain/promotionPolicy.ts';
import type { MonitoringSummary } from '../../../monitoring/src/index.ts';
import type { Incident, SentinelReport } from '../controlTypes.ts';
import { INCIDENT_RULES } from './incidentRules.ts';

export interface SentinelInput {
  runId: string;
  now: Date;
  summary: MonitoringSummary;
  summaryIdentity: { path: string; sha256: string };
  policy: PromotionPolicy;
  productionVersion: number | null;
}

/** Sentinel: what happened, as an incident with the figures and the rule that show it. */
export function runSentinel(input: SentinelInput): SentinelReport {
  const incident: Incident = INCIDENT_RULES.map((rule) => rule.detect(input.summary, input.policy)).find((found) => found !== undefined) ?? {
    incident_type: 'none',
    severity: 'none',
    rule: 'no_incident',
    explanation: `no column drifted (0 of ${input.summary.number_of_columns}), volume and data quality within policy${input.summary.performance ? ', performance held' : ''}`,
    evidence: [{ name: 'share_of_drifted_columns', value: input.summary.share_of_drifted_columns, threshold: input.summary.drift_share, source: 'monitoring_summary' }],
  };
  return {
    run_id: input.runId,
    created_at: input.now.toISOString(),
    ...incident,
    monitoring_summary: { ...input.summaryIdentity, status: input.summary.status, generated_at: input.summary.generated_at },
    production_version: input.productionVersion,
  };
}

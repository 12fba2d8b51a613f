import { dataQualityLimits } from '../../../core/src/domain/dataQualityLimits.ts';
import type { PromotionPolicy } from '../../../core/src/domain/promotionPolicy.ts';
import type { Severity } from '../../../core/src/domain/vocabularies.ts';
import { MIN_CALIBRATION_POSITIVES, type MonitoringSummary } from '../../../monitoring/src/index.ts';
import type { Evidence, Incident } from '../controlTypes.ts';

/**
 * What a rule's verdict rests on, besides the current data: the serving model's scores
 * (model_quality) or the comparison with the reference (reference_drift). A summary
 * made for another model or another reference than the serving one cannot be used for it.
 */
export type RuleBasis = 'data' | 'model_quality' | 'reference_drift';

/** One incident rule: returns an incident when it fires. Rules are tried in INCIDENT_RULES order. */
export interface IncidentRule {
  name: string;
  /** What the verdict rests on: every one of them must be usable for the rule to be tried. */
  basis: RuleBasis | readonly RuleBasis[];
  detect(summary: MonitoringSummary, policy: PromotionPolicy): Incident | undefined;
}

function twoLevels(value: number, threshold: number): Severity {
  return value >= 2 * threshold ? 'high' : 'medium';
}

export const insufficientDataRule: IncidentRule = {
  name: 'insufficient_data',
  basis: 'data',
  detect(summary) {
    if (summary.status !== 'insufficient_data') return undefined;
    return {
      incident_type: 'none',
      severity: 'none',
      rule: 'insufficient_data',
      explanation: `only ${summary.current.rows} current rows, fewer than min_samples ${summary.min_samples}: no verdict`,
      evidence: [{ name: 'current_rows', value: summary.current.rows, threshold: summary.min_samples, source: 'monitoring_summary.current.rows' }],
    };
  },
};

export const dataQualityRule: IncidentRule = {
  name: 'data_quality',
  basis: 'data',
  detect(summary, policy) {
    const { maxMissingShare: maxMissing, maxUnseenCategoryShare: maxUnseen } = dataQualityLimits(policy);
    const quality = summary.data_quality;
    const missingBreached = quality.max_missing_share > maxMissing;
    const unseenBreached = quality.max_unseen_category_share > maxUnseen;
    if (!missingBreached && !unseenBreached) return undefined;
    const severity = missingBreached && unseenBreached ? 'high' : missingBreached ? twoLevels(quality.max_missing_share, maxMissing) : twoLevels(quality.max_unseen_category_share, maxUnseen);
    return {
      incident_type: 'data_quality',
      severity,
      rule: missingBreached ? 'missing_values_above_limit' : 'unseen_categories_above_limit',
      explanation: 'the current data is broken rather than drifted: fix the feed before judging the model',
      evidence: [
        { name: 'max_missing_share', value: quality.max_missing_share, threshold: maxMissing, source: 'monitoring_summary.data_quality', decisive: missingBreached, direction: 'above' },
        { name: 'max_unseen_category_share', value: quality.max_unseen_category_share, threshold: maxUnseen, source: 'monitoring_summary.data_quality', decisive: !missingBreached, direction: 'above' },
      ],
    };
  },
};

export const shockRule: IncidentRule = {
  name: 'shock',
  basis: 'data',
  detect(summary, policy) {
    const { volume } = summary;
    const { volume_ratio: volumeLimit, hour_profile_distance: profileLimit } = policy.shock_policy;
    const volumeBreached = volume.rows_per_day_ratio !== null && volume.rows_per_day_ratio >= volumeLimit;
    const profileBreached = volume.hour_profile_distance !== null && volume.hour_profile_distance >= profileLimit;
    if (!volumeBreached && !profileBreached) return undefined;
    return {
      incident_type: 'shock',
      severity: volumeBreached && profileBreached ? 'high' : 'medium',
      rule: volumeBreached ? 'volume_spike' : 'hour_profile_shift',
      explanation: `a sudden volume / time-of-day anomaly${volume.surge_hours.length > 0 ? ` (surge in hours ${volume.surge_hours.join(', ')})` : ''}: likely transient, so drift it causes is not retrained on by default`,
      evidence: [
        { name: 'rows_per_day_ratio', value: volume.rows_per_day_ratio, threshold: volumeLimit, source: 'monitoring_summary.volume', decisive: volumeBreached, direction: 'above' },
        { name: 'hour_profile_distance', value: volume.hour_profile_distance, threshold: profileLimit, source: 'monitoring_summary.volume', decisive: !volumeBreached, direction: 'above' },
        { name: 'share_of_drifted_columns', value: summary.share_of_drifted_columns, source: 'monitoring_summary' },
      ],
    };
  },
};

/**
 * The serving model scores below performance_policy.bad_model_min_auc on the reference
 * labels too: the model is bad, not the world. Its own key, not the release gate: a
 * stricter gate for challengers must not turn drift into a "bad model".
 */
export const badModelRule: IncidentRule = {
  name: 'bad_model',
  basis: 'model_quality',
  detect(summary, policy) {
    const performance = summary.performance;
    if (!performance) return undefined;
    const referenceAuc = performance.reference.roc_auc;
    const currentAuc = performance.current.roc_auc;
    if (referenceAuc === null || currentAuc === null) return undefined;
    const floor = policy.performance_policy.bad_model_min_auc;
    if (referenceAuc >= floor || currentAuc >= floor) return undefined;
    return {
      incident_type: 'bad_model',
      severity: 'high',
      rule: 'model_below_bad_model_min_auc',
      explanation: `the serving model (${performance.source}) is below performance_policy.bad_model_min_auc on reference and current labels alike: a bad model, not a changed world`,
      evidence: [
        { name: 'reference_roc_auc', value: referenceAuc, threshold: floor, source: 'monitoring_summary.performance.reference', direction: 'below' },
        { name: 'current_roc_auc', value: currentAuc, threshold: floor, source: 'monitoring_summary.performance.current', decisive: true, direction: 'below' },
      ],
    };
  },
};

export const performanceDropRule: IncidentRule = {
  name: 'performance_drop',
  basis: 'model_quality',
  detect(summary, policy) {
    const performance = summary.performance;
    if (!performance) return undefined;
    const { max_auc_drop: maxAucDrop, max_average_precision_drop: maxApDrop } = policy.performance_policy;
    const aucDrop = performance.delta.roc_auc === null ? null : -performance.delta.roc_auc;
    const apDrop = performance.delta.average_precision === null ? null : -performance.delta.average_precision;
    const aucBreached = aucDrop !== null && aucDrop > maxAucDrop;
    const apBreached = apDrop !== null && apDrop > maxApDrop;
    if (!aucBreached && !apBreached) return undefined;
    return {
      incident_type: 'concept_drift',
      severity: aucBreached ? twoLevels(aucDrop as number, maxAucDrop) : twoLevels(apDrop as number, maxApDrop),
      rule: aucBreached ? 'auc_drop_above_limit' : 'average_precision_drop_above_limit',
      explanation: `${performance.source} ranks fraud worse on current labels than on reference: the relation between features and fraud has moved`,
      evidence: [
        { name: 'roc_auc_drop', value: aucDrop, threshold: maxAucDrop, source: 'monitoring_summary.performance.delta.roc_auc', decisive: aucBreached, direction: 'above' },
        { name: 'average_precision_drop', value: apDrop, threshold: maxApDrop, source: 'monitoring_summary.performance.delta.average_precision', decisive: !aucBreached, direction: 'above' },
        { name: 'share_of_drifted_columns', value: summary.share_of_drifted_columns, source: 'monitoring_summary' },
      ],
    };
  },
};

/** The incident rule an estimated drop fires as: the planner answers it with performance_policy.on_estimated_drop. */
export const ESTIMATED_DROP_RULE = 'estimated_auc_drop_above_limit';

export { MIN_CALIBRATION_POSITIVES } from '../../../monitoring/src/index.ts';

/**
 * The serving model's ROC AUC estimated without labels (CBPE) has fallen below its
 * estimate on the reference by more than performance_policy.max_estimated_auc_drop:
 * rows have moved to where the model is less sure, before any label says so. A data
 * drift incident (it can only see the features move), answered by its own policy key.
 * Labels on the very rows judged say more than an estimate: with them, this rule stands
 * aside (over time the labelled rows are older ones, and the estimate still speaks); so
 * does a calibration fitted on too few fraud rows.
 */
export const estimatedPerformanceDropRule: IncidentRule = {
  name: 'estimated_performance_drop',
  // The serving model's scores, against its estimate on the serving reference: both must be the serving ones.
  basis: ['model_quality', 'reference_drift'],
  detect(summary, policy) {
    const limit = policy.performance_policy.max_estimated_auc_drop;
    const estimated = summary.estimated_performance;
    if (limit === null || !estimated || estimated.delta.roc_auc === null || estimated.calibration.positives < MIN_CALIBRATION_POSITIVES) return undefined;
    if (summary.performance && !summary.labelled) return undefined;
    const drop = -estimated.delta.roc_auc;
    if (drop <= limit) return undefined;
    const band = estimated.band?.roc_auc ?? null;
    return {
      incident_type: 'data_drift',
      severity: twoLevels(drop, limit),
      rule: ESTIMATED_DROP_RULE,
      explanation: `${estimated.source}'s ROC AUC estimated without labels (CBPE) fell from ${(estimated.reference.roc_auc as number).toFixed(3)} on the reference to ${(estimated.current.roc_auc as number).toFixed(3)}: the rows moved to where the model is less sure (labels will confirm; a changed label rule it cannot see)`,
      evidence: [
        { name: 'estimated_roc_auc_drop', value: drop, threshold: limit, source: 'monitoring_summary.estimated_performance.delta.roc_auc', decisive: true, direction: 'above' },
        { name: 'estimated_roc_auc', value: estimated.current.roc_auc, ...(band === null ? {} : { threshold: band.lower }), source: `monitoring_summary.estimated_performance.current (band: ${band === null ? 'none' : `${band.lower.toFixed(3)}..${band.upper.toFixed(3)} from ${estimated.band?.chunks} reference chunks`})` },
        { name: 'share_of_drifted_columns', value: summary.share_of_drifted_columns, source: 'monitoring_summary' },
      ],
    };
  },
};

/**
 * The share the evidence margin of a data-drift incident is measured from: the lowest
 * positive severity threshold, whatever the severity. Measured from each severity's own
 * threshold, more drift could mean less confidence (3/9 columns: medium, well past 0.2;
 * high under high: 0.3, only just past it).
 */
export function driftEvidenceAnchor(thresholds: { high: number; medium: number }): number {
  return thresholds.medium > 0 ? thresholds.medium : thresholds.high;
}

export const dataDriftRule: IncidentRule = {
  name: 'data_drift',
  basis: 'reference_drift',
  detect(summary, policy) {
    if (summary.number_of_drifted_columns === 0 || summary.severity === null || summary.severity === 'none') return undefined;
    const drifted = Object.values(summary.drift_by_columns).filter((column) => column.drift_detected);
    const thresholds = policy.drift_policy.severity_thresholds;
    return {
      incident_type: 'data_drift',
      severity: summary.severity,
      rule: `drift_share_${summary.severity}`,
      explanation: `${summary.number_of_drifted_columns} of ${summary.number_of_columns} columns drifted (${drifted.map((column) => column.column_name).join(', ')})`,
      evidence: [
        { name: 'share_of_drifted_columns', value: summary.share_of_drifted_columns, threshold: driftEvidenceAnchor(thresholds), source: `monitoring_summary (${summary.severity} under drift_policy.severity_thresholds high ${thresholds.high}, medium ${thresholds.medium}; margin measured from the lowest)`, decisive: true, direction: 'above' },
        { name: 'dataset_drift', value: summary.dataset_drift, threshold: summary.drift_share, source: 'monitoring_summary (share >= drift_policy.drift_share)' },
        ...drifted.map((column): Evidence => ({ name: `${column.column_name}.${column.stattest_name}`, value: column.drift_score, threshold: column.stattest_threshold, source: `monitoring_summary.drift_by_columns.${column.column_name}` })),
      ],
    };
  },
};

/** Most specific explanation first: no verdict, broken data, shock, a bad model, concept drift, an estimated drop, feature drift. */
export const INCIDENT_RULES: readonly IncidentRule[] = [insufficientDataRule, dataQualityRule, shockRule, badModelRule, performanceDropRule, estimatedPerformanceDropRule, dataDriftRule];

/** The bases a rule rests on, as a list. */
export function basesOf(rule: IncidentRule): readonly RuleBasis[] {
  return typeof rule.basis === 'string' ? [rule.basis] : rule.basis;
}

import { dataQualityLimits } from '../../core/src/domain/dataQualityLimits.ts';
import type { PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import type { MonitoringSummary } from './monitoringSummary.ts';
import { escapeHtml, formatNumber } from './reportFormat.ts';
import { histogramChart } from './svgCharts.ts';

/**
 * Performance, volume and data quality, each figure beside the policy limit the
 * control plane holds it to (compared as the sentinel compares it). Without a policy
 * file there are no limits to show, and the report says so.
 */

const NO_POLICY = '<p class="caption">No policy file: the control plane\'s limits are not shown.</p>';

/** One figure the control plane holds to a policy limit, compared as the sentinel compares it. */
export interface LimitCheck {
  area: 'performance' | 'volume' | 'data_quality';
  label: string;
  key: string;
  value: number | null;
  limit: number;
  breached: boolean;
  digits: number;
  note?: string;
}

const above = (value: number, limit: number): boolean => value > limit;
const atOrAbove = (value: number, limit: number): boolean => value >= limit;
const below = (value: number, limit: number): boolean => value < limit;

function check(area: LimitCheck['area'], label: string, key: string, value: number | null, limit: number, breached: (value: number, limit: number) => boolean, digits = 3, note?: string): LimitCheck {
  return { area, label, key, value, limit, breached: value !== null && breached(value, limit), digits, ...(note ? { note } : {}) };
}

/** Every figure of the summary beside the policy limit it is held to: what the sections show, and what the verdict names when breached. */
export function limitChecks(summary: MonitoringSummary, policy: PromotionPolicy): LimitCheck[] {
  const checks: LimitCheck[] = [];
  const performance = summary.performance;
  if (performance) {
    const limits = policy.performance_policy;
    const drop = (delta: number | null): number | null => (delta === null ? null : -delta);
    const currentAuc = performance.current.roc_auc;
    const referenceAuc = performance.reference.roc_auc;
    const badModel = currentAuc === null || referenceAuc === null ? null : Math.max(currentAuc, referenceAuc);
    checks.push(
      check('performance', 'AUC drop', 'performance_policy.max_auc_drop', drop(performance.delta.roc_auc), limits.max_auc_drop, above, 4),
      check('performance', 'Average precision drop', 'performance_policy.max_average_precision_drop', drop(performance.delta.average_precision), limits.max_average_precision_drop, above, 4),
      check('performance', 'Better of reference and current AUC', 'performance_policy.bad_model_min_auc', badModel, limits.bad_model_min_auc, below, 3, '(below on both: a bad model)'),
    );
  }
  const estimated = summary.estimated_performance;
  const estimatedLimit = policy.performance_policy.max_estimated_auc_drop;
  if (estimated && estimatedLimit !== null) {
    // Labels on the very rows judged stand in for the estimate (estimatedPerformanceDropRule).
    const note = summary.performance && !summary.labelled ? '(not applied: labels on these rows judge performance)' : '(before labels: CBPE)';
    checks.push(check('performance', 'Estimated AUC drop', 'performance_policy.max_estimated_auc_drop', estimated.delta.roc_auc === null ? null : -estimated.delta.roc_auc, estimatedLimit, above, 4, note));
  }
  const shock = policy.shock_policy;
  checks.push(
    check('volume', 'Rows per day ratio', 'shock_policy.volume_ratio', summary.volume.rows_per_day_ratio, shock.volume_ratio, atOrAbove, 2),
    check('volume', 'Hour profile distance', 'shock_policy.hour_profile_distance', summary.volume.hour_profile_distance, shock.hour_profile_distance, atOrAbove),
  );
  const { maxMissingShare, maxUnseenCategoryShare } = dataQualityLimits(policy);
  const key = (name: 'max_missing_share' | 'max_unseen_category_share'): string => `data_quality_policy.${name}${policy.data_quality_policy?.[name] === undefined ? ' (default)' : ''}`;
  checks.push(
    check('data_quality', 'Missing share', key('max_missing_share'), summary.data_quality.max_missing_share, maxMissingShare, above),
    check('data_quality', 'Unseen category share', key('max_unseen_category_share'), summary.data_quality.max_unseen_category_share, maxUnseenCategoryShare, above),
  );
  return checks;
}

/** "0.0490 vs performance_policy.max_auc_drop 0.05: within" or "...: beyond the limit", for one figure. */
function againstLimit(item: LimitCheck): string {
  if (item.value === null) return `<span class="caption">${escapeHtml(item.key)} ${item.limit}: not judged (no figure)</span>`;
  return `<span class="${item.breached ? 'bad' : 'good'}">${formatNumber(item.value, item.digits)} vs ${escapeHtml(item.key)} ${item.limit}: ${item.breached ? 'beyond the limit' : 'within'}</span>`;
}

/** The limits of one area as a list. */
function limitList(summary: MonitoringSummary, policy: PromotionPolicy, area: LimitCheck['area']): string {
  return `<ul>${limitChecks(summary, policy).filter((item) => item.area === area).map((item) => `<li>${escapeHtml(item.label)}: ${againstLimit(item)}${item.note ? ` ${escapeHtml(item.note)}` : ''}</li>`).join('')}</ul>`;
}

export function performanceSection(summary: MonitoringSummary, policy: PromotionPolicy | null): string {
  const performance = summary.performance;
  if (!performance) {
    const absent = '<p>No labels on these rows: realised performance not judged (pass <code>--target</code> or <code>--dataset</code> with <code>--model</code> or <code>--prediction</code>).</p>';
    return summary.estimated_performance && policy ? absent + limitList(summary, policy, 'performance') : absent;
  }
  const rows = (['roc_auc', 'average_precision', 'f1', 'brier'] as const).map((metric) => `<tr><td>${metric}</td><td>${formatNumber(performance.reference[metric])}</td><td>${formatNumber(performance.current[metric])}</td><td>${formatNumber(performance.delta[metric])}</td></tr>`).join('');
  const table = `<p>Model: ${escapeHtml(performance.source)}, threshold ${formatNumber(performance.threshold)}.</p><table><thead><tr><th>metric</th><th>reference</th><th>current</th><th>delta</th></tr></thead><tbody>${rows}</tbody></table>`;
  return policy ? table + limitList(summary, policy, 'performance') : table + NO_POLICY;
}

export function volumeSection(summary: MonitoringSummary, policy: PromotionPolicy | null): string {
  const volume = summary.volume;
  const parts = [`<p>Rows: reference ${volume.reference_rows}, current ${volume.current_rows} (ratio ${formatNumber(volume.row_ratio, 2)}).`];
  if (volume.rows_per_day_ratio !== null) parts.push(` Rows per active day: ${formatNumber(volume.reference_rows_per_day, 1)} vs ${formatNumber(volume.current_rows_per_day, 1)} (ratio ${formatNumber(volume.rows_per_day_ratio, 2)}).`);
  if (volume.hour_profile_distance !== null) parts.push(` Hour-of-day profile distance (Jensen-Shannon): ${formatNumber(volume.hour_profile_distance)}; surge hours: ${volume.surge_hours.length > 0 ? volume.surge_hours.join(', ') : 'none'}.`);
  parts.push('</p>');
  parts.push(policy ? limitList(summary, policy, 'volume') : NO_POLICY);
  if (volume.reference_hour_profile && volume.current_hour_profile) {
    parts.push(histogramChart({ column: 'hour of day', binning: 'values', caption: 'share of rows per hour of day', labels: volume.reference_hour_profile.map((_, hour) => `${hour}h`), reference: volume.reference_hour_profile, current: volume.current_hour_profile }));
  }
  return parts.join('');
}

export function dataQualitySection(summary: MonitoringSummary, policy: PromotionPolicy | null): string {
  const quality = summary.data_quality;
  const figures = `<p>Largest missing share in current: ${formatNumber(quality.max_missing_share, 3)}; largest share of unseen categories: ${formatNumber(quality.max_unseen_category_share, 3)}; largest share out of the reference range: ${formatNumber(quality.max_out_of_range_share, 3)}.</p>`;
  const limits = policy ? limitList(summary, policy, 'data_quality') : NO_POLICY;
  const unseen = Object.entries(quality.columns).filter(([, column]) => (column.unseen_categories?.length ?? 0) > 0)
    .map(([column, columnQuality]) => `<li>${escapeHtml(column)}: ${columnQuality.unseen_categories?.map(escapeHtml).join(', ')}</li>`).join('');
  return figures + limits
    + (unseen ? `<p>Categories not seen in reference:</p><ul>${unseen}</ul>` : '')
    + (quality.extra_columns_in_current.length > 0 ? `<p>Columns only in current: ${quality.extra_columns_in_current.map(escapeHtml).join(', ')}</p>` : '');
}

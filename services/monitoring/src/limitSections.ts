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

/** "0.0490 ≤ performance_policy.max_auc_drop 0.05: within" or "... above the limit", for one figure. */
function againstLimit(value: number | null, key: string, limit: number, breached: (value: number, limit: number) => boolean, digits = 3): string {
  if (value === null) return `<span class="caption">${escapeHtml(key)} ${limit}: not judged (no figure)</span>`;
  const over = breached(value, limit);
  return `<span class="${over ? 'bad' : 'good'}">${formatNumber(value, digits)} vs ${escapeHtml(key)} ${limit}: ${over ? 'beyond the limit' : 'within'}</span>`;
}

const above = (value: number, limit: number): boolean => value > limit;
const atOrAbove = (value: number, limit: number): boolean => value >= limit;
const below = (value: number, limit: number): boolean => value < limit;

export function performanceSection(summary: MonitoringSummary, policy: PromotionPolicy | null): string {
  const performance = summary.performance;
  if (!performance) return '<p>No labels or predictions given: performance not judged (pass <code>--target</code> with <code>--model</code> or <code>--prediction</code>).</p>';
  const rows = (['roc_auc', 'average_precision', 'f1', 'brier'] as const).map((metric) => `<tr><td>${metric}</td><td>${formatNumber(performance.reference[metric])}</td><td>${formatNumber(performance.current[metric])}</td><td>${formatNumber(performance.delta[metric])}</td></tr>`).join('');
  const table = `<p>Model: ${escapeHtml(performance.source)}, threshold ${formatNumber(performance.threshold)}.</p><table><thead><tr><th>metric</th><th>reference</th><th>current</th><th>delta</th></tr></thead><tbody>${rows}</tbody></table>`;
  if (!policy) return table + NO_POLICY;
  const limits = policy.performance_policy;
  const drop = (delta: number | null): number | null => (delta === null ? null : -delta);
  const currentAuc = performance.current.roc_auc;
  const referenceAuc = performance.reference.roc_auc;
  const badModel = currentAuc === null || referenceAuc === null ? null : Math.max(currentAuc, referenceAuc);
  return `${table}<ul>`
    + `<li>AUC drop: ${againstLimit(drop(performance.delta.roc_auc), 'performance_policy.max_auc_drop', limits.max_auc_drop, above, 4)}</li>`
    + `<li>Average precision drop: ${againstLimit(drop(performance.delta.average_precision), 'performance_policy.max_average_precision_drop', limits.max_average_precision_drop, above, 4)}</li>`
    + `<li>Better of reference and current AUC: ${againstLimit(badModel, 'performance_policy.bad_model_min_auc', limits.bad_model_min_auc, below)} (below on both: a bad model)</li>`
    + '</ul>';
}

export function volumeSection(summary: MonitoringSummary, policy: PromotionPolicy | null): string {
  const volume = summary.volume;
  const parts = [`<p>Rows: reference ${volume.reference_rows}, current ${volume.current_rows} (ratio ${formatNumber(volume.row_ratio, 2)}).`];
  if (volume.rows_per_day_ratio !== null) parts.push(` Rows per active day: ${formatNumber(volume.reference_rows_per_day, 1)} vs ${formatNumber(volume.current_rows_per_day, 1)} (ratio ${formatNumber(volume.rows_per_day_ratio, 2)}).`);
  if (volume.hour_profile_distance !== null) parts.push(` Hour-of-day profile distance (Jensen-Shannon): ${formatNumber(volume.hour_profile_distance)}; surge hours: ${volume.surge_hours.length > 0 ? volume.surge_hours.join(', ') : 'none'}.`);
  parts.push('</p>');
  if (policy) {
    const shock = policy.shock_policy;
    parts.push('<ul>'
      + `<li>Rows per day ratio: ${againstLimit(volume.rows_per_day_ratio, 'shock_policy.volume_ratio', shock.volume_ratio, atOrAbove, 2)}</li>`
      + `<li>Hour profile distance: ${againstLimit(volume.hour_profile_distance, 'shock_policy.hour_profile_distance', shock.hour_profile_distance, atOrAbove)}</li>`
      + '</ul>');
  } else {
    parts.push(NO_POLICY);
  }
  if (volume.reference_hour_profile && volume.current_hour_profile) {
    parts.push(histogramChart({ column: 'hour of day', binning: 'values', caption: 'share of rows per hour of day', labels: volume.reference_hour_profile.map((_, hour) => `${hour}h`), reference: volume.reference_hour_profile, current: volume.current_hour_profile }));
  }
  return parts.join('');
}

export function dataQualitySection(summary: MonitoringSummary, policy: PromotionPolicy | null): string {
  const quality = summary.data_quality;
  const figures = `<p>Largest missing share in current: ${formatNumber(quality.max_missing_share, 3)}; largest share of unseen categories: ${formatNumber(quality.max_unseen_category_share, 3)}; largest share out of the reference range: ${formatNumber(quality.max_out_of_range_share, 3)}.</p>`;
  let limits = NO_POLICY;
  if (policy) {
    const { maxMissingShare, maxUnseenCategoryShare } = dataQualityLimits(policy);
    const key = (name: 'max_missing_share' | 'max_unseen_category_share'): string => `data_quality_policy.${name}${policy.data_quality_policy?.[name] === undefined ? ' (default)' : ''}`;
    limits = '<ul>'
      + `<li>Missing share: ${againstLimit(quality.max_missing_share, key('max_missing_share'), maxMissingShare, above)}</li>`
      + `<li>Unseen category share: ${againstLimit(quality.max_unseen_category_share, key('max_unseen_category_share'), maxUnseenCategoryShare, above)}</li>`
      + '</ul>';
  }
  const unseen = Object.entries(quality.columns).filter(([, column]) => (column.unseen_categories?.length ?? 0) > 0)
    .map(([column, columnQuality]) => `<li>${escapeHtml(column)}: ${columnQuality.unseen_categories?.map(escapeHtml).join(', ')}</li>`).join('');
  return figures + limits
    + (unseen ? `<p>Categories not seen in reference:</p><ul>${unseen}</ul>` : '')
    + (quality.extra_columns_in_current.length > 0 ? `<p>Columns only in current: ${quality.extra_columns_in_current.map(escapeHtml).join(', ')}</p>` : '');
}

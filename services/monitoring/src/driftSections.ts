import type { PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { defaultChoiceReason } from '../../core/src/domain/stattests/statTestRegistry.ts';
import type { ColumnHistogram } from './chartBinning.ts';
import { driftStrength, type ColumnDrift } from './datasetDrift.ts';
import type { MonitoringSummary, RecordedDriftSettings } from './monitoringSummary.ts';
import { escapeHtml, formatNumber } from './reportFormat.ts';
import { limitChecks } from './limitSections.ts';
import { columnChart } from './svgCharts.ts';

/** The drift part of the report: the dataset verdict against its limits, and each column's test, why, and score against its threshold. */

/** Why the column got its test: the policy key that named it, or the branch of Evidently's default choice. */
export function testChoiceReason(result: Pick<ColumnDrift, 'column_name' | 'column_type' | 'stattest_name' | 'stattest_chosen_by'>): string {
  switch (result.stattest_chosen_by) {
    case 'column_rule': return `drift_policy.columns.${result.column_name}.stattest`;
    case 'policy': return 'drift_policy.stattest (one test for every column)';
    case 'default': return `Evidently's ${defaultChoiceReason(result.stattest_name, result.column_type)}`;
  }
}

/** Where the column's threshold comes from, when the summary records its settings. */
export function thresholdOrigin(result: Pick<ColumnDrift, 'column_name' | 'stattest_name'>, settings: RecordedDriftSettings | undefined): string | undefined {
  if (settings === undefined) return undefined;
  if (settings.columns[result.column_name]?.threshold !== undefined) return `drift_policy.columns.${result.column_name}.threshold`;
  if (settings.stattest_threshold !== null) return 'drift_policy.stattest_threshold';
  return `${result.stattest_name}'s default`;
}

function comparator(score: number, threshold: number): string {
  return score < threshold ? '&lt;' : score > threshold ? '&gt;' : '=';
}

function scoreCell(result: ColumnDrift, settings: RecordedDriftSettings | undefined): string {
  const origin = thresholdOrigin(result, settings);
  const rule = result.score_kind === 'p_value' ? 'p-value: drift when small' : 'distance: drift when large';
  return `${formatNumber(result.drift_score)} ${comparator(result.drift_score, result.stattest_threshold)} ${result.stattest_threshold}<div class="caption">${rule}${origin ? `; threshold: ${escapeHtml(origin)}` : ''}</div>`;
}

export function columnsTable(summary: MonitoringSummary, histograms: readonly ColumnHistogram[]): string {
  const results = Object.values(summary.drift_by_columns).sort((a, b) => Number(b.drift_detected) - Number(a.drift_detected) || driftStrength(b) - driftStrength(a) || a.column_name.localeCompare(b.column_name));
  const byColumn = new Map(histograms.map((histogram) => [histogram.column, histogram]));
  const rows = results.map((result) => {
    const quality = summary.data_quality.columns[result.column_name];
    const histogram = byColumn.get(result.column_name);
    return `<tr class="${result.drift_detected ? 'drifted' : ''}"><td>${escapeHtml(result.column_name)}</td><td>${result.column_type}</td>`
      + `<td>${result.stattest_name}<div class="caption">${escapeHtml(testChoiceReason(result))}</div></td>`
      + `<td>${scoreCell(result, summary.drift_settings)}</td><td>${result.drift_detected ? 'drift' : 'ok'}</td>`
      + `<td>${formatNumber(quality?.current_missing_share ?? 0, 3)}</td><td>${histogram ? columnChart(histogram) : ''}</td></tr>`;
  }).join('\n');
  return `<table><thead><tr><th>column</th><th>type</th><th>test (why)</th><th>score vs threshold</th><th>verdict</th><th>missing (current)</th><th>reference vs current</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

function severityLine(summary: MonitoringSummary, thresholds: { high: number; medium: number } | undefined): string {
  const share = formatNumber(summary.share_of_drifted_columns, 3);
  if (thresholds === undefined) return `Severity <strong>${summary.severity}</strong>.`;
  const limits = `severity_thresholds: high ${thresholds.high}, medium ${thresholds.medium}`;
  const why = summary.severity === 'high' ? `share ${share} ≥ high ${thresholds.high}`
    : summary.severity === 'medium' ? `share ${share} ≥ medium ${thresholds.medium}, &lt; high ${thresholds.high}`
      : summary.severity === 'low' ? `share ${share} &gt; 0, &lt; medium ${thresholds.medium}` : 'no column drifted';
  return `Severity <strong>${summary.severity}</strong>: ${why} (${limits}).`;
}

/**
 * The dataset verdict with its limits. "Not detected" is no all-clear while columns
 * drifted: each drifted column is a data-drift incident of the severity shown, and the
 * control plane decides its action; the policy's mapping for that severity is named.
 */
export function verdictSection(summary: MonitoringSummary, policy: PromotionPolicy | null): string {
  if (summary.status === 'insufficient_data') {
    return `<p class="warn">Insufficient data: ${summary.current.rows} current rows, fewer than min_samples ${summary.min_samples}. No drift verdict.</p>`;
  }
  const drifted = summary.number_of_drifted_columns;
  // A figure beyond its limit elsewhere (performance, volume, data quality) is an incident whatever the drift verdict: never an all-clear.
  const breached = policy ? limitChecks(summary, policy).filter((item) => item.breached) : [];
  const style = summary.dataset_drift ? 'bad' : drifted > 0 || breached.length > 0 ? 'warn' : 'good';
  const share = formatNumber(summary.share_of_drifted_columns, 3);
  const datasetLine = `Dataset drift: <strong>${summary.dataset_drift ? 'detected' : 'not detected'}</strong> — ${drifted} of ${summary.number_of_columns} columns drifted: share ${share} ${summary.dataset_drift ? '≥' : '&lt;'} drift_share ${summary.drift_share}.`;
  const thresholds = summary.drift_settings?.severity_thresholds ?? policy?.drift_policy.severity_thresholds;
  const parts = [`<p>${datasetLine}</p>`, `<p>${severityLine(summary, thresholds)}</p>`];
  if (breached.length > 0) {
    const items = breached.map((item) => `<li>${escapeHtml(item.label)}: ${formatNumber(item.value, item.digits)} vs ${escapeHtml(item.key)} ${item.limit}</li>`).join('');
    parts.push(`<p>${summary.dataset_drift ? '' : 'This is not an all-clear: '}beyond a policy limit, whatever the drift verdict (a shock, a data-quality or a model-quality incident takes precedence over drift; the control plane decides the action):</p><ul>${items}</ul>`);
  } else if (drifted > 0) {
    const severity = summary.severity ?? 'none';
    const mapping = policy && severity !== 'none' ? policy.drift_policy[`on_${severity}`] : undefined;
    const policyWord = mapping ? ` The policy maps severity ${severity} to <strong>${mapping.action}</strong> (drift_policy.on_${severity}).` : ' Without a policy file, which action follows is not known here.';
    const clear = summary.dataset_drift ? '' : 'This is not an all-clear: ';
    parts.push(`<p>${clear}each drifted column is a data-drift incident of severity ${severity}, whose action the control plane decides.${policyWord}</p>`);
  }
  return `<section class="verdict ${style}">${parts.join('')}</section>`;
}

import { MIN_CALIBRATION_POSITIVES, type EstimatedMetrics, type EstimatedPerformance } from './estimatedPerformance.ts';
import type { MonitoringSummary } from './monitoringSummary.ts';
import { escapeHtml, formatNumber } from './reportFormat.ts';

/**
 * The report's "estimated without labels" section: CBPE's figures on reference and
 * current with the band, what the estimate cannot see, and the calibration it rests on.
 */

const METRICS = ['roc_auc', 'precision', 'recall', 'f1'] as const;

function bandCell(estimated: EstimatedPerformance, metric: (typeof METRICS)[number]): string {
  const band = metric === 'roc_auc' || metric === 'f1' ? estimated.band?.[metric] ?? null : null;
  if (band === null) return '<td class="caption">–</td>';
  const outside = estimated.outside_band[metric as 'roc_auc' | 'f1'];
  return `<td class="${outside ? 'bad' : 'good'}">${formatNumber(band.lower, 3)} – ${formatNumber(band.upper, 3)}${outside ? ' (outside)' : ''}</td>`;
}

function confusionLine(label: string, metrics: EstimatedMetrics): string {
  const cells = metrics.confusion;
  return `<li>${label}: expected TP ${formatNumber(cells.true_positive, 1)}, FP ${formatNumber(cells.false_positive, 1)}, FN ${formatNumber(cells.false_negative, 1)}, TN ${formatNumber(cells.true_negative, 1)} of ${metrics.rows} rows</li>`;
}

export function estimatedPerformanceSection(summary: MonitoringSummary): string {
  const estimated = summary.estimated_performance;
  if (!estimated) {
    return summary.model
      ? '<p class="caption">Not estimated: the model has no calibration (trained before artifact format 3; retrain it) or the window was too small to judge.</p>'
      : '<p class="caption">Not estimated: no model scored the rows (pass <code>--model</code>).</p>';
  }
  // Labels on the very rows estimated (a one-shot run): the realised figure beside the estimate.
  const realised = summary.performance && !summary.labelled ? summary.performance.current : null;
  const realisedOf = (metric: (typeof METRICS)[number]) => (metric === 'roc_auc' ? realised?.roc_auc : metric === 'f1' ? realised?.f1 : null) ?? null;
  const rows = METRICS.map((metric) => `<tr><td>${metric}</td><td>${formatNumber(estimated.reference[metric])}</td><td>${formatNumber(estimated.current[metric])}</td>${bandCell(estimated, metric)}<td>${formatNumber(realisedOf(metric))}</td></tr>`).join('');
  const band = estimated.band
    ? `Band: the reference estimate ± ${estimated.band.sigmas} standard deviations of ${estimated.band.chunks} reference chunks of ${estimated.band.chunk_rows} rows, scaled to ${estimated.current.rows} rows.`
    : 'No band: the reference has too few rows for two chunks.';
  const calibration = estimated.calibration;
  const rough = calibration.positives < MIN_CALIBRATION_POSITIVES
    ? `<p class="bad">The calibration was fitted on ${calibration.positives} fraud rows only: the estimate is rough, and the control plane does not act on it (train on more rows).</p>`
    : '';
  const table = calibration.table.map((point) => `<tr><td>${formatNumber(point.score, 4)}</td><td>${formatNumber(point.probability, 4)}</td></tr>`).join('');
  return `<p>${escapeHtml(estimated.source)} at threshold ${formatNumber(estimated.threshold)}, confidence-based performance estimation (CBPE): each row's calibrated score is its chance of being fraud, so the confusion matrix and ROC curve are expected from the scores alone. ${escapeHtml(band)}</p>`
    + `<table><thead><tr><th>metric</th><th>reference (estimated)</th><th>current (estimated)</th><th>band</th><th>current (realised)</th></tr></thead><tbody>${rows}</tbody></table>`
    + rough
    + `<ul>${confusionLine('Reference', estimated.reference)}${confusionLine('Current', estimated.current)}</ul>`
    + '<p class="caption">The estimate follows rows moving to where the model is less sure (covariate shift). It cannot see the label rule change (concept drift): then the calibration no longer holds, and only labels show the drop.</p>'
    + `<details><summary>Calibration: isotonic, fitted on ${calibration.rows} validation rows (${calibration.positives} positive), ${calibration.points} points${calibration.points > calibration.table.length ? `, ${calibration.table.length} shown` : ''}</summary><table><thead><tr><th>model score</th><th>calibrated probability</th></tr></thead><tbody>${table}</tbody></table></details>`;
}

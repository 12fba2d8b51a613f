import { driftStrength } from './datasetDrift.ts';
import type { MonitoringSummary } from './monitoringSummary.ts';
import { histogramCounts, sturgesBinEdges } from '../../core/src/domain/stattests/binning.ts';
import { valueCounts, type ColumnPair } from '../../core/src/domain/stattests/columnPair.ts';

/** Reference and current shares over common bins (or top categories), for one chart. */
export interface ColumnHistogram {
  column: string;
  labels: string[];
  reference: number[];
  current: number[];
}

const MAX_CATEGORY_BARS = 12;
const MAX_NUMERIC_BINS = 30;

export function columnHistogram(name: string, pair: ColumnPair): ColumnHistogram {
  if (pair.type === 'numerical') {
    let edges = sturgesBinEdges(pair);
    if (edges.length - 1 > MAX_NUMERIC_BINS) {
      const first = edges[0] as number;
      const last = edges[edges.length - 1] as number;
      edges = Float64Array.from({ length: MAX_NUMERIC_BINS + 1 }, (_, index) => first + ((last - first) * index) / MAX_NUMERIC_BINS);
    }
    const share = (values: Float64Array): number[] => Array.from(histogramCounts(values, edges), (count) => (values.length === 0 ? 0 : count / values.length));
    const format = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString());
    return {
      column: name,
      labels: Array.from({ length: edges.length - 1 }, (_, index) => `${format(edges[index] as number)}–${format(edges[index + 1] as number)}`),
      reference: share(pair.reference),
      current: share(pair.current),
    };
  }
  const { referenceTotal, currentTotal } = valueCounts(pair);
  const order = pair.keys.map((key, index) => ({ key, index, weight: (pair.referenceCounts[index] as number) / referenceTotal + (pair.currentCounts[index] as number) / currentTotal }))
    .sort((a, b) => b.weight - a.weight || a.key.localeCompare(b.key))
    .slice(0, MAX_CATEGORY_BARS);
  return {
    column: name,
    labels: order.map((entry) => entry.key),
    reference: order.map((entry) => (pair.referenceCounts[entry.index] as number) / referenceTotal),
    current: order.map((entry) => (pair.currentCounts[entry.index] as number) / currentTotal),
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const WIDTH = 360;
const HEIGHT = 130;
const REFERENCE_COLOUR = '#4c78a8';
const CURRENT_COLOUR = '#f58518';

function barChart(histogram: ColumnHistogram): string {
  const bins = histogram.labels.length;
  const tallest = Math.max(1e-12, ...histogram.reference, ...histogram.current);
  const slot = WIDTH / Math.max(1, bins);
  const barWidth = Math.max(1, slot / 2 - 1);
  const plotHeight = HEIGHT - 14;
  const bars = histogram.labels.map((label, index) => {
    const referenceHeight = ((histogram.reference[index] ?? 0) / tallest) * plotHeight;
    const currentHeight = ((histogram.current[index] ?? 0) / tallest) * plotHeight;
    const x = index * slot;
    const title = `${escapeHtml(label)}: reference ${((histogram.reference[index] ?? 0) * 100).toFixed(1)}%, current ${((histogram.current[index] ?? 0) * 100).toFixed(1)}%`;
    return `<g><title>${title}</title><rect x="${x.toFixed(1)}" y="${(plotHeight - referenceHeight).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${referenceHeight.toFixed(1)}" fill="${REFERENCE_COLOUR}"/><rect x="${(x + barWidth + 1).toFixed(1)}" y="${(plotHeight - currentHeight).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${currentHeight.toFixed(1)}" fill="${CURRENT_COLOUR}"/></g>`;
  }).join('');
  const first = escapeHtml(histogram.labels[0] ?? '');
  const last = escapeHtml(histogram.labels[histogram.labels.length - 1] ?? '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="reference vs current distribution of ${escapeHtml(histogram.column)}">${bars}<line x1="0" y1="${plotHeight}" x2="${WIDTH}" y2="${plotHeight}" stroke="#999"/><text x="0" y="${HEIGHT - 2}" font-size="9">${first}</text><text x="${WIDTH}" y="${HEIGHT - 2}" font-size="9" text-anchor="end">${last}</text></svg>`;
}

function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '–';
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toExponential(2);
  return value.toFixed(digits);
}

function performanceTable(summary: MonitoringSummary): string {
  const performance = summary.performance;
  if (!performance) return '<p>No labels or predictions given: performance not judged (pass <code>--target</code> with <code>--model</code> or <code>--prediction</code>).</p>';
  const rows = (['roc_auc', 'average_precision', 'f1', 'brier'] as const).map((metric) => `<tr><td>${metric}</td><td>${formatNumber(performance.reference[metric])}</td><td>${formatNumber(performance.current[metric])}</td><td>${formatNumber(performance.delta[metric])}</td></tr>`).join('');
  return `<p>Model: ${escapeHtml(performance.source)}, threshold ${formatNumber(performance.threshold)}.</p><table><thead><tr><th>metric</th><th>reference</th><th>current</th><th>delta</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function volumeSection(summary: MonitoringSummary): string {
  const volume = summary.volume;
  const parts = [`<p>Rows: reference ${volume.reference_rows}, current ${volume.current_rows} (ratio ${formatNumber(volume.row_ratio, 2)}).`];
  if (volume.rows_per_day_ratio !== null) parts.push(` Rows per active day: ${formatNumber(volume.reference_rows_per_day, 1)} vs ${formatNumber(volume.current_rows_per_day, 1)} (ratio ${formatNumber(volume.rows_per_day_ratio, 2)}).`);
  if (volume.hour_profile_distance !== null) parts.push(` Hour-of-day profile distance (Jensen-Shannon): ${formatNumber(volume.hour_profile_distance)}; surge hours: ${volume.surge_hours.length > 0 ? volume.surge_hours.join(', ') : 'none'}.`);
  parts.push('</p>');
  if (volume.reference_hour_profile && volume.current_hour_profile) {
    parts.push(barChart({ column: 'hour of day', labels: volume.reference_hour_profile.map((_, hour) => `${hour}h`), reference: volume.reference_hour_profile, current: volume.current_hour_profile }));
  }
  return parts.join('');
}

/** One self-contained HTML file: no scripts or styles fetched from anywhere. */
export function renderDriftReport(summary: MonitoringSummary, histograms: ColumnHistogram[]): string {
  const results = Object.values(summary.drift_by_columns).sort((a, b) => Number(b.drift_detected) - Number(a.drift_detected) || driftStrength(b) - driftStrength(a) || a.column_name.localeCompare(b.column_name));
  const byColumn = new Map(histograms.map((histogram) => [histogram.column, histogram]));
  const verdict = summary.status === 'insufficient_data'
    ? `<p class="warn">Insufficient data: ${summary.current.rows} current rows, fewer than min_samples ${summary.min_samples}. No drift verdict.</p>`
    : `<p class="${summary.dataset_drift ? 'bad' : 'good'}">Dataset drift: <strong>${summary.dataset_drift ? 'detected' : 'not detected'}</strong> — ${summary.number_of_drifted_columns} of ${summary.number_of_columns} columns drifted (share ${formatNumber(summary.share_of_drifted_columns, 3)}, threshold ${summary.drift_share}); severity <strong>${summary.severity}</strong>.</p>`;
  const rows = results.map((result) => {
    const quality = summary.data_quality.columns[result.column_name];
    const histogram = byColumn.get(result.column_name);
    return `<tr class="${result.drift_detected ? 'drifted' : ''}"><td>${escapeHtml(result.column_name)}</td><td>${result.column_type}</td><td>${result.stattest_name}</td><td>${formatNumber(result.drift_score)}</td><td>${result.stattest_threshold}</td><td>${result.drift_detected ? 'drift' : 'ok'}</td><td>${formatNumber(quality?.current_missing_share ?? 0, 3)}</td><td>${histogram ? barChart(histogram) : ''}</td></tr>`;
  }).join('\n');
  const prediction = summary.prediction_drift
    ? `<p>Prediction drift (${escapeHtml(summary.prediction_drift.source)}): ${summary.prediction_drift.stattest_name} = ${formatNumber(summary.prediction_drift.drift_score)} (threshold ${summary.prediction_drift.stattest_threshold}) — ${summary.prediction_drift.drift_detected ? 'drift' : 'no drift'}.</p>`
    : '';
  const unseen = Object.entries(summary.data_quality.columns).filter(([, quality]) => (quality.unseen_categories?.length ?? 0) > 0)
    .map(([column, quality]) => `<li>${escapeHtml(column)}: ${quality.unseen_categories?.map(escapeHtml).join(', ')}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DriftWatch drift report</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:middle}
th{background:#f4f4f4}tr.drifted td:first-child{border-left:4px solid #d62728}.bad{color:#b00020}.good{color:#1b7f3b}.warn{color:#a66300}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}code{background:#f4f4f4;padding:1px 3px}
</style></head><body>
<h1>DriftWatch drift report</h1>
<p>Reference <code>${escapeHtml(summary.reference.path)}</code> (${summary.reference.rows} rows) vs current <code>${escapeHtml(summary.current.path)}</code> (${summary.current.rows} rows). Generated ${summary.generated_at}, run <code>${escapeHtml(summary.run_id)}</code>.</p>
${verdict}
<p class="legend">Histograms:<span style="background:${REFERENCE_COLOUR}"></span>reference<span style="background:${CURRENT_COLOUR}"></span>current</p>
<h2>Columns, most drifted first</h2>
<table><thead><tr><th>column</th><th>type</th><th>test</th><th>score</th><th>threshold</th><th>verdict</th><th>missing (current)</th><th>reference vs current</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Model performance</h2>
${performanceTable(summary)}
${prediction}
<h2>Volume</h2>
${volumeSection(summary)}
<h2>Data quality</h2>
<p>Largest missing share in current: ${formatNumber(summary.data_quality.max_missing_share, 3)}; largest share of unseen categories: ${formatNumber(summary.data_quality.max_unseen_category_share, 3)}; largest share out of the reference range: ${formatNumber(summary.data_quality.max_out_of_range_share, 3)}.</p>
${unseen ? `<p>Categories not seen in reference:</p><ul>${unseen}</ul>` : ''}
${summary.data_quality.extra_columns_in_current.length > 0 ? `<p>Columns only in current: ${summary.data_quality.extra_columns_in_current.map(escapeHtml).join(', ')}</p>` : ''}
</body></html>
`;
}

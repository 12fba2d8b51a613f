import type { PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { driftStrength } from './datasetDrift.ts';
import type { FeatureMove } from './featureMoves.ts';
import type { MonitoringSummary } from './monitoringSummary.ts';
import { escapeHtml, formatEdge, formatNumber, formatPercent } from './reportFormat.ts';
import { weakestSegments, type FeatureSegments, type Segment, type SegmentSide } from './segmentPerformance.ts';

/**
 * The report's root-cause evidence: which way each column moved, and the model's quality
 * per segment beside the reference's. Every string from the data is escaped.
 */

const ARROWS: Record<FeatureMove['direction'], string> = { up: '↑ up', down: '↓ down', flat: '= flat' };

function moveCells(move: FeatureMove | null | undefined): string {
  if (!move) return '<td colspan="3" class="caption">no values to compare</td>';
  if (move.column_type === 'numerical') {
    if (move.share_of_ones) return `<td>share of 1 ${formatPercent(move.share_of_ones.reference)}</td><td>share of 1 ${formatPercent(move.share_of_ones.current)}</td><td>${ARROWS[move.direction]}</td>`;
    const side = (median: number, p90: number) => `median ${formatEdge(median)} · p90 ${formatEdge(p90)}`;
    return `<td>${side(move.reference_median, move.reference_p90)}</td><td>${side(move.current_median, move.current_p90)}</td><td>${ARROWS[move.direction]}</td>`;
  }
  const category = `<code>${escapeHtml(move.category)}</code>`;
  return `<td>${category} ${formatPercent(move.reference_share)}</td><td>${category} ${formatPercent(move.current_share)}</td><td>${ARROWS[move.direction]}</td>`;
}

/** Every column, most drifted first, with its move: numerical by median and p90, categorical by the category whose share changed most. */
export function movedFeaturesSection(summary: MonitoringSummary): string {
  const results = Object.values(summary.drift_by_columns);
  if (results.length === 0) return '<p>No drift verdict, so no moves to show.</p>';
  const moves = summary.feature_moves ?? {};
  const rows = [...results]
    .sort((a, b) => Number(b.drift_detected) - Number(a.drift_detected) || driftStrength(b) - driftStrength(a) || (a.column_name < b.column_name ? -1 : 1))
    .map((result) => `<tr class="${result.drift_detected ? 'drifted' : ''}"><td>${escapeHtml(result.column_name)}</td><td>${result.drift_detected ? 'drift' : 'ok'}</td>${moveCells(moves[result.column_name])}</tr>`)
    .join('\n');
  return `<p class="caption">Numerical: median and 90th percentile on each side (a 0/1 flag: its share of 1); categorical: the category whose share of rows changed most.</p>
<table><thead><tr><th>column</th><th>verdict</th><th>reference</th><th>current</th><th>direction</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

function sideCells(side: SegmentSide): string {
  return `<td>${side.rows} (${side.positives})</td><td>${formatNumber(side.roc_auc, 3)}</td>`;
}

function recallCell(segment: Segment): string {
  return `<td>${formatNumber(segment.reference.recall, 3)} → ${formatNumber(segment.current.recall, 3)}</td>`;
}

/** The ROC AUC change of a judged segment, marked when it loses more than the policy allows the whole model to lose. */
function changeCell(segment: Segment, maxAucDrop: number | undefined): string {
  if (!segment.judged) return `<td class="caption">not judged: ${escapeHtml(segment.reason ?? '')}</td>`;
  const change = segment.roc_auc_change;
  const beyond = change !== null && maxAucDrop !== undefined && -change > maxAucDrop;
  return `<td class="${beyond ? 'bad' : ''}">${change === null ? '–' : `${change > 0 ? '+' : ''}${formatNumber(change, 3)}`}</td>`;
}

function featureTable(feature: FeatureSegments, maxAucDrop: number | undefined): string {
  const by = feature.segmented_by === 'category' ? 'by category' : 'by bins at the reference\'s quartiles';
  const heading = `<p><strong>${escapeHtml(feature.column)}</strong> (${by})</p>`;
  if (feature.segments.length === 0) return `${heading}<p class="caption">${escapeHtml(feature.note ?? 'no segments')}</p>`;
  const rows = feature.segments.map((segment) => `<tr><td>${escapeHtml(segment.label)}</td>${sideCells(segment.reference)}${sideCells(segment.current)}${changeCell(segment, maxAucDrop)}${recallCell(segment)}</tr>`).join('\n');
  return `${heading}<table><thead><tr><th>segment</th><th>reference rows (positives)</th><th>reference ROC AUC</th><th>current rows (positives)</th><th>current ROC AUC</th><th>ROC AUC change</th><th>recall at threshold</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

/** The model's quality per segment, the largest losses named first. */
export function segmentsSection(summary: MonitoringSummary, policy: PromotionPolicy | null): string {
  const segments = summary.segment_performance;
  if (!segments) return '<p>No labels judged: segment performance not computed.</p>';
  const maxAucDrop = policy?.performance_policy.max_auc_drop;
  const worst = weakestSegments(segments, 3);
  const lead = worst.length === 0
    ? '<p>No judged segment ranks worse than on the reference.</p>'
    : `<p>Largest ROC AUC losses: ${worst.map(({ column, segment }) => `${escapeHtml(column)} ${escapeHtml(segment.label)} (${formatNumber(segment.roc_auc_change, 3)})`).join('; ')}.</p>`;
  const limits = `<p class="caption">Scores of ${escapeHtml(segments.source)}, threshold ${formatNumber(segments.threshold)}. A segment with fewer than ${segments.min_rows} rows or ${segments.min_rows_per_class} of either class on either side is listed, not judged.${maxAucDrop === undefined ? '' : ` Marked: a loss beyond performance_policy.max_auc_drop ${maxAucDrop}.`}</p>`;
  return lead + limits + segments.features.map((feature) => featureTable(feature, maxAucDrop)).join('\n');
}

import type { SummaryView } from '../../src/dashboard/summaryView.ts';
import { el, formatNumber, show, timeText } from './dom.ts';

/** Markup the server rendered with the drift report's own functions (every value escaped there). */
function serverMarkup(html: string): HTMLElement {
  const holder = el('div', { class: 'report scroll' });
  holder.innerHTML = html;
  return holder;
}

export function renderDrift(target: Element, summary: SummaryView): void {
  if (!summary.available) {
    show(target, el('p', {}, summary.reason));
    return;
  }
  const auc = summary.roc_auc === null ? '' : `; ROC AUC ${formatNumber(summary.roc_auc.reference)} → ${formatNumber(summary.roc_auc.current)}`;
  const estimated = summary.estimated_roc_auc === null ? '' : `; estimated ${formatNumber(summary.estimated_roc_auc.reference)} → ${formatNumber(summary.estimated_roc_auc.current)}`;
  show(target,
    el('p', {}, `${summary.number_of_drifted_columns}/${summary.number_of_columns} columns drifted (share ${formatNumber(summary.share_of_drifted_columns, 3)}), severity ${summary.severity ?? '–'}; ${summary.rows.reference} reference rows vs ${summary.rows.current} current${auc}${estimated}. Run ${summary.run_id}, `, timeText(summary.generated_at), '.'),
    serverMarkup(summary.verdict_html),
    el('p', { class: 'legend' }, 'Charts:', el('span', { class: 'swatch', style: `background:${summary.chart_colours.reference}` }), 'reference', el('span', { class: 'swatch', style: `background:${summary.chart_colours.current}` }), 'current',
      summary.charts_missing === null ? '' : ` (no charts: ${summary.charts_missing})`),
    serverMarkup(summary.drift_table_html),
    el('p', { class: 'caption' }, 'The same table as shared/reports/drift_report.html, from the same summary (sha256 ', el('code', {}, summary.sha256.slice(0, 12)), ').'));
}

import type { PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import type { ColumnHistogram } from './chartBinning.ts';
import { decisionSlot, summaryMeta } from './decisionSlot.ts';
import { columnsTable, verdictSection } from './driftSections.ts';
import { dataQualitySection, performanceSection, volumeSection } from './limitSections.ts';
import { estimatedPerformanceSection } from './estimatedSection.ts';
import type { MonitoringSummary } from './monitoringSummary.ts';
import { escapeHtml, formatNumber } from './reportFormat.ts';
import { movedFeaturesSection, segmentsSection } from './rootCauseSections.ts';
import { CURRENT_COLOUR, REFERENCE_COLOUR } from './svgCharts.ts';

export interface DriftReportInput {
  summary: MonitoringSummary;
  /** The sha256 of the summary file's bytes: names the summary this report belongs to. */
  summarySha256: string;
  histograms: readonly ColumnHistogram[];
  /** The loaded policy, for the limits beside each figure; null when the monitor ran on Evidently's defaults. */
  policy: PromotionPolicy | null;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:middle}
th{background:#f4f4f4}tr.drifted td:first-child{border-left:4px solid #d62728}.bad{color:#b00020}.good{color:#1b7f3b}.warn{color:#a66300}
section.verdict,section.decision{border-left:6px solid #999;padding:4px 12px;margin:12px 0;background:#fafafa}
section.bad{border-color:#b00020}section.warn{border-color:#e69500;background:#fff8e6}section.good{border-color:#1b7f3b}section.neutral{border-color:#999;color:#222}
section.warn,section.neutral{color:#222}.caption{font-size:11px;color:#666}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}code{background:#f4f4f4;padding:1px 3px}`;

/**
 * One self-contained HTML file: no scripts or styles fetched from anywhere. At the top,
 * a slot for the decision a control run makes from this summary (reportsStore fills it).
 */
export function renderDriftReport({ summary, summarySha256, histograms, policy }: DriftReportInput): string {
  const prediction = summary.prediction_drift
    ? `<p>Prediction drift (${escapeHtml(summary.prediction_drift.source)}): ${escapeHtml(summary.prediction_drift.stattest_name)} = ${formatNumber(summary.prediction_drift.drift_score)} (threshold ${summary.prediction_drift.stattest_threshold}) — ${summary.prediction_drift.drift_detected ? 'drift' : 'no drift'}.</p>`
    : '';
  const policyLine = summary.policy
    ? `Policy <code>${escapeHtml(summary.policy.path)}</code> (sha256 <code>${escapeHtml(summary.policy.sha256.slice(0, 12))}</code>).`
    : 'No policy file: Evidently\'s defaults.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">${summaryMeta(summarySha256)}<title>DriftWatch drift report</title>
<style>
${STYLE}
</style></head><body>
<h1>DriftWatch drift report</h1>
${decisionSlot(null)}
<p>Reference <code>${escapeHtml(summary.reference.path)}</code> (${summary.reference.rows} rows) vs current <code>${escapeHtml(summary.current.path)}</code> (${summary.current.rows} rows). Generated ${escapeHtml(summary.generated_at)}, run <code>${escapeHtml(summary.run_id)}</code>. ${policyLine}</p>
${verdictSection(summary, policy)}
<p class="legend">Charts:<span style="background:${REFERENCE_COLOUR}"></span>reference<span style="background:${CURRENT_COLOUR}"></span>current</p>
<h2>Columns, most drifted first</h2>
${columnsTable(summary, histograms)}
<h2>Model performance</h2>
${performanceSection(summary, policy)}
<h2>Performance estimated without labels</h2>
${estimatedPerformanceSection(summary)}
${prediction}
<h2>Root-cause evidence: which way the columns moved</h2>
${movedFeaturesSection(summary)}
<h2>Root-cause evidence: where the model lost quality</h2>
${segmentsSection(summary, policy)}
<h2>Volume</h2>
${volumeSection(summary, policy)}
<h2>Data quality</h2>
${dataQualitySection(summary, policy)}
</body></html>
`;
}

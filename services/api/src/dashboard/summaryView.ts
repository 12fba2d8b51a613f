import type { PromotionPolicy } from '../../../core/src/domain/promotionPolicy.ts';
import { columnsTable, CURRENT_COLOUR, REFERENCE_COLOUR, verdictSection, type ColumnHistogram, type MonitoringSummary } from '../../../monitoring/src/index.ts';

/**
 * GET /api/summary: the latest monitoring summary's figures, and its verdict and drift
 * table as the HTML report renders them (the same functions, so the same figures, tests,
 * thresholds and charts), for the page to place as they are.
 */
export type SummaryView =
  | { available: false; reason: string }
  | {
    available: true;
    path: string;
    sha256: string;
    run_id: string;
    generated_at: string;
    status: string;
    dataset_drift: boolean | null;
    severity: string | null;
    share_of_drifted_columns: number;
    number_of_drifted_columns: number;
    number_of_columns: number;
    rows: { reference: number; current: number };
    model_version: number | null;
    roc_auc: { reference: number | null; current: number | null } | null;
    estimated_roc_auc: { reference: number | null; current: number | null } | null;
    verdict_html: string;
    drift_table_html: string;
    chart_colours: { reference: string; current: string };
    /** Why the table has no charts, when it has none (no charts file, or one of another summary). */
    charts_missing: string | null;
  };

export function summaryView(path: string, sha256: string, summary: MonitoringSummary, charts: { histograms: ColumnHistogram[] } | { missing: string }, policy: PromotionPolicy | null): SummaryView {
  const histograms = 'histograms' in charts ? charts.histograms : [];
  return {
    available: true,
    path,
    sha256,
    run_id: summary.run_id,
    generated_at: summary.generated_at,
    status: summary.status,
    dataset_drift: summary.dataset_drift,
    severity: summary.severity,
    share_of_drifted_columns: summary.share_of_drifted_columns,
    number_of_drifted_columns: summary.number_of_drifted_columns,
    number_of_columns: summary.number_of_columns,
    rows: { reference: summary.reference.rows, current: summary.current.rows },
    model_version: summary.model?.version ?? null,
    roc_auc: summary.performance ? { reference: summary.performance.reference.roc_auc, current: summary.performance.current.roc_auc } : null,
    estimated_roc_auc: summary.estimated_performance ? { reference: summary.estimated_performance.reference.roc_auc, current: summary.estimated_performance.current.roc_auc } : null,
    verdict_html: verdictSection(summary, policy),
    drift_table_html: columnsTable(summary, histograms),
    chart_colours: { reference: REFERENCE_COLOUR, current: CURRENT_COLOUR },
    charts_missing: 'missing' in charts ? charts.missing : null,
  };
}

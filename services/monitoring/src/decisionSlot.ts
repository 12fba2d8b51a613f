import type { Action, IncidentType, PlanStatus, ReleaseOutcome, Severity } from '../../core/src/domain/vocabularies.ts';
import { escapeHtml } from './reportFormat.ts';

/** What a control run decided from a summary, as the drift report shows it at the top. */
export interface ReportDecision {
  control_run_id: string;
  /** The sha256 of the summary file the decision was made from: the report must be that summary's. */
  summary_sha256: string;
  incident_type: IncidentType;
  severity: Severity;
  rule: string;
  action: Action;
  outcome: ReleaseOutcome;
  plan_status: PlanStatus;
  reasons: string[];
  caveats: string[];
  decided_at: string;
  /** Past incidents like this one, one line each, from the control plane's audit history (absent: none recorded). */
  similar_incidents?: string[];
}

/*
 * The report holds one delimited slot for the decision. Every string put in the report
 * is escaped, so neither marker can occur anywhere else in it.
 */
const SLOT_START = '<!-- driftwatch:decision -->';
const SLOT_END = '<!-- /driftwatch:decision -->';
const SUMMARY_META = /<meta name="driftwatch-summary-sha256" content="([0-9a-f]{64})">/;

/** The head tag naming the summary a report belongs to. */
export function summaryMeta(summarySha256: string): string {
  return `<meta name="driftwatch-summary-sha256" content="${escapeHtml(summarySha256)}">`;
}

/** The sha256 of the summary the report was rendered with, if it says. */
export function reportSummarySha256(html: string): string | undefined {
  return SUMMARY_META.exec(html)?.[1];
}

const OUTCOME_STYLE: Record<ReleaseOutcome, 'good' | 'warn' | 'bad' | 'neutral'> = {
  promoted: 'good',
  rolled_back: 'warn',
  blocked: 'warn',
  pending_approval: 'warn',
  deferred: 'warn',
  failed: 'bad',
  no_action: 'neutral',
};

function list(heading: string, items: readonly string[]): string {
  return items.length === 0 ? '' : `<p>${heading}:</p><ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
}

function decisionHtml(decision: ReportDecision | null): string {
  if (decision === null) return '<section class="decision neutral"><h2>Decision</h2><p>No control run has used this summary yet: the control plane decides what any drift below leads to.</p></section>';
  const chain = `incident <strong>${escapeHtml(decision.incident_type)}</strong> (${escapeHtml(decision.severity)}, rule <code>${escapeHtml(decision.rule)}</code>) → action <strong>${escapeHtml(decision.action)}</strong> → outcome <strong>${escapeHtml(decision.outcome)}</strong>`;
  return `<section class="decision ${OUTCOME_STYLE[decision.outcome]}"><h2>Decision</h2>`
    + `<p>${chain}; plan ${escapeHtml(decision.plan_status)}.</p>`
    + `<p>Control run <code>${escapeHtml(decision.control_run_id)}</code> at ${escapeHtml(decision.decided_at)}, from this summary (sha256 <code>${escapeHtml(decision.summary_sha256.slice(0, 12))}</code>).</p>`
    + `${list('Reasons', decision.reasons)}${list('Caveats', decision.caveats)}${list('Similar past incidents (same type, overlapping drifted columns)', decision.similar_incidents ?? [])}</section>`;
}

/** The slot, markers included: "no control run yet" when the monitor writes the report. */
export function decisionSlot(decision: ReportDecision | null): string {
  return `${SLOT_START}\n${decisionHtml(decision)}\n${SLOT_END}`;
}

/**
 * The report with its slot showing the decision, or undefined when the report belongs to
 * another summary than the decision's, or has no slot (one start, then one end).
 */
export function withDecision(html: string, decision: ReportDecision): string | undefined {
  if (reportSummarySha256(html) !== decision.summary_sha256) return undefined;
  const start = html.indexOf(SLOT_START);
  const end = html.indexOf(SLOT_END);
  if (start < 0 || end < start || html.indexOf(SLOT_START, start + 1) >= 0 || html.indexOf(SLOT_END, end + 1) >= 0) return undefined;
  return `${html.slice(0, start)}${decisionSlot(decision)}${html.slice(end + SLOT_END.length)}`;
}

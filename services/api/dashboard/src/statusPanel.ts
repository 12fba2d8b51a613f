import type { AuditView } from '../../src/dashboard/auditView.ts';
import { el, show, timeText } from './dom.ts';

/** GET /api/status as the server builds it (routes/dashboardApi.ts). */
export interface StatusView {
  production_version: number | null;
  served_version: number | null;
  uptime_seconds: number;
  summary: { run_id: string; generated_at: string; severity: string | null; dataset_drift: boolean | null; share_of_drifted_columns: number } | null;
  latest_decision: { run_id: string; time: string; incident: string | null; action: string | null; outcome: string | null } | null;
  pending_approvals: number;
  audit: AuditView;
}

export type FeedState = 'live' | 'polling' | 'connecting';

function auditBadge(audit: AuditView): HTMLElement {
  if (audit.state === 'broken') {
    return el('span', { class: 'badge bad', id: 'audit-state', 'data-state': 'broken', title: audit.problem }, `audit chain broken${audit.line === null ? '' : ` at line ${audit.line}`}: ${audit.problem}`);
  }
  if (audit.state === 'empty') return el('span', { class: 'badge', id: 'audit-state', 'data-state': 'empty' }, 'audit log empty');
  return el('span', { class: 'badge good', id: 'audit-state', 'data-state': 'verified' }, `audit chain verified (${audit.records} records${audit.keyed ? ', keyed' : ''})`);
}

export function renderStatus(target: Element, status: StatusView, feed: FeedState): void {
  const production = status.production_version;
  const mismatch = status.served_version !== production;
  show(target,
    el('span', { class: `badge ${production === null ? 'warn' : 'good'}`, id: 'production-version', 'data-version': String(production ?? '') }, production === null ? 'no Production model' : `Production v${production}`),
    el('span', { class: `badge ${mismatch ? 'warn' : ''}`, title: 'the version this API scores with' }, status.served_version === null ? 'serving nothing' : `serving v${status.served_version}${mismatch ? ' (reloading)' : ''}`),
    el('span', { class: `badge ${status.pending_approvals > 0 ? 'warn' : ''}`, id: 'pending-count', 'data-count': String(status.pending_approvals) }, `${status.pending_approvals} waiting for approval`),
    auditBadge(status.audit),
    status.latest_decision === null ? null : el('span', { class: 'badge' }, `last decision: ${status.latest_decision.incident ?? '?'} → ${status.latest_decision.action ?? '?'} → ${status.latest_decision.outcome ?? '?'} `, timeText(status.latest_decision.time)),
    el('span', { class: 'badge', id: 'feed-state', 'data-state': feed, title: 'live: the page hears of each new decision at once; polling: it looks every 15 s' }, feed === 'live' ? '● live' : feed === 'polling' ? '○ polling' : '… connecting'),
  );
}

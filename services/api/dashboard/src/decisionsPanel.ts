import type { DecisionView } from '../../src/dashboard/decisionsView.ts';
import { el, formatNumber, show, table, timeText } from './dom.ts';

const GOOD = new Set(['promoted', 'rolled_back', 'no_action']);
const BAD = new Set(['blocked', 'failed']);

function tone(outcome: string | undefined): string {
  if (outcome === undefined) return '';
  return GOOD.has(outcome) ? 'good' : BAD.has(outcome) ? 'bad' : 'warn';
}

function versions(decision: DecisionView): string {
  const outcome = decision.outcome;
  if (outcome === null || outcome.champion_version_before === outcome.champion_version_after) return outcome?.champion_version_after === null || outcome === null ? '' : ` (v${outcome.champion_version_after} serves)`;
  return ` (v${outcome.champion_version_before ?? '–'} → v${outcome.champion_version_after ?? '–'})`;
}

function evidence(decision: DecisionView): HTMLElement | null {
  const items = decision.incident?.evidence ?? [];
  if (items.length === 0) return null;
  return table(['figure', 'value', 'limit', 'from'], items.map((item) => [
    `${item.name}${item.decisive ? ' (decisive)' : ''}`,
    typeof item.value === 'number' ? formatNumber(item.value, 4) : String(item.value),
    item.threshold === undefined ? '–' : `${item.direction === 'below' ? '<' : item.direction === 'above' ? '>' : ''} ${String(item.threshold)}`,
    item.source,
  ]));
}

function list(title: string, lines: readonly string[]): HTMLElement | null {
  return lines.length === 0 ? null : el('div', {}, el('strong', {}, title), el('ul', {}, ...lines.map((line) => el('li', {}, line))));
}

function decisionCard(decision: DecisionView): HTMLElement {
  const { incident, plan, outcome } = decision;
  const trigger = decision.window_id !== null ? `window ${decision.window_id}` : decision.trigger !== null ? `trigger ${JSON.stringify(decision.trigger)}` : '';
  return el('article', { class: `decision ${tone(outcome?.outcome)}`, 'data-run': decision.run_id },
    el('div', { class: 'chain' },
      el('strong', {}, incident === null ? 'incident ?' : `${incident.type} (${incident.severity})`),
      el('span', { class: 'arrow' }, '→'),
      el('span', {}, plan === null ? 'plan ?' : `${plan.action} [${plan.policy_rule}, confidence ${formatNumber(plan.confidence, 2)}]`),
      el('span', { class: 'arrow' }, '→'),
      el('strong', {}, `${outcome?.outcome ?? '?'}${versions(decision)}`)),
    el('p', { class: 'caption' }, timeText(decision.time), ` · run ${decision.run_id}${trigger === '' ? '' : ` · ${trigger}`}${decision.from_audit_only ? ' · the run\'s files are gone: from the audit line only' : ''}`),
    incident === null ? null : el('p', {}, `${incident.rule}: ${incident.explanation}`),
    el('details', {}, el('summary', {}, 'evidence and reasons'),
      evidence(decision),
      list('Plan', plan?.reasons ?? []),
      list('Guardrails', (plan?.guardrails ?? []).map((check) => `${check.name}: ${check.passed ? 'passed' : 'held back'} (${check.detail})`)),
      list('Release', outcome?.reasons ?? []),
      list('Gates', (outcome?.gates ?? []).map((gate) => `${gate.name}: ${gate.passed ? 'passed' : 'failed'}`))));
}

export function renderDecisions(target: Element, decisions: readonly DecisionView[]): void {
  if (decisions.length === 0) {
    show(target, el('p', {}, 'No decision yet: make control (or a demo) decides on the latest summary.'));
    return;
  }
  show(target, ...decisions.map(decisionCard));
}

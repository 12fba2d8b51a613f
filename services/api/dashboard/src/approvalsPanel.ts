import type { Approval } from '../../../control_plane/src/index.ts';
import { postJson, RequestFailed } from './api.ts';
import { el, show, timeText } from './dom.ts';
import { storedKey } from './keyStore.ts';

interface ApproveAnswer { outcome: string; action: string; reasons: string[] }

/** What the page does after a human's answer ran: look again at everything it changed. */
export type AfterAnswer = () => void;

function announce(text: string, outcome: string): void {
  const result = document.getElementById('answer-result');
  if (result === null) return;
  result.textContent = text;
  result.className = outcome === 'failed' || outcome === 'blocked' ? 'error' : 'caption';
  result.dataset.outcome = outcome;
  result.hidden = false;
}

function answerButtons(approval: Approval, after: AfterAnswer): HTMLElement {
  const reason = el('textarea', { id: `reason-${approval.id}`, 'aria-label': `reason for ${approval.id}`, placeholder: 'Reason (required to reject; recorded in the audit log)' });
  const message = el('p', { class: 'caption', role: 'status', 'data-role': 'message' });
  const approve = el('button', { type: 'button', class: 'approve', 'data-action': 'approve', 'data-approval': approval.id }, `Approve: ${approval.approval_action}`);
  const reject = el('button', { type: 'button', class: 'reject', 'data-action': 'reject', 'data-approval': approval.id }, 'Reject');
  const say = (text: string, error = false): void => {
    message.textContent = text;
    message.className = error ? 'error' : 'caption';
  };
  const send = async (decision: 'approve' | 'reject'): Promise<void> => {
    const key = storedKey();
    if (key === null || key === '') {
      say('Enter the API key above first: approving and rejecting need it.', true);
      return;
    }
    const text = reason.value.trim();
    if (decision === 'reject' && text === '') {
      say('A reason is required to reject: say why, it goes into the audit log.', true);
      reason.focus();
      return;
    }
    approve.disabled = true;
    reject.disabled = true;
    say(decision === 'approve' ? `Running ${approval.approval_action}… (a retrain takes a few seconds)` : 'Recording the rejection…');
    try {
      const body = text === '' ? {} : { reason: text };
      // Said above the list: the card goes once the answer lands, the answer must stay.
      if (decision === 'approve') {
        const result = await postJson<ApproveAnswer>(`/approvals/${encodeURIComponent(approval.id)}/approve`, body, key);
        announce(`${approval.id} approved: ${result.action} → ${result.outcome}. ${result.reasons.join(' ')}`, result.outcome);
      } else {
        await postJson(`/approvals/${encodeURIComponent(approval.id)}/reject`, body, key);
        announce(`${approval.id} rejected: ${text}`, 'rejected');
      }
      after();
    } catch (error) {
      say(error instanceof RequestFailed ? `Refused (${error.status}): ${error.message}` : `Could not reach the API: ${String(error)}`, true);
      approve.disabled = false;
      reject.disabled = false;
    }
  };
  approve.addEventListener('click', () => void send('approve'));
  reject.addEventListener('click', () => void send('reject'));
  return el('div', {}, reason, el('div', { class: 'actions' }, approve, reject), message);
}

export function renderApprovals(target: Element, approvals: readonly Approval[], after: AfterAnswer): void {
  if (approvals.length === 0) {
    show(target, el('p', { id: 'no-approvals' }, 'Nothing is waiting for a human.'));
    return;
  }
  show(target, ...approvals.map((approval) => el('article', { class: 'approval', 'data-approval': approval.id },
    el('h3', {}, `${approval.incident.type} (${approval.incident.severity}) → ${approval.approval_action}`),
    el('p', {}, approval.incident.explanation),
    el('p', { class: 'caption' }, `rule ${approval.incident.rule}; run ${approval.run_id}; asked `, timeText(approval.created_at), '; expires ', timeText(approval.expires_at),
      approval.inputs === null ? '' : `; made for Production v${approval.inputs.production_version ?? '–'}`),
    el('details', {}, el('summary', {}, 'the plan'), el('ul', {}, ...approval.plan.reasons.map((reason) => el('li', {}, reason)))),
    answerButtons(approval, after))));
}

import { UserError } from '../../core/src/infrastructure/errors.ts';

/*
 * How a replay answers the approvals the policy asks for, since nobody sits at it:
 * approve at once, reject at once, or approve after N days (when an approval may well
 * have expired by then, as it would in real life).
 */

export type ApprovalsRule = { kind: 'approve' } | { kind: 'reject' } | { kind: 'after'; days: number };

const AFTER = /^after:(\d{1,3})d$/;

export function parseApprovalsRule(text: string): ApprovalsRule {
  if (text === 'approve' || text === 'reject') return { kind: text };
  const match = AFTER.exec(text);
  if (match && Number(match[1]) >= 1) return { kind: 'after', days: Number(match[1]) };
  throw new UserError(`--approvals must be approve, reject or after:Nd (N days, 1 to 999, e.g. after:2d), got "${text}"`);
}

export function describeApprovalsRule(rule: ApprovalsRule): string {
  return rule.kind === 'after' ? `after:${rule.days}d` : rule.kind;
}

/** When an approval asked at `askedMs` is answered under the rule: at once, or N days later. */
export function answerDueMs(rule: ApprovalsRule, askedMs: number): number {
  return rule.kind === 'after' ? askedMs + rule.days * 86_400_000 : askedMs;
}

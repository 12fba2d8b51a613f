import { formatHelp, optionalString, parseCommand, type CommandSpec } from '../../core/src/infrastructure/cliArgs.ts';
import { UserError, runCommand } from '../../core/src/infrastructure/errors.ts';
import { approveApproval, rejectApproval } from './approvalDecisions.ts';
import { listApprovals, loadApproval, type Approval } from './approvalsStore.ts';
import { hasExpired } from './approvalValidity.ts';
import { CONTROL_FLAGS, controlOptionsFrom } from './controlOptions.ts';
import { decisionExitCodes, OUTCOME_EXIT_CODES } from './exitCodes.ts';
import { narrateOutcome } from './narrator.ts';
import { NOTIFICATION_DRAIN_LIMIT_MS, NotificationDispatcher } from './notifications/notificationDispatcher.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent approvals -- list | show ID | approve ID | reject ID --reason "..."',
  summary: 'Decide actions waiting for a human. Approving runs the pending action now (guardrails re-checked); rejecting drops it. Both are audited.',
  allowPositionals: true,
  options: { ...CONTROL_FLAGS, reason: { type: 'string', description: 'why (required to reject)' }, json: { type: 'boolean', description: 'print JSON' } },
  // approve carries out a decision, and exits by its outcome as control does.
  exitCodes: decisionExitCodes(),
};

/** One approval in the list: what it is for, what runs if approved, why it waits (or how it ended). */
function approvalLines(approval: Approval, now: Date): string {
  const head = `${approval.id}  ${approval.status.padEnd(8)}  ${approval.incident.type}/${approval.incident.severity} (${approval.incident.rule}) -> ${approval.plan.action}; if approved: ${approval.approval_action}`;
  if (approval.status !== 'pending') return `${head}\n    ${approval.status} by ${approval.decided_by ?? '?'} at ${approval.decided_at ?? '?'}${approval.reason ? `: ${approval.reason}` : ''}`;
  // The plan's first reason names the incident and rule; the rest say why it needs a human.
  const why = approval.plan.reasons.slice(1).join('; ') || 'the policy asks for a human';
  const inputs = approval.inputs === null ? 'not recorded (made before approvals recorded them)' : `current ${approval.inputs.current_sha256.slice(0, 12)}, serving v${approval.inputs.production_version ?? 'none'}, policy ${approval.inputs.policy_sha256.slice(0, 12)}`;
  const expiry = hasExpired(approval, now) ? `expired ${approval.expires_at} (the next run closes it)` : `expires ${approval.expires_at}`;
  return `${head}\n    waits because: ${why}\n    created ${approval.created_at}, ${expiry}; inputs: ${inputs}`;
}

await runCommand('approvals', async () => {
  const { values, positionals, helpRequested } = parseCommand(spec, process.argv.slice(2));
  const [command, id, ...extra] = positionals;
  if (helpRequested || command === undefined) {
    process.stdout.write(formatHelp(spec));
    if (!helpRequested) process.exitCode = 2;
    return;
  }
  if (extra.length > 0) throw new UserError(`unexpected arguments: ${extra.join(' ')}`);
  const options = controlOptionsFrom(values);
  if (command === 'list') {
    const approvals = listApprovals(options.approvalsDirectory);
    if (values.json === true) process.stdout.write(`${JSON.stringify(approvals, null, 2)}\n`);
    else process.stdout.write(approvals.length === 0 ? 'no approvals\n' : `${approvals.map((approval) => approvalLines(approval, options.now)).join('\n')}\n`);
    return;
  }
  if (command === 'show') {
    if (id === undefined) throw new UserError('show needs an approval id (see: approvals list)');
    process.stdout.write(`${JSON.stringify(loadApproval(options.approvalsDirectory, id), null, 2)}\n`);
    return;
  }
  if (command !== 'approve' && command !== 'reject') throw new UserError(`unknown command "${command}" (list, show, approve, reject)`);
  if (id === undefined) throw new UserError(`${command} needs an approval id (see: approvals list)`);
  if (command === 'reject') {
    rejectApproval(options, id, optionalString(values, 'reason'));
    process.stderr.write(`approvals: ${id} rejected; nothing runs\n`);
    return;
  }
  const { outcome } = approveApproval(options, id, optionalString(values, 'reason'));
  process.stderr.write(`approvals: ${id} approved -> ${outcome.release.action} -> ${outcome.release.outcome}\n`);
  for (const reason of outcome.release.reasons) process.stderr.write(`approvals:   ${reason}\n`);
  process.exitCode = OUTCOME_EXIT_CODES[outcome.release.outcome];
  // As for control: the approved action ran and was audited first; notifications and the narrator only tell of it.
  const notifications = new NotificationDispatcher({ report: (line) => process.stderr.write(`approvals: ${line}\n`) });
  notifications.send(outcome, options);
  await narrateOutcome(options, outcome, (line) => process.stderr.write(`approvals: ${line}\n`));
  await notifications.drain(NOTIFICATION_DRAIN_LIMIT_MS);
});

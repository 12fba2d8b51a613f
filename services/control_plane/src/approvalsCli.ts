import { formatHelp, optionalString, parseCommand, type CommandSpec } from '../../core/src/infrastructure/cliArgs.ts';
import { UserError, runCommand } from '../../core/src/infrastructure/errors.ts';
import { approveApproval, rejectApproval } from './approvalDecisions.ts';
import { listApprovals } from './approvalsStore.ts';
import { CONTROL_FLAGS, controlOptionsFrom } from './controlOptions.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent approvals -- list | approve ID | reject ID --reason "..."',
  summary: 'Decide actions waiting for a human. Approving runs the pending action now (guardrails re-checked); rejecting drops it. Both are audited.',
  allowPositionals: true,
  options: { ...CONTROL_FLAGS, reason: { type: 'string', description: 'why (required to reject)' }, json: { type: 'boolean', description: 'print JSON' } },
};

await runCommand('approvals', () => {
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
    else process.stdout.write(approvals.length === 0 ? 'no approvals\n' : `${approvals.map((approval) => `${approval.id}  ${approval.status.padEnd(8)}  ${approval.plan.incident_type}/${approval.plan.severity} -> ${approval.plan.action}; if approved: ${approval.approval_action}  (${approval.created_at})`).join('\n')}\n`);
    return;
  }
  if (command !== 'approve' && command !== 'reject') throw new UserError(`unknown command "${command}" (list, approve, reject)`);
  if (id === undefined) throw new UserError(`${command} needs an approval id (see: approvals list)`);
  if (command === 'reject') {
    rejectApproval(options, id, optionalString(values, 'reason'));
    process.stderr.write(`approvals: ${id} rejected; nothing runs\n`);
    return;
  }
  const { outcome } = approveApproval(options, id, optionalString(values, 'reason'));
  process.stderr.write(`approvals: ${id} approved -> ${outcome.release.action} -> ${outcome.release.outcome}\n`);
  for (const reason of outcome.release.reasons) process.stderr.write(`approvals:   ${reason}\n`);
});

import { type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { CONTROL_FLAGS, controlOptionsFrom } from './controlOptions.ts';
import { runControl } from './controlRun.ts';
import { decisionExitCodes, OUTCOME_EXIT_CODES } from './exitCodes.ts';
import { narrateOutcome } from './narrator.ts';
import { NOTIFICATION_DRAIN_LIMIT_MS, NotificationDispatcher } from './notifications/notificationDispatcher.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent control -- [--summary PATH] [--policy PATH] [--registry DIR] [--events DIR] [--approvals DIR] [--now ISO_TIME] [--run-id ID] [--actor NAME] [--lock-timeout SECONDS]',
  summary: 'Sentinel -> Planner -> Release on the latest monitoring summary, under the policy. Writes shared/events/{sentinel_report,execution_plan,release_result}.json, runs/<run_id>/ and one audit line per decision. With DRIFTWATCH_LLM_URL set, a language model\'s explanation is added to release_result.json afterwards as "narrative" (it changes nothing else). The policy\'s notifications targets are told of the decision afterwards too; a delivery that fails is recorded in the events directory, never a change of outcome or exit code.',
  options: CONTROL_FLAGS,
  exitCodes: decisionExitCodes(),
};

await runCommandLine('control', spec, async ({ values }) => {
  const options = controlOptionsFrom(values);
  const outcome = runControl(options);
  const { sentinel, plan, release } = outcome;
  process.stderr.write(`control: run ${sentinel.run_id}: ${sentinel.incident_type} (${sentinel.severity}, ${sentinel.rule}) -> ${plan.action} [${plan.policy_rule}, confidence ${plan.confidence.value.toFixed(2)}] -> ${release.outcome}\n`);
  for (const reason of release.reasons) process.stderr.write(`control:   ${reason}\n`);
  process.stdout.write(`${JSON.stringify({ run_id: sentinel.run_id, incident_type: sentinel.incident_type, severity: sentinel.severity, action: plan.action, outcome: release.outcome, champion_version_after: release.champion_version_after })}\n`);
  process.exitCode = OUTCOME_EXIT_CODES[release.outcome];
  // Also after the decision: the policy's webhooks hear of it (none without a notifications section), alongside the narrator.
  const notifications = new NotificationDispatcher({ report: (line) => process.stderr.write(`control: ${line}\n`) });
  notifications.send(outcome, options);
  // After the decision is written, audited and reported: the narrator only explains it (off unless DRIFTWATCH_LLM_URL is set).
  await narrateOutcome(options, outcome, (line) => process.stderr.write(`control: ${line}\n`));
  // The process must not end before its deliveries do (each is bounded by its target's timeout and retries).
  await notifications.drain(NOTIFICATION_DRAIN_LIMIT_MS);
});

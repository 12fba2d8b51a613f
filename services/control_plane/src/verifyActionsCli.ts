import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { loadPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { parseDirectoryFlag, type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { ModelRegistry } from '../../registry/src/index.ts';
import { verifyActions } from './actionVerifier.ts';
import { readVerifiedAudit } from './auditLog.ts';
import { mirroredPositions } from './controlRun.ts';
import { auditKeyFromEnvironment } from './controlOptions.ts';
import { readRecordedRun } from './eventsStore.ts';

/** Exit code when an action the policy did not allow is found: the check ran, and the answer is no. */
export const EXIT_UNAUTHORIZED = 4;

const spec: CommandSpec = {
  usage: 'npm run --silent verify-actions -- [--events DIR] [--registry DIR] [--policy PATH] [--json]',
  summary: 'Check, independently of the agents\' code, that every action the control plane carried out (each registry move of a control run) was allowed at its time: written down first, guardrails clear, gates passed, a human\'s approval where the policy asks for one. Exit 0 when none is unauthorized, 4 when one is (each printed), 2 on bad input. A run cut short before it recorded its plan and release is listed as unverifiable, not unauthorized.',
  options: {
    events: { type: 'string', description: 'events directory (the audit log, the runs)', default: DEFAULT_PATHS.events },
    registry: { type: 'string', description: 'registry directory (its history)', default: DEFAULT_PATHS.registry },
    policy: { type: 'string', description: 'the policy the actions are judged under', default: DEFAULT_PATHS.policy },
    json: { type: 'boolean', description: 'print the whole report as JSON on stdout' },
  },
};

await runCommandLine('verify-actions', spec, ({ values }) => {
  const events = parseDirectoryFlag('events', String(values.events));
  const registry = ModelRegistry.open(parseDirectoryFlag('registry', String(values.registry)));
  const history = registry.history();
  // The audit log is read only once its chain checks out: a forged log could vouch for anything.
  const { records } = readVerifiedAudit(events, auditKeyFromEnvironment(), mirroredPositions(history));
  const report = verifyActions({
    audit: records,
    history,
    policy: loadPolicy(String(values.policy)),
    run: (runId) => readRecordedRun(events, runId),
  });
  if (values.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const item of report.unverifiable) process.stderr.write(`verify-actions: unverifiable run ${item.run_id} at ${item.time} (${item.moves.join(', ')}): ${item.detail}\n`);
  for (const violation of report.violations) process.stderr.write(`verify-actions: UNAUTHORIZED run ${violation.run_id} at ${violation.time} (${violation.moves.join(', ')}): ${violation.rule}: ${violation.detail}\n`);
  process.stderr.write(`verify-actions: ${report.actions_checked} action(s) of the control plane checked, ${report.unauthorized_actions} unauthorized, ${report.unverifiable.length} unverifiable; ${report.moves_outside_control_plane} stage move(s) made outside it\n`);
  if (report.unauthorized_actions > 0) process.exitCode = EXIT_UNAUTHORIZED;
});

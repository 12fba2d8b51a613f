import { type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { readJsonFile } from '../../core/src/infrastructure/yamlFile.ts';
import { ModelRegistry } from '../../registry/src/index.ts';
import type { ExecutionPlan, ReleaseResult, SentinelReport } from './controlTypes.ts';
import { auditPath, eventPath, readRecordedRun, runDirectoryPath } from './eventsStore.ts';
import { loadPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { verifyActions } from './actionVerifier.ts';
import { readVerifiedAudit } from './auditLog.ts';
import { auditKeyFromEnvironment } from './controlOptions.ts';
import { mirroredPositions } from './controlRun.ts';
import { reportPath } from '../../monitoring/src/index.ts';

const spec: CommandSpec = {
  usage: 'npx tsx services/control_plane/src/demoSummaryCli.ts --title TEXT',
  summary: 'Print what the last control run decided and which files to read (the end of every demo).',
  options: {
    title: { type: 'string', description: 'demo name', default: 'DriftWatch' },
    events: { type: 'string', description: 'events directory', default: DEFAULT_PATHS.events },
    registry: { type: 'string', description: 'registry directory', default: DEFAULT_PATHS.registry },
    reports: { type: 'string', description: 'reports directory', default: DEFAULT_PATHS.reports },
    policy: { type: 'string', description: 'the policy the actions are checked against (verify-actions)', default: DEFAULT_PATHS.policy },
  },
};

await runCommandLine('demo', spec, ({ values }) => {
  const events = String(values.events);
  const sentinel = readJsonFile(eventPath(events, 'sentinel')) as SentinelReport;
  const plan = readJsonFile(eventPath(events, 'plan')) as ExecutionPlan;
  const release = readJsonFile(eventPath(events, 'release')) as ReleaseResult;
  const registry = ModelRegistry.open(String(values.registry));
  const production = registry.productionVersion();
  const history = registry.history();
  // Every demo ends by checking, with code independent of the agents', that what they did was allowed.
  const verified = verifyActions({
    audit: readVerifiedAudit(events, auditKeyFromEnvironment(), mirroredPositions(history)).records,
    history,
    policy: loadPolicy(String(values.policy)),
    run: (runId) => readRecordedRun(events, runId),
  });
  const lines = [
    '',
    `=== ${String(values.title)}: what happened ===`,
    `Sentinel : ${sentinel.incident_type} (severity ${sentinel.severity}) by rule ${sentinel.rule}: ${sentinel.explanation}`,
    // The root cause as the report lists it: what moved, and what happened last time it did.
    ...(sentinel.root_cause?.moved_features ?? []).map((moved) => `  moved  : ${moved.description}`),
    ...(sentinel.root_cause?.similar_incidents ?? []).map((similar) => `  before : ${similar.description}`),
    `Planner  : ${plan.action} per ${plan.policy_rule}, confidence ${plan.confidence.value.toFixed(2)} (min ${plan.confidence.min_confidence}), ${plan.status}`,
    `Release  : ${release.outcome}${release.challenger_version !== null ? `, challenger v${release.challenger_version}` : ''}; Production v${release.champion_version_before ?? '-'} -> v${production ?? '-'}`,
    ...release.reasons.map((reason) => `           ${reason}`),
    `Verified : ${verified.actions_checked} action(s) of the control plane checked against ${String(values.policy)}, ${verified.unauthorized_actions} unauthorized${verified.unverifiable.length > 0 ? `, ${verified.unverifiable.length} unverifiable` : ''} (make verify-actions)`,
    ...verified.violations.map((violation) => `           UNAUTHORIZED run ${violation.run_id}: ${violation.rule}: ${violation.detail}`),
    '',
    'Read:',
    `  ${eventPath(events, 'sentinel')}, ${eventPath(events, 'plan')}, ${eventPath(events, 'release')}`,
    `  ${runDirectoryPath(events, sentinel.run_id)}/   (this run)      ${auditPath(events)}   (every decision; make audit-verify)`,
    `  ${reportPath(String(values.reports))}   (open in a browser)      make registry   (versions and stages)`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
});

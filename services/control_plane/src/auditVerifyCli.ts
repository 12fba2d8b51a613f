import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { ModelRegistry } from '../../registry/src/index.ts';
import { assertAuditIntact } from './auditLog.ts';
import { auditKeyFromEnvironment } from './controlOptions.ts';
import { mirroredPositions } from './controlRun.ts';
import { auditPath } from './eventsStore.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent audit-verify -- [--events DIR] [--registry DIR]',
  summary: 'Check the audit log: every record\'s hash chain, the head beside the log (a cut, emptied, deleted or appended-to log is found), and the positions the registry recorded at every action. Keyed with DRIFTWATCH_AUDIT_KEY when set. Exits non-zero naming the first line that is wrong.',
  options: {
    events: { type: 'string', description: 'events directory', default: DEFAULT_PATHS.events },
    registry: { type: 'string', description: 'registry directory (its history mirrors the audit head)', default: DEFAULT_PATHS.registry },
  },
};

await runCommandLine('audit-verify', spec, ({ values }) => {
  const events = String(values.events);
  const key = auditKeyFromEnvironment();
  const position = assertAuditIntact(events, key, mirroredPositions(ModelRegistry.open(String(values.registry)).history()));
  const mode = key === undefined ? 'plain SHA-256 (set DRIFTWATCH_AUDIT_KEY to key the chain with HMAC-SHA256)' : 'keyed with HMAC-SHA256';
  process.stdout.write(`${auditPath(events)}: ${position.records} records, chain intact, head and registry agree; ${mode}\n`);
});

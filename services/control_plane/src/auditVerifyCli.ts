import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { parseDirectoryFlag, type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { ModelRegistry } from '../../registry/src/index.ts';
import { adoptAuditKey, assertAuditIntact } from './auditLog.ts';
import { auditKeyFromEnvironment, DEFAULT_LOCK_TIMEOUT_SECONDS } from './controlOptions.ts';
import { mirroredPositions, withControlLock } from './controlRun.ts';
import { auditPath } from './eventsStore.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent audit-verify -- [--events DIR] [--registry DIR] [--adopt-key]',
  summary: 'Check the audit log: every record\'s hash chain, the head beside the log (a cut, emptied, deleted or appended-to log is found), and the positions the registry recorded at every action. Keyed with DRIFTWATCH_AUDIT_KEY when set. Exits non-zero naming the first line that is wrong. --adopt-key keys a log written without a key, once, after checking it.',
  options: {
    events: { type: 'string', description: 'events directory', default: DEFAULT_PATHS.events },
    registry: { type: 'string', description: 'registry directory (its history mirrors the audit head)', default: DEFAULT_PATHS.registry },
    'adopt-key': { type: 'boolean', description: 'sign the head of an unkeyed log with DRIFTWATCH_AUDIT_KEY (once, when the key is new)' },
  },
};

await runCommandLine('audit-verify', spec, ({ values }) => {
  const events = parseDirectoryFlag('events', String(values.events));
  const key = auditKeyFromEnvironment();
  const mirrored = mirroredPositions(ModelRegistry.open(parseDirectoryFlag('registry', String(values.registry))).history());
  if (values['adopt-key'] === true) {
    if (key === undefined) throw new UserError('--adopt-key needs DRIFTWATCH_AUDIT_KEY in the environment');
    const adopted = withControlLock({ eventsDirectory: events, lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_SECONDS * 1000 }, 'adopt the audit key', () => adoptAuditKey(events, key, mirrored));
    process.stdout.write(`${auditPath(events)}: ${adopted.records} records checked; the head is keyed with HMAC-SHA256 from now on\n`);
    return;
  }
  const position = assertAuditIntact(events, key, mirrored);
  const mode = key === undefined ? 'plain SHA-256 (set DRIFTWATCH_AUDIT_KEY to key the chain with HMAC-SHA256)' : 'keyed with HMAC-SHA256';
  process.stdout.write(`${auditPath(events)}: ${position.records} records, chain intact, head and registry agree; ${mode}\n`);
});

import { type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { readAuditLines, verifyAuditLines } from './auditLog.ts';
import { auditPath } from './eventsStore.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent audit-verify -- [--events DIR]',
  summary: 'Check the audit log\'s hash chain: exits non-zero naming the first line that was edited, removed or reordered.',
  options: { events: { type: 'string', description: 'events directory', default: DEFAULT_PATHS.events } },
};

await runCommandLine('audit-verify', spec, ({ values }) => {
  const path = auditPath(String(values.events));
  const verification = verifyAuditLines(readAuditLines(path));
  if (!verification.ok) throw new UserError(`${path}: line ${verification.line}: ${verification.problem}`);
  process.stdout.write(`${path}: ${verification.records} records, chain intact\n`);
});

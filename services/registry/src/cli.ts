import { formatHelp, optionalString, parseChoiceFlag, parseCommand, parseDirectoryFlag, type CommandSpec } from '../../core/src/infrastructure/cliArgs.ts';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { UserError, runCommand } from '../../core/src/infrastructure/errors.ts';
import { actorName, parseNow } from '../../core/src/infrastructure/runContext.ts';
import { productionAt } from './registryStages.ts';
import { archiveVersion, ModelRegistry, promoteVersion, rollbackProduction } from './registryStore.ts';
import type { HistoryEntry } from './registryTypes.ts';
import { PROMOTION_TARGETS } from '../../core/src/domain/vocabularies.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent registry -- list | show V | promote V --stage Staging|Production | archive V | rollback | history [--at ISO_TIME]',
  summary: 'Inspect and move model versions. One version is in Production at a time; archive sets aside a version that is not in Production; every move is appended to the history.',
  allowPositionals: true,
  options: {
    registry: { type: 'string', description: 'registry directory', default: DEFAULT_PATHS.registry },
    stage: { type: 'string', description: 'with promote: Staging or Production' },
    at: { type: 'string', description: 'with history: what was in Production at this ISO time' },
    reason: { type: 'string', description: 'why (recorded in the history)' },
    actor: { type: 'string', description: 'who (default: $USER)' },
    'run-id': { type: 'string', description: 'correlation id to record' },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
  },
};

function formatHistoryLine(entry: HistoryEntry): string {
  return `${entry.time}  v${entry.version}  ${entry.from ?? '-'} -> ${entry.to}  by ${entry.actor}  (${entry.operation}${entry.reason ? `: ${entry.reason}` : ''})${entry.run_id ? `  run ${entry.run_id}` : ''}`;
}

await runCommand('registry', () => {
  const { values, positionals, helpRequested } = parseCommand(spec, process.argv.slice(2));
  const [command, argument, ...extra] = positionals;
  if (helpRequested || command === undefined) {
    process.stdout.write(formatHelp(spec));
    if (command === undefined && !helpRequested) process.exitCode = 2;
    return;
  }
  if (extra.length > 0) throw new UserError(`unexpected arguments: ${extra.join(' ')}`);
  const directory = parseDirectoryFlag('registry', String(values.registry));
  const json = values.json === true;
  const context = () => ({
    actor: actorName(optionalString(values, 'actor')),
    reason: optionalString(values, 'reason') ?? '',
    runId: optionalString(values, 'run-id') ?? null,
    now: new Date(),
  });
  const print = (value: unknown, text: string): void => {
    process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
  };

  switch (command) {
    case 'list': {
      const records = ModelRegistry.open(directory).versions();
      const rows = records.map(({ metadata, stage }) => `v${String(metadata.version).padEnd(4)} ${stage.padEnd(11)} ${metadata.model_type}  roc_auc=${metadata.metrics.validation.roc_auc?.toFixed(4) ?? 'n/a'}  average_precision=${metadata.metrics.validation.average_precision?.toFixed(4) ?? 'n/a'}  data=${metadata.training_data.scenario ?? metadata.training_data.path}  created ${metadata.created_at}`);
      print(records.map(({ metadata, stage }) => ({ ...metadata, stage })), rows.length > 0 ? rows.join('\n') : `no versions in ${directory}`);
      return;
    }
    case 'show': {
      if (argument === undefined) throw new UserError('show needs a version: registry show v3');
      const registry = ModelRegistry.open(directory);
      const version = registry.resolve(argument);
      const record = { ...registry.metadata(version), stage: registry.stages().get(version), artifact_verified: registry.canLoad(version) };
      process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      return;
    }
    case 'promote': {
      if (argument === undefined) throw new UserError('promote needs a version: registry promote v3 --stage Production');
      const stage = parseChoiceFlag('stage', optionalString(values, 'stage') ?? '', PROMOTION_TARGETS);
      const version = ModelRegistry.open(directory).resolve(argument);
      const entries = promoteVersion(directory, version, stage, context());
      print(entries, entries.map(formatHistoryLine).join('\n'));
      return;
    }
    case 'archive': {
      if (argument === undefined) throw new UserError('archive needs a version: registry archive v3');
      const version = ModelRegistry.open(directory).resolve(argument);
      const entries = archiveVersion(directory, version, context());
      print(entries, entries.map(formatHistoryLine).join('\n'));
      return;
    }
    case 'rollback': {
      const entries = rollbackProduction(directory, context());
      print(entries, entries.map(formatHistoryLine).join('\n'));
      return;
    }
    case 'history': {
      const registry = ModelRegistry.open(directory);
      const at = optionalString(values, 'at');
      if (at !== undefined) {
        const time = parseNow(at, 'at');
        const version = productionAt(registry.history(), time);
        print({ at: time.toISOString(), production_version: version }, version === null ? `nothing was in Production at ${time.toISOString()}` : `v${version} was in Production at ${time.toISOString()}`);
        return;
      }
      const history = registry.history();
      print(history, history.length > 0 ? history.map(formatHistoryLine).join('\n') : `no history in ${directory}`);
      return;
    }
    default:
      throw new UserError(`unknown command "${command}" (list, show, promote, archive, rollback, history)`);
  }
});

import { writeStreamAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { optionalString, parseDirectoryFlag, requireString, type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { ModelRegistry } from '../../registry/src/index.ts';
import { scoreTable } from './batchScoring.ts';
import { categoricalFeatureNames, featureNames, loadDatasetSpec, refuseMissingColumns } from '../../core/src/domain/datasetSpec.ts';
import { loadRegisteredArtifact } from './modelArtifact.ts';

export const PREDICTION_COLUMN = 'prediction';

const spec: CommandSpec = {
  usage: 'npm run --silent score -- --model production|latest|vN --data PATH --out PATH [--registry DIR] [--dataset NAME|FILE]',
  summary: `Score a CSV with a registered model: the output is the input, record for record, plus a "${PREDICTION_COLUMN}" column (probability of the positive label).`,
  options: {
    model: { type: 'string', description: 'production, latest or a version', default: 'production' },
    data: { type: 'string', description: 'CSV to score' },
    out: { type: 'string', description: 'CSV to write (replaced atomically)' },
    registry: { type: 'string', description: 'registry directory', default: DEFAULT_PATHS.registry },
    dataset: { type: 'string', description: 'dataset spec the data follows; must be the one the model was trained on (default: the model\'s own)' },
  },
};

await runCommandLine('score', spec, async ({ values }) => {
  const dataPath = requireString(values, 'data');
  const outPath = requireString(values, 'out');
  const registry = ModelRegistry.open(parseDirectoryFlag('registry', String(values.registry)));
  const version = registry.resolve(String(values.model));
  const artifact = loadRegisteredArtifact(registry, version);
  const named = optionalString(values, 'dataset');
  if (named !== undefined) {
    const dataset = loadDatasetSpec(named);
    if (dataset.sha256 !== artifact.dataset.sha256) throw new UserError(`--dataset ${named}: v${version} was trained on dataset "${artifact.dataset.name}" (spec sha256 ${artifact.dataset.sha256.slice(0, 12)}), not this spec (${dataset.sha256.slice(0, 12)}); score with the model's own spec or retrain`);
  }
  const table = readCsvTable(dataPath, { textColumns: categoricalFeatureNames(artifact.dataset.spec) });
  refuseMissingColumns(table.header, featureNames(artifact.dataset.spec), dataPath, `the dataset spec of v${version} ("${artifact.dataset.name}")`);
  if (table.hasColumn(PREDICTION_COLUMN)) throw new UserError(`${dataPath}: already has a "${PREDICTION_COLUMN}" column`);
  const { probabilities, unseen_categories: unseen } = scoreTable(artifact, table);
  await writeStreamAtomic(outPath, async (out) => {
    await out.write(`${table.header.join(',')},${PREDICTION_COLUMN}\n`);
    const chunkRows = 10_000;
    for (let start = 0; start < table.rowCount; start += chunkRows) {
      const lines: string[] = [];
      for (let row = start; row < Math.min(table.rowCount, start + chunkRows); row += 1) lines.push(`${table.recordText(row)},${probabilities[row]}\n`);
      await out.write(lines.join(''));
    }
  });
  const unseenTotal = Object.values(unseen).reduce((sum, count) => sum + count, 0);
  process.stderr.write(`score: v${version} scored ${table.rowCount} rows -> ${outPath}${unseenTotal > 0 ? ` (${unseenTotal} unseen or missing category values encoded as all-zero)` : ''}\n`);
});

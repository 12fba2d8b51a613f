import { writeFileAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { formatCsvLine } from '../../core/src/infrastructure/csv/csvFormat.ts';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { DEFAULT_DATASET, featureNames, loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { readPredictionLog } from './predictionLog.ts';

const spec: CommandSpec = {
  usage: 'node --import tsx services/api/src/predictionsToCsvCli.ts [--predictions DIR] [--out PATH] [--dataset NAME|FILE]',
  summary: 'Write the logged predictions as a CSV of features plus "prediction" (the served score), for the monitor (make monitor-live).',
  options: {
    predictions: { type: 'string', description: 'prediction log directory', default: DEFAULT_PATHS.predictions },
    out: { type: 'string', description: 'CSV to write', default: `${DEFAULT_PATHS.data}/live.csv` },
    dataset: { type: 'string', description: 'dataset spec whose features are written (a name in datasets/ or a YAML file)', default: DEFAULT_DATASET },
  },
};

await runCommandLine('predictions-to-csv', spec, ({ values }) => {
  const { spec } = loadDatasetSpec(String(values.dataset));
  const records = readPredictionLog(String(values.predictions));
  if (records.length === 0) throw new UserError(`no predictions logged in ${String(values.predictions)} yet (serve the API and send /predict requests)`);
  const columns = featureNames(spec);
  const lines = records.map((record) => formatCsvLine([...columns.map((column) => {
    const value = record.features[column];
    return typeof value === 'number' || typeof value === 'string' ? value : '';
  }), record.score]));
  writeFileAtomic(String(values.out), `${formatCsvLine([...columns, 'prediction'])}${lines.join('')}`);
  process.stderr.write(`predictions-to-csv: ${records.length} logged predictions -> ${String(values.out)}\n`);
});

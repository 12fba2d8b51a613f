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
  // A record served under another spec would come out as a row of empty cells: refused, by record.
  const known = new Set([...columns, ...[spec.id, spec.time].filter((column): column is string => column !== undefined)]);
  records.forEach((record, index) => {
    const foreign = Object.keys(record.features).find((key) => !known.has(key));
    const absent = columns.find((column) => spec.features[column]?.required !== false && !(column in record.features));
    if (foreign === undefined && absent === undefined) return;
    const problem = foreign !== undefined ? `has feature "${foreign}", which dataset "${spec.name}" does not have` : `lacks feature "${absent as string}" of dataset "${spec.name}"`;
    throw new UserError(`${String(values.predictions)}: record ${index + 1} (model v${record.model_version}, request ${record.request_id}) ${problem}; give --dataset with the spec of the model that served it`);
  });
  const lines = records.map((record) => formatCsvLine([...columns.map((column) => {
    const value = record.features[column];
    return typeof value === 'number' || typeof value === 'string' ? value : '';
  }), record.score]));
  writeFileAtomic(String(values.out), `${formatCsvLine([...columns, 'prediction'])}${lines.join('')}`);
  process.stderr.write(`predictions-to-csv: ${records.length} logged predictions -> ${String(values.out)}\n`);
});

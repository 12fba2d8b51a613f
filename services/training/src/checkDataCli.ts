import { type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { DEFAULT_DATASET, loadDatasetSpec, textColumnsOf } from '../../core/src/domain/datasetSpec.ts';
import { refuseMissingValues, refuseNonIsoTimes, refuseTableOffSpec } from '../../core/src/domain/datasetColumns.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent check-data -- --dataset NAME|FILE CSV...',
  summary: 'Check a dataset spec, and that each CSV follows it (declared features present, numbers where numbers are declared, whole numbers and ranges as declared, the label\'s two values where the file has it, ISO times): one line naming file, column and row for the first problem, exit 2. Nothing is written.',
  allowPositionals: true,
  options: {
    dataset: { type: 'string', description: 'a name in datasets/ or a YAML file', default: DEFAULT_DATASET },
  },
};

await runCommandLine('check-data', spec, ({ values, positionals }) => {
  const dataset = loadDatasetSpec(String(values.dataset));
  if (positionals.length === 0) throw new UserError('name at least one CSV to check');
  for (const path of positionals) {
    const table = readCsvTable(path, { textColumns: textColumnsOf(dataset.spec) });
    const labelled = refuseTableOffSpec(table, dataset, { labels: 'when present' }) !== undefined;
    refuseNonIsoTimes(table, dataset.spec);
    refuseMissingValues(table, dataset.spec);
    process.stderr.write(`check-data: ${path}: ${table.rowCount} rows follow dataset "${dataset.spec.name}"${labelled ? ', labelled' : ', no labels'}\n`);
  }
});

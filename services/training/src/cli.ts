import { optionalString, parseChoiceFlag, parseDirectoryFlag, parseIntegerFlag, type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { actorName, newRunId, parseNow } from '../../core/src/infrastructure/runContext.ts';
import { registerVersion } from '../../registry/src/index.ts';
import { DEFAULT_TRAINING, registrationRecord, trainModels } from './trainModels.ts';
import { MODEL_CHOICES, SELECTION_METRICS } from '../../core/src/domain/vocabularies.ts';
import { DEFAULT_DATASET, loadDatasetSpec, textColumnsOf } from '../../core/src/domain/datasetSpec.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent train -- --data PATH [--dataset NAME|FILE] [--model lr|rf|auto] [--seed S] [--registry DIR]',
  summary: 'Train on a labelled CSV described by a dataset spec, record each candidate\'s validation metrics, and register the selected model (stage None).',
  options: {
    data: { type: 'string', description: 'training CSV', default: DEFAULT_PATHS.reference },
    dataset: { type: 'string', description: 'dataset spec: a name in datasets/ or a YAML file', default: DEFAULT_DATASET },
    model: { type: 'string', description: 'lr, rf, or auto (both; keep the best)', default: DEFAULT_TRAINING.model },
    seed: { type: 'string', description: 'seed for the split and the models', default: '42' },
    registry: { type: 'string', description: 'registry directory', default: DEFAULT_PATHS.registry },
    'selection-metric': { type: 'string', description: 'roc_auc or average_precision', default: DEFAULT_TRAINING.selectionMetric },
    'min-rows': { type: 'string', description: 'refuse smaller training data', default: String(DEFAULT_TRAINING.minRows) },
    'run-id': { type: 'string', description: 'correlation id to record (default: a new one)' },
    actor: { type: 'string', description: 'who trains (default: $USER)' },
    now: { type: 'string', description: 'ISO time to record instead of the clock' },
    'shuffle-labels': { type: 'boolean', description: 'train on permuted labels: a deliberately bad model, for rehearsing rollbacks' },
  },
};

await runCommandLine('train', spec, ({ values }) => {
  const model = parseChoiceFlag('model', String(values.model), MODEL_CHOICES);
  const selectionMetric = parseChoiceFlag('selection-metric', String(values['selection-metric']), SELECTION_METRICS);
  const seed = parseIntegerFlag('seed', String(values.seed), { min: 0 });
  const minRows = parseIntegerFlag('min-rows', String(values['min-rows']), { min: 1 });
  const dataPath = String(values.data);
  const registryDirectory = parseDirectoryFlag('registry', String(values.registry));
  const now = parseNow(optionalString(values, 'now'));
  const runId = optionalString(values, 'run-id') ?? newRunId(now);

  const dataset = loadDatasetSpec(String(values.dataset));
  const table = readCsvTable(dataPath, { textColumns: textColumnsOf(dataset.spec) });
  const shuffleLabels = values['shuffle-labels'] === true;
  const result = trainModels(table, { ...DEFAULT_TRAINING, dataset, model, seed, selectionMetric, minRows, shuffleLabels });
  const metadata = registerVersion(
    registryDirectory,
    registrationRecord(result, { dataPath, rows: table.rowCount, seed, runId, params: shuffleLabels ? { shuffled_labels: true } : {} }),
    { actor: actorName(optionalString(values, 'actor')), reason: `trained on ${dataPath}`, runId, now },
  );

  for (const candidate of result.candidates) {
    process.stderr.write(`train: ${candidate.model_type} roc_auc=${candidate.validation.roc_auc?.toFixed(4)} average_precision=${candidate.validation.average_precision?.toFixed(4)} f1=${candidate.validation.f1.toFixed(4)} (${candidate.train_seconds.toFixed(2)} s)\n`);
  }
  process.stderr.write(`train: registered v${metadata.version} (${result.selected}, by ${result.selection_metric}, dataset ${dataset.spec.name}) in ${registryDirectory}\n`);
  process.stdout.write(`${JSON.stringify({ version: metadata.version, model_type: metadata.model_type, run_id: runId, validation: metadata.metrics.validation })}\n`);
});

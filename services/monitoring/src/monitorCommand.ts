import { terminalProgress } from './monitorProgress.ts';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { optionalString, parseListFlag, type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { readCsvHeader } from '../../core/src/infrastructure/csv/csvFile.ts';
import { finishParallelRead, whileReading, type CsvReadWorker } from '../../core/src/infrastructure/csv/parallelCsvRead.ts';
import { newRunId, parseNow } from '../../core/src/infrastructure/runContext.ts';
import { monitorReadPlan } from './readPlan.ts';
import { loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { SERVING_REFERENCE, servingReferencePath } from './servingReference.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent monitor -- --reference R.csv|serving --current C.csv --out DIR [--dataset NAME|FILE] [--target COL] [--prediction COL] [--model production|VERSION] [--numerical a,b] [--categorical c,d] [--exclude x,y] [--policy PATH]',
  summary: `Compare two CSVs as Evidently does (same tests, thresholds and verdicts), plus data quality, volume and, with labels, model performance. Writes DIR/monitoring_summary.json and DIR/drift_report.html.`,
  options: {
    reference: { type: 'string', description: `reference CSV, or "${SERVING_REFERENCE}": the serving model's reference (policy reference.mode: its training data, or reference.path)`, default: DEFAULT_PATHS.reference },
    current: { type: 'string', description: 'current CSV', default: DEFAULT_PATHS.current },
    out: { type: 'string', description: 'output directory', default: DEFAULT_PATHS.reports },
    dataset: { type: 'string', description: 'dataset spec (a name in datasets/ or a YAML file): the features, their types, the label and the time column; without it, the default spec when the files are its data, else every column' },
    target: { type: 'string', description: 'label column for performance (default with --dataset: its target, when both files have it)' },
    prediction: { type: 'string', description: 'column holding a model score, present in both files' },
    model: { type: 'string', description: 'score both files with a registered model: production or a version' },
    registry: { type: 'string', description: `registry directory (with --model or --reference ${SERVING_REFERENCE})`, default: DEFAULT_PATHS.registry },
    numerical: { type: 'string', description: 'comma-separated columns to treat as numerical' },
    categorical: { type: 'string', description: 'comma-separated columns to treat as categorical' },
    exclude: { type: 'string', description: 'comma-separated columns to leave out' },
    policy: { type: 'string', description: `policy YAML (default: ${DEFAULT_PATHS.policy} when present, else Evidently's defaults)` },
    'run-id': { type: 'string', description: 'correlation id to record' },
    now: { type: 'string', description: 'ISO time to record instead of the clock' },
  },
};

/** The monitor's command line, with the thread that reads the reference already started (cli.ts). */
export async function runMonitorCommand(referenceReader: CsvReadWorker): Promise<void> {
  await runCommandLine('monitor', spec, async ({ values }) => {
    const serving = values.reference === SERVING_REFERENCE ? await servingReferencePath(optionalString(values, 'policy'), String(values.registry)) : undefined;
    const referencePath = serving?.path ?? String(values.reference);
    const currentPath = String(values.current);
    const numerical = parseListFlag(optionalString(values, 'numerical'));
    const categorical = parseListFlag(optionalString(values, 'categorical'));
    const now = parseNow(optionalString(values, 'now'));
    const outDirectory = String(values.out);
    // Which required columns current lacks is the column selection's to say, by name.
    const datasetFlag = optionalString(values, 'dataset');
    const dataset = datasetFlag === undefined ? undefined : loadDatasetSpec(datasetFlag);
    const exclude = parseListFlag(optionalString(values, 'exclude'));
    const named = [...numerical, ...categorical, ...[optionalString(values, 'target'), optionalString(values, 'prediction')].filter((column): column is string => column !== undefined)];
    const scored = optionalString(values, 'model') !== undefined || optionalString(values, 'prediction') !== undefined;
    const plan = monitorReadPlan(readCsvHeader(referencePath), readCsvHeader(currentPath), named, { dataset, referenceSource: referencePath, readLabels: scored, excluded: exclude, scoredByModel: optionalString(values, 'model') !== undefined });
    // The reference is read in the worker before the rest of the monitor is loaded: its parse
    // overlaps this thread's module loading (measured: ~0.6 s of a 5 s budget at 1M rows).
    const referenceRead = referenceReader.read({ path: referencePath, options: plan.reference, numericalToClean: 'all' });
    const { pipeline, store, policy, tables } = await whileReading(referenceRead, async () => {
      const [pipeline, store] = await Promise.all([import('./monitorPipeline.ts'), import('./reportsStore.ts')]);
      const policy = pipeline.monitorPolicy(optionalString(values, 'policy'));
      const tables = await finishParallelRead(referenceRead, { path: currentPath, options: plan.current, numericalToClean: 'all' });
      return { pipeline, store, policy, tables };
    });
    const [reference, current] = tables;
    const progress = terminalProgress(process.stderr);
    const { summary, report } = await pipeline.monitorTables({
      reference,
      current,
      referencePath,
      currentPath,
      plan,
      policy,
      numerical,
      categorical,
      exclude,
      target: optionalString(values, 'target'),
      prediction: optionalString(values, 'prediction'),
      model: optionalString(values, 'model'),
      registryDirectory: String(values.registry),
      runId: optionalString(values, 'run-id') ?? newRunId(now),
      now,
      ...(progress ? { progress: progress.report } : {}),
    });
    progress?.end();
    store.writeReports(outDirectory, summary, report);
    if (serving) process.stderr.write(`monitor: reference ${serving.path}: ${serving.description}\n`);
    process.stderr.write(`monitor: ${pipeline.verdictLine(summary)} -> ${store.summaryPath(outDirectory)}, ${store.reportPath(outDirectory)}\n`);
  });
}

/**
 * Our two models against scikit-learn on the same encoded rows: fit time (fit only) and
 * validation ROC AUC, with Brier and a reliability table for ours.
 *
 *   npx tsx bench/models.ts
 *
 * `benchOnMatrices` takes any encoded train/validation pair, so other tables can be added
 * beside the base scenario. Installs nothing: without scikit-learn the peer is skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { REPO_ROOT, measureScript, report } from './measure.ts';
import { readCsvTable } from '../services/core/src/infrastructure/csv/csvFile.ts';
import type { CsvTable } from '../services/core/src/infrastructure/csv/csvTable.ts';
import { labelsOf } from '../services/core/src/domain/datasetColumns.ts';
import { categoricalFeatureNames, loadDatasetSpec, numericFeatureNames, type LoadedDatasetSpec } from '../services/core/src/domain/datasetSpec.ts';
import { MODEL_KINDS, type ModelKind } from '../services/core/src/domain/vocabularies.ts';
import { trainCandidate } from '../services/training/src/candidateTraining.ts';
import { brierScore, reliabilityTable, rocAuc } from '../services/training/src/metrics.ts';
import { loadClassifier, type SerializedClassifier } from '../services/training/src/modelArtifact.ts';
import { fitPreprocessing, tableRowSource, transformRows } from '../services/training/src/preprocessing.ts';
import { writeOwnDataTable } from '../tests/helpers/ownDataTables.ts';
import { stratifiedSplit } from '../services/training/src/stratifiedSplit.ts';

const BENCH_DIR = join(REPO_ROOT, '.bench');
const SKLEARN_PYTHON = '/usr/bin/python3';
const SEED = 42;
/** Our fit may take at most this many times scikit-learn's; AUC may trail it by at most the model's allowance. */
const TIME_RATIO_LIMIT = 3;
const AUC_ALLOWANCE: Record<ModelKind, number> = { lr: 0.005, rf: 0.01 };
/** After the cold fit, fits are repeated until they add up to this many seconds or this many fits; the fastest counts. */
const MIN_TIMED_SECONDS = 1;
const MAX_TIMED_FITS = 5;

export interface LabelledMatrix {
  features: number[][];
  labels: number[];
}

interface PeerResult { fit_seconds: number; auc: number; brier: number }

/** A table encoded exactly as trainModels does: the seeded stratified split, preprocessing fitted on the training rows. */
export function encodeTable(table: CsvTable, dataset: LoadedDatasetSpec): { train: LabelledMatrix; validation: LabelledMatrix } {
  const { spec } = dataset;
  const labels = Array.from(labelsOf(table, spec));
  const split = stratifiedSplit(labels, 0.25, seedrandom.alea(`${SEED}:split`));
  const preprocessing = fitPreprocessing(table, split.train, numericFeatureNames(spec), categoricalFeatureNames(spec), spec.missing);
  const { matrix } = transformRows(preprocessing, tableRowSource(table, preprocessing));
  const part = (indices: number[]): LabelledMatrix => ({ features: indices.map((row) => matrix[row] as number[]), labels: indices.map((row) => labels[row] as number) });
  return { train: part(split.train), validation: part(split.validation) };
}

/** The generator's base scenario at `rows` rows, with the fraud dataset spec. */
export function encodeBaseScenario(rows: number): { train: LabelledMatrix; validation: LabelledMatrix } {
  const dataPath = join(BENCH_DIR, `models-${rows}.csv`);
  measureScript('generator/src/cli.ts', ['--scenario', 'base', '--rows', String(rows), '--out', dataPath]);
  return encodeTable(readCsvTable(dataPath), loadDatasetSpec('fraud'));
}

/** Shortest round-trip decimals (String(number)), so Python parses the very same doubles. */
function writeMatrixCsv(path: string, data: LabelledMatrix): void {
  const width = data.features[0]?.length ?? 0;
  const header = [...Array.from({ length: width }, (_, column) => `f${column}`), 'label'].join(',');
  const lines = data.features.map((row, index) => `${row.join(',')},${data.labels[index] as number}`);
  writeFileSync(path, `${header}\n${lines.join('\n')}\n`);
}

function sklearnAvailable(): boolean {
  return spawnSync(SKLEARN_PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0;
}

function runSklearn(trainPath: string, validationPath: string): Record<ModelKind, PeerResult> {
  const result = spawnSync(SKLEARN_PYTHON, [join(REPO_ROOT, 'bench/sklearn_models.py'), trainPath, validationPath], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (result.status !== 0) throw new Error(`sklearn_models.py failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<ModelKind, PeerResult>;
}

function formatReliability(labels: number[], scores: number[]): string {
  return reliabilityTable(labels, scores)
    .filter((bin) => bin.rows > 0)
    .map((bin) => `${bin.lower.toFixed(1)}-${bin.upper.toFixed(1)}: ${bin.rows} rows ${(bin.mean_predicted as number).toFixed(3)}/${(bin.observed_rate as number).toFixed(3)}`)
    .join('; ');
}

function timedFit(kind: ModelKind, train: LabelledMatrix, rows: number[]) {
  const started = performance.now();
  const { classifier } = trainCandidate(kind, train.features, train.labels, rows, SEED);
  return { classifier, seconds: (performance.now() - started) / 1000 };
}

/**
 * One model of ours on one table: fit time (fit only), validation AUC and Brier, the
 * reliability table, and its JSON. The first fit is "cold" (V8 compiles the hot loops
 * while it runs; scikit-learn's are compiled C); then, as timeit does, fits are repeated
 * until they add up to a second (at most 5) and the fastest is compared with
 * scikit-learn's, timed the same way by sklearn_models.py. The cold and a later fit must
 * serialize to the same bytes (same seed, same data).
 */
function benchOurs(kind: ModelKind, train: LabelledMatrix, validation: LabelledMatrix) {
  const allRows = train.labels.map((_, row) => row);
  const cold = timedFit(kind, train, allRows);
  const timed = [timedFit(kind, train, allRows)];
  while (timed.length < MAX_TIMED_FITS && timed.reduce((sum, fit) => sum + fit.seconds, 0) < MIN_TIMED_SECONDS) timed.push(timedFit(kind, train, allRows));
  const { classifier } = timed[0] as (typeof timed)[number];
  const seconds = Math.min(...timed.map((fit) => fit.seconds));
  const json = JSON.stringify(classifier.toJSON());
  const deterministic = JSON.stringify(cold.classifier.toJSON()) === json;
  const scores = classifier.predictProbabilities(validation.features);
  // What the API does for a new version, then per request: parse, load, score one row.
  const loadStarted = performance.now();
  const loaded = loadClassifier(JSON.parse(json) as SerializedClassifier);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const singleRowRequests = 1000;
  const predictStarted = performance.now();
  for (let request = 0; request < singleRowRequests; request += 1) loaded.predictProbabilities([validation.features[request % validation.features.length] as number[]]);
  const predictMicroseconds = ((performance.now() - predictStarted) * 1000) / singleRowRequests;
  return { seconds, coldSeconds: cold.seconds, deterministic, auc: rocAuc(validation.labels, scores), brier: brierScore(validation.labels, scores), scores, jsonBytes: Buffer.byteLength(json), loadSeconds, predictMicroseconds };
}

/** Both models of ours against scikit-learn's on one encoded train/validation pair; one line per model. */
export function benchOnMatrices(name: string, train: LabelledMatrix, validation: LabelledMatrix): void {
  const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const trainPath = join(BENCH_DIR, `models-${slug}-train.csv`);
  const validationPath = join(BENCH_DIR, `models-${slug}-validation.csv`);
  writeMatrixCsv(trainPath, train);
  writeMatrixCsv(validationPath, validation);
  const ours = Object.fromEntries(MODEL_KINDS.map((kind) => [kind, benchOurs(kind, train, validation)])) as Record<ModelKind, ReturnType<typeof benchOurs>>;
  // Ours first, then the peer: never two heavy processes at once.
  const peer = sklearnAvailable() ? runSklearn(trainPath, validationPath) : undefined;
  const rows = `${train.labels.length.toLocaleString('en')} train / ${validation.labels.length.toLocaleString('en')} validation rows`;
  for (const kind of MODEL_KINDS) {
    const mine = ours[kind];
    const oursText = `ours ${mine.seconds.toFixed(3)} s (cold ${mine.coldSeconds.toFixed(3)} s), AUC ${mine.auc.toFixed(4)}, Brier ${mine.brier.toFixed(4)}`;
    if (!peer) {
      report(`models: ${kind} on ${name} (${rows})`, `${oursText} | sklearn skipped: python3 with scikit-learn not installed (apt-get install python3-sklearn)`);
    } else {
      const theirs = peer[kind];
      const ratio = mine.seconds / theirs.fit_seconds;
      const aucDifference = mine.auc - theirs.auc;
      const met = ratio <= TIME_RATIO_LIMIT && aucDifference >= -AUC_ALLOWANCE[kind];
      report(`models: ${kind} on ${name} (${rows})`,
        `${oursText} | sklearn ${theirs.fit_seconds.toFixed(3)} s, AUC ${theirs.auc.toFixed(4)}, Brier ${theirs.brier.toFixed(4)} | time ${ratio.toFixed(2)}x | AUC ${aucDifference >= 0 ? '+' : ''}${aucDifference.toFixed(4)} | target met: ${met ? 'yes' : 'no'}`,
        `<= ${TIME_RATIO_LIMIT}x time, AUC >= sklearn - ${AUC_ALLOWANCE[kind]}`);
    }
    report(`  ${kind} JSON size / parse+load / score one row / refit byte-identical`, `${(mine.jsonBytes / 2 ** 20).toFixed(2)} MB / ${(mine.loadSeconds * 1000).toFixed(0)} ms / ${mine.predictMicroseconds.toFixed(1)} µs / ${mine.deterministic ? 'yes' : 'NO'}`);
    report(`  ${kind} reliability (rows mean_predicted/observed_rate)`, formatReliability(validation.labels, mine.scores));
  }
}

if (import.meta.filename === process.argv[1]) {
  mkdirSync(BENCH_DIR, { recursive: true });
  process.stdout.write('DriftWatch models vs scikit-learn (fit only; validation = 25% stratified, seed 42)\n\n');
  for (const rows of [5000, 50_000]) {
    const { train, validation } = encodeBaseScenario(rows);
    benchOnMatrices(`base ${rows.toLocaleString('en')}`, train, validation);
  }
  // The two generated own-data tables of the tests (their specs alone say what the columns are), and the
  // interaction table where a forest should win.
  for (const [name, rows] of [['credit', 5000], ['credit', 50_000], ['churn', 5000], ['churn', 50_000], ['interaction', 5000]] as const) {
    const files = writeOwnDataTable(join(BENCH_DIR, `own-${rows}`), name, { referenceRows: rows, currentRows: 10 });
    const { train, validation } = encodeTable(readCsvTable(files.reference), loadDatasetSpec(files.spec));
    benchOnMatrices(`${name} ${rows.toLocaleString('en')}`, train, validation);
  }
}

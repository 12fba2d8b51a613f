import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, measureScript, report } from './measure.ts';
import { DEFAULT_PATHS } from '../services/core/src/domain/defaultPaths.ts';
import { eventPath } from '../services/control_plane/src/index.ts';
import { artifactPath } from '../services/registry/src/index.ts';

const BENCH_DIR = join(REPO_ROOT, '.bench');
mkdirSync(BENCH_DIR, { recursive: true });

process.stdout.write('DriftWatch benchmarks (2-core figures are the targets)\n\n');

// Generator: 1M rows, whole process.
const generated = measureScript('generator/src/cli.ts', ['--scenario', 'base', '--rows', '1000000', '--out', join(BENCH_DIR, 'gen-1m.csv')]);
report('generator: 1,000,000 rows (whole process)', `${generated.seconds.toFixed(2)} s, ${(1e6 / generated.seconds).toFixed(0)} rows/s`, '<= 10 s');
report('generator: peak memory', generated.maxRssMb ? `${generated.maxRssMb.toFixed(0)} MB` : 'n/a');

// Training: each model alone, on 5k and 50k base rows (time as the train command reports it).
for (const rows of [5000, 50_000]) {
  const dataPath = join(BENCH_DIR, `train-${rows}.csv`);
  measureScript('generator/src/cli.ts', ['--scenario', 'base', '--rows', String(rows), '--out', dataPath]);
  for (const model of ['lr', 'rf']) {
    const registry = join(BENCH_DIR, `registry-${model}-${rows}`);
    rmSync(registry, { recursive: true, force: true });
    const trained = measureScript('services/training/src/cli.ts', ['--data', dataPath, '--model', model, '--registry', registry]);
    const fitted = /train: \w+ roc_auc=([\d.]+).*\(([\d.]+) s\)/.exec(trained.stderr);
    report(`training: ${model} on ${rows.toLocaleString('en')} rows (fit / whole process)`, `${fitted?.[2] ?? '?'} s / ${trained.seconds.toFixed(2)} s, AUC ${fitted?.[1] ?? '?'}`, rows === 5000 ? 'both <= 15 s' : undefined);
  }
}

// Scoring: 200k rows with the 5k logistic regression, whole process.
const scoreRegistry = join(BENCH_DIR, 'registry-lr-5000');
measureScript('services/registry/src/cli.ts', ['--registry', scoreRegistry, 'promote', 'latest', '--stage', 'Production']);
const scoreInput = join(BENCH_DIR, 'score-200k.csv');
measureScript('generator/src/cli.ts', ['--scenario', 'drift_feature', '--rows', '200000', '--out', scoreInput]);
const scored = measureScript('services/training/src/scoreCli.ts', ['--registry', scoreRegistry, '--model', 'production', '--data', scoreInput, '--out', join(BENCH_DIR, 'scored-200k.csv')]);
report('scoring: 200,000 rows, lr (whole process)', `${scored.seconds.toFixed(2)} s, ${(200_000 / scored.seconds).toFixed(0)} rows/s`);

// Monitor: 1M x 12 vs 1M x 12 and 200k x 6, whole process, against a NumPy/SciPy script.
const monitorCases = [
  { label: '1,000,000 x 12 vs 1,000,000 x 12', rows: 1_000_000, exclude: [] as string[], target: '<= 5 s, <= 1.5 GB' },
  { label: '200,000 x 6 vs 200,000 x 6', rows: 200_000, exclude: ['transaction_hour', 'account_tenure_days', 'merchant_category'], target: undefined },
];
const pythonReady = spawnSync('python3', ['-c', 'import numpy, scipy'], { encoding: 'utf8' }).status === 0;
for (const monitorCase of monitorCases) {
  const referencePath = join(BENCH_DIR, `monitor-ref-${monitorCase.rows}.csv`);
  const currentPath = join(BENCH_DIR, `monitor-cur-${monitorCase.rows}.csv`);
  measureScript('generator/src/cli.ts', ['--scenario', 'base', '--rows', String(monitorCase.rows), '--out', referencePath]);
  measureScript('generator/src/cli.ts', ['--scenario', 'drift_feature', '--rows', String(monitorCase.rows), '--out', currentPath]);
  const args = ['--reference', referencePath, '--current', currentPath, '--out', join(BENCH_DIR, `reports-${monitorCase.rows}`), '--policy', 'policies/promotion.yaml'];
  if (monitorCase.exclude.length > 0) args.push('--exclude', monitorCase.exclude.join(','));
  const monitored = measureScript('services/monitoring/src/cli.ts', args);
  report(`monitor: ${monitorCase.label} (whole process)`, `${monitored.seconds.toFixed(2)} s, ${monitored.maxRssMb?.toFixed(0) ?? '?'} MB`, monitorCase.target);
  if (pythonReady) {
    const features = ['transaction_amount', 'transaction_hour', 'customer_age', 'account_tenure_days', 'merchant_risk_score', 'geo_distance_km', 'is_international', 'merchant_category', 'channel'].filter((column) => !monitorCase.exclude.includes(column));
    const started = performance.now();
    const python = spawnSync('python3', [join(REPO_ROOT, 'bench/numpy_monitor.py'), referencePath, currentPath, features.join(',')], { encoding: 'utf8' });
    const pythonSeconds = (performance.now() - started) / 1000;
    if (python.status === 0) report(`  NumPy/SciPy script, same verdicts (${monitorCase.label})`, `${pythonSeconds.toFixed(2)} s, ratio ${(pythonSeconds / monitored.seconds).toFixed(1)}x`);
    else report('  NumPy/SciPy script', `failed: ${python.stderr.split('\n').at(-2) ?? ''}`);
  } else {
    report('  NumPy/SciPy comparison', 'skipped: python3 with numpy and scipy not installed');
  }
}

// The main demo end to end (make demo-drift-feature), twice: time, and whether decisions and model bytes repeat.
// It rebuilds shared/ from scratch, as the demo does for a user.
function runDemo(): { seconds: number; decisions: string; modelBytes: string } {
  const started = performance.now();
  const demo = spawnSync('make', ['--no-print-directory', 'demo-drift-feature'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (demo.status !== 0) throw new Error(`make demo-drift-feature failed: ${demo.stderr}`);
  const read = (kind: 'sentinel' | 'plan' | 'release') => JSON.parse(readFileSync(eventPath(join(REPO_ROOT, DEFAULT_PATHS.events), kind), 'utf8'));
  const decisions = JSON.stringify([read('sentinel').incident_type, read('plan').action, read('plan').confidence, read('release').outcome, read('release').gates]);
  const modelBytes = [1, 2].map((version) => readFileSync(artifactPath(join(REPO_ROOT, DEFAULT_PATHS.registry), version), 'utf8')).join('');
  return { seconds, decisions, modelBytes };
}
const firstDemo = runDemo();
const secondDemo = runDemo();
report('demo-drift-feature: whole demo (make, from empty shared/)', `${firstDemo.seconds.toFixed(1)} s, then ${secondDemo.seconds.toFixed(1)} s`, '<= 30 s');
report('demo-drift-feature twice: same decisions / same model bytes', `${firstDemo.decisions === secondDemo.decisions ? 'yes' : 'NO'} / ${firstDemo.modelBytes === secondDemo.modelBytes ? 'yes' : 'NO'}`);

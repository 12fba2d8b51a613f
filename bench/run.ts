import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, measureScript, report } from './measure.ts';

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

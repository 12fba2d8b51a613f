import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, measureScript, report } from './measure.ts';

const BENCH_DIR = join(REPO_ROOT, '.bench');
mkdirSync(BENCH_DIR, { recursive: true });

process.stdout.write('DriftWatch benchmarks (2-core figures are the targets)\n\n');

// Generator: 1M rows, whole process.
const generated = measureScript('generator/src/cli.ts', ['--scenario', 'base', '--rows', '1000000', '--out', join(BENCH_DIR, 'gen-1m.csv')]);
report('generator: 1,000,000 rows (whole process)', `${generated.seconds.toFixed(2)} s, ${(1e6 / generated.seconds).toFixed(0)} rows/s`, '<= 10 s');
report('generator: peak memory', generated.maxRssMb ? `${generated.maxRssMb.toFixed(0)} MB` : 'n/a');

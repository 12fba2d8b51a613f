import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { readPredictionLog } from '../services/api/src/predictionLog.ts';
import { startServerProcess } from '../tests/helpers/serverProcess.ts';
import { REPO_ROOT, report } from './measure.ts';

/**
 * make bench-api: autocannon against a real server process on 127.0.0.1 (50 connections,
 * 10 s, single-row /predict, prediction log on), then SIGTERM and count the log.
 */
const BENCH_DIR = join(REPO_ROOT, '.bench', 'api');
rmSync(BENCH_DIR, { recursive: true, force: true });
const registry = join(BENCH_DIR, 'registry');
const run = (script: string, args: string[]) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, script), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${script}: ${result.stderr}`);
};
run('generator/src/cli.ts', ['--scenario', 'base', '--out', join(BENCH_DIR, 'reference.csv')]);
run('services/training/src/cli.ts', ['--data', join(BENCH_DIR, 'reference.csv'), '--model', 'lr', '--registry', registry]);
run('services/registry/src/cli.ts', ['--registry', registry, 'promote', 'v1', '--stage', 'Production']);

const predictions = join(BENCH_DIR, 'predictions');
// SERVER_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" or "--trace-gc") profiles the server under this load.
const { child: server, port } = await startServerProcess(
  { DRIFTWATCH_REGISTRY: registry, DRIFTWATCH_PREDICTIONS: predictions },
  { nodeFlags: (process.env.SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean), stdout: 'inherit' },
);

const load = (duration: number) => autocannon({
  url: `http://127.0.0.1:${port}/predict`,
  connections: 50,
  duration,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ transaction_amount: 120.5, transaction_hour: 21, customer_age: 35, account_tenure_days: 400, merchant_risk_score: 0.4, geo_distance_km: 30, is_international: 0, merchant_category: 'electronics', channel: 'online' }),
});
// The first second runs at half speed while V8 compiles the hot path (max latency ~600 ms);
// a short unmeasured warm-up keeps that start-up cost out of the steady-state figures.
const WARM_UP_SECONDS = 2;
const warmUp = await load(WARM_UP_SECONDS);
const result = await load(10);
// autocannon stops counting at the deadline with requests still in flight; the server's own
// count of 2xx answers (read once they have finished) is what the log must match.
await new Promise((resolve) => setTimeout(resolve, 500));
const metricsText = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
const served2xx = Number(/driftwatch_http_requests_total\{route="\/predict",method="POST",status="200"\} (\d+)/.exec(metricsText)?.[1] ?? Number.NaN);
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
const logged = readPredictionLog(predictions).length;

process.stdout.write(`DriftWatch API benchmark (autocannon, 127.0.0.1, 50 connections, 10 s after a ${WARM_UP_SECONDS} s warm-up, single-row /predict, log on)\n\n`);
report('throughput', `${result.requests.average.toFixed(0)} req/s (${(result.requests.average / 3000).toFixed(2)}x)`, '>= 3,000 req/s');
report('latency p50 / p99', `${result.latency.p50} ms / ${result.latency.p99} ms`, 'p99 <= 25 ms');
report('warm-up: throughput, p99', `${warmUp.requests.average.toFixed(0)} req/s, ${warmUp.latency.p99} ms (not measured against the target)`);
report('2xx seen by autocannon / non-2xx / errors (both runs)', `${warmUp['2xx'] + result['2xx']} / ${warmUp.non2xx + result.non2xx} / ${warmUp.errors + result.errors}`);
report('2xx answered by the server (its /metrics)', `${served2xx}`);
report('prediction log records after SIGTERM', `${logged} (${logged === served2xx ? 'equals' : 'DIFFERS FROM'} the server's 2xx count)`);

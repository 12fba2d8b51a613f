import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { readPredictionLog, type PredictionLogMode } from '../services/api/src/predictionLog.ts';
import { startListeningProcess, startServerProcess, type ServerProcess } from '../tests/helpers/serverProcess.ts';
import { REPO_ROOT, report } from './measure.ts';
import { CONNECTIONS, loadPredict, servedCounts, stopProcess, WARM_UP_SECONDS } from './predictLoad.ts';

/**
 * make bench-api: autocannon against real server processes on 127.0.0.1 (50 connections,
 * 10 s after a 2 s warm-up, single-row /predict), one after the other with the same
 * settings: the API with the prediction log async, then durable (each stopped by SIGTERM
 * and its log counted against its 2xx answers), then a bare express 5 route that parses
 * the JSON body and answers a constant, as the peer to compare against.
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

const SECONDS = 10;

/** The peer: express 5, the same settings as the API (no ETag, no x-powered-by), the body parsed, a constant answer of a prediction's size. */
const BARE_EXPRESS_SERVER = `
import express from 'express';
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(express.json({ limit: '1mb', strict: true }));
const ANSWER = { request_id: '00000000-0000-0000-0000-000000000000', probability: 0.5, label: 0, threshold: 0.5, model_version: 1 };
app.post('/predict', (_request, response) => { response.json(ANSWER); });
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.stderr.write('listening on http://127.0.0.1:' + server.address().port + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

interface Measured {
  name: string;
  result: autocannon.Result;
  warmUp: autocannon.Result;
  /** The API's own check: its log holds exactly the predictions it answered 200. */
  log?: { served2xx: number; unanswered: number; logged: number; perWrite: string };
}

async function measure(name: string, server: ServerProcess): Promise<Measured> {
  const warmUp = await loadPredict(server.port, WARM_UP_SECONDS);
  const result = await loadPredict(server.port, SECONDS);
  return { name, result, warmUp };
}

async function benchPredict(mode: PredictionLogMode): Promise<Measured> {
  const predictions = join(BENCH_DIR, `predictions-${mode}`);
  // SERVER_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" or "--trace-gc") profiles the server under this load.
  const server = await startServerProcess(
    { DRIFTWATCH_REGISTRY: registry, DRIFTWATCH_PREDICTIONS: predictions, DRIFTWATCH_PREDICTION_LOG: mode },
    { nodeFlags: (process.env.SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean), stdout: 'inherit' },
  );
  const measured = await measure(`/predict, log ${mode}`, server);
  // Durable only: requests autocannon dropped at a deadline while their write was under way were logged but never answered.
  const { served2xx, unanswered } = await servedCounts(server.port);
  await stopProcess(server.child);
  const writes = /(\d+) predictions written in (\d+) writes/.exec(server.stderr());
  const perWrite = writes ? `${(Number(writes[1]) / Number(writes[2])).toFixed(1)} records per write` : 'records per write unknown';
  return { ...measured, log: { served2xx, unanswered, logged: readPredictionLog(predictions).length, perWrite } };
}

const asyncRun = await benchPredict('async');
const durableRun = await benchPredict('durable');
const bareServer = await startListeningProcess(['--input-type=module', '-e', BARE_EXPRESS_SERVER], {});
const bareRun = await measure('bare express 5 route (parse JSON, answer a constant)', bareServer);
await stopProcess(bareServer.child);

process.stdout.write(`DriftWatch API benchmark (autocannon, 127.0.0.1, ${CONNECTIONS} connections, ${SECONDS} s after a ${WARM_UP_SECONDS} s warm-up each, single-row POST /predict)\n`);
for (const { name, result, warmUp, log } of [asyncRun, durableRun, bareRun]) {
  process.stdout.write(`\n${name}\n`);
  report('  throughput', `${result.requests.average.toFixed(0)} req/s`);
  report('  latency p50 / p99', `${result.latency.p50} ms / ${result.latency.p99} ms`);
  report('  warm-up: throughput, p99 (not measured against a target)', `${warmUp.requests.average.toFixed(0)} req/s, ${warmUp.latency.p99} ms`);
  report('  2xx seen by autocannon / non-2xx / errors (both runs)', `${warmUp['2xx'] + result['2xx']} / ${warmUp.non2xx + result.non2xx} / ${warmUp.errors + result.errors}`);
  if (log) {
    report('  2xx answered by the server (its /metrics)', `${log.served2xx}`);
    report('  written for clients gone before their answer', `${log.unanswered}`);
    report('  prediction log records after SIGTERM', `${log.logged} (${log.logged === log.served2xx + log.unanswered ? 'equals' : 'DIFFERS FROM'} 2xx + those)`);
    report('  group commit', `${log.perWrite}`);
  }
}
const throughputRatio = durableRun.result.requests.average / asyncRun.result.requests.average;
const p99Ratio = durableRun.result.latency.p99 / bareRun.result.latency.p99;
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
process.stdout.write('\n');
report('durable / async throughput', `${throughputRatio.toFixed(2)} (${verdict(throughputRatio >= 0.9)})`, '>= 0.90');
report('/predict (durable) p99 / bare express p99', `${p99Ratio.toFixed(2)} (${verdict(p99Ratio <= 1.25)})`, '<= 1.25');
report('/predict (durable) throughput', `${durableRun.result.requests.average.toFixed(0)} req/s (${verdict(durableRun.result.requests.average >= 3000)})`, '>= 3,000 req/s');

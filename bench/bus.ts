import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { BUS_STREAMS } from '../services/core/src/domain/busStreams.ts';
import { RedisBus } from '../services/core/src/infrastructure/redisBus.ts';
import { auditPath } from '../services/control_plane/src/index.ts';
import { parseAnnouncement, parseDecision } from '../services/watcher/src/busWindows.ts';
import { RedisServer, redisMissing } from '../tests/helpers/redisServer.ts';
import { startServerProcess } from '../tests/helpers/serverProcess.ts';
import { REPO_ROOT, report } from './measure.ts';
import { CONNECTIONS, loadPredict, servedCounts, stopProcess, WARM_UP_SECONDS } from './predictLoad.ts';

/**
 * make bench-bus: the loop on Redis Streams, on this machine's loopback (Debian's
 * redis-server, AOF on with fsync every second, Redis's default for the AOF).
 * 1. /predict throughput with the bus on against the durable file log, the same autocannon
 *    load one after the other in this run; and the entries in the stream against the 2xx.
 *    (`--load-only`: this part alone.)
 * 2. One API, two watchers in one group, the traffic player at full speed: 200,000
 *    predictions over 20 days, drift from day 7. Every closed window must be decided once;
 *    window latency is the time from the row that closes a window (the next day's first,
 *    as Redis stamped it) to its decision on driftwatch:events.
 */
const missing = redisMissing();
if (missing !== undefined) {
  process.stdout.write(`bench-bus: SKIP: ${missing}\n`);
  process.exit(0);
}
const BENCH_DIR = join(REPO_ROOT, '.bench', 'bus');
rmSync(BENCH_DIR, { recursive: true, force: true });
mkdirSync(BENCH_DIR, { recursive: true });
const DAYS = 20;
const ROWS_PER_DAY = 10_000;
writeFileSync(join(BENCH_DIR, 'bus_bench.yaml'), `name: bus_bench
description: ${DAYS} days of ${ROWS_PER_DAY} rows for make bench-bus; feature drift from day 7.
start: "2026-09-01"
days: ${DAYS}
rows_per_day: ${ROWS_PER_DAY}
seed: 17
reference: { scenario: base, rows: 5000 }
label_delay_days: { min: 1, max: 10 }
phases:
  - { from_day: 0, to_day: ${DAYS - 1}, scenario: nodrift }
  - { from_day: 7, to_day: ${DAYS - 1}, scenario: drift_feature, ramp_days: 4 }
`);
const run = (script: string, args: string[]) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, script), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${script}: ${result.stderr}`);
  return result;
};
const timeline = join(BENCH_DIR, 'timeline');
const freshRegistry = join(BENCH_DIR, 'registry-v1');
run('generator/src/cli.ts', ['--timeline', join(BENCH_DIR, 'bus_bench.yaml'), '--out', timeline]);
run('services/training/src/cli.ts', ['--data', join(timeline, 'reference.csv'), '--model', 'lr', '--registry', freshRegistry]);
run('services/registry/src/cli.ts', ['--registry', freshRegistry, 'promote', 'latest', '--stage', 'Production']);

interface Workspace { root: string; registry: string; predictions: string; events: string; approvals: string; reports: string; policy: string }

/** A workspace of its own for each part: the registry copied, the policy the shipped one. */
function workspace(name: string): Workspace {
  const root = join(BENCH_DIR, name);
  mkdirSync(root, { recursive: true });
  spawnSync('cp', ['-r', freshRegistry, join(root, 'registry')]);
  copyFileSync(join(REPO_ROOT, 'policies/promotion.yaml'), join(root, 'promotion.yaml'));
  return {
    root, registry: join(root, 'registry'), predictions: join(root, 'predictions'), events: join(root, 'events'), approvals: join(root, 'approvals'),
    reports: join(root, 'reports'), policy: join(root, 'promotion.yaml'),
  };
}

function apiEnvironment(paths: Workspace, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    DRIFTWATCH_REGISTRY: paths.registry, DRIFTWATCH_PREDICTIONS: paths.predictions, DRIFTWATCH_EVENTS: paths.events, DRIFTWATCH_APPROVALS: paths.approvals,
    DRIFTWATCH_REPORTS: paths.reports, DRIFTWATCH_POLICY: paths.policy, DRIFTWATCH_RELOAD_MS: '1000', ...extra,
  };
}

// --- 1. /predict with the bus against the file log ----------------------------------------
const SECONDS = 8;

async function throughput(name: string, env: NodeJS.ProcessEnv, kept: () => Promise<number>): Promise<{ name: string; result: autocannon.Result; served: number; kept: number }> {
  const server = await startServerProcess(env);
  await loadPredict(server.port, WARM_UP_SECONDS);
  const result = await loadPredict(server.port, SECONDS);
  const { served2xx: served } = await servedCounts(server.port);
  await stopProcess(server.child);
  return { name, result, served, kept: await kept() };
}

const redisForLoad = await RedisServer.start(join(BENCH_DIR, 'redis-load'), { appendfsync: 'everysec' });
const loadBus = new RedisBus(redisForLoad.url, 'bench');
await loadBus.connect();
const fileSpace = workspace('load-file');
const fileRun = await throughput('/predict, durable file log', apiEnvironment(fileSpace, { DRIFTWATCH_PREDICTION_LOG: 'durable' }),
  async () => readFileSync(join(fileSpace.predictions, 'predictions-000001.jsonl'), 'utf8').split('\n').filter(Boolean).length);
const busSpace = workspace('load-bus');
const busRun = await throughput('/predict, bus (XADD, 200 once acknowledged)', apiEnvironment(busSpace, { DRIFTWATCH_BUS: redisForLoad.url }), () => loadBus.length(BUS_STREAMS.predictions));
// The peer: Redis alone taking the same XADDs from its own benchmark client, 50 connections, no pipelining.
const record = readFileSync(join(busSpace.root, '..', 'load-file', 'predictions', 'predictions-000001.jsonl'), 'utf8').split('\n')[0] ?? '{}';
const redisAlone = spawnSync('redis-benchmark', ['-p', String(redisForLoad.port), '-n', '100000', '-c', String(CONNECTIONS), '-q', 'XADD', 'driftwatch:bench', '*', 'record', record], { encoding: 'utf8' });
const redisAloneRate = /([\d.]+) requests per second/.exec(redisAlone.stdout)?.[1];
await loadBus.close();
await redisForLoad.stop();

process.stdout.write(`DriftWatch on Redis Streams (Debian redis-server, 127.0.0.1, AOF fsync every second; autocannon ${CONNECTIONS} connections, ${SECONDS} s after a ${WARM_UP_SECONDS} s warm-up, single-row POST /predict)\n`);
for (const { name, result, served, kept } of [fileRun, busRun]) {
  process.stdout.write(`\n${name}\n`);
  report('  throughput', `${result.requests.average.toFixed(0)} req/s`);
  report('  latency p50 / p99', `${result.latency.p50} ms / ${result.latency.p99} ms`);
  report('  2xx answered (server /metrics) / records kept', `${served} / ${kept} (${kept >= served ? 'every answer kept' : 'ANSWERS NOT KEPT'})`);
}
process.stdout.write('\n');
report('bus / file log throughput', `${(busRun.result.requests.average / fileRun.result.requests.average).toFixed(2)}`);
report('bus / file log p99', `${(busRun.result.latency.p99 / fileRun.result.latency.p99).toFixed(2)}`);
report('Redis alone: XADD of one prediction (redis-benchmark, 50 clients)', redisAloneRate === undefined ? 'redis-benchmark not run' : `${Number(redisAloneRate).toFixed(0)}/s`);
if (process.argv.includes('--load-only')) process.exit(0);

// --- 2. 200k predictions, one API, two watchers ---------------------------------------------
const loopSpace = workspace('loop');
const redis = await RedisServer.start(join(BENCH_DIR, 'redis-loop'), { appendfsync: 'everysec' });
const bus = new RedisBus(redis.url, 'bench');
await bus.connect();
const api = await startServerProcess(apiEnvironment(loopSpace, { DRIFTWATCH_BUS: redis.url }));
const watchers = ['w1', 'w2'].map((consumer) => spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'services/watcher/src/watchCli.ts'),
  '--bus', redis.url, '--consumer', consumer, '--watch-dir', join(loopSpace.root, `watch-${consumer}`), '--reports', join(loopSpace.root, `reports-${consumer}`),
  '--registry', loopSpace.registry, '--events', loopSpace.events, '--approvals', loopSpace.approvals, '--policy', loopSpace.policy, '--clock', 'event', '--poll-seconds', '1',
], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] }));
const watcherLines: string[] = [];
for (const watcher of watchers) watcher.stderr?.on('data', (chunk) => watcherLines.push(String(chunk)));
const began = performance.now();
const player = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'services/traffic/src/trafficCli.ts'), '--timeline', timeline, '--speed', 'max', '--api', `http://127.0.0.1:${api.port}`, '--bus', redis.url], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
let playerOutput = '';
player.stderr?.on('data', (chunk) => { playerOutput += String(chunk); });
const playerDone = once(player, 'exit').then(() => performance.now());

// The row that closes each window, read when the window is announced (before any trim could reach it).
const closedAt = new Map<string, number>();
let lastSeen = '-';
const deadline = Date.now() + 15 * 60_000;
while ((await bus.length(BUS_STREAMS.events)) < DAYS - 1) {
  if (Date.now() > deadline) throw new Error(`bench-bus: the windows were not all decided in 15 minutes:\n${watcherLines.join('')}`);
  for (const entry of await bus.range(BUS_STREAMS.windows, lastSeen === '-' ? '-' : `(${lastSeen}`, '+')) {
    const announcement = parseAnnouncement(entry);
    const closing = (await bus.range(BUS_STREAMS.predictions, `(${announcement.last}`, '+', 1))[0];
    if (closing !== undefined) closedAt.set(announcement.window, Number(closing.id.split('-')[0]));
    lastSeen = entry.id;
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const allDecided = performance.now();
const playedAt = await playerDone;
const events = (await bus.range(BUS_STREAMS.events, '-', '+')).map(parseDecision);
const latencies = events.map((event) => Date.parse(event.decided_at) - (closedAt.get(event.window) ?? Number.NaN)).filter(Number.isFinite).sort((a, b) => a - b);
const audit = readFileSync(auditPath(loopSpace.events), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { kind: string; detail: { window_id?: string } });
const decisionsPerWindow = new Map<string, number>();
for (const record of audit) if ((record.kind === 'sentinel' || record.kind === 'refusal') && record.detail.window_id !== undefined) decisionsPerWindow.set(record.detail.window_id, (decisionsPerWindow.get(record.detail.window_id) ?? 0) + 1);
const byWatcher = new Map<string, number>();
for (const event of events) byWatcher.set(event.decided_by, (byWatcher.get(event.decided_by) ?? 0) + 1);
const outcomes = events.map((event) => event.record.outcome).filter((outcome) => outcome === 'promoted').length;
const sent = Number(/traffic: (\d+) predictions sent in ([\d.]+) s/.exec(playerOutput)?.[1] ?? Number.NaN);
const sentSeconds = Number(/traffic: \d+ predictions sent in ([\d.]+) s/.exec(playerOutput)?.[1] ?? Number.NaN);
const streamLength = await bus.length(BUS_STREAMS.predictions);
const announcedRows = (await bus.range(BUS_STREAMS.windows, '-', '+')).map(parseAnnouncement).reduce((total, announcement) => total + announcement.rows, 0);
const lastWindow = parseAnnouncement((await bus.last(BUS_STREAMS.windows)) as NonNullable<Awaited<ReturnType<typeof bus.last>>>);
const openDayRows = (await bus.range(BUS_STREAMS.predictions, `(${lastWindow.last}`, '+')).length;
for (const watcher of watchers) await stopProcess(watcher);
await stopProcess(api.child);
await bus.close();
await redis.stop();

const percentile = (share: number) => latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] ?? Number.NaN;
process.stdout.write(`\n1 API + 2 watchers + Redis: ${DAYS} days x ${ROWS_PER_DAY.toLocaleString('en')} rows through the traffic player (--speed max, batches of 250)\n`);
report('  predictions sent / in the stream\'s windows and open day', `${sent} / ${announcedRows + openDayRows} (${sent === announcedRows + openDayRows ? 'none lost' : 'LOST OR EXTRA'})`);
report('  player: predictions/s through /predict (one client)', `${(sent / sentSeconds).toFixed(0)}/s (${sentSeconds.toFixed(1)} s)`);
report('  windows decided / decisions per window in the audit log', `${events.length} / ${[...new Set(decisionsPerWindow.values())].join(',')} (${events.length === DAYS - 1 && [...decisionsPerWindow.values()].every((count) => count === 1) ? 'each once' : 'NOT EACH ONCE'})`);
report('  decided by', [...byWatcher].map(([watcher, count]) => `${watcher} ${count}`).join(', '));
report('  promotions', String(outcomes));
report('  window latency (closing row -> decision) p50 / p90 / max', `${(percentile(0.5) / 1000).toFixed(2)} s / ${(percentile(0.9) / 1000).toFixed(2)} s / ${((latencies[latencies.length - 1] ?? Number.NaN) / 1000).toFixed(2)} s`);
report('  all windows decided, from the first prediction', `${((allDecided - began) / 1000).toFixed(1)} s (traffic done at ${((playedAt - began) / 1000).toFixed(1)} s)`);
report('  predictions left in the stream after trimming', `${streamLength} of ${sent}`);

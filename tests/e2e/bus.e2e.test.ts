import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUS_STREAMS, WATCHER_GROUP } from '../../services/core/src/domain/busStreams.ts';
import { RedisBus } from '../../services/core/src/infrastructure/redisBus.ts';
import { repositoryPath } from '../../services/core/src/infrastructure/repoRoot.ts';
import { WATCH_WINDOW_FOLDERS } from '../../services/core/src/domain/timelineFiles.ts';
import { summaryPath } from '../../services/monitoring/src/index.ts';
import { labelsFile } from '../../generator/src/index.ts';
import { parseAnnouncement, parseDecision } from '../../services/watcher/src/busWindows.ts';
import { REPO_ROOT, makeTempDir, runScript, runScriptAsync, scriptArguments } from '../helpers/runScript.ts';
import { RedisServer, redisMissing } from '../helpers/redisServer.ts';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess.ts';

/*
 * The loop on Redis Streams, with the real pieces: Debian's redis-server (AOF on), the API
 * appending every prediction to the bus, the traffic player appending labels, and watchers
 * in one consumer group. Three faults, each on a fresh bus: a watcher killed (kill -9)
 * mid-window, Redis restarted between windows, and a consumer so slow its window is claimed
 * from it. After each: every closed window announced and decided once, no prediction lost,
 * no decision twice in the audit log or on the events stream.
 */
const missing = redisMissing();
if (missing !== undefined) console.log(`SKIP: the Redis Streams tests: ${missing}`);

const temp = makeTempDir('bus');
/** Every run started, stopped at the end even when a test timed out before its own finally could run. */
const runs: Run[] = [];
afterAll(async () => {
  for (const run of runs) await finish(run);
  temp.cleanup();
});

const DAYS = 5;
const TIMELINE = `name: bus_test
description: five days; feature drift from day 2.
start: "2026-09-01"
days: ${DAYS}
rows_per_day: 400
seed: 8
reference: { scenario: base, rows: 2000 }
label_delay_days: { min: 1, max: 3 }
phases:
  - { from_day: 0, to_day: ${DAYS - 1}, scenario: nodrift }
  - { from_day: 2, to_day: ${DAYS - 1}, scenario: drift_feature }
`;

const TRANSACTION = { transaction_amount: 120.5, transaction_hour: 21, customer_age: 35, account_tenure_days: 400, merchant_risk_score: 0.4, geo_distance_km: 30, is_international: 0, merchant_category: 'electronics', channel: 'online' };

interface Prepared { timeline: string; registry: string }
let prepared: Prepared;

beforeAll(() => {
  if (missing !== undefined) return;
  const timelineFile = join(temp.path, 'bus_test.yaml');
  writeFileSync(timelineFile, TIMELINE);
  prepared = { timeline: join(temp.path, 'timeline'), registry: join(temp.path, 'registry') };
  for (const [script, args] of [
    ['generator/src/cli.ts', ['--timeline', timelineFile, '--out', prepared.timeline]],
    ['services/training/src/cli.ts', ['--data', join(prepared.timeline, 'reference.csv'), '--model', 'lr', '--registry', prepared.registry]],
    ['services/registry/src/cli.ts', ['--registry', prepared.registry, 'promote', 'latest', '--stage', 'Production']],
  ] as const) {
    const result = runScript(script, [...args]);
    expect(result.status, result.stderr).toBe(0);
  }
}, 120_000);

interface Watcher { consumer: string; child: ChildProcess; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

interface Run {
  root: string;
  redis: RedisServer;
  api: ServerProcess;
  bus: RedisBus;
  watchers: Watcher[];
  startWatcher: (consumer: string, env?: NodeJS.ProcessEnv) => Watcher;
}

async function startRun(name: string, claimIdleSeconds: number): Promise<Run> {
  const root = join(temp.path, name);
  mkdirSync(root, { recursive: true });
  cpSync(prepared.registry, join(root, 'registry'), { recursive: true });
  copyFileSync(repositoryPath('policies/promotion.yaml'), join(root, 'promotion.yaml'));
  const redis = await RedisServer.start(join(root, 'redis'));
  const api = await startServerProcess({
    DRIFTWATCH_BUS: redis.url, DRIFTWATCH_REGISTRY: join(root, 'registry'), DRIFTWATCH_PREDICTIONS: join(root, 'predictions'), DRIFTWATCH_REPORTS: join(root, 'reports'),
    DRIFTWATCH_EVENTS: join(root, 'events'), DRIFTWATCH_APPROVALS: join(root, 'approvals'), DRIFTWATCH_POLICY: join(root, 'promotion.yaml'), DRIFTWATCH_RELOAD_MS: '500', DRIFTWATCH_FAULT: '',
  });
  const bus = new RedisBus(redis.url, 'bus-test');
  await bus.connect();
  const watchers: Watcher[] = [];
  const startWatcher = (consumer: string, env: NodeJS.ProcessEnv = {}): Watcher => {
    const child = spawn(process.execPath, [...scriptArguments('services/watcher/src/watchCli.ts'),
      '--bus', redis.url, '--consumer', consumer, '--watch-dir', join(root, `watch-${consumer}`), '--reports', join(root, `reports-${consumer}`),
      '--registry', join(root, 'registry'), '--events', join(root, 'events'), '--approvals', join(root, 'approvals'), '--policy', join(root, 'promotion.yaml'),
      '--clock', 'event', '--poll-seconds', '1', '--claim-idle-seconds', String(claimIdleSeconds),
    ], { cwd: REPO_ROOT, env: { ...process.env, DRIFTWATCH_FAULT: '', DRIFTWATCH_FAULT_STALL: '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk) => { stderr += String(chunk); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const watcher = { consumer, child, stderr: () => stderr, exited };
    watchers.push(watcher);
    return watcher;
  };
  const run = { root, redis, api, bus, watchers, startWatcher };
  runs.push(run);
  return run;
}

function play(run: Run): Promise<{ status: number | null; stderr: string }> {
  // Half a second a day: the watchers decide while the traffic goes on.
  return runScriptAsync('services/traffic/src/trafficCli.ts', ['--timeline', prepared.timeline, '--speed', '172800', '--api', `http://127.0.0.1:${run.api.port}`, '--bus', run.redis.url]);
}

/** What the pieces said, for a failure's message. */
const said = (run: Run): string => [`api: ${run.api.stderr()}`, ...run.watchers.map((watcher) => `watcher ${watcher.consumer}: ${watcher.stderr()}`)].join('\n');

async function waitFor<T>(run: Run, what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${said(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every closed day decided: the last day stays open, nothing later closes it. */
const decidedAll = (run: Run) => waitFor(run, 'every closed window decided', async () => ((await run.bus.length(BUS_STREAMS.events)) >= DAYS - 1 ? true : undefined));

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function finish(run: Run): Promise<void> {
  for (const watcher of run.watchers) await stopChild(watcher.child);
  await stopChild(run.api.child);
  await run.bus.close();
  await run.redis.stop();
}

interface AuditLine { run_id: string; kind: string; detail: Record<string, unknown> }

/**
 * The checks after every fault: each closed day announced once and decided once (one
 * sentinel in the audit log per window, one decision on the events stream, under the
 * window's id), and every prediction the API answered is in a window or in the open day.
 */
async function expectEveryWindowOnce(run: Run, sent: number): Promise<void> {
  const windows = (await run.bus.range(BUS_STREAMS.windows, '-', '+')).map(parseAnnouncement);
  expect(windows.map((window) => window.window)).toEqual(['2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04']);
  const events = await run.bus.range(BUS_STREAMS.events, '-', '+');
  expect(events.map((entry) => entry.id)).toEqual(windows.map((window) => `${window.end_ms}-0`));
  expect(events.map((entry) => parseDecision(entry).window)).toEqual(windows.map((window) => window.window));
  const audit = readFileSync(join(run.root, 'events', 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as AuditLine);
  for (const window of windows) {
    const deciding = audit.filter((line) => line.detail.window_id === window.window && (line.kind === 'sentinel' || line.kind === 'refusal'));
    expect(deciding.map((line) => line.kind), `window ${window.window}`).toEqual(['sentinel']);
  }
  // No prediction lost: the windows' rows and the open day's rows are every prediction answered.
  const openDay = await run.bus.range(BUS_STREAMS.predictions, `(${(windows[windows.length - 1] as { last: string }).last}`, '+');
  expect(windows.reduce((total, window) => total + window.rows, 0) + openDay.length).toBe(sent);
  // Each window saw every label that had arrived by its end, once: the label files of its day and the days before (labels come after their rows).
  const labelsArrived = windows.map((window, index) => Array.from({ length: index + 1 }, (_, day) => labelCount(window.window, day)).reduce((total, count) => total + count, 0));
  expect(events.map((entry) => parseDecision(entry).record.labelled_rows)).toEqual(labelsArrived);
  for (const window of windows) expect(await run.bus.pending(BUS_STREAMS.windows, WATCHER_GROUP, `${window.end_ms}-0`), `window ${window.window} acknowledged`).toBeUndefined();
  const verified = runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', join(run.root, 'events'), '--registry', join(run.root, 'registry')]);
  expect(verified.status, verified.stderr).toBe(0);
}

/** The labels that arrived on day `day` of the timeline (its labels/<date>.csv, less the header). */
function labelCount(_window: string, day: number): number {
  const path = join(prepared.timeline, labelsFile(new Date(Date.parse('2026-09-01T00:00:00Z') + day * 86_400_000).toISOString().slice(0, 10)));
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').length - 1 : 0;
}

/** A raw command, as an operator's redis-cli would send it. */
async function redisCommand(redis: RedisServer, args: string[]): Promise<void> {
  const result = spawnSync('redis-cli', ['-p', String(redis.port), ...args], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
}

const sentOf = (stderr: string): number => Number(/traffic: (\d+) predictions sent/.exec(stderr)?.[1] ?? Number.NaN);

describe.skipIf(missing !== undefined)('the loop on Redis Streams (real redis-server, API, traffic player and watchers)', () => {
  it('a watcher killed (kill -9) mid-window leaves it pending; another claims it after the idle time and decides it, once', async () => {
    const run = await startRun('killed', 2);
    try {
      const playing = play(run);
      // The first watcher dies between judging its first window and deciding it.
      const doomed = run.startWatcher('doomed', { DRIFTWATCH_FAULT: 'watch_before_control' });
      expect(await doomed.exited, doomed.stderr()).toEqual({ code: null, signal: 'SIGKILL' });
      const first = (await run.bus.range(BUS_STREAMS.windows, '-', '+', 1))[0];
      expect(await run.bus.pending(BUS_STREAMS.windows, WATCHER_GROUP, first?.id ?? '0-0')).toMatchObject({ consumer: 'doomed' });
      const survivor = run.startWatcher('survivor');
      const played = await playing;
      expect(played.status, played.stderr).toBe(0);
      await decidedAll(run);
      expect(survivor.stderr()).toMatch(/window 2026-09-01: claimed from doomed, idle \d+\.\d s \(XAUTOCLAIM\)/);
      await expectEveryWindowOnce(run, sentOf(played.stderr));
    } finally {
      await finish(run);
    }
  }, 150_000);

  it('Redis restarted between windows, after a window was decided and before it was published (AOF on): the API answers 503 meanwhile and the player tries again; the watcher goes on; nothing lost, counted twice or decided twice', async () => {
    const run = await startRun('restarted', 10);
    try {
      // Held for 2.5 s after its first window's decision is recorded, before it is published: Redis goes away in that gap, and stays away past it.
      const watcher = run.startWatcher('one', { DRIFTWATCH_FAULT_STALL: 'watch_after_record:2500:once' });
      const playing = play(run);
      await waitFor(run, 'the first window decided', async () => (/window 2026-09-01: \d+ rows/.test(watcher.stderr()) ? true : undefined));
      await run.redis.stop();
      // Nothing is answered 200 that Redis did not acknowledge: the client is told to come back.
      const refused = await fetch(`http://127.0.0.1:${run.api.port}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(TRANSACTION) });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { error: string }).error).toMatch(/^prediction not kept, try again: the bus at redis:\/\/127\.0\.0\.1:\d+\/?: /);
      await new Promise((resolve) => setTimeout(resolve, 3500));
      await run.redis.startAgain();
      const played = await playing;
      expect(played.status, played.stderr).toBe(0);
      await decidedAll(run);
      expect(watcher.child.exitCode).toBeNull();
      expect(watcher.stderr()).toMatch(/watch: the bus at redis:.*trying again every second\n(.*\n)*watch: the bus is back/);
      expect(watcher.stderr()).toContain('watch: window 2026-09-01 was decided by run window-2026-09-01 (in the audit log): publishing it, not deciding it again');
      await expectEveryWindowOnce(run, sentOf(played.stderr));
      // The dashboard follows the bus: its timeline is every watcher's decisions, read from driftwatch:events.
      const timeline = (await (await fetch(`http://127.0.0.1:${run.api.port}/api/timeline`)).json()) as { source: string; path: string; windows: { window: string }[] };
      expect(timeline).toMatchObject({ source: 'bus', path: 'driftwatch:events' });
      expect(timeline.windows.map((window) => window.window)).toEqual(['2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04']);
    } finally {
      await finish(run);
    }
  }, 150_000);

  it('a consumer too slow for the idle time has its window claimed; its own run is then refused under the lock, so the window is decided once', async () => {
    const run = await startRun('slow', 1);
    try {
      const playing = play(run);
      // Blocked for 10 s between judging its first window and deciding it: not even its heartbeat runs.
      const slow = run.startWatcher('slow', { DRIFTWATCH_FAULT_STALL: 'watch_before_control:10000:once' });
      // Its window's summary is written just before the stall: from then on it holds the window and cannot answer for it.
      await waitFor(run, 'the slow watcher stalled on the first window', async () => (existsSync(summaryPath(join(run.root, 'watch-slow', WATCH_WINDOW_FOLDERS, '2026-09-01'))) ? true : undefined));
      const quick = run.startWatcher('quick');
      const played = await playing;
      expect(played.status, played.stderr).toBe(0);
      await decidedAll(run);
      expect(quick.stderr()).toMatch(/window 2026-09-01: claimed from slow/);
      await waitFor(run, 'the slow watcher refused', async () => (/watch: window 2026-09-01 was decided by run window-2026-09-01 .*: a window is decided once; nothing was done/.test(slow.stderr()) ? true : undefined), 20_000);
      await expectEveryWindowOnce(run, sentOf(played.stderr));
    } finally {
      await finish(run);
    }
  }, 150_000);
});

describe.skipIf(missing !== undefined)('entries DriftWatch did not write on its own streams', () => {
  it('a stray decision or announcement stops the watcher with one line naming the stream, the entry and how to remove it, not a silent halt', async () => {
    const root = join(temp.path, 'stray');
    const redis = await RedisServer.start(join(root, 'redis'));
    const bus = new RedisBus(redis.url, 'bus-test');
    try {
      await bus.connect();
      const watch = () => runScriptAsync('services/watcher/src/watchCli.ts', ['--bus', redis.url, '--once', '--consumer', 'w', '--watch-dir', join(root, 'watch'), '--registry', prepared.registry,
        '--events', join(root, 'events'), '--approvals', join(root, 'approvals'), '--reports', join(root, 'reports')]);
      const strayEvent = (await bus.appendAll(BUS_STREAMS.events, [{ decision: 'garbage' }]))[0] as string;
      const first = await watch();
      expect(first.status).toBe(2);
      expect(first.stderr.trim().split('\n').at(-1)).toBe(`watch: error: driftwatch:events: entry ${strayEvent}: field "decision": not valid JSON; an entry DriftWatch did not write: remove it (XDEL driftwatch:events ${strayEvent})`);
      await redisCommand(redis, ['XDEL', BUS_STREAMS.events, strayEvent]);
      await redisCommand(redis, ['XADD', BUS_STREAMS.windows, '1-0', 'announcement', '{"window":"x"}']);
      const second = await watch();
      expect(second.status).toBe(2);
      expect(second.stderr.trim().split('\n').at(-1)).toMatch(/^watch: error: driftwatch:windows: entry 1-0: announcement: start_ms: is required; an entry DriftWatch did not write: remove it \(XDEL driftwatch:windows 1-0\)$/);
    } finally {
      await bus.close();
      await redis.stop();
    }
  }, 60_000);
});

describe('the bus flags', () => {
  it('a URL that is not Redis is one line naming the flag; an unreachable Redis is one line naming it, not a hang', () => {
    const notRedis = runScript('services/watcher/src/watchCli.ts', ['--bus', 'http://127.0.0.1:1', '--registry', join(temp.path, 'nowhere')]);
    expect(notRedis.status).toBe(2);
    expect(notRedis.stderr.trim()).toMatch(/^watch: error: --bus: "http:\/\/127\.0\.0\.1:1": the bus is Redis/);
    const rowsToo = runScript('services/watcher/src/watchCli.ts', ['--bus', 'redis://127.0.0.1:1', '--window-rows', '500']);
    expect(rowsToo.status).toBe(2);
    expect(rowsToo.stderr).toContain('--window-rows: the bus cuts day windows only');
    expect(existsSync(join(temp.path, 'nowhere'))).toBe(false);
  });
});

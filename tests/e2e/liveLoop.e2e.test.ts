import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readPredictionLog } from '../../services/api/src/index.ts';
import { makeTempDir, REPO_ROOT, runScriptAsync, scriptArguments } from '../helpers/runScript.ts';

/*
 * make demo-live, shorter: the real API, watcher and traffic player as processes over six
 * days with feature drift from day 1. The watcher retrains and promotes; the API's hot
 * reload serves the new version to the traffic after it; everything started is stopped.
 */
const temp = makeTempDir('live-loop');
afterAll(() => temp.cleanup());

const TIMELINE = `name: live_test
description: six days; feature drift from day 1.
start: "2026-09-01"
days: 6
rows_per_day: 800
seed: 5
reference: { scenario: base, rows: 3000 }
label_delay_days: { min: 1, max: 4 }
phases:
  - { from_day: 0, to_day: 5, scenario: nodrift }
  - { from_day: 1, to_day: 5, scenario: drift_feature }
`;

function timelineFile(): string {
  const path = join(temp.path, 'live_test.yaml');
  writeFileSync(path, TIMELINE);
  return path;
}

const pidsOf = (stderr: string): number[] => {
  const line = /demo-live: the API \(pid (\d+)\).*the watcher \(pid (\d+)\).*the traffic player \(pid (\d+)\)/.exec(stderr);
  return line === null ? [] : [Number(line[1]), Number(line[2]), Number(line[3])];
};

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The demo started over `root`, returned as soon as its three pieces run (the traffic is playing its first day). */
async function demoPlaying(root: string): Promise<{ child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; pids: number[] }> {
  const child = spawn(process.execPath, [...scriptArguments('services/traffic/src/liveDemoCli.ts'), '--timeline', timelineFile(), '--root', root, '--speed', '21600'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => { stderr += String(chunk); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 90_000;
  while (pidsOf(stderr).length === 0 && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
  const pids = pidsOf(stderr);
  expect(pids, stderr).toHaveLength(3);
  return { child, exited, pids };
}

describe('the live loop (make demo-live, six days)', () => {
  it('retrains and promotes on the drift; the traffic after the promotion is answered by the new version; every process it started is stopped', async () => {
    const root = join(temp.path, 'run');
    const result = await runScriptAsync('services/traffic/src/liveDemoCli.ts', ['--timeline', timelineFile(), '--root', root, '--speed', '43200']);
    expect(result.status, result.stderr).toBe(0);
    const windows = readFileSync(join(root, 'watch', 'windows.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { window: string; outcome: string | null; serving_version_after: number | null });
    // The last day stays open: five windows decided, each once.
    expect(windows.map((window) => window.window)).toEqual(['2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04', '2026-09-05']);
    const promoted = windows.findIndex((window) => window.outcome === 'promoted');
    expect(promoted, JSON.stringify(windows)).toBeGreaterThanOrEqual(0);
    // The API picked the new version up by itself: later traffic carries it.
    const versions = new Set(readPredictionLog(join(root, 'predictions')).map((record) => record.model_version));
    expect([...versions].some((version) => version > 1)).toBe(true);
    expect(result.stdout).toContain('=== demo-live: live_test, 6 days');
    expect(result.stdout).toMatch(/promotions\s+[1-9]/);
    expect(result.stdout).toMatch(/unauthorized actions\s+0/);
    const pids = pidsOf(result.stderr);
    expect(pids).toHaveLength(3);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    // One run per root: a second over it would count the first's windows and promote over its registry.
    const again = await runScriptAsync('services/traffic/src/liveDemoCli.ts', ['--timeline', timelineFile(), '--root', root]);
    expect(again.status).toBe(2);
    expect(again.stderr.trim().split('\n')).toEqual([`demo-live: error: --root ${root} already holds a run (registry, predictions, watch, events, labels): give an empty --root, or run make demo-live, which empties shared/ first`]);
  }, 150_000);

  it('interrupted (Ctrl-C) once the traffic plays: the API, the watcher and the player are stopped, exit 130', async () => {
    const root = join(temp.path, 'interrupted');
    const { child, exited, pids } = await demoPlaying(root);
    // Stopped by the PID this test holds.
    child.kill('SIGINT');
    expect((await exited).code).toBe(130);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    expect(existsSync(join(root, 'predictions'))).toBe(true);
  }, 150_000);

  it('killed outright (SIGKILL, no handler runs): the API, the watcher and the player see their stdin close and stop themselves', async () => {
    const { child, exited, pids } = await demoPlaying(join(temp.path, 'killed'));
    // Stopped by the PID this test holds.
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    const gone = Date.now() + 20_000;
    while (pids.some(isRunning) && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  }, 150_000);

  it('the traffic player: a timeline that is not there, or a batch the API refuses, is one line naming it and exit 2', async () => {
    writeFileSync(join(temp.path, 'a-file'), 'not a folder');
    const labelsFile = await runScriptAsync('services/traffic/src/trafficCli.ts', ['--timeline', join(temp.path, 'nowhere'), '--labels', join(temp.path, 'a-file')]);
    expect(labelsFile.status).toBe(2);
    expect(labelsFile.stderr.trim().split('\n')).toEqual([`traffic: error: --labels ${join(temp.path, 'a-file')} is not a directory`]);
    const missing = await runScriptAsync('services/traffic/src/trafficCli.ts', ['--timeline', join(temp.path, 'nowhere'), '--api', 'http://127.0.0.1:9']);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([`traffic: error: ${join(temp.path, 'nowhere', 'timeline.meta.json')}: no such file: generate the timeline first (make gen-timeline TIMELINE=nowhere)`]);

    const timeline = join(temp.path, 'one-day');
    mkdirSync(join(timeline, 'transactions'), { recursive: true });
    writeFileSync(join(timeline, 'timeline.meta.json'), JSON.stringify({ timeline: 'one_day', start: '2026-09-01', days: 1 }));
    writeFileSync(join(timeline, 'transactions', '2026-09-01.csv'), 'transaction_id,event_time,transaction_amount,transaction_hour,customer_age,account_tenure_days,merchant_risk_score,geo_distance_km,is_international,merchant_category,channel\nt1,2026-09-01T00:00:01Z,10,0,30,5,0.1,1,0,grocery,pos\n');
    const server = createServer((_request, response) => { response.writeHead(400, { 'content-type': 'application/json' }); response.end(JSON.stringify({ error: 'transactions[0].channel: must be one of ...' })); });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const refused = await runScriptAsync('services/traffic/src/trafficCli.ts', ['--timeline', timeline, '--speed', 'max', '--labels', join(temp.path, 'labels'), '--api', `http://127.0.0.1:${(server.address() as AddressInfo).port}`]);
      expect(refused.status).toBe(2);
      expect(refused.stderr.trim().split('\n')).toEqual(['traffic: error: 2026-09-01.csv rows 1-1: the API refused the batch (400): transactions[0].channel: must be one of ...']);
    } finally {
      server.close();
    }
  });
});


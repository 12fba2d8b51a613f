import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { createApiApp, type ApiApp, type ApiOptions } from '../../services/api/src/app.ts';
import { readPredictionLog } from '../../services/api/src/predictionLog.ts';
import { makeTempDir, REPO_ROOT, runScript, runScriptAsync } from '../helpers/runScript.ts';
import { startServerProcess } from '../helpers/serverProcess.ts';

const temp = makeTempDir('api-e2e');
const dirs = { data: join(temp.path, 'data'), registry: join(temp.path, 'registry'), reports: join(temp.path, 'reports'), events: join(temp.path, 'events'), approvals: join(temp.path, 'approvals') };
const TRANSACTION = { transaction_amount: 950.5, transaction_hour: 2, customer_age: 30, account_tenure_days: 20, merchant_risk_score: 0.8, geo_distance_km: 400, is_international: 1, merchant_category: 'electronics', channel: 'online' };

function options(overrides: Partial<ApiOptions> = {}): ApiOptions {
  return {
    registryDirectory: dirs.registry, predictionsDirectory: join(temp.path, 'predictions'), reportsDirectory: dirs.reports, eventsDirectory: dirs.events,
    approvalsDirectory: dirs.approvals, dataDirectory: dirs.data, policyPath: join(REPO_ROOT, 'policies/promotion.yaml'), apiKey: 'test-key',
    maxBatch: 50, maxLogFileBytes: 64 * 1024 * 1024, reloadIntervalMs: 0, ...overrides,
  };
}

async function listen(api: ApiApp): Promise<{ base: string; server: Server }> {
  const server = api.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function stop(api: ApiApp, server: Server): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
  await api.close();
}

const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

type PredictionBody = { request_id: string; probability: number; label: number; threshold: number; model_version: number };

let api: ApiApp;
let base: string;
let server: Server;

beforeAll(async () => {
  mkdirSync(dirs.data, { recursive: true });
  const ok = (result: ReturnType<typeof runScript>) => expect(result.status, result.stderr).toBe(0);
  ok(runScript('generator/src/cli.ts', ['--scenario', 'base', '--rows', '1500', '--out', join(dirs.data, 'reference.csv')]));
  ok(runScript('generator/src/cli.ts', ['--scenario', 'drift_feature', '--rows', '900', '--out', join(dirs.data, 'current.csv')]));
  ok(runScript('services/training/src/cli.ts', ['--data', join(dirs.data, 'reference.csv'), '--model', 'lr', '--registry', dirs.registry]));
  ok(runScript('services/registry/src/cli.ts', ['--registry', dirs.registry, 'promote', 'v1', '--stage', 'Production']));
  ok(runScript('services/monitoring/src/cli.ts', ['--reference', join(dirs.data, 'reference.csv'), '--current', join(dirs.data, 'current.csv'), '--out', dirs.reports, '--target', 'is_fraud', '--model', 'production', '--registry', dirs.registry]));
  api = createApiApp(options());
  ({ base, server } = await listen(api));
}, 120_000);
afterAll(async () => {
  await stop(api, server);
  temp.cleanup();
});

describe('API: serving', () => {
  it('GET /health names the Production version', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ status: 'ok', model_version: 1 });
  });

  it('POST /predict scores one transaction: probability, label at the model threshold, version, request id', async () => {
    const response = await post(base, '/predict', TRANSACTION, { 'x-request-id': 'req-42' });
    expect(response.status).toBe(200);
    const body = await json<PredictionBody>(response);
    expect(body).toMatchObject({ request_id: 'req-42', model_version: 1, label: 1 });
    expect(body.probability).toBeGreaterThan(body.threshold);
  });

  it('POST /predict scores a batch', async () => {
    const body = await json<{ predictions: PredictionBody[] }>(await post(base, '/predict', { transactions: [TRANSACTION, { ...TRANSACTION, transaction_amount: 5, is_international: 0, merchant_risk_score: 0.05, transaction_hour: 14 }] }));
    expect(body.predictions).toHaveLength(2);
    expect(body.predictions[1]!.probability).toBeLessThan(body.predictions[0]!.probability);
  });

  const badBodies: [string, unknown, number, RegExp][] = [
    ['a wrong type', { ...TRANSACTION, transaction_amount: 'lots' }, 400, /^transaction_amount: must be number or null$/],
    ['a value out of range', { ...TRANSACTION, transaction_hour: 24 }, 400, /^transaction_hour: must be <= 23$/],
    ['an unknown field', { ...TRANSACTION, cvv: '123' }, 400, /^cvv: unknown key$/],
    ['a missing field', { ...TRANSACTION, channel: undefined }, 400, /^channel: is required$/],
    ['a bad row in a batch', { transactions: [TRANSACTION, { ...TRANSACTION, is_international: 2 }] }, 400, /^transactions\[1\]\.is_international: must be <= 1$/],
    ['too large a batch', { transactions: Array.from({ length: 51 }, () => TRANSACTION) }, 400, /^transactions: must be an array of 1 to 50/],
    ['an unknown key beside the batch', { transactions: [TRANSACTION], extra: 1 }, 400, /^extra: unknown key$/],
    ['invalid JSON', '{"transaction_amount": ', 400, /^body: invalid JSON$/],
    ['a nested object', { ...TRANSACTION, merchant_category: { a: { b: { c: [1, 2, { d: 3 }] } } } }, 400, /^merchant_category: must be string or integer or null$/],
    ['a body over 1 MB', { ...TRANSACTION, transaction_id: 'x'.repeat(1_200_000) }, 413, /^body: larger than 1 MB$/],
    ['an array', [1, 2, 3], 400, /must be object/],
    ['JSON nested 200,000 deep', `${'['.repeat(200_000)}${']'.repeat(200_000)}`, 400, /must be object/],
    ['a batch of nested arrays', `{"transactions": [${'['.repeat(100_000)}${']'.repeat(100_000)}]}`, 400, /^transactions\[0\]: must be object$/],
    ['JSON null', 'null', 400, /^body: invalid JSON$/],
    ['an empty body', '', 400, /^body: empty; send one transaction or \{"transactions": \[\.\.\.\]\}$/],
    ['an empty object', {}, 400, /^body: empty/],
  ];
  for (const [name, body, status, message] of badBodies) {
    it(`refuses ${name} with ${status} and a field-level message`, async () => {
      const response = await post(base, '/predict', body);
      expect(response.status).toBe(status);
      expect((await json<{ error: string }>(response)).error).toMatch(message);
    });
  }

  it('refuses a body that is not JSON by its content type with 415', async () => {
    const response = await fetch(`${base}/predict`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(TRANSACTION) });
    expect(response.status).toBe(415);
    expect((await json<{ error: string }>(response)).error).toBe('content-type: must be application/json');
  });

  it('stays up after every bad body', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('GET /metrics exposes predictions, latency, scores, validation errors and the monitoring gauges', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['driftwatch_predictions_total{model_version="1",label="1"}', 'driftwatch_request_duration_seconds_bucket', 'driftwatch_prediction_score_bucket', 'driftwatch_validation_errors_total{route="/predict"}', 'driftwatch_feature_drift_score{feature="transaction_amount",stattest="wasserstein"}', 'driftwatch_share_of_drifted_columns', 'driftwatch_model_version 1', 'process_cpu_seconds_total']) {
      expect(text).toContain(name);
    }
  });
});

describe('API: the prediction log', () => {
  for (const predictionLogMode of ['durable', 'async'] as const) {
    it(`${predictionLogMode}: N concurrent accepted requests -> N records, across rotated files`, async () => {
      const directory = join(temp.path, `rotating-${predictionLogMode}`);
      const local = createApiApp(options({ predictionsDirectory: directory, maxLogFileBytes: 4096, predictionLogMode }));
      const { base: localBase, server: localServer } = await listen(local);
      const responses = await Promise.all(Array.from({ length: 200 }, (_, index) => post(localBase, '/predict', { ...TRANSACTION, transaction_id: `t${index}` })));
      expect(responses.every((response) => response.status === 200)).toBe(true);
      // Durable: every answered record is already in the file, before the server stops.
      if (predictionLogMode === 'durable') expect(readPredictionLog(directory)).toHaveLength(200);
      await stop(local, localServer);
      const records = readPredictionLog(directory);
      expect(records).toHaveLength(200);
      expect(new Set(records.map((record) => record.features.transaction_id)).size).toBe(200);
      expect(readdirSync(directory).length).toBeGreaterThan(1);
    });
  }

  it('SIGKILL under load: every request that got a 200 is already in the log (durable, the default)', async () => {
    const predictions = join(temp.path, 'sigkill');
    const { child, port } = await startServerProcess({ DRIFTWATCH_REGISTRY: dirs.registry, DRIFTWATCH_PREDICTIONS: predictions, DRIFTWATCH_REPORTS: dirs.reports, DRIFTWATCH_EVENTS: dirs.events });
    const exited = once(child, 'exit');
    // SIGKILL (by the PID this test holds) lands while 32 clients are still sending.
    const acknowledged: string[] = [];
    const otherStatuses: number[] = [];
    const clients = Array.from({ length: 32 }, async (_, client) => {
      for (let sent = 0; ; sent += 1) {
        const requestId = `kill-${client}-${sent}`;
        try {
          const response = await post(`http://127.0.0.1:${port}`, '/predict', TRANSACTION, { 'x-request-id': requestId });
          // The status line is the acknowledgement: count it before reading the body.
          if (response.status === 200) acknowledged.push(requestId);
          else otherStatuses.push(response.status);
          await response.arrayBuffer();
        } catch {
          return; // the server is gone
        }
        if (acknowledged.length >= 600 && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    });
    await Promise.all(clients);
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    expect(otherStatuses).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(600);
    const logged = new Set(readPredictionLog(predictions).map((record) => record.request_id));
    expect(acknowledged.filter((requestId) => !logged.has(requestId))).toEqual([]);
  });

  it.skipIf(!existsSync('/dev/full'))('a prediction whose log write fails is answered 500, not 200, and is not counted as logged', async () => {
    const directory = join(temp.path, 'full-predictions');
    mkdirSync(directory, { recursive: true });
    // Writes to /dev/full fail with ENOSPC: a full disk, without filling one.
    symlinkSync('/dev/full', join(directory, 'predictions-000001.jsonl'));
    const full = createApiApp(options({ predictionsDirectory: directory }));
    const { base: fullBase, server: fullServer } = await listen(full);
    const response = await post(fullBase, '/predict', TRANSACTION);
    expect(response.status).toBe(500);
    expect((await json<{ error: string }>(response)).error).toBe('internal error');
    expect(full.log.written).toBe(0);
    await stop(full, fullServer);
  });

  it('make monitor-live reads a log whose newest file ends in a torn record (a crash mid-write, no restart yet)', () => {
    const directory = join(temp.path, 'torn-predictions');
    mkdirSync(directory, { recursive: true });
    const logged = (id: string) => JSON.stringify({ request_id: id, time: '2026-11-23T10:00:00.000Z', model_version: 1, features: TRANSACTION, score: 0.5, label: 1 });
    writeFileSync(join(directory, 'predictions-000001.jsonl'), `${logged('a')}\n${logged('b')}\n${logged('c').slice(0, 40)}`);
    const out = join(temp.path, 'torn-live.csv');
    const result = runScript('services/api/src/predictionsToCsvCli.ts', ['--predictions', directory, '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/2 logged predictions/);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  for (const mode of ['durable', 'async'] as const) {
    it(`${mode}: SIGTERM under load: a real server process writes every prediction it answered`, async () => {
      const predictions = join(temp.path, `sigterm-${mode}`);
      const { child, port } = await startServerProcess({ DRIFTWATCH_REGISTRY: dirs.registry, DRIFTWATCH_PREDICTIONS: predictions, DRIFTWATCH_REPORTS: dirs.reports, DRIFTWATCH_EVENTS: dirs.events, DRIFTWATCH_PREDICTION_LOG: mode });
      const exited = once(child, 'exit');
      // SIGTERM lands while 20 clients are still sending: every 200 they saw must be in the log.
      let answered = 0;
      let refused = 0;
      const otherStatuses: number[] = [];
      const clients = Array.from({ length: 20 }, async () => {
        for (;;) {
          let response: Response;
          try {
            response = await post(`http://127.0.0.1:${port}`, '/predict', TRANSACTION);
            await response.arrayBuffer();
          } catch {
            refused += 1; // the server has stopped accepting
            return;
          }
          if (response.status !== 200) otherStatuses.push(response.status);
          answered += 1;
          if (answered === 150) child.kill('SIGTERM');
        }
      });
      await Promise.all(clients);
      expect(otherStatuses).toEqual([]);
      const [code] = await exited;
      expect(code).toBe(0);
      expect(answered).toBeGreaterThanOrEqual(150);
      expect(refused).toBe(20);
      expect(readPredictionLog(predictions)).toHaveLength(answered);
    });
  }

  it('a real server whose registry is corrupt still starts, says why, and answers no_model', async () => {
    const registry = join(temp.path, 'corrupt-registry');
    mkdirSync(registry, { recursive: true });
    writeFileSync(join(registry, 'history.jsonl'), 'not json\n{}\n');
    const server = await startServerProcess({ DRIFTWATCH_REGISTRY: registry, DRIFTWATCH_PREDICTIONS: join(temp.path, 'corrupt-predictions') });
    try {
      expect(server.stderr()).toMatch(/no model loaded yet: .*history\.jsonl: line 1: not valid JSON/);
      expect(await (await fetch(`http://127.0.0.1:${server.port}/health`)).json()).toMatchObject({ status: 'no_model', model_version: null });
      expect((await post(`http://127.0.0.1:${server.port}`, '/predict', TRANSACTION)).status).toBe(503);
    } finally {
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');
    }
  });
});

describe('API: model changes and admin endpoints', () => {
  it('picks up a new Production version without a restart', async () => {
    expect(runScript('services/training/src/cli.ts', ['--data', join(dirs.data, 'reference.csv'), '--model', 'lr', '--seed', '9', '--registry', dirs.registry]).status).toBe(0);
    expect(runScript('services/registry/src/cli.ts', ['--registry', dirs.registry, 'promote', 'v2', '--stage', 'Production']).status).toBe(0);
    const reloaded = await post(base, '/reload', {}, { 'x-api-key': 'test-key' });
    expect(await reloaded.json()).toEqual({ version: 2, changed: true });
    expect((await json<PredictionBody>(await post(base, '/predict', TRANSACTION))).model_version).toBe(2);
  });

  it('admin endpoints need the API key', async () => {
    expect((await fetch(`${base}/approvals`)).status).toBe(401);
    expect((await fetch(`${base}/approvals`, { headers: { 'x-api-key': 'wrong' } })).status).toBe(401);
    expect((await fetch(`${base}/approvals`, { headers: { authorization: 'Bearer test-key' } })).status).toBe(200);
    expect((await post(base, '/action', { kind: 'retrain' })).status).toBe(401);
    const keyless = createApiApp(options({ apiKey: undefined }));
    const { base: keylessBase, server: keylessServer } = await listen(keyless);
    expect((await fetch(`${keylessBase}/approvals`)).status).toBe(503);
    await stop(keyless, keylessServer);
  });

  it('POST /action rollback restores v1 by the history, through the gates, and is audited', async () => {
    const response = await post(base, '/action', { kind: 'rollback' }, { 'x-api-key': 'test-key' });
    expect(response.status).toBe(200);
    const body = await json<{ action: string; outcome: string }>(response);
    expect(body.action).toBe('rollback');
    expect(['rolled_back', 'blocked']).toContain(body.outcome);
    const audit = runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', dirs.events, '--registry', dirs.registry]);
    expect(audit.status, audit.stderr).toBe(0);
    expect((await post(base, '/action', { kind: 'delete-everything' }, { 'x-api-key': 'test-key' })).status).toBe(400);
  });

  it('POST /inspect checks two data files, and refuses paths outside the data directory the same way whether they exist or not', async () => {
    const response = await post(base, '/inspect', { reference: 'reference.csv', current: 'current.csv' });
    expect(response.status).toBe(200);
    expect((await json<{ drift_by_columns: Record<string, { drift_detected: boolean }> }>(response)).drift_by_columns.transaction_amount?.drift_detected).toBe(true);
    writeFileSync(join(temp.path, 'secret.csv'), 'a\n1\n');
    // A symlink inside the data directory leading out of it: an escape by the real path only.
    symlinkSync(temp.path, join(dirs.data, 'outside'));
    const escapes = [
      '../secret.csv', '../no-such-file.csv', '/etc/passwd', '/etc/no-such-file', `${temp.path}/secret.csv`, `${temp.path}/no-such-file.csv`,
      'outside/secret.csv', 'outside/no-such-file.csv', 'outside/no-such-dir/x.csv',
    ];
    for (const escape of escapes) {
      const refused = await post(base, '/inspect', { reference: escape, current: 'current.csv' });
      expect(refused.status, escape).toBe(400);
      expect((await json<{ error: string }>(refused)).error, escape).toBe('reference: must resolve inside the data directory');
    }
    expect((await post(base, '/inspect', { reference: 'nope.csv', current: 'current.csv' })).status).toBe(404);
  });

  it('POST /inspect runs the pipeline `make monitor` runs: the same summary for the same files and policy', async () => {
    const out = join(temp.path, 'inspect-cli');
    const policy = join(REPO_ROOT, 'policies/promotion.yaml');
    const cli = runScript('services/monitoring/src/cli.ts', ['--reference', join(dirs.data, 'reference.csv'), '--current', join(dirs.data, 'current.csv'), '--out', out, '--policy', policy]);
    expect(cli.status, cli.stderr).toBe(0);
    const fromCli = JSON.parse(readFileSync(join(out, 'monitoring_summary.json'), 'utf8')) as Record<string, unknown>;
    const fromApi = await json<Record<string, unknown>>(await post(base, '/inspect', { reference: 'reference.csv', current: 'current.csv' }));
    const comparable = ({ run_id: _runId, generated_at: _generatedAt, reference, current, ...rest }: Record<string, unknown>) =>
      ({ ...rest, reference: { ...(reference as object), path: null }, current: { ...(current as object), path: null } });
    expect(comparable(fromApi)).toEqual(comparable(fromCli));
    expect(fromApi.policy).toEqual({ path: policy, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('serves 503 when no model is in Production', async () => {
    const empty = createApiApp(options({ registryDirectory: join(temp.path, 'empty-registry') }));
    const { base: emptyBase, server: emptyServer } = await listen(empty);
    expect(await (await fetch(`${emptyBase}/health`)).json()).toMatchObject({ status: 'no_model', model_version: null });
    expect((await post(emptyBase, '/predict', TRANSACTION)).status).toBe(503);
    await stop(empty, emptyServer);
  });
});

describe('API: hot reload under traffic', () => {
  const registry = join(temp.path, 'hot-registry');
  const ok = (result: { status: number | null; stderr: string }) => expect(result.status, result.stderr).toBe(0);

  it('serves a newly promoted version by itself, answering every request meanwhile', async () => {
    for (const seed of ['1', '9']) ok(runScript('services/training/src/cli.ts', ['--data', join(dirs.data, 'reference.csv'), '--model', 'lr', '--seed', seed, '--registry', registry]));
    ok(runScript('services/registry/src/cli.ts', ['--registry', registry, 'promote', 'v1', '--stage', 'Production']));
    const predictions = join(temp.path, 'hot-predictions');
    const hot = createApiApp(options({ registryDirectory: registry, predictionsDirectory: predictions, reloadIntervalMs: 50 }));
    const { base: hotBase, server: hotServer } = await listen(hot);
    let traffic = true;
    const statuses: number[] = [];
    const versions: number[] = [];
    const client = async () => {
      while (traffic) {
        const response = await post(hotBase, '/predict', TRANSACTION);
        statuses.push(response.status);
        versions.push((await json<PredictionBody>(response)).model_version);
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The promotion runs in another process while the clients keep the server busy.
    ok(await runScriptAsync('services/registry/src/cli.ts', ['--registry', registry, 'promote', 'v2', '--stage', 'Production']));
    for (let waited = 0; versions.at(-1) !== 2 && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    traffic = false;
    await Promise.all(clients);
    await stop(hot, hotServer);
    expect(statuses.length).toBeGreaterThan(50);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(versions.at(-1)).toBe(2);
    // The log is in the server's own order: once v2 answered, v1 never did again.
    const logged = readPredictionLog(predictions).map((record) => record.model_version);
    expect(logged).toHaveLength(statuses.length);
    const firstV2 = logged.indexOf(2);
    expect(firstV2).toBeGreaterThan(0);
    expect(logged.slice(firstV2).every((version) => version === 2)).toBe(true);
  });

  it('a Production artifact that fails its checksum is refused by /reload with 409, and the old model keeps serving', async () => {
    ok(runScript('services/training/src/cli.ts', ['--data', join(dirs.data, 'reference.csv'), '--model', 'lr', '--seed', '3', '--registry', registry]));
    const manual = createApiApp(options({ registryDirectory: registry, predictionsDirectory: join(temp.path, 'manual-predictions') }));
    const { base: manualBase, server: manualServer } = await listen(manual);
    ok(runScript('services/registry/src/cli.ts', ['--registry', registry, 'promote', 'v3', '--stage', 'Production']));
    appendFileSync(join(registry, 'versions', 'v3', 'model.json'), ' ');
    const refused = await post(manualBase, '/reload', {}, { 'x-api-key': 'test-key' });
    expect(refused.status).toBe(409);
    expect((await json<{ error: string }>(refused)).error).toMatch(/v3: .*tampered or corrupt.*; still serving v2$/);
    expect((await json<PredictionBody>(await post(manualBase, '/predict', TRANSACTION))).model_version).toBe(2);
    await stop(manual, manualServer);
  });
});

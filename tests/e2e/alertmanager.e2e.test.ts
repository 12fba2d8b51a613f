import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { acquireFileLock } from '../../services/core/src/infrastructure/fileLock.ts';
import { repositoryPath } from '../../services/core/src/infrastructure/repoRoot.ts';
import { controlLockPath } from '../../services/control_plane/src/eventsStore.ts';
import { summaryPath } from '../../services/monitoring/src/index.ts';
import { auditVerify, monitor, ok, workspaces, type Workspace } from '../helpers/controlWorkspace.ts';
import { makeTempDir, runScript } from '../helpers/runScript.ts';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/serverProcess.ts';

const temp = makeTempDir('alertmanager');
afterAll(() => temp.cleanup());
const { prepare, variant } = workspaces(temp.path);
const KEY = 'alertmanager e2e key';
/** The feature-drift data drifts in a third of its columns: judged at 30%, that is dataset drift, and the drift alert's metric is 1. */
const driftAtThirty = (text: string) => text.replace('drift_share: 0.5 ', 'drift_share: 0.3 ');

const hasBinary = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const missing = ['prometheus', 'prometheus-alertmanager'].filter((name) => !hasBinary(name));

interface AuditLine { seq: number; run_id: string; kind: string; decision: string; detail: Record<string, unknown> }
const auditOf = (ws: Workspace): AuditLine[] => (existsSync(join(ws.events, 'audit.jsonl'))
  ? readFileSync(join(ws.events, 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as AuditLine)
  : []);
const fixture = (name: string): { alerts: { fingerprint: string; labels: Record<string, string> }[] } & Record<string, unknown> =>
  JSON.parse(readFileSync(repositoryPath('tests/fixtures/alertmanager', name), 'utf8'));

interface AlertsAnswer {
  alerts: { alertname: string; fingerprint: string; status: string; handling: string; reason: string; run_id: string | null }[];
  run: { run_id: string; action: string; outcome: string } | null;
  error?: string;
}

function startApi(ws: Workspace, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  return startServerProcess({
    DRIFTWATCH_REGISTRY: ws.registry, DRIFTWATCH_PREDICTIONS: join(ws.root, 'predictions'), DRIFTWATCH_REPORTS: ws.reports, DRIFTWATCH_EVENTS: ws.events,
    DRIFTWATCH_APPROVALS: ws.approvals, DRIFTWATCH_DATA: ws.data, DRIFTWATCH_POLICY: ws.policy, DRIFTWATCH_API_KEY: KEY, DRIFTWATCH_FAULT: '', ...env,
  });
}

/** Stopped by the PID this test holds, and waited for. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function deliver(port: number, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }): Promise<{ status: number; answer: AlertsAnswer }> {
  const response = await fetch(`http://127.0.0.1:${port}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, answer: (await response.json()) as AlertsAnswer };
}

/**
 * The alert's latest `acted` line, then the run it started: the sentinel, plan and release of that
 * run name the alert as their trigger, and the release is the run's answer.
 */
function expectActedThenDecided(ws: Workspace, fingerprint: string): AuditLine[] {
  const log = auditOf(ws);
  const claim = log.findLast((line) => line.kind === 'alert' && line.decision === 'acted' && line.detail.fingerprint === fingerprint);
  expect(claim, 'an acted alert record').toBeDefined();
  const run = log.filter((line) => line.run_id === claim?.run_id && line.kind !== 'alert');
  expect(run.map((line) => line.kind)).toEqual(expect.arrayContaining(['sentinel', 'plan', 'release']));
  expect(run.every((line) => line.seq > (claim?.seq ?? Infinity)), 'the claim is written before the run decides').toBe(true);
  for (const line of run) expect(line.detail.trigger, `${line.kind} names its trigger`).toEqual({ source: 'alertmanager', alertname: 'DriftWatchDatasetDrift', fingerprint });
  return run;
}

const sentinels = (ws: Workspace) => auditOf(ws).filter((line) => line.kind === 'sentinel');

let base: Workspace;
beforeAll(() => {
  base = prepare('base', 'drift_feature', 1500, 2000);
  writeFileSync(base.policy, driftAtThirty(readFileSync(base.policy, 'utf8')));
  ok(monitor(base));
  expect(JSON.parse(readFileSync(summaryPath(base.reports), 'utf8'))).toMatchObject({ dataset_drift: true });
}, 120_000);

describe('POST /alerts with recorded Alertmanager payloads', () => {
  let ws: Workspace;
  let api: ServerProcess;
  beforeAll(async () => {
    ws = variant(base, 'recorded', driftAtThirty);
    api = await startApi(ws);
  });
  afterAll(() => stop(api.child));

  it('without the key, or with a wrong bearer token: 401, nothing recorded', async () => {
    expect((await deliver(api.port, fixture('firing-drift.json'), {})).status).toBe(401);
    expect((await deliver(api.port, fixture('firing-drift.json'), { authorization: 'Bearer not-the-key' })).status).toBe(401);
    expect(auditOf(ws)).toEqual([]);
  });

  it('a bad body: 400 naming the field, nothing recorded', async () => {
    const body = fixture('firing-drift-two-instances.json');
    const { status, answer } = await deliver(api.port, { ...body, alerts: [...body.alerts, { ...body.alerts[0], fingerprint: 7 }] });
    expect(status).toBe(400);
    expect(answer.error).toMatch(/^alerts\[2\]\.fingerprint: must be string/);
    expect(auditOf(ws)).toEqual([]);
  });

  it('a firing drift alert (x-api-key works too): acted, one control run on the latest summary, the run names the alert', async () => {
    const body = fixture('firing-drift.json');
    const fingerprint = body.alerts[0]!.fingerprint;
    const { status, answer } = await deliver(api.port, body, { 'x-api-key': KEY });
    expect(status, JSON.stringify(answer)).toBe(200);
    expect(answer.alerts).toEqual([expect.objectContaining({ alertname: 'DriftWatchDatasetDrift', fingerprint, handling: 'acted', run_id: answer.run?.run_id })]);
    expect(answer.run).toMatchObject({ action: 'retrain_and_evaluate' });
    const run = expectActedThenDecided(ws, fingerprint);
    expect(run.find((line) => line.kind === 'release')?.decision).toBe(answer.run?.outcome);
    expect(sentinels(ws)).toHaveLength(1);
  });

  it('the same fingerprint again within the cooldown: duplicate, naming the run that answered it; no second run', async () => {
    const first = sentinels(ws)[0]!.run_id;
    const { status, answer } = await deliver(api.port, fixture('firing-drift.json'));
    expect(status).toBe(200);
    expect(answer).toMatchObject({ run: null, alerts: [{ handling: 'duplicate', run_id: first }] });
    expect(sentinels(ws)).toHaveLength(1);
    expect(auditOf(ws).at(-1)).toMatchObject({ kind: 'alert', decision: 'duplicate', detail: { answered_by: first } });
  });

  it('the alert resolved: recorded, not acted on', async () => {
    const { answer } = await deliver(api.port, fixture('resolved-drift.json'));
    expect(answer).toMatchObject({ run: null, alerts: [{ status: 'resolved', handling: 'resolved', run_id: null }] });
    expect(auditOf(ws).at(-1)).toMatchObject({ kind: 'alert', decision: 'resolved' });
    expect(sentinels(ws)).toHaveLength(1);
  });

  it('a serving alert (p99 latency): recorded as ignored, with the reason', async () => {
    const { answer } = await deliver(api.port, fixture('firing-latency.json'));
    expect(answer).toMatchObject({ run: null, alerts: [{ alertname: 'DriftWatchHighLatencyP99', handling: 'ignored', reason: expect.stringMatching(/no retrain or rollback fixes/) }] });
    expect(sentinels(ws)).toHaveLength(1);
  });

  it('two drift alerts in one delivery: both acted, one control run between them', async () => {
    const { answer } = await deliver(api.port, fixture('firing-drift-two-instances.json'));
    expect(answer.alerts.map((alert) => alert.handling)).toEqual(['acted', 'acted']);
    expect(new Set(answer.alerts.map((alert) => alert.run_id))).toEqual(new Set([answer.run?.run_id]));
    expect(sentinels(ws)).toHaveLength(2);
    expect(sentinels(ws).at(-1)?.detail.trigger).toMatchObject({ fingerprint: answer.alerts[0]?.fingerprint });
  });

  it('the audit log with its alert records still verifies, and every action it records was allowed', () => {
    ok(auditVerify(ws));
    ok(runScript('services/control_plane/src/verifyActionsCli.ts', ['--events', ws.events, '--registry', ws.registry, '--policy', ws.policy]));
  });

  it('while another run holds the control lock: 503 at once with Retry-After (Alertmanager retries a 5xx soon), nothing recorded', async () => {
    const before = auditOf(ws).length;
    const release = acquireFileLock(controlLockPath(ws.events), { timeoutMs: 100, purpose: 'another control run' });
    try {
      const { status, answer } = await deliver(api.port, fixture('firing-latency.json'));
      expect(status).toBe(503);
      expect(answer.error).toMatch(/another control run/);
    } finally {
      release();
    }
    expect(auditOf(ws)).toHaveLength(before);
  });
});

describe('POST /alerts when it cannot act', () => {
  it('no monitoring summary yet: 404 saying so; the refusal names the alert and claims nothing', async () => {
    const ws = variant(base, 'no-summary', driftAtThirty);
    rmSync(summaryPath(ws.reports));
    const api = await startApi(ws);
    try {
      const { status, answer } = await deliver(api.port, fixture('firing-drift.json'));
      expect(status).toBe(404);
      expect(answer.error).toMatch(/no monitoring summary at .* yet/);
    } finally {
      await stop(api.child);
    }
    expect(auditOf(ws)).toEqual([expect.objectContaining({ kind: 'refusal', detail: expect.objectContaining({ trigger: expect.objectContaining({ alertname: 'DriftWatchDatasetDrift' }) }) })]);
  });
});

describe('exactly once across a crash', () => {
  it('killed after the acted line and before the decision: the alert delivered again is acted on, once', async () => {
    const ws = variant(base, 'crash', driftAtThirty);
    const body = fixture('firing-drift.json');
    const fingerprint = body.alerts[0]!.fingerprint;
    const dying = await startApi(ws, { DRIFTWATCH_FAULT: 'after_alert_claim' });
    try {
      await expect(deliver(dying.port, body)).rejects.toThrow();
      if (dying.child.exitCode === null && dying.child.signalCode === null) await once(dying.child, 'exit');
    } finally {
      await stop(dying.child);
    }
    const [claim] = auditOf(ws).filter((line) => line.kind === 'alert');
    expect(claim).toMatchObject({ decision: 'acted', detail: { fingerprint } });
    expect(sentinels(ws)).toEqual([]);

    const api = await startApi(ws);
    try {
      const again = await deliver(api.port, body);
      expect(again.answer).toMatchObject({ alerts: [{ handling: 'acted' }] });
      expect(again.answer.run?.run_id).not.toBe(claim?.run_id);
      expectActedThenDecided(ws, fingerprint);
      expect(sentinels(ws).map((line) => line.run_id)).toEqual([again.answer.run?.run_id]);
      // Now answered: a third delivery is a duplicate of the second run, not of the dead one.
      expect((await deliver(api.port, body)).answer).toMatchObject({ run: null, alerts: [{ handling: 'duplicate', run_id: again.answer.run?.run_id }] });
    } finally {
      await stop(api.child);
    }
    ok(auditVerify(ws));
  });
});

interface AlertmanagerConfig {
  route: { routes: { receiver: string; group_wait?: string; group_interval?: string }[] };
  receivers: { name: string; webhook_configs?: { url: string; http_config: { authorization: { credentials_file: string } } }[] }[];
}

/** infra/alertmanager/alertmanager.yml as shipped, pointed at this API and key, with groups sent at once. */
function alertmanagerConfig(apiPort: number, keyFile: string): string {
  const config = parseYaml(readFileSync(repositoryPath('infra/alertmanager/alertmanager.yml'), 'utf8')) as AlertmanagerConfig;
  const route = config.route.routes.find((candidate) => candidate.receiver === 'driftwatch-api');
  const webhook = config.receivers.find((receiver) => receiver.name === 'driftwatch-api')?.webhook_configs?.[0];
  if (!route || !webhook) throw new Error('infra/alertmanager/alertmanager.yml has no driftwatch-api route and webhook');
  Object.assign(route, { group_wait: '1s', group_interval: '1s' });
  webhook.url = `http://127.0.0.1:${apiPort}/alerts`;
  webhook.http_config.authorization.credentials_file = keyFile;
  return stringifyYaml(config);
}

/** The drift rule of infra/prometheus/alerts.yml (its expression and labels as shipped), firing at once. */
function fastDriftRule(): string {
  const rules = parseYaml(readFileSync(repositoryPath('infra/prometheus/alerts.yml'), 'utf8')) as { groups: { name: string; rules: { alert: string; for?: string }[] }[] };
  const drift = rules.groups.flatMap((group) => group.rules).find((rule) => rule.alert === 'DriftWatchDatasetDrift');
  if (!drift) throw new Error('infra/prometheus/alerts.yml has no DriftWatchDatasetDrift rule');
  return stringifyYaml({ groups: [{ name: 'driftwatch-fast', rules: [{ ...drift, for: '0s' }] }] });
}

describe('Prometheus -> Alertmanager -> POST /alerts', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children.reverse()) await stop(child);
  });

  it('the drift rule fires, Alertmanager delivers it with the key, the API acts once and the run decides', async () => {
    const ws = variant(base, 'real', driftAtThirty);
    const api = await startApi(ws);
    children.push(api.child);
    if (missing.length > 0) {
      console.log(`SKIP: ${missing.join(' and ')} not on PATH (Debian packages "prometheus", "prometheus-alertmanager"; make test installs them in CI): the recorded payload stands in for Alertmanager`);
      expect((await deliver(api.port, fixture('firing-drift.json'))).status).toBe(200);
      expectActedThenDecided(ws, fixture('firing-drift.json').alerts[0]!.fingerprint);
      return;
    }
    const directory = join(temp.path, 'real-stack');
    mkdirSync(directory, { recursive: true });
    const keyFile = join(directory, 'api_key');
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    writeFileSync(join(directory, 'alertmanager.yml'), alertmanagerConfig(api.port, keyFile));
    writeFileSync(join(directory, 'rules.yml'), fastDriftRule());
    const alertmanagerPort = await freePort();
    const alertmanager = spawn('prometheus-alertmanager', [
      `--config.file=${join(directory, 'alertmanager.yml')}`, `--storage.path=${join(directory, 'alertmanager-data')}`,
      '--cluster.listen-address=', `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
    ], { stdio: 'ignore' });
    children.push(alertmanager);
    writeFileSync(join(directory, 'prometheus.yml'), stringifyYaml({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanagerPort}`] }] }] },
      rule_files: [join(directory, 'rules.yml')],
      scrape_configs: [{ job_name: 'driftwatch-api', static_configs: [{ targets: [`127.0.0.1:${api.port}`] }] }],
    }));
    const prometheus = spawn('prometheus', [
      `--config.file=${join(directory, 'prometheus.yml')}`, `--storage.tsdb.path=${join(directory, 'prometheus-data')}`, `--web.listen-address=127.0.0.1:${await freePort()}`,
    ], { stdio: 'ignore' });
    children.push(prometheus);

    const decided = () => auditOf(ws).some((line) => line.kind === 'release' && line.detail.trigger !== undefined);
    for (let waited = 0; waited < 60_000 && !decided(); waited += 500) await new Promise((resolve) => setTimeout(resolve, 500));
    expect(decided(), `no alert-triggered decision within 60 s; API stderr: ${api.stderr()}`).toBe(true);
    const claim = auditOf(ws).find((line) => line.kind === 'alert' && line.decision === 'acted');
    expect(claim?.detail).toMatchObject({ alertname: 'DriftWatchDatasetDrift', status: 'firing', receiver: 'driftwatch-api', labels: { service: 'driftwatch', job: 'driftwatch-api' } });
    expectActedThenDecided(ws, String(claim?.detail.fingerprint));
    expect(sentinels(ws)).toHaveLength(1);
  }, 120_000);
});

describe('the stack files agree', () => {
  it('Prometheus sends to the Alertmanager of docker-compose.yml, which sends to the API with the key as a secret', () => {
    type Service = { image?: string; volumes?: string[]; secrets?: string[]; environment?: Record<string, string> };
    const compose = parseYaml(readFileSync(repositoryPath('docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; secrets: Record<string, { environment?: string }> };
    const alertmanager = compose.services.alertmanager;
    expect(alertmanager?.volumes).toContain('./infra/alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro');
    const prometheusConfig = parseYaml(readFileSync(repositoryPath('infra/prometheus/prometheus.yml'), 'utf8')) as { alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] } };
    expect(prometheusConfig.alerting.alertmanagers.flatMap((manager) => manager.static_configs.flatMap((config) => config.targets))).toContain('alertmanager:9093');
    const config = parseYaml(readFileSync(repositoryPath('infra/alertmanager/alertmanager.yml'), 'utf8')) as AlertmanagerConfig;
    const webhook = config.receivers.find((receiver) => receiver.name === 'driftwatch-api')?.webhook_configs?.[0];
    expect(webhook?.url).toBe(`http://api:${compose.services.api?.environment?.PORT}/alerts`);
    const secret = alertmanager?.secrets?.[0] ?? '';
    expect(webhook?.http_config.authorization.credentials_file).toBe(`/run/secrets/${secret}`);
    expect(compose.secrets[secret]?.environment).toBe('DRIFTWATCH_API_KEY');
  });

  it.skipIf(!hasBinary('amtool'))('amtool accepts infra/alertmanager/alertmanager.yml', () => {
    const checked = spawnSync('amtool', ['check-config', repositoryPath('infra/alertmanager/alertmanager.yml')], { encoding: 'utf8' });
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createApiApp, type ApiApp } from '../../services/api/src/app.ts';
import { makeTempDir, REPO_ROOT, runScript } from '../helpers/runScript.ts';
import { freePort } from '../helpers/serverProcess.ts';

const temp = makeTempDir('observability');
const hasBinary = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const prometheusAvailable = hasBinary('prometheus');
const promtoolAvailable = hasBinary('promtool');
if (!prometheusAvailable) console.log('SKIP Prometheus client test: the prometheus binary is not installed (Debian package "prometheus"; make test installs it in CI as root)');
if (!promtoolAvailable) console.log('SKIP promtool checks: promtool is not installed (Debian package "prometheus")');

let api: ApiApp;
let apiServer: Server;
let apiPort: number;

beforeAll(async () => {
  const registry = join(temp.path, 'registry');
  const data = join(temp.path, 'reference.csv');
  expect(runScript('generator/src/cli.ts', ['--scenario', 'base', '--rows', '600', '--out', data]).status).toBe(0);
  expect(runScript('services/training/src/cli.ts', ['--data', data, '--model', 'lr', '--registry', registry]).status).toBe(0);
  expect(runScript('services/registry/src/cli.ts', ['--registry', registry, 'promote', 'v1', '--stage', 'Production']).status).toBe(0);
  api = createApiApp({
    registryDirectory: registry, predictionsDirectory: join(temp.path, 'predictions'), reportsDirectory: join(temp.path, 'reports'), eventsDirectory: join(temp.path, 'events'),
    approvalsDirectory: join(temp.path, 'approvals'), dataDirectory: temp.path, policyPath: join(REPO_ROOT, 'policies/promotion.yaml'), apiKey: undefined, maxBatch: 10, maxLogFileBytes: 1e6, reloadIntervalMs: 0,
  });
  apiServer = api.app.listen(0, '127.0.0.1');
  await once(apiServer, 'listening');
  apiPort = (apiServer.address() as AddressInfo).port;
  await fetch(`http://127.0.0.1:${apiPort}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transaction_amount: 20, transaction_hour: 12, customer_age: 40, account_tenure_days: 100, merchant_risk_score: 0.2, geo_distance_km: 5, is_international: 0, merchant_category: 'grocery', channel: 'pos' }) });
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => apiServer.close(resolve));
  await api.close();
  temp.cleanup();
});

describe('observability files', () => {
  it.skipIf(!promtoolAvailable)('promtool accepts the scrape config and the alert rules', () => {
    const rules = spawnSync('promtool', ['check', 'rules', join(REPO_ROOT, 'infra/prometheus/alerts.yml')], { encoding: 'utf8' });
    expect(rules.status, rules.stdout + rules.stderr).toBe(0);
    // The config names /etc/prometheus/alerts.yml (the container path): check a copy that points at the file here.
    const config = join(temp.path, 'prometheus-check.yml');
    writeFileSync(config, readFileSync(join(REPO_ROOT, 'infra/prometheus/prometheus.yml'), 'utf8').replace('/etc/prometheus/alerts.yml', join(REPO_ROOT, 'infra/prometheus/alerts.yml')));
    const checked = spawnSync('promtool', ['check', 'config', config], { encoding: 'utf8' });
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
  });

  it('alert rules cover dataset drift, error rate and p99 latency', () => {
    const rules = parseYaml(readFileSync(join(REPO_ROOT, 'infra/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const expressions = rules.groups.flatMap((group) => group.rules).map((rule) => rule.expr).join('\n');
    expect(expressions).toContain('driftwatch_dataset_drift');
    expect(expressions).toMatch(/status=~"5\.\."/);
    expect(expressions).toContain('histogram_quantile(0.99');
  });

  // Docker is not on CI, so the stack is checked for wiring: every name and path one file
  // gives another must agree.
  it('docker-compose.yml, the Dockerfile, Prometheus and Grafana provisioning point at each other', () => {
    type Service = { build?: { context: string; dockerfile: string }; environment?: Record<string, string>; volumes?: string[]; ports?: string[] };
    const compose = parseYaml(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
    const { api: apiService, prometheus: prometheusService, grafana: grafanaService } = compose.services;
    expect(apiService?.build && existsSync(join(REPO_ROOT, apiService.build.context, apiService.build.dockerfile))).toBe(true);
    const mounts = (service: Service | undefined) => new Map((service?.volumes ?? []).map((volume) => {
      const [host, container] = volume.split(':') as [string, string];
      expect(existsSync(join(REPO_ROOT, host)), `${volume}: the host path exists`).toBe(true);
      return [container, host];
    }));
    const prometheusMounts = mounts(prometheusService);
    const prometheusConfig = parseYaml(readFileSync(join(REPO_ROOT, 'infra/prometheus/prometheus.yml'), 'utf8')) as { rule_files: string[]; scrape_configs: { static_configs: { targets: string[] }[] }[] };
    expect(prometheusMounts.get('/etc/prometheus/prometheus.yml')).toBe('./infra/prometheus/prometheus.yml');
    for (const ruleFile of prometheusConfig.rule_files) expect(prometheusMounts.has(ruleFile), `${ruleFile} is mounted`).toBe(true);
    expect(prometheusConfig.scrape_configs.flatMap((scrape) => scrape.static_configs.flatMap((config) => config.targets))).toContain(`api:${apiService?.environment?.PORT}`);
    expect(apiService?.environment?.HOST).toBe('0.0.0.0');
    const grafanaMounts = mounts(grafanaService);
    const datasources = parseYaml(readFileSync(join(REPO_ROOT, 'infra/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { url: string }[] };
    expect(datasources.datasources.map((source) => source.url)).toContain('http://prometheus:9090');
    const providers = parseYaml(readFileSync(join(REPO_ROOT, 'infra/grafana/provisioning/dashboards/driftwatch.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
    for (const provider of providers.providers) expect(grafanaMounts.get(provider.options.path)).toBe('./infra/grafana/dashboards');
    expect(grafanaMounts.get('/etc/grafana/provisioning')).toBe('./infra/grafana/provisioning');
    const dockerignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const kept of ['node_modules', 'shared']) expect(dockerignore, `.dockerignore keeps ${kept} out of the image`).toContain(kept);
  });

  it('the Grafana dashboard queries only metrics the API exposes', async () => {
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'infra/grafana/dashboards/driftwatch.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const exposed = await (await fetch(`http://127.0.0.1:${apiPort}/metrics`)).text();
    const titles = dashboard.panels.map((panel) => panel.title.toLowerCase()).join(' | ');
    for (const topic of ['request rate', 'latency', 'score distribution', 'drift score per feature', 'last control-plane action']) expect(titles).toContain(topic);
    for (const expr of dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr))) {
      for (const metric of expr.match(/driftwatch_[a-z_]+/g) ?? []) {
        const family = metric.replace(/_(bucket|sum|count)$/, '');
        expect(exposed, `${metric} in "${expr}"`).toMatch(new RegExp(`# HELP ${family} `));
      }
    }
  });
});

describe('a real Prometheus scrapes the API', () => {
  let prometheus: ChildProcess | undefined;
  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      await once(prometheus, 'exit');
    }
  });

  it.skipIf(!prometheusAvailable)('the target is up and a DriftWatch metric is stored', async () => {
    const port = await freePort();
    const directory = join(temp.path, 'prometheus');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'prometheus.yml'), [
      'global:', '  scrape_interval: 1s', 'rule_files:', `  - ${join(REPO_ROOT, 'infra/prometheus/alerts.yml')}`,
      'scrape_configs:', '  - job_name: driftwatch-api', '    static_configs:', `      - targets: ["127.0.0.1:${apiPort}"]`, '',
    ].join('\n'));
    prometheus = spawn('prometheus', [`--config.file=${join(directory, 'prometheus.yml')}`, `--storage.tsdb.path=${join(directory, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    const query = async (path: string): Promise<{ data: unknown } | undefined> => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}${path}`);
        return response.ok ? ((await response.json()) as { data: unknown }) : undefined;
      } catch {
        return undefined;
      }
    };
    let up = false;
    let stored = false;
    for (let attempt = 0; attempt < 60 && !(up && stored); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const targets = (await query('/api/v1/targets'))?.data as { activeTargets?: { health: string }[] } | undefined;
      up = targets?.activeTargets?.some((target) => target.health === 'up') ?? false;
      const result = (await query('/api/v1/query?query=driftwatch_predictions_total'))?.data as { result?: unknown[] } | undefined;
      stored = (result?.result?.length ?? 0) > 0;
    }
    expect(up).toBe(true);
    expect(stored).toBe(true);
  });
});

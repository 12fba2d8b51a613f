import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApiApp, type ApiApp, type ApiOptions } from '../../services/api/src/app.ts';
import { histogramsPath, summaryPath, type MonitoringSummary } from '../../services/monitoring/src/index.ts';
import { auditLines, control, controlAsync, ok, workspaces, type Workspace } from '../helpers/controlWorkspace.ts';
import { makeTempDir } from '../helpers/runScript.ts';

/*
 * The dashboard's JSON API and its event stream, in this process, over a workspace where
 * drift_feature was monitored and one control run decided on it. The tests run in order:
 * the ones that damage a file (charts, audit, registry) come last.
 */
const temp = makeTempDir('dashboard-api');
let ws: Workspace;
let firstRun: { run_id: string; outcome: string; champion_version_after: number | null };
let api: ApiApp;
let server: Server;
let base: string;

const watchDirectory = () => join(ws.root, 'watch');
const replayDirectory = () => join(ws.root, 'replay');

function apiOptions(workspace: Workspace): ApiOptions {
  return {
    registryDirectory: workspace.registry, predictionsDirectory: join(workspace.root, 'predictions'), reportsDirectory: workspace.reports, eventsDirectory: workspace.events,
    approvalsDirectory: workspace.approvals, dataDirectory: workspace.data, policyPath: workspace.policy, apiKey: 'test-key', maxBatch: 10, maxLogFileBytes: 1e6, reloadIntervalMs: 0,
    watchDirectory: join(workspace.root, 'watch'), replayDirectory: join(workspace.root, 'replay'), changeFeedIntervalMs: 100,
  };
}

async function listen(app: ApiApp): Promise<{ server: Server; base: string }> {
  const listening = app.app.listen(0, '127.0.0.1');
  await once(listening, 'listening');
  return { server: listening, base: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
}

async function stop(app: ApiApp, listening: Server): Promise<void> {
  await new Promise((resolveClose) => listening.close(resolveClose));
  await app.close();
}

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

const windowLine = (day: number): string => JSON.stringify({ window: `day-${day}`, day, start: `2026-02-0${day}T00:00:00Z`, end: `2026-02-0${day}T23:59:59Z`, rows: 500, known_auc: 0.81, hindsight_auc: null, estimated_auc: 0.8, drift_share: 0.2, action: 'noop', outcome: 'no_action', serving_version_after: 1 });

/** Each row of the drift table as [column, drifted], in the table's order. */
function tableVerdicts(html: string): [string, boolean][] {
  return [...html.matchAll(/<tr class="(drifted)?"><td>([^<]+)<\/td>/g)].map((match) => [match[2] as string, match[1] === 'drifted']);
}

beforeAll(async () => {
  ws = workspaces(temp.path).prepare('feature', 'drift_feature', 3000);
  firstRun = JSON.parse(ok(control(ws)).stdout) as typeof firstRun;
  api = createApiApp(apiOptions(ws));
  ({ server, base } = await listen(api));
}, 60_000);

afterAll(async () => {
  if (server !== undefined) await stop(api, server);
  temp.cleanup();
});

describe('dashboard API over a decided drift_feature workspace', () => {
  it('/api/status: the Production version, an intact audit and the latest decision', async () => {
    const { status, body } = await getJson<{ production_version: number; served_version: number; audit: { state: string; records: number }; latest_decision: { run_id: string; outcome: string; incident: string | null } | null; pending_approvals: number; summary: { dataset_drift: boolean } | null }>('/api/status');
    expect(status).toBe(200);
    expect([1, 2]).toContain(body.production_version);
    expect(body.production_version).toBe(firstRun.champion_version_after ?? 1);
    expect(body.audit.state).toBe('verified');
    expect(body.audit.records).toBe(auditLines(ws).length);
    expect(body.latest_decision).toMatchObject({ run_id: firstRun.run_id, outcome: firstRun.outcome });
    expect(body.summary).not.toBeNull();
  });

  it('/api/registry: every version newest first and the periods each served, the open one the Production version', async () => {
    const { status, body } = await getJson<{ production_version: number; versions: { version: number; stage: string }[]; served: { version: number; from: string; until: string | null }[] }>('/api/registry');
    expect(status).toBe(200);
    expect(body.versions.map((row) => row.version)).toEqual([...body.versions.map((row) => row.version)].sort((a, b) => b - a));
    expect(body.versions.at(-1)?.version).toBe(1);
    expect(body.versions.filter((row) => row.stage === 'Production').map((row) => row.version)).toEqual([body.production_version]);
    expect(body.served[0]).toMatchObject({ version: body.production_version, until: null });
    expect(body.served.at(-1)?.version).toBe(1);
    expect(body.served.filter((period) => period.until === null)).toHaveLength(1);
  });

  it('/api/summary: the summary\'s figures and its drift table, one chart per column and the same verdicts as the summary file', async () => {
    const summary = JSON.parse(readFileSync(summaryPath(ws.reports), 'utf8')) as MonitoringSummary;
    const { status, body } = await getJson<{ available: boolean; run_id: string; share_of_drifted_columns: number; drift_table_html: string; verdict_html: string; charts_missing: string | null }>('/api/summary');
    expect(status).toBe(200);
    expect(body).toMatchObject({ available: true, run_id: summary.run_id, share_of_drifted_columns: summary.share_of_drifted_columns, charts_missing: null });
    const verdicts = tableVerdicts(body.drift_table_html);
    expect(Object.fromEntries(verdicts)).toEqual(Object.fromEntries(Object.values(summary.drift_by_columns).map((column) => [column.column_name, column.drift_detected])));
    expect(verdicts.some(([, drifted]) => drifted)).toBe(true);
    const rows = body.drift_table_html.split('<tr class=').slice(1);
    expect(rows).toHaveLength(Object.keys(summary.drift_by_columns).length);
    for (const row of rows) expect(row).toContain('<svg');
  });

  it('/api/timeline: nothing yet → source null', async () => {
    const { status, body } = await getJson<{ source: string | null; windows: unknown[]; skipped_lines: number }>('/api/timeline');
    expect(status).toBe(200);
    expect(body).toEqual({ source: null, path: null, windows: [], skipped_lines: 0 });
  });

  it('/api/timeline: the watcher\'s windows, a garbage line skipped; then a newer replay timeline wins', async () => {
    mkdirSync(watchDirectory(), { recursive: true });
    const watched = join(watchDirectory(), 'windows.jsonl');
    writeFileSync(watched, `${windowLine(1)}\nthis is not a window\n${windowLine(2)}\n`);
    const fromWatcher = await getJson<{ source: string; path: string; windows: { window: string }[]; skipped_lines: number }>('/api/timeline');
    expect(fromWatcher.body).toMatchObject({ source: 'watcher', path: watched, skipped_lines: 1 });
    expect(fromWatcher.body.windows.map((point) => point.window)).toEqual(['day-1', 'day-2']);

    const replayed = join(replayDirectory(), 'replay-1', 'timeline.jsonl');
    mkdirSync(join(replayDirectory(), 'replay-1'), { recursive: true });
    writeFileSync(replayed, `${windowLine(3)}\n`);
    const later = new Date(Date.now() + 60_000);
    utimesSync(replayed, later, later);
    const fromReplay = await getJson<{ source: string; path: string; windows: { window: string }[]; skipped_lines: number }>('/api/timeline');
    expect(fromReplay.body).toMatchObject({ source: 'replay', path: replayed, skipped_lines: 0 });
    expect(fromReplay.body.windows.map((point) => point.window)).toEqual(['day-3']);
  });

  it('/api/decisions: the control run\'s decision with its reasons; a limit outside 1..200 or not a number is a 400 naming limit', async () => {
    const { status, body } = await getJson<{ run_id: string; from_audit_only: boolean; incident: { type: string } | null; plan: { action: string } | null; outcome: { outcome: string } }[]>('/api/decisions?limit=5');
    expect(status).toBe(200);
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({ run_id: firstRun.run_id, from_audit_only: false, outcome: { outcome: firstRun.outcome } });
    expect(body[0]?.incident?.type).toBeTruthy();
    expect(body[0]?.plan?.action).toBeTruthy();
    for (const limit of ['0', 'abc', '201', '-1', '1.5', '', '1&limit=2']) {
      const bad = await getJson<{ error: string }>(`/api/decisions?limit=${limit}`);
      expect(bad.status, `limit=${limit}`).toBe(400);
      expect(bad.body.error).toMatch(/^limit: /);
    }
  });

  it('/api/approvals: the pending approvals only, as many as /api/status counts', async () => {
    const approvals = await getJson<{ status: string }[]>('/api/approvals');
    const status = await getJson<{ pending_approvals: number }>('/api/status');
    expect(approvals.status).toBe(200);
    expect(Array.isArray(approvals.body)).toBe(true);
    expect(approvals.body.every((approval) => approval.status === 'pending')).toBe(true);
    expect(status.body.pending_approvals).toBe(approvals.body.length);
  });

  it('GET /: the page with a strict content-security-policy and no inline script or style; its stylesheet', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/dashboard\/dashboard\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\son[a-z]+=/i);
    const css = await fetch(`${base}/dashboard/dashboard.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('/dashboard/dashboard.js: the built bundle, as javascript', async () => {
    const response = await fetch(`${base}/dashboard/dashboard.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await response.text()).length).toBeGreaterThan(100);
  });

  it('/dashboard/dashboard.js without a built bundle: 503 with the command that builds it', async () => {
    vi.resetModules();
    vi.doMock('../../services/api/dashboard/dashboardFiles.ts', async (importOriginal) => ({
      ...(await importOriginal<typeof import('../../services/api/dashboard/dashboardFiles.ts')>()),
      DASHBOARD_BUNDLE: join(temp.path, 'not-built', 'dashboard.js'),
    }));
    try {
      const { createApiApp: createUnbuiltApp } = await import('../../services/api/src/app.ts');
      const unbuilt = createUnbuiltApp(apiOptions(ws));
      const listening = await listen(unbuilt);
      try {
        const response = await fetch(`${listening.base}/dashboard/dashboard.js`);
        expect(response.status).toBe(503);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(await response.text()).toContain('make dashboard-build');
      } finally {
        await stop(unbuilt, listening.server);
      }
    } finally {
      vi.doUnmock('../../services/api/dashboard/dashboardFiles.ts');
      vi.resetModules();
    }
  });

  it('/api/stream: a control run is announced as a change naming decisions; endStreams ends the stream', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/stream`, { signal: controller.signal });
    try {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let received = '';
      const readUntil = async (wanted: RegExp, withinMs: number): Promise<void> => {
        const deadline = Date.now() + withinMs;
        while (!wanted.test(received)) {
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`not seen within ${withinMs} ms: ${wanted}; received: ${received}`);
          let timer: NodeJS.Timeout | undefined;
          const chunk = await Promise.race([reader.read(), new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`not seen within ${withinMs} ms: ${wanted}; received: ${received}`)), left); })]);
          clearTimeout(timer);
          if (chunk.done) throw new Error(`stream ended before ${wanted}; received: ${received}`);
          received += decoder.decode(chunk.value, { stream: true });
        }
      };
      await readUntil(/: connected\n\n/, 2_000);

      // A second run over the same summary: whatever it decides (a guardrail, a refusal), it writes to the audit log.
      const before = auditLines(ws).length;
      await controlAsync(ws);
      expect(auditLines(ws).length).toBeGreaterThan(before);
      // Each event names what changed since the feed's last look; one of them names the audit log.
      await readUntil(/event: change\ndata: [^\n]*"decisions"[^\n]*\n\n/, 5_000);
      const changes = [...received.matchAll(/event: change\ndata: ([^\n]*)\n\n/g)].map((match) => (JSON.parse(match[1] as string) as { changed: string[] }).changed);
      expect(changes.flat()).toContain('decisions');
      expect(changes.flat().every((name) => ['decisions', 'summary', 'registry', 'approvals', 'timeline'].includes(name))).toBe(true);

      api.endStreams();
      let ended = false;
      const deadline = Date.now() + 3_000;
      while (!ended && Date.now() < deadline) ended = (await reader.read()).done;
      expect(ended).toBe(true);
    } finally {
      controller.abort();
    }
  });

  it('without its charts file the summary still renders its table, and says why the charts are missing', async () => {
    rmSync(histogramsPath(ws.reports));
    const { status, body } = await getJson<{ available: boolean; drift_table_html: string; charts_missing: string | null }>('/api/summary');
    expect(status).toBe(200);
    expect(body.available).toBe(true);
    expect(body.charts_missing).toContain('column_histograms.json');
    expect(tableVerdicts(body.drift_table_html).length).toBeGreaterThan(0);
    expect(body.drift_table_html).not.toContain('<svg');
  });

  it('a line appended that is not an audit record (no detail): the status strip still answers, and says the chain is broken there', async () => {
    const path = join(ws.events, 'audit.jsonl');
    const before = readFileSync(path, 'utf8');
    const line = before.split('\n').filter((text) => text !== '').length + 1;
    try {
      writeFileSync(path, `${before}{"kind":"release","run_id":"x","seq":${line}}\n`);
      const status = await getJson<{ audit: { state: string; line: number | null } }>('/api/status');
      expect(status.status).toBe(200);
      expect(status.body.audit).toMatchObject({ state: 'broken', line });
      const decisions = await getJson<{ run_id: string }[]>('/api/decisions');
      expect(decisions.status).toBe(200);
      expect(decisions.body.map((decision) => decision.run_id)).not.toContain('x');
    } finally {
      writeFileSync(path, before);
    }
    expect((await getJson<{ state: string }>('/api/audit')).body.state).toBe('verified');
  });

  it('an edited audit line: /api/audit says broken at that line, the other reads still answer', async () => {
    const path = join(ws.events, 'audit.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = (lines[1] as string).replace(/"decision":"([^"]*)"/, '"decision":"$1-edited"');
    writeFileSync(path, lines.join('\n'));
    const { status, body } = await getJson<{ state: string; line: number | null; problem: string; readable_records: number }>('/api/audit');
    expect(status).toBe(200);
    expect(body).toMatchObject({ state: 'broken', line: 2, readable_records: lines.filter((line) => line !== '').length });
    expect(body.problem).toContain('edited');
    const statusBody = await getJson<{ audit: { state: string } }>('/api/status');
    expect(statusBody.status).toBe(200);
    expect(statusBody.body.audit.state).toBe('broken');
    expect((await fetch(`${base}/api/decisions`)).status).toBe(200);
  });

  it('a corrupt registry history line: /api/registry is a 409 with one line naming the file, never a 500', async () => {
    const history = join(ws.registry, 'history.jsonl');
    const lines = readFileSync(history, 'utf8').split('\n');
    lines[0] = '{"version": 1, corrupt';
    writeFileSync(history, lines.join('\n'));
    for (const path of ['/api/registry', '/api/status']) {
      const { status, body } = await getJson<{ error: string }>(path);
      expect(status, path).toBe(409);
      expect(body.error).toContain(history);
      expect(body.error).toContain('line 1');
      expect(body.error.split('\n')).toHaveLength(1);
    }
    // The log's own state still shows: it could not be held against the registry's copies.
    const audit = await getJson<{ state: string; problem: string }>('/api/audit');
    expect(audit.status).toBe(200);
    expect(audit.body).toMatchObject({ state: 'broken' });
    expect(audit.body.problem).toContain('registry');
  });
});

describe('dashboard API over folders that are not what they should be', () => {
  it('a replay folder that is a file shows no replay; a watcher log that is a folder is a 409 naming it, never a 500', async () => {
    const root = join(temp.path, 'odd');
    mkdirSync(join(root, 'watch', 'windows.jsonl'), { recursive: true });
    writeFileSync(join(root, 'replay-file'), 'not a folder');
    const app = createApiApp({ ...apiOptions(ws), watchDirectory: join(root, 'watch'), replayDirectory: join(root, 'replay-file') });
    const listening = await listen(app);
    try {
      const response = await fetch(`${listening.base}/api/timeline`);
      expect(response.status).toBe(409);
      expect(((await response.json()) as { error: string }).error).toContain('windows.jsonl');
      const summary = await fetch(`${listening.base}/api/summary`);
      expect(summary.status).toBe(200);
    } finally {
      await stop(app, listening.server);
    }
    const noReplay = createApiApp({ ...apiOptions(ws), watchDirectory: join(root, 'no-watch'), replayDirectory: join(root, 'replay-file') });
    const second = await listen(noReplay);
    try {
      const response = await fetch(`${second.base}/api/timeline`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { source: string | null }).source).toBeNull();
    } finally {
      await stop(noReplay, second.server);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../../services/api/dashboard/browser.ts';
import { control, controlAsync, ok, workspaces, type Workspace } from '../helpers/controlWorkspace.ts';
import { makeTempDir, runScriptAsync } from '../helpers/runScript.ts';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess.ts';

/*
 * The dashboard in Debian's chromium, driven by playwright-core, against the real API
 * process over demo-black-friday's state: a shock escalated, its retrain waiting for a human.
 */
const missing = chromiumMissing();
if (missing !== null) console.log(`SKIP dashboard browser test: ${missing}`);

const KEY = 'dashboard-test-key';
const temp = makeTempDir('dashboard');
let ws: Workspace;
let server: ServerProcess | undefined;
let browser: Browser | undefined;
let base: string;
const consoleErrors: string[] = [];

async function openPage(width: number, height: number): Promise<Page> {
  const page = await (browser as Browser).newPage({ viewport: { width, height } });
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`); });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  await page.goto(`${base}/`);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
  return page;
}

/** The API's directories, all in the workspace: nothing of the repository's shared/. */
function serverEnvironment(): NodeJS.ProcessEnv {
  return {
    DRIFTWATCH_API_KEY: KEY, DRIFTWATCH_REGISTRY: ws.registry, DRIFTWATCH_REPORTS: ws.reports, DRIFTWATCH_EVENTS: ws.events, DRIFTWATCH_APPROVALS: ws.approvals,
    DRIFTWATCH_DATA: ws.data, DRIFTWATCH_POLICY: ws.policy, DRIFTWATCH_PREDICTIONS: join(ws.root, 'predictions'), DRIFTWATCH_WATCH: join(ws.root, 'watch'), DRIFTWATCH_REPLAY: join(ws.root, 'replay'),
  };
}

const pending = async (): Promise<unknown[]> => (await (await fetch(`${base}/api/approvals`)).json()) as unknown[];

describe.skipIf(missing !== null)('dashboard in a real browser (chromium via playwright-core)', () => {
  beforeAll(async () => {
    const prepared = workspaces(temp.path);
    // The shipped gates block this small retrain against its champion about as often as not;
    // the page's flow, not the gate, is under test, so the challenger may trail by more.
    ws = prepared.variant(prepared.prepare('prepared', 'shock_black_friday', 3000), 'black-friday', (text) => text
      .replace('max_auc_drop_vs_champion: 0.01', 'max_auc_drop_vs_champion: 0.2')
      .replace('max_average_precision_drop_vs_champion: 0.02', 'max_average_precision_drop_vs_champion: 0.5'));
    const decided = JSON.parse(ok(control(ws)).stdout) as { outcome: string };
    expect(decided.outcome).toBe('pending_approval');
    // A watcher's log of three windows, one of them a promotion, for the timeline's charts.
    mkdirSync(join(ws.root, 'watch'), { recursive: true });
    writeFileSync(join(ws.root, 'watch', 'windows.jsonl'), [1, 2, 3].map((day) => `${JSON.stringify({
      window: `2026-09-0${day}`, day, start: `2026-09-0${day}T00:00:00.000Z`, end: `2026-09-0${day + 1}T00:00:00.000Z`, rows: 2000, known_auc: 0.9 - day / 50, hindsight_auc: 0.9 - day / 40,
      estimated_auc: 0.89 - day / 60, drift_share: day / 9, action: day === 2 ? 'retrain_and_evaluate' : 'noop', outcome: day === 2 ? 'promoted' : 'no_action', serving_version_after: day >= 2 ? 2 : 1,
    })}\n`).join(''));
    server = await startServerProcess(serverEnvironment());
    base = `http://127.0.0.1:${server.port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    // Stopped by the PID this test holds.
    server?.child.kill('SIGTERM');
    temp.cleanup();
  });

  it('loads with no console error and shows the Production version, the pending approval, the decision and the drift table with its charts', async () => {
    const page = await openPage(1280, 900);
    expect(await page.getAttribute('#production-version', 'data-version')).toBe('1');
    expect(await page.getAttribute('#pending-count', 'data-count')).toBe('1');
    expect(await page.getAttribute('#audit-state', 'data-state')).toBe('verified');
    expect(await page.locator('article.approval').count()).toBe(1);
    expect(await page.locator('#decisions article.decision').first().textContent()).toContain('shock (high)');
    // The report's own table: the drifted column first, its chart drawn.
    expect(await page.locator('#drift tr.drifted').count()).toBeGreaterThan(0);
    expect(await page.locator('#drift table svg').count()).toBe(9);
    // The timeline: the AUC chart (realised, hindsight and estimated lines) and the drift chart, the promotion marked.
    expect(await page.locator('#timeline svg').count()).toBe(2);
    expect(await page.locator('#timeline svg path[d^="M"]').count()).toBe(4);
    expect(await page.locator('#timeline text.marker[data-outcome="promoted"]').count()).toBe(1);
    await page.waitForSelector('#feed-state[data-state="live"]', { timeout: 10_000 });
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('is usable at phone width: nothing wider than the screen but the tables\' own scroll boxes', async () => {
    const page = await openPage(375, 740);
    // Strings: these run in the page, and the tests are typed for Node, not the DOM.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.locator('button[data-action="approve"]').isVisible()).toBe(true);
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('refuses Reject without a reason in the page (nothing is sent), then Approve runs the plan: the new Production version shows and nothing waits', async () => {
    const page = await openPage(1280, 900);
    const auditBefore = readFileSync(join(ws.events, 'audit.jsonl'), 'utf8');
    await page.fill('#api-key', KEY);
    await page.click('#key-form button[type="submit"]');
    expect(await page.evaluate<string | null>('sessionStorage.getItem("driftwatch.apiKey")')).toBe(KEY);
    expect(page.url()).not.toContain(KEY);

    await page.click('button[data-action="reject"]');
    await page.waitForSelector('article.approval p.error');
    expect(await page.locator('article.approval p.error').textContent()).toContain('A reason is required to reject');
    expect(await pending()).toHaveLength(1);
    expect(readFileSync(join(ws.events, 'audit.jsonl'), 'utf8')).toBe(auditBefore);

    await page.click('button[data-action="approve"]');
    await page.waitForSelector('#production-version[data-version="2"]', { timeout: 60_000 });
    await page.waitForSelector('#no-approvals', { timeout: 10_000 });
    expect(await page.locator('#answer-result').textContent()).toContain('retrain_and_evaluate → promoted');
    expect(await page.getAttribute('#pending-count', 'data-count')).toBe('0');
    expect(await page.locator('#decisions article.decision').first().textContent()).toContain('promoted');
    expect(await pending()).toHaveLength(0);
    expect(existsSync(join(ws.registry, 'versions', 'v2'))).toBe(true);

    // A decision made elsewhere (the command line) lands in the open page by itself.
    const decisionsBefore = await page.locator('#decisions article.decision').count();
    const again = JSON.parse(ok(await controlAsync(ws)).stdout) as { run_id: string };
    await page.waitForSelector(`#decisions article.decision[data-run="${again.run_id}"]`, { timeout: 15_000 });
    expect(await page.locator('#decisions article.decision').count()).toBe(decisionsBefore + 1);
    await page.close();
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it('make dashboard-shot\'s command writes a full-page PNG of the page over the state it is pointed at, and stops the API it started', async () => {
    const out = join(temp.path, 'shots', 'dashboard.png');
    const result = await runScriptAsync('services/api/dashboard/screenshotCli.ts', ['--out', out], { env: serverEnvironment() });
    expect(result.status, result.stderr).toBe(0);
    const png = readFileSync(out);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // Full page: taller than the 900 px viewport (the PNG's height is bytes 20..24 of its header).
    expect(png.readUInt32BE(20)).toBeGreaterThan(900);
    expect(result.stderr).toContain(out);
  }, 60_000);

  it('make dashboard-shot refuses a bad width in one line, writing nothing', async () => {
    const out = join(temp.path, 'shots', 'narrow.png');
    const result = await runScriptAsync('services/api/dashboard/screenshotCli.ts', ['--out', out, '--width', '12'], { env: serverEnvironment() });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--width');
    expect(existsSync(out)).toBe(false);
  });
});

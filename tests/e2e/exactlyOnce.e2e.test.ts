import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { acquireFileLock } from '../../services/core/src/infrastructure/fileLock.ts';
import { assertAuditIntact } from '../../services/control_plane/src/auditLog.ts';
import { mirroredPositions, runControl } from '../../services/control_plane/src/controlRun.ts';
import { controlOptionsAt } from '../../services/control_plane/src/controlOptions.ts';
import { ModelRegistry } from '../../services/registry/src/index.ts';
import { approvalsAsync, approvals, auditLines, auditVerify, control, event, ok, startWorkspaceApi, workspaces, type Workspace } from '../helpers/controlWorkspace.ts';
import { expectOneLineUserError, makeTempDir, REPO_ROOT, runScript, scriptArguments, type ScriptResult } from '../helpers/runScript.ts';

const temp = makeTempDir('exactly-once');
afterAll(() => temp.cleanup());
const { prepare, variant } = workspaces(temp.path);
const KEY = { DRIFTWATCH_AUDIT_KEY: 'exactly-once test key' };
const NOW = '2026-11-23T10:00:00Z';
const noCooldown = (text: string) => text.replace('cooldown_minutes: 60', 'cooldown_minutes: 0');
/**
 * The small feature-drift data is a regression at confidence 0.75: let it act without a
 * human. And a fixed reference, so that each run on the same summary decides the same
 * after a promotion (by default the reference moves to the new model's training data,
 * and drift against the old one is not acted on).
 */
const autonomous = (text: string) => text.replace('min_confidence: 0.8 ', 'min_confidence: 0.5 ')
  .replace('  mode: training_data', `  mode: fixed\n  path: ${join(feature.data, 'reference.csv')}`);

interface Record { seq: number; run_id: string; kind: string; decision: string; detail: { [key: string]: unknown } }
const records = (ws: Workspace): Record[] => (existsSync(join(ws.events, 'audit.jsonl')) ? auditLines(ws).map((line) => JSON.parse(line) as Record) : []);
interface Move { version: number; to: string; operation: string; idempotency_key?: string }
const moves = (ws: Workspace): Move[] => readFileSync(join(ws.registry, 'history.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Move);

/**
 * What must hold after any crash and the run that follows it: the log verifies against
 * its head and the registry; every intent is closed; every registry move a control run
 * made belongs to an intent in the log; no intent's effect happened twice; a version
 * promoted (to Production or Staging) by a run's hand is recorded as promoted, and a
 * challenger it archived as blocked.
 */
function expectConsistent(ws: Workspace): void {
  expectWrittenAhead(ws);
  const log = records(ws);
  const intents = log.filter((record) => record.kind === 'intent');
  const closed = new Set(log.filter((record) => record.kind === 'outcome').map((record) => record.detail.key));
  expect(intents.filter((intent) => !closed.has(intent.detail.key)), 'open intents').toEqual([]);
  const keys = new Set(intents.map((intent) => intent.detail.key));
  const keyed = moves(ws).filter((move) => move.idempotency_key !== undefined);
  expect(keyed.filter((move) => !keys.has(move.idempotency_key)), 'registry moves without an intent').toEqual([]);
  for (const key of keys) {
    const promotions = keyed.filter((move) => move.idempotency_key === key && move.operation === 'promote' && move.to !== 'Archived');
    expect(promotions.length, `promotions by ${String(key)}`).toBeLessThanOrEqual(1);
    if (promotions.length === 1) {
      expect(log.some((record) => record.kind === 'outcome' && record.detail.key === key && record.decision === 'promoted'), `promotion by ${String(key)} recorded`).toBe(true);
    }
    const archives = keyed.filter((move) => move.idempotency_key === key && move.operation === 'archive');
    expect(archives.length + promotions.length, `challengers decided by ${String(key)}`).toBeLessThanOrEqual(1);
    if (archives.length === 1) {
      expect(log.some((record) => record.kind === 'outcome' && record.detail.key === key && record.decision === 'blocked'), `archive by ${String(key)} recorded as blocked`).toBe(true);
    }
  }
  expect(ModelRegistry.open(ws.registry).versions().filter((version) => version.stage === 'Production')).toHaveLength(1);
}

/** The registry's versions, in process (each command started costs a second on this machine). */
const versionCount = (ws: Workspace): number => ModelRegistry.open(ws.registry).versions().length;
const productionNow = (ws: Workspace): number[] => ModelRegistry.open(ws.registry).versions().filter((version) => version.stage === 'Production').map((version) => version.metadata.version);

let feature: Workspace;
let shock: Workspace;
beforeAll(() => {
  feature = prepare('feature', 'drift_feature', 1500, 2000);
  shock = prepare('shock', 'shock_black_friday', 3000);
}, 180_000);

describe('actions run exactly once', () => {
  it('three approvers on the command line and one through the API at once: exactly one carries it out, the others are told who did', async () => {
    const ws = variant(shock, 'concurrent-approvals', noCooldown);
    ok(control(ws, [], KEY));
    const id = event(ws, 'release_result.json').approval_id as string;
    // The API reads the audit key from its environment, as the commands do.
    process.env.DRIFTWATCH_AUDIT_KEY = KEY.DRIFTWATCH_AUDIT_KEY;
    const { base, stop } = await startWorkspaceApi(ws);
    try {
      const commandLine = [1, 2, 3].map(() => approvalsAsync(ws, ['approve', id], KEY));
      const throughApi = new Promise<Response>((resolveLater) => setTimeout(() => resolveLater(fetch(`${base}/approvals/${id}/approve`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'test-key' }, body: '{}' })), 400));
      const results: ScriptResult[] = await Promise.all(commandLine);
      const apiResponse = await throughApi;
      const apiBody = (await apiResponse.json()) as { error?: string };
      if (![200, 409].includes(apiResponse.status)) throw new Error(`API answered ${apiResponse.status}: ${JSON.stringify(apiBody)}`);
      const winners = results.filter((result) => result.status === 0).length + (apiResponse.status === 200 ? 1 : 0);
      expect(winners).toBe(1);
      for (const result of results.filter((each) => each.status !== 0)) expect(expectOneLineUserError(result)).toMatch(new RegExp(`${id} is already approved by \\S+ at \\S+ \\(run \\S+\\)|is held by pid`));
      if (apiResponse.status !== 200) {
        expect(apiResponse.status).toBe(409);
        expect(apiBody.error).toMatch(/already approved by|is held by pid/);
      }
    } finally {
      delete process.env.DRIFTWATCH_AUDIT_KEY;
      await stop();
    }
    const log = records(ws);
    expect(log.filter((record) => record.kind === 'approval')).toHaveLength(1);
    expect(versionCount(ws)).toBe(2);
    const approval = JSON.parse(readFileSync(join(ws.approvals, `${id}.json`), 'utf8')) as { status: string; executed_run_id: string };
    expect(approval.status).toBe('approved');
    expect(log.find((record) => record.kind === 'release' && record.run_id === approval.executed_run_id)?.detail.action).toBe('retrain_and_evaluate');
    expectConsistent(ws);
  }, 120_000);

  describe('kill -9 at each step of a retrain: the next run settles it, repeats nothing and loses nothing', () => {
    for (const step of ['after_intent', 'after_challenger_registered', 'after_promotion', 'before_events']) {
      it(step, () => {
        const ws = variant(feature, `step-${step}`, autonomous);
        expect(control(ws, ['--now', NOW], { ...KEY, DRIFTWATCH_FAULT: step }).status).toBeNull();
        ok(control(ws, ['--now', NOW], KEY));
        expectConsistent(ws);
        const log = records(ws);
        const settlement = log.find((record) => record.kind === 'outcome' && record.detail.reconciled_by !== undefined);
        expect(settlement, 'the crashed run is settled').toBeDefined();
        // Exactly one challenger: the crashed run's, or (when it died before training) the next run's.
        expect(versionCount(ws)).toBe(2);
        if (step === 'after_promotion' || step === 'before_events') {
          expect(settlement?.decision).toBe('promoted');
          expect(productionNow(ws)).toEqual([2]);
          expect(event(ws, 'release_result.json').outcome).toBe('deferred');
        }
      }, 60_000);
    }
  });

  describe('kill -9 right after the challenger was decided, off the Production path: the next run records where it ended', () => {
    it('after a blocked challenger was archived: settled as blocked; v2 stays Archived, v1 serves', () => {
      const ws = variant(feature, 'step-archived', (text) => autonomous(text).replace('promote_if_quality_gates_pass: true', 'promote_if_quality_gates_pass: false'));
      expect(control(ws, ['--now', NOW], { ...KEY, DRIFTWATCH_FAULT: 'after_challenger_archived' }).status).toBeNull();
      ok(control(ws, ['--now', NOW], KEY));
      const settlement = records(ws).find((record) => record.kind === 'outcome' && record.detail.reconciled_by !== undefined);
      expect(settlement).toMatchObject({ decision: 'blocked', detail: { settled: 'completed', started: true } });
      expect(ModelRegistry.open(ws.registry).versions().map((version) => [version.metadata.version, version.stage])).toEqual([[1, 'Production'], [2, 'Archived']]);
      expectConsistent(ws);
    }, 60_000);

    it('after a promotion to Staging (promote_stage: Staging): settled as promoted; v2 stays in Staging, v1 serves', () => {
      const ws = variant(feature, 'step-staging', (text) => autonomous(text).replace('promote_stage: Production', 'promote_stage: Staging'));
      expect(control(ws, ['--now', NOW], { ...KEY, DRIFTWATCH_FAULT: 'after_promotion' }).status).toBeNull();
      ok(control(ws, ['--now', NOW], KEY));
      const settlement = records(ws).find((record) => record.kind === 'outcome' && record.detail.reconciled_by !== undefined);
      expect(settlement).toMatchObject({ decision: 'promoted', detail: { settled: 'completed', started: true, explanation: expect.stringContaining('to Staging') } });
      expect(ModelRegistry.open(ws.registry).versions().map((version) => [version.metadata.version, version.stage])).toEqual([[1, 'Production'], [2, 'Staging']]);
      expectConsistent(ws);
    }, 60_000);
  });

  it('kill -9 after an approval file appears: the next run records that the crashed run created it', () => {
    const ws = variant(shock, 'step-approval');
    expect(control(ws, ['--now', NOW], { ...KEY, DRIFTWATCH_FAULT: 'after_approval_created' }).status).toBeNull();
    const created = readdirSync(ws.approvals);
    expect(created).toHaveLength(1);
    ok(control(ws, ['--now', NOW], KEY));
    const settlement = records(ws).find((record) => record.kind === 'outcome' && record.detail.reconciled_by !== undefined);
    expect(settlement).toMatchObject({ decision: 'pending_approval', detail: { settled: 'completed' } });
    expectConsistent(ws);
  }, 60_000);

  describe('kill -9 while approving: the approval is never run twice, and never lost', () => {
    it('killed after the claim, before any effect: the approval is pending again, and approving it runs it once', () => {
      const ws = variant(shock, 'approve-claim', noCooldown);
      ok(control(ws, [], KEY));
      const id = event(ws, 'release_result.json').approval_id as string;
      expect(approvals(ws, ['approve', id], { ...KEY, DRIFTWATCH_FAULT: 'after_claim' }).status).toBeNull();
      expect(JSON.parse(readFileSync(join(ws.approvals, `${id}.json`), 'utf8')).status).toBe('approved');
      ok(approvals(ws, ['approve', id], KEY));
      expect(JSON.parse(readFileSync(join(ws.approvals, `${id}.json`), 'utf8')).status).toBe('approved');
      expect(versionCount(ws)).toBe(2);
      expect(records(ws).find((record) => record.kind === 'outcome' && record.detail.reopened_approval === id)).toBeDefined();
      expectConsistent(ws);
    }, 60_000);

    it('killed after the promotion: the approval stays approved, approving again is refused, nothing runs twice', () => {
      // Trained on the shock too: left out, the small data's challenger is blocked, and there is no promotion to kill.
      const ws = variant(shock, 'approve-promoted', (text) => noCooldown(text).replace('retrain_includes_shock: false', 'retrain_includes_shock: true'));
      ok(control(ws, [], KEY));
      const id = event(ws, 'release_result.json').approval_id as string;
      expect(approvals(ws, ['approve', id], { ...KEY, DRIFTWATCH_FAULT: 'after_promotion' }).status).toBeNull();
      expect(expectOneLineUserError(approvals(ws, ['approve', id], KEY))).toMatch(new RegExp(`${id} is already approved by`));
      expect(versionCount(ws)).toBe(2);
      expect(productionNow(ws)).toEqual([2]);
      expectConsistent(ws);
    }, 60_000);
  });

  it('kill -9 at 30 random moments: after each, the log, its head, the registry and the approvals agree; the runs after settle every crash and repeat nothing', async () => {
    const random = seedrandom.alea('kill-moments');
    const everyRunRetrains = (text: string) => autonomous(text).replace('max_retrains_per_day: 3', 'max_retrains_per_day: 1000');
    // Two chains of runs, one per core: each run is killed at a random moment, and is also the next run of the one before.
    const failures = (await Promise.all([0, 1].map(async (chain) => {
      const ws = variant(feature, `random-chain-${chain}`, everyRunRetrains);
      const problems: string[] = [];
      // The kills are spread from a little before a run writes its intent to its end (the part where it acts),
      // timed by a first whole run under the same load (both chains at once).
      const timing = await timedRun(ws, new Date(Date.parse(NOW) - 2 * 3_600_000).toISOString());
      let lastWindow = '';
      for (let run = 0; run < 15; run += 1) {
        // The window follows the load: each finished run says how long a run takes now, each intent seen when it comes.
        const from = Math.max(0, timing.intentMs - 300);
        const delayMs = Math.round(from + (timing.durationMs + 200 - from) * random());
        lastWindow = `${from}-${timing.durationMs + 200} ms`;
        // Two hours apart: past the cooldown, so every run that gets far enough retrains.
        const now = new Date(Date.parse(NOW) + run * 2 * 3_600_000).toISOString();
        const observed = await killedAfter(ws, delayMs, now);
        if (observed.intentMs !== undefined) timing.intentMs = observed.intentMs;
        if (observed.finished) timing.durationMs = observed.elapsedMs;
        try {
          expectWrittenAhead(ws);
        } catch (error) {
          problems.push(`chain ${chain}, run ${run} (${observed.finished ? 'finished' : `killed after ${delayMs} ms`}): ${(error as Error).message.split('\n')[0]}`);
        }
      }
      await timedRun(ws, new Date(Date.parse(NOW) + 60 * 3_600_000).toISOString());
      const settled = records(ws).filter((record) => record.kind === 'outcome' && record.detail.reconciled_by !== undefined).map((record) => `${record.decision}${record.detail.started === false ? ' (nothing started)' : ''}`);
      // Where the kills landed, for the reader of the test output: crashes settled by the next run, and versions trained.
      process.stdout.write(`chain ${chain} (last kill window ${lastWindow}): ${settled.length} crashed runs settled (${[...new Set(settled)].map((kind) => `${settled.filter((each) => each === kind).length} ${kind}`).join(', ')}), ${ModelRegistry.open(ws.registry).versions().length} versions\n`);
      try {
        expectConsistent(ws);
      } catch (error) {
        problems.push(`chain ${chain}, after the last run: ${(error as Error).message.split('\n')[0]}`);
      }
      return problems;
    }))).flat();
    expect(failures).toEqual([]);
  }, 300_000);
});

/**
 * What holds at every moment, even right after a kill: the log verifies against its head
 * and the registry's copies, and no registry move was made without its intent in the log.
 */
function expectWrittenAhead(ws: Workspace): void {
  const history = ModelRegistry.open(ws.registry).history();
  assertAuditIntact(ws.events, KEY.DRIFTWATCH_AUDIT_KEY, mirroredPositions(history));
  const keys = new Set(records(ws).filter((record) => record.kind === 'intent').map((record) => record.detail.key));
  expect(history.filter((move) => move.idempotency_key !== undefined && !keys.has(move.idempotency_key)), 'registry moves without an intent').toEqual([]);
}

function controlProcess(ws: Workspace, now: string) {
  return spawn(process.execPath, [...scriptArguments('services/control_plane/src/cli.ts'),
    '--summary', join(ws.reports, 'monitoring_summary.json'), '--policy', ws.policy, '--registry', ws.registry, '--events', ws.events, '--approvals', ws.approvals, '--now', now,
  ], { cwd: REPO_ROOT, env: { ...process.env, ...KEY }, stdio: 'ignore' });
}

/** A run, killed after `delayMs` unless it finishes first: whether it finished, how long it ran, when its first audit record appeared. */
async function killedAfter(ws: Workspace, delayMs: number, now: string): Promise<{ finished: boolean; elapsedMs: number; intentMs?: number }> {
  const started = Date.now();
  const log = join(ws.events, 'audit.jsonl');
  const sizeAtStart = existsSync(log) ? statSync(log).size : 0;
  let intentMs: number | undefined;
  const watcher = setInterval(() => {
    if (intentMs === undefined && existsSync(log) && statSync(log).size > sizeAtStart) intentMs = Date.now() - started;
  }, 5);
  const child = controlProcess(ws, now);
  const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  clearInterval(watcher);
  return { finished: code !== null, elapsedMs: Date.now() - started, intentMs };
}

/** A whole run: how long it took here, and when its intent appeared. */
async function timedRun(ws: Workspace, now: string): Promise<{ durationMs: number; intentMs: number }> {
  const run = await killedAfter(ws, 600_000, now);
  expect(run.finished).toBe(true);
  return { durationMs: run.elapsedMs, intentMs: run.intentMs ?? 0 };
}

describe('decisions that were recorded are never lost, and never made twice', () => {
  it('a run id names one run: a second run under it is refused before anything happens', () => {
    const ws = variant(feature, 'run-id-twice', autonomous);
    ok(control(ws, ['--now', NOW, '--run-id', 'nightly'], KEY));
    const before = readFileSync(join(ws.registry, 'history.jsonl'), 'utf8');
    expect(expectOneLineUserError(control(ws, ['--now', '2026-11-24T10:00:00Z', '--run-id', 'nightly'], KEY))).toMatch(/run id "nightly" is already in .*audit\.jsonl \(line \d+\): a run id names one run/);
    expect(readFileSync(join(ws.registry, 'history.jsonl'), 'utf8')).toBe(before);
  }, 60_000);

  it('a window is decided once: a second run for a window already decided (another watcher judged it meanwhile) is refused under the lock, before anything is written', () => {
    const ws = variant(feature, 'window-twice', autonomous);
    const optionsFor = (runId: string) => controlOptionsAt({ eventsDirectory: ws.events, approvalsDirectory: ws.approvals, registryDirectory: ws.registry, policyPath: ws.policy, summaryPath: join(ws.reports, 'monitoring_summary.json') },
      { now: new Date(NOW), actor: 'watcher-test', runId, windowId: '2026-09-01', lockTimeoutMs: 0 });
    runControl(optionsFor('window-2026-09-01'));
    const audit = readFileSync(join(ws.events, 'audit.jsonl'), 'utf8');
    const history = readFileSync(join(ws.registry, 'history.jsonl'), 'utf8');
    // The slower watcher's run, under its own attempt's id: without the check it would decide the window a second time.
    expect(() => runControl(optionsFor('window-2026-09-01-attempt2'))).toThrow(/window 2026-09-01 was decided by run window-2026-09-01 \(.*audit\.jsonl: line \d+\): a window is decided once; nothing was done/);
    expect(readFileSync(join(ws.events, 'audit.jsonl'), 'utf8')).toBe(audit);
    expect(readFileSync(join(ws.registry, 'history.jsonl'), 'utf8')).toBe(history);
  }, 60_000);

  it('a run id that is not a plain name, and an events directory that is a file, are refused in one line', () => {
    const ws = variant(feature, 'bad-run-id', autonomous);
    expect(expectOneLineUserError(control(ws, ['--run-id', '../../escape'], KEY))).toMatch(/--run-id must be 1 to 100 letters/);
    expect(existsSync(join(ws.root, 'escape'))).toBe(false);
    const notADirectory = join(ws.root, 'events-file');
    writeFileSync(notADirectory, '');
    expect(expectOneLineUserError(control({ ...ws, events: notADirectory }, [], KEY))).toMatch(/--events .*events-file is not a directory/);
    expect(expectOneLineUserError(auditVerify({ ...ws, events: notADirectory }, KEY))).toMatch(/--events .*events-file is not a directory/);
  }, 60_000);

  it('a rejection killed after it was recorded, before the approval file was saved: the next run saves it as recorded', () => {
    const ws = variant(shock, 'reject-killed');
    ok(control(ws, ['--now', NOW], KEY));
    const id = event(ws, 'release_result.json').approval_id as string;
    expect(approvals(ws, ['reject', id, '--reason', 'a sale, not fraud', '--now', '2026-11-23T11:00:00Z'], { ...KEY, DRIFTWATCH_FAULT: 'after_decision_recorded' }).status).toBeNull();
    expect(JSON.parse(readFileSync(join(ws.approvals, `${id}.json`), 'utf8')).status).toBe('pending');
    ok(control(ws, ['--now', '2026-11-23T12:00:00Z'], KEY));
    expect(JSON.parse(readFileSync(join(ws.approvals, `${id}.json`), 'utf8'))).toMatchObject({ status: 'rejected', reason: 'a sale, not fraud' });
    expect(expectOneLineUserError(approvals(ws, ['approve', id], KEY))).toMatch(new RegExp(`${id} is already rejected by`));
  }, 60_000);

  it('an approval whose action a guardrail holds back is refused and stays pending: the human\'s yes is not used up', () => {
    const ws = variant(shock, 'approve-deferred', (text) => text.replace('max_retrains_per_day: 3', 'max_retrains_per_day: 0'));
    ok(control(ws, ['--now', NOW], KEY));
    const id = event(ws, 'release_result.json').approval_id as string;
    expect(expectOneLineUserError(approvals(ws, ['approve', id, '--now', NOW], KEY))).toMatch(new RegExp(`retrain_and_evaluate cannot run now: guardrail retrain_budget.*${id} stays pending`));
    expect(JSON.parse(readFileSync(join(ws.approvals, `${id}.json`), 'utf8'))).toMatchObject({ status: 'pending', executed_run_id: null });
    expect(records(ws).filter((record) => record.kind === 'refusal')).toHaveLength(1);
    expect(versionCount(ws)).toBe(1);
  }, 60_000);
});

describe('the audit key', () => {
  it('a keyed log rewritten without the key, its head unkeyed and the registry\'s copies removed, is refused', () => {
    const ws = variant(feature, 'downgrade', autonomous);
    ok(control(ws, ['--now', NOW], KEY));
    const lines = auditLines(ws);
    const first = JSON.parse(lines[0] as string) as { seq: number; hash: string; alg?: string; prev_hash: string };
    const { hash: _hash, alg: _alg, ...unkeyedFirst } = first;
    const firstLine = JSON.stringify({ ...unkeyedFirst, hash: sha256(`${first.prev_hash}\n${canonical(unkeyedFirst)}`) });
    const rewritten = rechained([firstLine, ...lines.slice(1)], 1);
    writeFileSync(join(ws.events, 'audit.jsonl'), rewritten.map((line) => `${line}\n`).join(''));
    const last = JSON.parse(rewritten[rewritten.length - 1] as string) as { seq: number; hash: string };
    const body = { records: last.seq, last_hash: last.hash, alg: 'sha256', pending: [] as string[] };
    writeFileSync(join(ws.events, 'audit.head.json'), JSON.stringify({ ...body, mac: sha256(canonical(body)) }));
    const history = readFileSync(join(ws.registry, 'history.jsonl'), 'utf8').trim().split('\n').map((line) => { const { audit_head: _head, ...rest } = JSON.parse(line) as { audit_head?: unknown }; return JSON.stringify(rest); });
    writeFileSync(join(ws.registry, 'history.jsonl'), `${history.join('\n')}\n`);
    expect(ok(auditVerify(ws, {})).stdout).toMatch(/plain SHA-256/);
    expect(expectOneLineUserError(auditVerify(ws, KEY))).toMatch(/the head is not keyed, yet DRIFTWATCH_AUDIT_KEY is set/);
    expect(expectOneLineUserError(control(ws, ['--now', '2026-11-24T10:00:00Z'], KEY))).toMatch(/refusing to act on it/);
  }, 60_000);

  it('a key set for a log written without one is adopted once, explicitly; then every record is keyed', () => {
    const ws = variant(feature, 'adopt', autonomous);
    ok(control(ws, ['--now', NOW]));
    expect(expectOneLineUserError(control(ws, ['--now', '2026-11-24T10:00:00Z'], KEY))).toMatch(/adopt it once with/);
    expect(ok(runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', ws.events, '--registry', ws.registry, '--adopt-key'], { env: KEY })).stdout).toMatch(/keyed with HMAC-SHA256 from now on/);
    ok(control(ws, ['--now', '2026-11-24T10:00:00Z'], KEY));
    expect(records(ws).filter((record) => (record as { alg?: string }).alg === 'hmac-sha256').length).toBeGreaterThan(0);
    ok(auditVerify(ws, KEY));
    expect(expectOneLineUserError(auditVerify(ws, {}))).toMatch(/set DRIFTWATCH_AUDIT_KEY/);
  }, 60_000);
});

describe('a broken or tampered log stops every action', () => {
  it('a garbage last line: control refuses before any effect, naming the line', () => {
    const ws = variant(feature, 'garbage-line', autonomous);
    mkdirSync(ws.events);
    ok(control(ws, ['--now', NOW], KEY));
    const before = readFileSync(join(ws.registry, 'history.jsonl'), 'utf8');
    appendFileSync(join(ws.events, 'audit.jsonl'), '{"seq": 99, "garbage": true}\n');
    const lines = auditLines(ws).length;
    expect(expectOneLineUserError(control(ws, ['--now', '2026-11-24T10:00:00Z'], KEY))).toMatch(new RegExp(`audit\\.jsonl: line ${lines}: .*refusing to act on it, nothing was done`));
    expect(readFileSync(join(ws.registry, 'history.jsonl'), 'utf8')).toBe(before);
  }, 60_000);

  describe('make audit-verify finds each tampering that went unnoticed before, and control refuses to act on it', () => {
    let ran: Workspace;
    beforeAll(() => {
      ran = variant(feature, 'tamper-source', autonomous);
      ok(control(ran, ['--now', NOW], KEY));
      ok(control(ran, ['--now', '2026-11-23T12:00:00Z'], KEY));
    }, 60_000);
    const cases: [string, (lines: string[], ws: Workspace) => string[] | null, boolean][] = [
      ['the last line removed', (lines) => lines.slice(0, -1), true],
      ['the last three lines removed', (lines) => lines.slice(0, -3), false],
      ['the file emptied', () => [], false],
      ['the file deleted', () => null, false],
      ['the file and its head deleted', (_lines, ws) => { rmSync(join(ws.events, 'audit.head.json')); return null; }, true],
      ['a forged line appended, with a hash recomputed the unkeyed way', (lines) => [...lines, forgedAfter(lines[lines.length - 1] as string)], false],
      ['rewritten from line 3 on, hashes recomputed', (lines) => rechained(lines, 2), false],
    ];
    for (const [name, tamper, alsoControl] of cases) {
      it(name, () => {
        const ws = variant(ran, `tamper-${name.replace(/\W+/g, '-')}`);
        const tampered = tamper(auditLines(ws), ws);
        if (tampered === null) rmSync(join(ws.events, 'audit.jsonl'));
        else writeFileSync(join(ws.events, 'audit.jsonl'), tampered.map((line) => `${line}\n`).join(''));
        expect(expectOneLineUserError(auditVerify(ws, KEY))).toMatch(/audit\.jsonl/);
        // control runs the same check first (assertAuditIntact); here it is run for real on the cases the head and the registry catch.
        if (alsoControl) {
          const before = readFileSync(join(ws.registry, 'history.jsonl'), 'utf8');
          expect(expectOneLineUserError(control(ws, ['--now', '2026-11-25T10:00:00Z'], KEY))).toMatch(/refusing to act on it/);
          expect(readFileSync(join(ws.registry, 'history.jsonl'), 'utf8')).toBe(before);
        }
      }, 30_000);
    }
  });
});

/** A record appended after `last`, hashed as the unkeyed chain hashes (what anyone can compute). */
function forgedAfter(last: string): string {
  const previous = JSON.parse(last) as { seq: number; hash: string };
  return rechained([last, JSON.stringify({ seq: previous.seq + 1, time: NOW, run_id: 'forged', kind: 'release', decision: 'promoted', detail: {}, prev_hash: previous.hash, hash: '' })], 1)[1] as string;
}

/** The lines from `from` on re-hashed with plain SHA-256, as someone without the key would rewrite them. */
function rechained(lines: string[], from: number): string[] {
  const out = lines.slice(0, from);
  let previous = JSON.parse(lines[from - 1] as string) as { seq: number; hash: string };
  for (const line of lines.slice(from)) {
    const { hash: _hash, alg: _alg, ...rest } = JSON.parse(line) as { hash: string; alg?: string; prev_hash: string; seq: number };
    const unhashed = { ...rest, decision: 'noop', seq: previous.seq + 1, prev_hash: previous.hash };
    const hash = sha256(`${unhashed.prev_hash}\n${canonical(unhashed)}`);
    out.push(JSON.stringify({ ...unhashed, hash }));
    previous = { seq: unhashed.seq, hash };
  }
  return out;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as { [key: string]: unknown })[key])}`).join(',')}}`;
  return JSON.stringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** /action while another run holds the control lock. */
describe('the server never waits on the control lock', () => {
  it('POST /action while a run holds the lock answers 409 at once; while its own retrain runs, /health is answered', async () => {
    const ws = variant(feature, 'api-lock', autonomous);
    mkdirSync(ws.events, { recursive: true });
    const { base, stop } = await startWorkspaceApi(ws);
    const release = acquireFileLock(join(ws.events, '.control.lock'), { timeoutMs: 100, purpose: 'a long control run' });
    try {
      // The old server waited 30 s for the lock with the event loop blocked: 10 s is far from both.
      const action = await fetch(`${base}/action`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'test-key' }, body: JSON.stringify({ kind: 'retrain' }), signal: AbortSignal.timeout(10_000) });
      expect(action.status).toBe(409);
      expect(((await action.json()) as { error: string }).error).toMatch(/is held by pid \d+ \(a long control run\)/);
      const health = await fetch(`${base}/health`, { signal: AbortSignal.timeout(10_000) });
      expect(health.status).toBe(200);
    } finally {
      release();
    }
    try {
      // A requested retrain runs in the API's control worker: /health is answered while it trains.
      const finished: string[] = [];
      const action = fetch(`${base}/action`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'test-key' }, body: JSON.stringify({ kind: 'retrain' }) })
        .then(async (response) => { finished.push('action'); return { status: response.status, body: (await response.json()) as { outcome: string } }; });
      await new Promise((resolveSoon) => setTimeout(resolveSoon, 50));
      const health = await fetch(`${base}/health`);
      finished.push('health');
      expect(health.status).toBe(200);
      const done = await action;
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(done.body.outcome).toBe('promoted');
      expect(finished).toEqual(['health', 'action']);
    } finally {
      await stop();
    }
  }, 60_000);
});

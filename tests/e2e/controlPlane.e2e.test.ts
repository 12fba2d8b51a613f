import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireFileLock } from '../../services/core/src/infrastructure/fileLock.ts';
import { assertValid } from '../../services/core/src/infrastructure/jsonSchema.ts';
import { validateAuditRecord, validateExecutionPlan, validateReleaseResult, validateSentinelReport } from '../../services/control_plane/src/eventSchemas.ts';
import { approvals, auditLines, control, event, ok, POLICY, production, registryJson, startWorkspaceApi, workspaces, type Workspace } from '../helpers/controlWorkspace.ts';
import { expectOneLineUserError, makeTempDir, runScript } from '../helpers/runScript.ts';

const temp = makeTempDir('control-e2e');
afterAll(() => temp.cleanup());
const { prepare, variant } = workspaces(temp.path);

let feature: Workspace;
let shock: Workspace;
beforeAll(() => {
  feature = prepare('feature', 'drift_feature', 3000);
  shock = prepare('shock', 'shock_black_friday', 3000);
}, 120_000);

describe('control (real scripts): feature drift', () => {
  it('data_drift -> retrain_and_evaluate -> challenger promoted; events meet their schemas; audit chain intact', () => {
    const ws = variant(feature, 'main');
    ok(control(ws));
    const sentinel = assertValid(validateSentinelReport, event(ws, 'sentinel_report.json'), 'sentinel');
    const plan = assertValid(validateExecutionPlan, event(ws, 'execution_plan.json'), 'plan');
    const release = assertValid(validateReleaseResult, event(ws, 'release_result.json'), 'release');
    expect(sentinel).toMatchObject({ incident_type: 'data_drift', severity: 'medium' });
    expect(plan).toMatchObject({ action: 'retrain_and_evaluate', status: 'ready' });
    expect(release).toMatchObject({ outcome: 'promoted', champion_version_before: 1, champion_version_after: 2, challenger_version: 2 });
    expect(new Set([sentinel.run_id, plan.run_id, release.run_id]).size).toBe(1);
    expect(readdirSync(join(ws.events, 'runs', sentinel.run_id)).sort()).toEqual(['challenger_reference.csv', 'challenger_training.csv', 'execution_plan.json', 'release_result.json', 'sentinel_report.json']);
    expect(production(ws)).toEqual([2]);
    const lines = auditLines(ws);
    // The intent is written (and flushed) before the first effect; the outcome closes it.
    expect(lines.map((line) => assertValid(validateAuditRecord, JSON.parse(line), 'audit').kind)).toEqual(['intent', 'sentinel', 'plan', 'release', 'outcome']);
    expect(ok(runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', ws.events, '--registry', ws.registry])).stdout).toContain('5 records, chain intact');
  });

  it('the same run twice gives the same decisions and the same model bytes', () => {
    const first = variant(feature, 'same-1');
    const second = variant(feature, 'same-2');
    ok(control(first));
    ok(control(second));
    const decisions = (ws: Workspace) => ({ incident: event(ws, 'sentinel_report.json').incident_type, plan: event(ws, 'execution_plan.json').action, confidence: event(ws, 'execution_plan.json').confidence, outcome: event(ws, 'release_result.json').outcome, gates: event(ws, 'release_result.json').gates });
    expect(decisions(second)).toEqual(decisions(first));
    expect(readFileSync(join(second.registry, 'versions', 'v2', 'model.json')).equals(readFileSync(join(first.registry, 'versions', 'v2', 'model.json')))).toBe(true);
  });

  it('promote_if_quality_gates_pass: false -> nothing promoted', () => {
    const ws = variant(feature, 'no-promote', (text) => text.replace('promote_if_quality_gates_pass: true', 'promote_if_quality_gates_pass: false'));
    ok(control(ws));
    expect(event(ws, 'release_result.json').outcome).toBe('blocked');
    expect(production(ws)).toEqual([1]);
  });

  it('inside a blackout window -> deferred; outside it the retrain runs', () => {
    const ws = variant(feature, 'blackout', (text) => text.replace('  blackout_windows: []', '  blackout_windows:\n    - { name: evening freeze, start: "18:00", end: "23:00", timezone: Europe/Paris }'));
    ok(control(ws, ['--now', '2026-11-23T19:30:00Z'])); // 20:30 in Paris
    expect(event(ws, 'release_result.json').outcome).toBe('deferred');
    expect(event(ws, 'execution_plan.json').guardrails[0]).toMatchObject({ name: 'blackout_window', passed: false });
    expect(production(ws)).toEqual([1]);
    ok(control(ws, ['--now', '2026-11-23T10:00:00Z']));
    expect(event(ws, 'release_result.json').outcome).toBe('promoted');
  });

  it('the retrain budget holds across runs', () => {
    // A fixed reference: each run on the same summary then plans the same retrain (by default the reference moves with a promotion).
    const ws = variant(feature, 'budget', (text) => text.replace('cooldown_minutes: 60', 'cooldown_minutes: 0').replace('max_retrains_per_day: 3', 'max_retrains_per_day: 1')
      .replace('  mode: training_data', `  mode: fixed\n  path: ${join(feature.data, 'reference.csv')}`));
    ok(control(ws, ['--now', '2026-11-23T08:00:00Z']));
    expect(event(ws, 'release_result.json').outcome).toBe('promoted');
    ok(control(ws, ['--now', '2026-11-23T09:00:00Z']));
    expect(event(ws, 'release_result.json').outcome).toBe('deferred');
    expect(event(ws, 'execution_plan.json').guardrails.find((check: { name: string }) => check.name === 'retrain_budget')).toMatchObject({ passed: false });
    ok(control(ws, ['--now', '2026-11-24T08:30:00Z'])); // a day later the budget is back
    expect(event(ws, 'release_result.json').outcome).not.toBe('deferred');
  });

  it('a failing retrain -> failed (exit 3), champion untouched', () => {
    const ws = variant(feature, 'fail', (text) => text.replace('min_labeled_rows: 500', 'min_labeled_rows: 100000'));
    expect(control(ws).status).toBe(3);
    expect(event(ws, 'release_result.json')).toMatchObject({ outcome: 'failed', champion_version_after: 1 });
    expect(event(ws, 'release_result.json').reasons[0]).toContain('fewer than retrain.min_labeled_rows 100000');
    expect(production(ws)).toEqual([1]);
  });

  it('kill -9 between "challenger registered" and "promoted": the registry loads, the next run records what happened, and the crashed retrain counts for the cooldown', () => {
    const ws = variant(feature, 'crash');
    const killed = control(ws, ['--now', '2026-11-23T10:00:00Z'], { DRIFTWATCH_FAULT: 'after_challenger_registered' });
    expect(killed.status).toBeNull();
    expect(registryJson(ws).map((record) => [record.version, record.stage])).toEqual([[1, 'Production'], [2, 'None']]);
    ok(control(ws, ['--now', '2026-11-23T10:30:00Z']));
    const records = auditLines(ws).map((line) => JSON.parse(line) as { kind: string; decision: string; detail: Record<string, unknown> });
    expect(records.find((record) => record.kind === 'outcome')).toMatchObject({ decision: 'abandoned', detail: { settled: 'abandoned' } });
    expect(event(ws, 'release_result.json').outcome).toBe('deferred');
    ok(control(ws, ['--now', '2026-11-23T11:30:00Z']));
    expect(event(ws, 'release_result.json').outcome).toBe('promoted');
    expect(production(ws)).toHaveLength(1);
    ok(runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', ws.events, '--registry', ws.registry]));
  });

  it('a second control run while one holds the lock refuses clearly', () => {
    const ws = variant(feature, 'locked');
    mkdirSync(ws.events, { recursive: true });
    const release = acquireFileLock(join(ws.events, '.control.lock'), { timeoutMs: 100, purpose: 'first control run' });
    try {
      expect(expectOneLineUserError(control(ws, ['--lock-timeout', '1']))).toMatch(/\.control\.lock is held by pid \d+ \(first control run\)/);
    } finally {
      release();
    }
    expect(existsSync(join(ws.events, 'release_result.json'))).toBe(false);
  });

  it('a bad monitoring summary or policy: clear error, no action, an audit line recording the refusal', () => {
    const ws = variant(feature, 'refusals');
    writeFileSync(join(ws.reports, 'broken.json'), '{"status": "ok"}');
    expect(expectOneLineUserError(control(ws, ['--summary', join(ws.reports, 'broken.json')]))).toMatch(/broken\.json: .*is required/);
    writeFileSync(ws.policy, POLICY.replace('min_auc: 0.82', 'min_auc: "high"'));
    expect(expectOneLineUserError(control(ws))).toMatch(/policy\.yaml:\d+: quality_gates\.min_auc: must be number/);
    const kinds = auditLines(ws).map((line) => JSON.parse(line));
    expect(kinds.map((record: { kind: string; decision: string }) => [record.kind, record.decision])).toEqual([['refusal', 'no_action'], ['refusal', 'no_action']]);
    expect(existsSync(join(ws.events, 'release_result.json'))).toBe(false);
    expect(production(ws)).toEqual([1]);
  });

  it('audit-verify names the first edited line', () => {
    const ws = variant(feature, 'tamper');
    ok(control(ws));
    const lines = auditLines(ws);
    const planLine = lines.findIndex((line) => line.includes('"kind":"plan"'));
    lines[planLine] = lines[planLine]!.replace('"decision":"retrain_and_evaluate"', '"decision":"noop"');
    writeFileSync(join(ws.events, 'audit.jsonl'), `${lines.join('\n')}\n`);
    expect(expectOneLineUserError(runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', ws.events, '--registry', ws.registry]))).toMatch(new RegExp(`audit\\.jsonl: line ${planLine + 1}: content does not match its hash`));
  });
});

describe('control (real scripts): black friday', () => {
  it('a shock escalates to a pending approval with Production unchanged; reject drops it, approve runs it', () => {
    const ws = variant(shock, 'approvals');
    ok(control(ws));
    expect(event(ws, 'sentinel_report.json')).toMatchObject({ incident_type: 'shock' });
    const first = event(ws, 'release_result.json');
    expect(first).toMatchObject({ action: 'escalate', outcome: 'pending_approval' });
    expect(production(ws)).toEqual([1]);
    expect(ok(approvals(ws, ['list'])).stdout).toContain(`${first.approval_id}  pending`);
    expect(expectOneLineUserError(approvals(ws, ['reject', first.approval_id]))).toMatch(/reject needs a reason: --reason/);
    ok(approvals(ws, ['reject', first.approval_id, '--reason', 'transient; wait for Monday']));
    expect(JSON.parse(readFileSync(join(ws.approvals, `${first.approval_id}.json`), 'utf8'))).toMatchObject({ status: 'rejected', reason: 'transient; wait for Monday' });
    expect(production(ws)).toEqual([1]);

    ok(control(ws));
    const second = event(ws, 'release_result.json');
    expect(second.outcome).toBe('pending_approval');
    ok(approvals(ws, ['approve', second.approval_id]));
    const approved = event(ws, 'release_result.json');
    expect(approved).toMatchObject({ action: 'retrain_and_evaluate', approval_id: second.approval_id });
    expect(['promoted', 'blocked']).toContain(approved.outcome);
    expect(expectOneLineUserError(approvals(ws, ['approve', second.approval_id]))).toMatch(/already approved/);
    const kinds = auditLines(ws).map((line) => JSON.parse(line).kind);
    expect(kinds.filter((kind: string) => kind === 'approval')).toHaveLength(2);
    ok(runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', ws.events, '--registry', ws.registry]));
  });

  it('the same decisions through the API: list, reject needs a reason, approve runs the plan, each audited with the caller', async () => {
    const ws = variant(shock, 'api-approvals');
    ok(control(ws));
    const pendingId = event(ws, 'release_result.json').approval_id as string;
    const { base, stop } = await startWorkspaceApi(ws);
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', 'x-api-key': 'test-key' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: string } };
    };
    try {
      const listed = await fetch(`${base}/approvals`, { headers: { 'x-api-key': 'test-key' } });
      expect(await listed.json()).toEqual([expect.objectContaining({ id: pendingId, status: 'pending' })]);
      expect(await call('POST', `/approvals/${pendingId}/reject`, {})).toEqual({ status: 400, body: { error: expect.stringMatching(/^reject needs a reason/) } });
      expect((await call('POST', '/approvals/no-such-id/approve', {})).status).toBe(404);
      expect((await call('POST', `/approvals/${pendingId}/maybe`, {})).status).toBe(404);
      const approved = await call('POST', `/approvals/${pendingId}/approve`, { reason: 'checked the dashboard' });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ action: 'retrain_and_evaluate', approval: { id: pendingId, status: 'approved', reason: 'checked the dashboard' } });
      expect(['promoted', 'blocked']).toContain(approved.body.outcome);
      const again = await call('POST', `/approvals/${pendingId}/approve`, {});
      expect(again).toEqual({ status: 409, body: { error: expect.stringMatching(new RegExp(`^${pendingId} is already approved by api:\\S+ at \\S+ \\(run \\S+\\)$`)) } });
      const health = (await (await fetch(`${base}/health`)).json()) as { model_version: number };
      expect(health.model_version).toBe(production(ws)[0]);
    } finally {
      await stop();
    }
    const approvalRecords = auditLines(ws).map((line) => JSON.parse(line)).filter((record) => record.kind === 'approval');
    expect(approvalRecords).toHaveLength(1);
    expect(approvalRecords[0].detail.by).toMatch(/^api:/);
    ok(runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', ws.events, '--registry', ws.registry]));
  });
});

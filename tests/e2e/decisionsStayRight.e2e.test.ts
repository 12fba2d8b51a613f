import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvals, auditLines, control, event, generate, monitor, ok, production, registryJson, workspaces, type Workspace } from '../helpers/controlWorkspace.ts';
import { expectOneLineUserError, makeTempDir, runScript } from '../helpers/runScript.ts';

/**
 * Issue 12 with the real scripts: a user edits the policy, re-runs steps, approves late.
 * Each case is one numbered item of the issue, as it was reproduced.
 */

const temp = makeTempDir('decisions-e2e');
afterAll(() => temp.cleanup());
const { prepare, variant } = workspaces(temp.path);

let feature: Workspace;
let shock: Workspace;
let nodrift: Workspace;
beforeAll(() => {
  feature = prepare('feature', 'drift_feature', 3000);
  shock = prepare('shock', 'shock_black_friday', 3000);
  nodrift = prepare('nodrift', 'nodrift', 3000);
}, 180_000);

const NOW = '2026-11-23T10:00:00Z';
const later = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();
const records = (ws: Workspace) => auditLines(ws).map((line) => JSON.parse(line) as { kind: string; decision: string; run_id: string; detail: Record<string, unknown> });
const approvalFiles = (ws: Workspace) => readdirSync(ws.approvals).filter((file) => file.endsWith('.json'));
const approvalFile = (ws: Workspace, id: string) => JSON.parse(readFileSync(join(ws.approvals, `${id}.json`), 'utf8'));

describe('1. a summary made under another policy', () => {
  it('edited severity thresholds: judged again from the summary\'s figures, said in the sentinel report and the drift report', () => {
    const ws = variant(feature, 'rethreshold', (text) => text.replace('    high: 0.5\n    medium: 0.2', '    high: 0.6\n    medium: 0.4'));
    ok(control(ws, ['--now', NOW]));
    const sentinel = event(ws, 'sentinel_report.json');
    expect(sentinel).toMatchObject({ incident_type: 'data_drift', severity: 'low' });
    expect(sentinel.caveats[0]).toMatch(/judged under the current policy.*severity medium -> low/);
    expect(event(ws, 'execution_plan.json')).toMatchObject({ action: 'monitor', status: 'ready' });
    expect(readFileSync(join(ws.reports, 'drift_report.html'), 'utf8')).toContain(sentinel.run_id);
  });
  it('a test the summary has no scores for: refused in one line, audited, nothing done', () => {
    const ws = variant(feature, 'retest', (text) => text.replace('  columns: {}', '  columns: { transaction_amount: { stattest: psi } }'));
    expect(expectOneLineUserError(control(ws, ['--now', NOW]))).toMatch(/summary made under policy [0-9a-f]{12}, the policy is now [0-9a-f]{12}, and column "transaction_amount" is now tested with psi.*; re-run the monitor/);
    expect(records(ws).map((record) => record.kind)).toEqual(['refusal']);
    expect(registryJson(ws)).toHaveLength(1);
  });
});

describe('2. a summary that judged another model than the serving one', () => {
  it('after a rollback, control again on the same summary: no "bad model", no retrain', () => {
    const ws = variant(nodrift, 'rollback');
    ok(runScript('services/training/src/cli.ts', ['--data', join(nodrift.data, 'reference.csv'), '--model', 'lr', '--registry', ws.registry, '--shuffle-labels']));
    ok(runScript('services/registry/src/cli.ts', ['--registry', ws.registry, 'promote', 'v2', '--stage', 'Production']));
    ok(monitor(ws, join(nodrift.data, 'reference.csv')));
    ok(control(ws, ['--now', NOW]));
    expect(event(ws, 'release_result.json')).toMatchObject({ outcome: 'rolled_back', champion_version_after: 1 });
    ok(control(ws, ['--now', later(120)]));
    const sentinel = event(ws, 'sentinel_report.json');
    expect(sentinel.incident_type).toBe('none');
    expect(sentinel.caveats.join(' ')).toMatch(/the summary judged model v2, but v1 serves now: model-quality rules not applied/);
    expect(event(ws, 'execution_plan.json').action).toBe('noop');
    expect(registryJson(ws)).toHaveLength(2);
  });
});

describe('3. approvals', () => {
  it('a second run on the incident already pending adds no approval; list says why it waits, show gives the record', () => {
    const ws = variant(shock, 'dedupe');
    ok(control(ws, ['--now', NOW]));
    const id = event(ws, 'release_result.json').approval_id as string;
    ok(control(ws, ['--now', later(30)]));
    expect(approvalFiles(ws)).toEqual([`${id}.json`]);
    expect(event(ws, 'release_result.json')).toMatchObject({ outcome: 'pending_approval', approval_id: id });
    expect(event(ws, 'release_result.json').reasons[0]).toMatch(/already waiting for a human on this incident/);
    const list = ok(approvals(ws, ['list', '--now', later(30)])).stdout;
    expect(list).toMatch(/waits because: escalate asks a human/);
    expect(list).toMatch(/expires 2026-11-24T10:00:00.000Z/);
    const shown = JSON.parse(ok(approvals(ws, ['show', id])).stdout);
    expect(shown).toMatchObject({ id, incident: { type: 'shock' }, inputs: { production_version: 1 }, approval_action: 'retrain_and_evaluate' });
  });
  it('approved after the data changed: refused as stale with the reason, nothing trained', () => {
    const ws = variant(shock, 'stale');
    ok(control(ws, ['--now', NOW]));
    const id = event(ws, 'release_result.json').approval_id as string;
    generate(ws, 'nodrift', 3000);
    ok(monitor(ws, join(shock.data, 'reference.csv')));
    expect(expectOneLineUserError(approvals(ws, ['approve', id, '--now', later(10)]))).toMatch(new RegExp(`${id} is stale, asked for shock/\\w+ on other inputs: the current data changed .*; the incident is now none/none.*nothing ran`));
    expect(approvalFile(ws, id)).toMatchObject({ status: 'stale' });
    expect(registryJson(ws)).toHaveLength(1);
  });
  it('the data regenerated without re-running the monitor: approving is refused, nothing tried, the approval still waits', () => {
    const ws = variant(shock, 'unmonitored');
    ok(monitor(ws, join(shock.data, 'reference.csv'))); // the summary then names this workspace's current.csv
    ok(control(ws, ['--now', NOW]));
    const id = event(ws, 'release_result.json').approval_id as string;
    generate(ws, 'nodrift', 3000);
    expect(expectOneLineUserError(approvals(ws, ['approve', id, '--now', later(10)]))).toMatch(/current\.csv changed since the monitor read it .*: re-run the monitor, nothing was done/);
    expect(approvalFile(ws, id)).toMatchObject({ status: 'pending' });
    expect(expectOneLineUserError(control(ws, ['--now', later(20)]))).toMatch(/changed since the monitor read it/);
    expect(registryJson(ws)).toHaveLength(1);
  });
  it('not decided within approval_ttl_hours: expired, and approving it is refused', () => {
    const ws = variant(shock, 'expired');
    ok(control(ws, ['--now', NOW]));
    const id = event(ws, 'release_result.json').approval_id as string;
    expect(expectOneLineUserError(approvals(ws, ['approve', id, '--now', later(25 * 60)]))).toMatch(new RegExp(`${id} is already expired`));
    expect(approvalFile(ws, id)).toMatchObject({ status: 'expired', decided_by: 'expiry (autonomy.approval_ttl_hours)' });
    expect(records(ws).find((record) => record.kind === 'approval')).toMatchObject({ decision: 'expired' });
  });
});

describe('4. more drift, not less autonomy', () => {
  it('3 of 9 columns under high: 0.3 is high, and still autonomous', () => {
    const ws = variant(feature, 'high-at-third', (text) => text.replace('    high: 0.5\n', '    high: 0.3\n'));
    ok(monitor(ws, join(feature.data, 'reference.csv')));
    ok(control(ws, ['--now', NOW]));
    expect(event(ws, 'sentinel_report.json').severity).toBe('high');
    expect(event(ws, 'execution_plan.json')).toMatchObject({ status: 'ready', requires_approval: false });
  });
});

describe('5. a regression right after a promotion', () => {
  it('feature drift promotes v2, then concept drift: v1 ranks current labels better, so the plan rolls back', () => {
    const ws = variant(feature, 'regression');
    ok(control(ws, ['--now', NOW]));
    expect(production(ws)).toEqual([2]);
    generate(ws, 'drift_concept', 3000);
    ok(monitor(ws, join(feature.data, 'reference.csv')));
    ok(control(ws, ['--now', later(120)]));
    const plan = event(ws, 'execution_plan.json');
    expect(plan).toMatchObject({ incident_type: 'concept_drift', action: 'rollback', rollback_comparison: { previous_is_better: true } });
    expect(event(ws, 'release_result.json')).toMatchObject({ outcome: 'rolled_back', champion_version_after: 1 });
  });
});

describe('9. the reference follows the serving model', () => {
  it('after a promotion on drifted data the reference is the data v2 was built from, so the drift is not found again; a rollback restores v1\'s', () => {
    const ws = variant(feature, 'follow');
    ok(control(ws, ['--now', NOW]));
    const again = ok(monitor(ws));
    expect(again.stderr).toMatch(/reference .*challenger_reference\.csv: the data v2 was built from/);
    const summary = JSON.parse(readFileSync(join(ws.reports, 'monitoring_summary.json'), 'utf8'));
    expect(summary.number_of_drifted_columns).toBe(0);
    // The held-out slice is part of the reference: the same window has the same rows per day, not 1/0.7 of them.
    expect(summary.volume.rows_per_day_ratio).toBeCloseTo(1, 5);
    ok(control(ws, ['--now', later(120)]));
    expect(event(ws, 'execution_plan.json').action).toBe('noop');
    ok(runScript('services/registry/src/cli.ts', ['--registry', ws.registry, 'rollback', '--reason', 'test']));
    expect(ok(monitor(ws)).stderr).toMatch(/reference .*data\/reference\.csv: the data v1 was built from/);
  });
});

describe('6. an escalation keeps if_approved', () => {
  it('require_approval_for: [] -> the plan waits for a human and the approval would run the retrain', () => {
    const ws = variant(shock, 'no-approval-list', (text) => text.replace('require_approval_for: [escalate]', 'require_approval_for: []'));
    ok(control(ws, ['--now', NOW]));
    expect(event(ws, 'execution_plan.json')).toMatchObject({ action: 'escalate', status: 'pending_approval', requires_approval: true, approval_action: 'retrain_and_evaluate' });
    expect(approvalFile(ws, event(ws, 'release_result.json').approval_id)).toMatchObject({ approval_action: 'retrain_and_evaluate' });
  });
});

describe('7. the release gate is not the bad-model rule', () => {
  it('quality_gates.min_auc: 0.99 leaves feature drift a data_drift incident', () => {
    const ws = variant(feature, 'strict-gate', (text) => text.replace('min_auc: 0.82', 'min_auc: 0.99'));
    ok(control(ws, ['--now', NOW]));
    expect(event(ws, 'sentinel_report.json')).toMatchObject({ incident_type: 'data_drift' });
  });
});

describe('8. approving a shock does not train on the shock', () => {
  it('the challenger\'s training rows leave out the surge hours', () => {
    const ws = variant(shock, 'shock-retrain');
    ok(control(ws, ['--now', NOW]));
    const id = event(ws, 'release_result.json').approval_id as string;
    ok(approvals(ws, ['approve', id, '--now', later(10)]));
    const surge = JSON.parse(readFileSync(join(ws.reports, 'monitoring_summary.json'), 'utf8')).volume.surge_hours as number[];
    expect(surge.length).toBeGreaterThan(0);
    const metadata = JSON.parse(readFileSync(join(ws.registry, 'versions', 'v2', 'metadata.json'), 'utf8'));
    expect(metadata.params.shock_excluded).toMatchObject({ hours: surge, rows: expect.any(Number) });
    expect(metadata.params.shock_excluded.rows).toBeGreaterThan(0);
    const [header, ...rows] = readFileSync(metadata.training_data.path, 'utf8').trim().split('\n');
    const hour = (header as string).split(',').indexOf('transaction_hour');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => surge.includes(Number(row.split(',')[hour])))).toEqual([]);
  });
});

describe('10. deferred, not dropped; a retrain that never started uses up nothing', () => {
  const blackout = (text: string) => text.replace('  blackout_windows: []', '  blackout_windows:\n    - { name: evening freeze, start: "18:00", end: "23:00", timezone: Europe/Paris }');
  it('held back by a blackout, carried out by the next run while the incident holds', () => {
    const ws = variant(feature, 'deferred', blackout);
    ok(control(ws, ['--now', '2026-11-23T19:30:00Z']));
    const deferredRun = event(ws, 'release_result.json');
    expect(deferredRun.outcome).toBe('deferred');
    ok(control(ws, ['--now', '2026-11-24T10:00:00Z']));
    expect(event(ws, 'execution_plan.json').reasons.join(' ')).toMatch(new RegExp(`run ${deferredRun.run_id} deferred .* is still called for`));
    expect(event(ws, 'release_result.json').outcome).toBe('promoted');
    expect(records(ws).find((record) => record.kind === 'deferral')).toMatchObject({ decision: 'resumed', detail: { deferred_run: deferredRun.run_id } });
  });
  it('held back, then the incident clears: dropped, with the reason', () => {
    const ws = variant(feature, 'deferred-dropped', blackout);
    ok(control(ws, ['--now', '2026-11-23T19:30:00Z']));
    generate(ws, 'nodrift', 3000);
    ok(monitor(ws, join(feature.data, 'reference.csv')));
    ok(control(ws, ['--now', '2026-11-24T10:00:00Z']));
    expect(records(ws).find((record) => record.kind === 'deferral')).toMatchObject({ decision: 'dropped', detail: { explanation: expect.stringMatching(/no longer calls for it/) } });
    expect(registryJson(ws)).toHaveLength(1);
  });
  it('a retrain that failed for too few labels does not start the cooldown', () => {
    const ws = variant(feature, 'failed-early', (text) => text.replace('min_labeled_rows: 500', 'min_labeled_rows: 100000'));
    control(ws, ['--now', NOW]);
    expect(event(ws, 'release_result.json').outcome).toBe('failed');
    const fixed = variant(ws, 'failed-early-fixed');
    ok(control(fixed, ['--now', later(10)]));
    expect(event(fixed, 'release_result.json').outcome).toBe('promoted');
  });
});

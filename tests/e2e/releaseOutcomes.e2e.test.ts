import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { approvals, control, event, ok, registryJson, workspaces, type Workspace } from '../helpers/controlWorkspace.ts';
import { makeTempDir, runScript } from '../helpers/runScript.ts';

/**
 * Issue 12, items 11 and 12, through the real scripts: where a challenger ends
 * (release_policy.promote_stage: Staging keeps the champion; a blocked challenger is
 * archived), and how `control` and `approvals approve` exit (3 when the outcome is failed).
 */

const temp = makeTempDir('release-outcomes');
afterAll(() => temp.cleanup());
const { prepare, variant } = workspaces(temp.path);

let feature: Workspace;
beforeAll(() => {
  feature = prepare('feature', 'drift_feature', 3000);
}, 120_000);

interface Move { version: number; from: string | null; to: string; operation: string; run_id: string | null; idempotency_key?: string; audit_head?: { records: number; last_hash: string } }
const moves = (ws: Workspace): Move[] => readFileSync(join(ws.registry, 'history.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Move);
const stages = (ws: Workspace) => registryJson(ws).map((record) => [record.version, record.stage]);
const stagingPolicy = (text: string) => text.replace('promote_stage: Production', 'promote_stage: Staging');
const tooFewLabels = (text: string) => text.replace('min_labeled_rows: 500', 'min_labeled_rows: 100000');

describe('where a challenger ends', () => {
  it('promote_stage: Staging -> the challenger v2 is promoted to Staging, v1 still serves, the outcome is promoted', () => {
    const ws = variant(feature, 'staging', stagingPolicy);
    ok(control(ws));
    const release = event(ws, 'release_result.json');
    expect(release).toMatchObject({ outcome: 'promoted', challenger_version: 2, champion_version_before: 1, champion_version_after: 1 });
    expect(release.reasons[0]).toMatch(/^challenger v2 passed every gate and was promoted to Staging; Production unchanged \(v1 still serves/);
    expect(stages(ws)).toEqual([[1, 'Production'], [2, 'Staging']]);
    // The challenger waited in stage None while it was evaluated; both its moves carry the run's intent.
    const key = `${release.run_id}:retrain`;
    expect(moves(ws).filter((move) => move.version === 2).map((move) => [move.operation, move.from, move.to, move.idempotency_key])).toEqual([['register', null, 'None', key], ['promote', 'None', 'Staging', key]]);
    ok(runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', ws.events, '--registry', ws.registry]));
  });

  it('a blocked challenger is archived by an archive move in the history, audited with the run\'s key and audit head; the champion stays', () => {
    const ws = variant(feature, 'blocked', (text) => text.replace('promote_if_quality_gates_pass: true', 'promote_if_quality_gates_pass: false'));
    ok(control(ws));
    const release = event(ws, 'release_result.json');
    expect(release).toMatchObject({ outcome: 'blocked', challenger_version: 2, champion_version_after: 1 });
    expect(stages(ws)).toEqual([[1, 'Production'], [2, 'Archived']]);
    expect(release.reasons).toContain('challenger v2 archived; the champion is unchanged');
    expect(moves(ws).at(-1)).toMatchObject({ version: 2, from: 'None', to: 'Archived', operation: 'archive', run_id: release.run_id, idempotency_key: `${release.run_id}:retrain`, audit_head: { records: 1 } });
    ok(runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', ws.events, '--registry', ws.registry]));
  });
});

describe('exit codes: 0 for a decided outcome, 3 when it is failed, 2 for a refusal', () => {
  it('control: a retrain that fails (fewer labelled rows than retrain.min_labeled_rows) exits 3, the champion untouched', () => {
    const ws = variant(feature, 'failed-control', tooFewLabels);
    const result = control(ws);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: 'failed', champion_version_after: 1 });
    expect(result.status, result.stderr).toBe(3);
    expect(stages(ws)).toEqual([[1, 'Production']]);
  });

  it('approvals approve: an approved retrain that fails exits 3', () => {
    const ws = variant(feature, 'failed-approval', (text) => tooFewLabels(text).replace('require_approval_for: [escalate]', 'require_approval_for: [escalate, retrain_and_evaluate]'));
    ok(control(ws));
    const id = event(ws, 'release_result.json').approval_id as string;
    expect(id).toBeTruthy();
    const approved = approvals(ws, ['approve', id]);
    expect(approved.stderr).toMatch(/-> retrain_and_evaluate -> failed/);
    expect(approved.status, approved.stderr).toBe(3);
  });

  it('--help lists the exit codes', () => {
    for (const script of ['services/control_plane/src/cli.ts', 'services/control_plane/src/approvalsCli.ts']) {
      const help = ok(runScript(script, ['--help'])).stdout;
      expect(help).toMatch(/Exit codes:\n {2}0 {2}decided: outcome promoted, blocked.*\n {2}1 {2}internal error.*\n {2}2 {2}refused.*\n {2}3 {2}outcome failed/);
    }
  });
});

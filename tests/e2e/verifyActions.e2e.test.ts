import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { approvals, control, event, ok, workspaces, type Workspace } from '../helpers/controlWorkspace.ts';
import { makeTempDir, runScript } from '../helpers/runScript.ts';

/*
 * verify-actions on runs the real control plane made: an autonomous retrain and a
 * human-approved one pass; a run whose recorded gate is then made to fail, or a policy that
 * forbids what was done, is reported (exit 4).
 */

const temp = makeTempDir('verify-actions');
afterAll(() => temp.cleanup());
const { prepare, variant } = workspaces(temp.path);
const verify = (ws: Workspace, policy = ws.policy) => runScript('services/control_plane/src/verifyActionsCli.ts', ['--events', ws.events, '--registry', ws.registry, '--policy', policy, '--json']);

let feature: Workspace;
let shock: Workspace;
beforeAll(() => {
  feature = prepare('feature', 'drift_feature', 3000);
  ok(control(feature));
  shock = prepare('shock', 'shock_black_friday', 3000);
  ok(control(shock));
  ok(approvals(shock, ['approve', event(shock, 'release_result.json').approval_id as string]));
}, 240_000);

describe('verify-actions (real script) over real runs', () => {
  it('a run killed after its promotion and settled by the next is not unauthorized: its gates and approval are listed as unverifiable', () => {
    const fresh = prepare('crash', 'drift_feature', 3000);
    expect(control(fresh, [], { DRIFTWATCH_FAULT: 'after_promotion' }).status).not.toBe(0);
    ok(control(fresh));
    const result = verify(fresh);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { unauthorized_actions: number; unverifiable: { detail: string }[] };
    expect(report.unauthorized_actions).toBe(0);
    expect(report.unverifiable).toHaveLength(1);
    expect(report.unverifiable[0]?.detail).toMatch(/^cut short before its plan and release were written/);
  }, 120_000);

  it('an autonomous retrain and a human-approved one are allowed; the hand-made first promotion is counted apart', () => {
    expect(event(feature, 'release_result.json').outcome).toBe('promoted');
    for (const ws of [feature, shock]) {
      const result = verify(ws);
      expect(result.status, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ actions_checked: 1, unauthorized_actions: 0, moves_outside_control_plane: 1 });
    }
  });

  it('reports a promotion whose recorded gate failed, and a retrain a stricter policy forbids (exit 4, each named)', () => {
    const tampered = variant(feature, 'tampered');
    const runId = event(tampered, 'release_result.json').run_id as string;
    const path = join(tampered.events, 'runs', runId, 'release_result.json');
    const release = JSON.parse(readFileSync(path, 'utf8')) as { gates: { name: string; passed: boolean }[] };
    (release.gates[0] as { passed: boolean }).passed = false;
    writeFileSync(path, JSON.stringify(release));
    const gate = verify(tampered);
    expect(gate.status).toBe(4);
    expect(gate.stderr).toMatch(new RegExp(`verify-actions: UNAUTHORIZED run ${runId} at \\S+ \\(v2 \\(new\\) -> None, v1 Production -> Archived, v2 None -> Production\\): release_gates: promoted although quality_gates.min_auc failed`));

    const frozen = join(temp.path, 'frozen.yaml');
    writeFileSync(frozen, readFileSync(feature.policy, 'utf8').replace('blackout_windows: []', 'blackout_windows: [{ name: always, start: "2000-01-01T00:00", end: "2100-01-01T00:00", timezone: UTC }]').replace('min_confidence: 0.8', 'min_confidence: 0.95'));
    const strict = verify(feature, frozen);
    expect(strict.status).toBe(4);
    expect(JSON.parse(strict.stdout).violations.map((violation: { rule: string }) => violation.rule)).toEqual(['guardrails.blackout_windows', 'autonomy.min_confidence']);
  });
});

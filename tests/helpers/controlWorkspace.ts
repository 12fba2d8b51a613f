import { once } from 'node:events';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createApiApp } from '../../services/api/src/app.ts';
import { REPO_ROOT, runScript, runScriptAsync, type ScriptResult } from './runScript.ts';

/** A control plane's files in a temporary directory: data, registry, reports, events, approvals and a policy. */
export interface Workspace { root: string; data: string; registry: string; reports: string; events: string; approvals: string; policy: string }

export const POLICY = readFileSync(join(REPO_ROOT, 'policies/promotion.yaml'), 'utf8');

function paths(root: string): Workspace {
  return { root, data: join(root, 'data'), registry: join(root, 'registry'), reports: join(root, 'reports'), events: join(root, 'events'), approvals: join(root, 'approvals'), policy: join(root, 'policy.yaml') };
}

export function ok(result: ScriptResult): ScriptResult {
  expect(result.status, result.stderr).toBe(0);
  return result;
}

/** Workspaces under one temporary directory: `prepare` builds one from scratch, `variant` copies a prepared one. */
export function workspaces(directory: string) {
  return {
    /** Base trained and in Production, current data generated and monitored: ready for `control`. */
    prepare(name: string, scenario: string, rows: number, referenceRows = 4000): Workspace {
      const ws = paths(join(directory, name));
      mkdirSync(ws.data, { recursive: true });
      writeFileSync(ws.policy, POLICY);
      ok(runScript('generator/src/cli.ts', ['--scenario', 'base', '--rows', String(referenceRows), '--out', join(ws.data, 'reference.csv')]));
      ok(runScript('generator/src/cli.ts', ['--scenario', scenario, '--rows', String(rows), '--out', join(ws.data, 'current.csv')]));
      ok(runScript('services/training/src/cli.ts', ['--data', join(ws.data, 'reference.csv'), '--model', 'lr', '--registry', ws.registry]));
      ok(runScript('services/registry/src/cli.ts', ['--registry', ws.registry, 'promote', 'v1', '--stage', 'Production']));
      ok(runScript('services/monitoring/src/cli.ts', ['--reference', join(ws.data, 'reference.csv'), '--current', join(ws.data, 'current.csv'), '--out', ws.reports, '--target', 'is_fraud', '--model', 'production', '--registry', ws.registry, '--policy', ws.policy]));
      return ws;
    },
    /** A copy of a prepared workspace with its own registry, events and policy (data and summary are read-only). */
    variant(from: Workspace, name: string, policyEdit: (text: string) => string = (text) => text): Workspace {
      const ws = paths(join(directory, name));
      cpSync(from.root, ws.root, { recursive: true });
      writeFileSync(ws.policy, policyEdit(POLICY));
      return ws;
    },
  };
}

/** Data of a scenario written into a workspace (current.csv unless named). */
export function generate(ws: Workspace, scenario: string, rows: number, file = 'current.csv'): void {
  ok(runScript('generator/src/cli.ts', ['--scenario', scenario, '--rows', String(rows), '--out', join(ws.data, file)]));
}

/** The monitor over a workspace: current.csv against `reference` ("serving": the serving model's, by the policy), scored by the Production model. */
export const monitor = (ws: Workspace, reference = 'serving') => runScript('services/monitoring/src/cli.ts', ['--reference', reference, '--current', join(ws.data, 'current.csv'), '--out', ws.reports, '--target', 'is_fraud', '--model', 'production', '--registry', ws.registry, '--policy', ws.policy]);

function controlArgs(ws: Workspace): string[] {
  return ['--summary', join(ws.reports, 'monitoring_summary.json'), '--policy', ws.policy, '--registry', ws.registry, '--events', ws.events, '--approvals', ws.approvals];
}

export const control = (ws: Workspace, args: string[] = [], env?: NodeJS.ProcessEnv) => runScript('services/control_plane/src/cli.ts', [...controlArgs(ws), ...args], { env });
export const controlAsync = (ws: Workspace, args: string[] = [], env?: NodeJS.ProcessEnv) => runScriptAsync('services/control_plane/src/cli.ts', [...controlArgs(ws), ...args], { env });
export const approvals = (ws: Workspace, args: string[], env?: NodeJS.ProcessEnv) => runScript('services/control_plane/src/approvalsCli.ts', [...args, ...controlArgs(ws)], { env });
export const approvalsAsync = (ws: Workspace, args: string[], env?: NodeJS.ProcessEnv) => runScriptAsync('services/control_plane/src/approvalsCli.ts', [...args, ...controlArgs(ws)], { env });
export const auditVerify = (ws: Workspace, env?: NodeJS.ProcessEnv) => runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', ws.events, '--registry', ws.registry], { env });
export const registryJson = (ws: Workspace) => JSON.parse(ok(runScript('services/registry/src/cli.ts', ['--registry', ws.registry, 'list', '--json'])).stdout) as { version: number; stage: string }[];
export const production = (ws: Workspace) => registryJson(ws).filter((record) => record.stage === 'Production').map((record) => record.version);
export const event = (ws: Workspace, file: string) => JSON.parse(readFileSync(join(ws.events, file), 'utf8'));
export const auditLines = (ws: Workspace) => readFileSync(join(ws.events, 'audit.jsonl'), 'utf8').trim().split('\n');

/** The API over a workspace, in this process, on a free loopback port; `stop` closes the server and the app. */
export async function startWorkspaceApi(ws: Workspace): Promise<{ base: string; stop: () => Promise<void> }> {
  const api = createApiApp({
    registryDirectory: ws.registry, predictionsDirectory: join(ws.root, 'predictions'), reportsDirectory: ws.reports, eventsDirectory: ws.events,
    approvalsDirectory: ws.approvals, dataDirectory: ws.data, policyPath: ws.policy, apiKey: 'test-key', maxBatch: 10, maxLogFileBytes: 1e6, reloadIntervalMs: 0,
  });
  const server = api.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      await new Promise((resolveClose) => server.close(resolveClose));
      await api.close();
    },
  };
}

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlWorker } from '../../services/api/src/controlInWorker.ts';
import { controlOptionsAt, readRecordedRun } from '../../services/control_plane/src/index.ts';
import type { ControlOutcome } from '../../services/control_plane/src/controlRun.ts';
import { NotificationDispatcher } from '../../services/control_plane/src/notifications/notificationDispatcher.ts';
import { notificationsFailedPath, validateNotificationFailure, type NotificationFailure } from '../../services/control_plane/src/notifications/notificationFailures.ts';
import { controlAsync, POLICY, workspaces, type Workspace } from '../helpers/controlWorkspace.ts';
import { makeTempDir, type ScriptResult } from '../helpers/runScript.ts';
import { closedPortUrl, startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver.ts';

/**
 * Issue 16, part 3: the policy's webhooks hear of a decision after it is written and
 * audited, through the real `control` script, against a receiver in this process that
 * verifies every signature: up, down (a closed port), slow (answers after the timeout)
 * and failing (500), and from the API's control worker. Whatever the receiver does, the decision, its files and the exit code
 * are those of a run without notifications; a delivery that fails is one line in
 * notifications_failed.jsonl.
 */

const temp = makeTempDir('notifications-e2e');
const { prepare, variant } = workspaces(temp.path);

const SECRET = 'whsec-e2e-secret';
const SECRET_ENV = 'DRIFTWATCH_E2E_WEBHOOK_SECRET';
const RUN_ID = 'notified-run';
const ARGS = ['--run-id', RUN_ID, '--now', '2026-11-23T12:00:00Z'];
// The narrator off whatever the developer's shell says; the key where secret_env points.
const ENVIRONMENT = { DRIFTWATCH_LLM_URL: '', [SECRET_ENV]: SECRET };

type Case = 'off' | 'up' | 'down' | 'slow';
const CASES: Case[] = ['off', 'up', 'down', 'slow'];

/** The shipped policy plus one target (none for off). */
function notifying(url: string, settings: string): (text: string) => string {
  return (text) => `${text}\nnotifications:\n  targets:\n    - { name: receiver, url: "${url}", events: [escalation, promoted, blocked, failed], format: json, secret_env: ${SECRET_ENV}, ${settings} }\n`;
}

let receiver: WebhookReceiver;
const ws = new Map<Case, Workspace>();
const results = new Map<Case, ScriptResult>();

beforeAll(async () => {
  receiver = await startWebhookReceiver(SECRET, 4_000);
  const down = await closedPortUrl();
  // A shock on a small table: the policy escalates it to a human (notification escalation), and a run is quick.
  const shock = prepare('shock', 'shock_black_friday', 1500, 2000);
  ws.set('off', variant(shock, 'off'));
  ws.set('up', variant(shock, 'up', notifying(`${receiver.base}/up/control`, 'timeout_ms: 2000, retries: 3')));
  ws.set('down', variant(shock, 'down', notifying(down, 'timeout_ms: 1000, retries: 1')));
  ws.set('slow', variant(shock, 'slow', notifying(`${receiver.base}/slow/control`, 'timeout_ms: 1000, retries: 1')));
  const runs = await Promise.all(CASES.map((name) => controlAsync(ws.get(name) as Workspace, ARGS, ENVIRONMENT)));
  CASES.forEach((name, index) => results.set(name, runs[index] as ScriptResult));
}, 60_000);

afterAll(async () => {
  await receiver.close();
  temp.cleanup();
});

const failedLines = (directory: string): NotificationFailure[] => (existsSync(notificationsFailedPath(directory))
  ? readFileSync(notificationsFailedPath(directory), 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as NotificationFailure)
  : []);

/** Decided as without notifications: same exit code and stdout, and the decision on stderr the same. */
function decidedAsWithout(name: Case): ScriptResult {
  const result = results.get(name) as ScriptResult;
  const without = results.get('off') as ScriptResult;
  expect(result.status, result.stderr).toBe(without.status);
  expect(result.stdout).toBe(without.stdout);
  expect(result.stderr.startsWith(without.stderr)).toBe(true);
  return result;
}

/**
 * Every file of a workspace's events, approvals and registry, as text, but the failed log.
 * The workspaces differ in their folder and their policy file, so the folder and the
 * policies' sha256 are put to a placeholder, and the audit chain's hashes (which cover them)
 * are left out; `audit-verify` checks the chain itself.
 */
function decisionFiles(workspace: Workspace): Map<string, string> {
  const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
  // The run's policy, and the shipped one the shared monitoring summary was made under.
  const policies = [sha256(readFileSync(workspace.policy)), sha256(POLICY)];
  const files = new Map<string, string>();
  const walk = (directory: string): void => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path !== notificationsFailedPath(workspace.events)) {
        const text = readFileSync(path, 'utf8').split(workspace.root).join('<workspace>').split(policies[0] as string).join('<policy>').split(policies[1] as string).join('<policy>')
          .replace(/"(hash|prev_hash|last_hash|pending_hashes|signature)":\s*("[0-9a-f]*"|\[[^\]]*\])/g, '"$1":"<chain>"');
        files.set(relative(workspace.root, path), text);
      }
    }
  };
  for (const directory of [workspace.events, workspace.approvals, workspace.registry]) walk(directory);
  return files;
}

describe('notifications through the real control script', () => {
  it('without a notifications section nothing is sent and nothing is written: the shipped policy\'s behaviour', () => {
    const result = results.get('off') as ScriptResult;
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ run_id: RUN_ID, incident_type: 'shock', outcome: 'pending_approval' });
    expect(result.stderr).not.toMatch(/notification/);
    expect(existsSync(notificationsFailedPath((ws.get('off') as Workspace).events))).toBe(false);
  });

  it('up: one delivery, signed with the secret, carrying the event, the delivery id and the decision', () => {
    const result = decidedAsWithout('up');
    expect(result.stderr).toMatch(/control: notification escalation for run notified-run to receiver delivered \(attempt 1, HTTP 200\)/);
    const [delivery, ...more] = receiver.of('up', '/up/control');
    expect(more).toEqual([]);
    expect(delivery?.signature).toEqual({ valid: true });
    expect(delivery?.headers).toMatchObject({ 'content-type': 'application/json', 'x-driftwatch-event': 'escalation', 'x-driftwatch-delivery': `${RUN_ID}:receiver` });
    const { release } = readRecordedRun((ws.get('up') as Workspace).events, RUN_ID);
    expect(JSON.parse(delivery?.body as string)).toMatchObject({ event: 'escalation', run_id: RUN_ID, incident_type: 'shock', action: 'escalate', outcome: 'pending_approval', approval_id: release?.approval_id, reasons: release?.reasons });
    expect(failedLines((ws.get('up') as Workspace).events)).toEqual([]);
  });

  it('down: connection refused, retried, then one failed line with the body to resend; the exit code is the same', () => {
    const result = decidedAsWithout('down');
    const [failure, ...more] = failedLines((ws.get('down') as Workspace).events);
    expect(more).toEqual([]);
    expect(validateNotificationFailure(failure)).toBe(true);
    expect(failure).toMatchObject({ run_id: RUN_ID, target: 'receiver', event: 'escalation', format: 'json', delivery_id: `${RUN_ID}:receiver`, attempts: 2, last_error: 'cannot connect: ECONNREFUSED' });
    expect(JSON.parse(failure?.body as string)).toMatchObject({ event: 'escalation', run_id: RUN_ID });
    expect(result.stderr).toContain(`control: notification escalation for run ${RUN_ID} to receiver failed after 2 attempt(s): cannot connect: ECONNREFUSED; recorded in ${notificationsFailedPath((ws.get('down') as Workspace).events)}`);
  });

  it('a receiver that is down leaves the decision\'s files as a run without notifications leaves them', () => {
    const down = decisionFiles(ws.get('down') as Workspace);
    const off = decisionFiles(ws.get('off') as Workspace);
    expect([...down.keys()].sort()).toEqual([...off.keys()].sort());
    for (const [path, text] of off) expect(down.get(path), path).toBe(text);
  });

  it('slow: each attempt ends at the timeout and is retried, then a failed line; the decision was on disk before the first request', () => {
    decidedAsWithout('slow');
    const attempts = receiver.of('slow', '/slow/control');
    expect(attempts.map((request) => [request.signature.valid, request.headers['x-driftwatch-attempt']])).toEqual([[true, '1'], [true, '2']]);
    expect(failedLines((ws.get('slow') as Workspace).events).map((line) => [line.attempts, line.last_error])).toEqual([[2, 'no answer within 1000 ms']]);
    const events = (ws.get('slow') as Workspace).events;
    const decidedAt = Math.max(...['audit.jsonl', join('runs', RUN_ID, 'release_result.json'), 'release_result.json'].map((file) => statSync(join(events, file)).mtimeMs));
    expect(decidedAt).toBeLessThanOrEqual((attempts[0] as { receivedAtMs: number }).receivedAtMs);
    expect(readFileSync(join(events, 'audit.jsonl'), 'utf8')).toContain(`"run_id":"${RUN_ID}","kind":"release"`);
  });

  it('500: retried the configured number of times, every attempt signed, then one failed line', async () => {
    const source = ws.get('up') as Workspace;
    const { sentinel, plan, release } = readRecordedRun(source.events, RUN_ID);
    const outcome = { sentinel, plan, release } as Pick<ControlOutcome, 'sentinel' | 'plan' | 'release'>;
    const lines: string[] = [];
    const dispatcher = new NotificationDispatcher({
      environment: { [SECRET_ENV]: SECRET },
      report: (line) => lines.push(line),
      targetsOf: () => [{ name: 'failing', url: `${receiver.base}/failing/direct`, events: ['escalation'], format: 'slack', secret_env: SECRET_ENV, timeout_ms: 2000, retries: 2 }],
      backoffMs: () => 10,
    });
    const events = join(temp.path, 'failing-events');
    mkdirSync(events);
    dispatcher.send(outcome, { policyPath: source.policy, eventsDirectory: events });
    await dispatcher.drain();
    const attempts = receiver.of('failing', '/failing/direct');
    expect(attempts).toHaveLength(3);
    expect(attempts.every((request) => request.signature.valid)).toBe(true);
    expect(new Set(attempts.map((request) => request.headers['x-driftwatch-delivery']))).toEqual(new Set([`${RUN_ID}:failing`]));
    expect(JSON.parse(attempts[0]?.body as string)).toMatchObject({ text: expect.stringMatching(/^DriftWatch: escalate waits for a human/), blocks: expect.any(Array) });
    const [failure, ...more] = failedLines(events);
    expect(more).toEqual([]);
    expect(failure).toMatchObject({ target: 'failing', event: 'escalation', format: 'slack', attempts: 3, last_error: 'HTTP 500', body: attempts[2]?.body });
    expect(lines).toHaveLength(1);
  });
});

describe('notifications from the API\'s control worker', () => {
  it('a decision a request returns is notified after the caller has it, and stop() waits for the delivery', async () => {
    const workspace = ws.get('up') as Workspace;
    const before = receiver.of('up').length;
    const worker = new ControlWorker();
    try {
      const options = controlOptionsAt({ eventsDirectory: workspace.events, approvalsDirectory: workspace.approvals, registryDirectory: workspace.registry, policyPath: workspace.policy, summaryPath: join(workspace.reports, 'monitoring_summary.json') }, { now: new Date('2026-11-23T13:00:00Z'), actor: 'api-test', runId: 'api-rollback', lockTimeoutMs: 0 });
      const previous = process.env[SECRET_ENV];
      process.env[SECRET_ENV] = SECRET;
      try {
        // Only v1 was ever in Production: a rollback has nowhere to go and is blocked (a notifiable outcome) at once.
        const { outcome } = await worker.run({ kind: 'action', options, action: 'rollback' });
        expect(outcome?.release.outcome).toBe('blocked');
        // The caller had its answer before any request went out; stop() returns once the delivery has ended.
        expect(receiver.of('up').length).toBe(before);
        await worker.stop();
      } finally {
        if (previous === undefined) delete process.env[SECRET_ENV];
        else process.env[SECRET_ENV] = previous;
      }
    } finally {
      await worker.stop();
    }
    const delivered = receiver.of('up').slice(before);
    expect(delivered.map((request) => [request.headers['x-driftwatch-event'], request.headers['x-driftwatch-delivery'], request.signature.valid])).toEqual([['blocked', 'api-rollback:receiver', true]]);
  });
});

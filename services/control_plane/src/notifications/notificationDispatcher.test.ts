import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { notifiedDecision } from '../../../../tests/helpers/notifiedDecisions.ts';
import { makeTempDir } from '../../../../tests/helpers/runScript.ts';
import { UserError } from '../../../core/src/infrastructure/errors.ts';
import { NotificationDispatcher, type DispatcherSettings, type NotificationTargetSetting } from './notificationDispatcher.ts';
import { notificationsFailedPath, recordNotificationFailure, validateNotificationFailure, type NotificationFailure } from './notificationFailures.ts';
import { verifySignature } from './webhookSignature.ts';

const temp = makeTempDir('notification-dispatcher');
afterAll(() => temp.cleanup());
let directories = 0;
/** A fresh events directory, as a decision leaves one. */
function eventsDirectory(): string {
  directories += 1;
  const directory = join(temp.path, `events-${directories}`);
  mkdirSync(directory);
  return directory;
}

const target = (change: Partial<NotificationTargetSetting> = {}): NotificationTargetSetting => ({
  name: 'ops', url: 'http://127.0.0.1:9/hook', events: ['escalation', 'failed', 'promoted'], format: 'json', secret_env: 'OPS_SECRET', timeout_ms: 1000, retries: 2, ...change,
});

/** A dispatcher over fixed targets and a fetch that answers every attempt with `status` (or hangs until aborted). */
function dispatcher(targets: NotificationTargetSetting[], status: number | 'hang', change: Partial<DispatcherSettings> = {}) {
  const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const lines: string[] = [];
  const fetchFake = (async (url: string, init: RequestInit) => {
    calls.push({ url, headers: init.headers as Record<string, string>, body: String(init.body) });
    if (status === 'hang') return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    return new Response(null, { status });
  }) as unknown as typeof fetch;
  const instance = new NotificationDispatcher({
    environment: { OPS_SECRET: 'whsec-ops' }, report: (line) => lines.push(line), targetsOf: () => targets, fetch: fetchFake, backoffMs: () => 1, now: () => new Date('2026-11-23T12:00:07Z'), ...change,
  });
  return { instance, calls, lines };
}

const failedLines = (directory: string): NotificationFailure[] => readFileSync(notificationsFailedPath(directory), 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as NotificationFailure);

describe('the notification dispatcher', () => {
  it('returns from send at once; the request goes out on a later turn, signed, to the targets that want the event', async () => {
    const { instance, calls, lines } = dispatcher([target(), target({ name: 'quiet', events: ['rolled_back'] })], 200);
    instance.send(notifiedDecision('pending_approval'), { policyPath: 'policy.yaml', eventsDirectory: eventsDirectory() });
    expect(calls).toHaveLength(0);
    expect(instance.pendingCount).toBe(1);
    await instance.drain();
    expect(calls.map((call) => [call.url, call.headers['X-DriftWatch-Event'], call.headers['X-DriftWatch-Delivery']])).toEqual([['http://127.0.0.1:9/hook', 'escalation', 'run-2026-11-23:ops']]);
    expect(verifySignature(calls[0]?.body as string, calls[0]?.headers['X-DriftWatch-Signature'], 'whsec-ops', Date.parse('2026-11-23T12:00:07Z') / 1000)).toEqual({ valid: true });
    expect(lines).toEqual(['notification escalation for run run-2026-11-23 to ops delivered (attempt 1, HTTP 200)']);
  });

  it('sends nothing for no_action, nor when no target wants the event', async () => {
    const { instance, calls } = dispatcher([target({ events: ['rolled_back'] })], 200);
    instance.send(notifiedDecision('no_action'), { policyPath: 'policy.yaml', eventsDirectory: eventsDirectory() });
    expect(instance.pendingCount).toBe(0);
    instance.send(notifiedDecision('promoted'), { policyPath: 'policy.yaml', eventsDirectory: eventsDirectory() });
    await instance.drain();
    expect(calls).toHaveLength(0);
  });

  it('sends one escalation per approval: a later run that joined the approval an earlier run asked for sends none', async () => {
    const { instance, calls } = dispatcher([target()], 200);
    const asked = notifiedDecision('pending_approval');
    instance.send(asked, { policyPath: 'policy.yaml', eventsDirectory: eventsDirectory() });
    const joined = notifiedDecision('pending_approval');
    instance.send({ ...joined, release: { ...joined.release, run_id: 'run-2026-11-24', approval_id: asked.release.approval_id } }, { policyPath: 'policy.yaml', eventsDirectory: eventsDirectory() });
    await instance.drain();
    expect(calls.map((call) => call.headers['X-DriftWatch-Delivery'])).toEqual(['run-2026-11-23:ops']);
  });

  it('after the last retry, one failed line with the body to resend, valid against its schema', async () => {
    const directory = eventsDirectory();
    const { instance, calls, lines } = dispatcher([target()], 503);
    instance.send(notifiedDecision('failed'), { policyPath: 'policy.yaml', eventsDirectory: directory, windowId: 'window-7' });
    await instance.drain();
    expect(calls).toHaveLength(3);
    const [failure, ...more] = failedLines(directory);
    expect(more).toEqual([]);
    expect(validateNotificationFailure(failure)).toBe(true);
    expect(failure).toEqual({
      time: '2026-11-23T12:00:07.000Z', run_id: 'run-2026-11-23', window_id: 'window-7', target: 'ops', event: 'failed', format: 'json',
      delivery_id: 'run-2026-11-23:ops', attempts: 3, last_error: 'HTTP 503', body: calls[2]?.body,
    });
    expect(JSON.parse(failure?.body as string)).toMatchObject({ event: 'failed', window_id: 'window-7' });
    expect(lines).toEqual([`notification failed for run run-2026-11-23 to ops failed after 3 attempt(s): HTTP 503; recorded in ${notificationsFailedPath(directory)}`]);
  });

  it('never sends unsigned: a target whose secret variable is unset or empty is a failed line naming the variable', async () => {
    const directory = eventsDirectory();
    const { instance, calls } = dispatcher([target({ secret_env: 'UNSET_SECRET' }), target({ name: 'empty', secret_env: 'EMPTY_SECRET' })], 200, { environment: { EMPTY_SECRET: '' } });
    instance.send(notifiedDecision('promoted'), { policyPath: 'policy.yaml', eventsDirectory: directory });
    await instance.drain();
    expect(calls).toHaveLength(0);
    expect(failedLines(directory).map((line) => [line.target, line.attempts, line.last_error])).toEqual([
      ['ops', 0, 'not sent: UNSET_SECRET (the target\'s secret_env) is unset or empty, and a notification is never sent unsigned'],
      ['empty', 0, 'not sent: EMPTY_SECRET (the target\'s secret_env) is unset or empty, and a notification is never sent unsigned'],
    ]);
  });

  it('a policy that cannot be read any more is one report line, never an exception, and no file', async () => {
    const directory = eventsDirectory();
    const { instance, calls, lines } = dispatcher([], 200, { targetsOf: () => { throw new UserError('policy.yaml:3: version: must be equal to constant'); } });
    instance.send(notifiedDecision('promoted'), { policyPath: 'policy.yaml', eventsDirectory: directory });
    await instance.drain();
    expect(calls).toHaveLength(0);
    expect(lines).toEqual(['notifications for run run-2026-11-23 not sent, the decision stands as written: policy.yaml:3: version: must be equal to constant']);
    expect(existsSync(notificationsFailedPath(directory))).toBe(false);
  });

  it('a bounded drain stops a delivery that would outlast it, and records it as failed', async () => {
    const directory = eventsDirectory();
    const { instance, calls } = dispatcher([target({ timeout_ms: 60_000 })], 'hang');
    instance.send(notifiedDecision('failed'), { policyPath: 'policy.yaml', eventsDirectory: directory });
    const started = Date.now();
    await instance.drain(100);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(instance.pendingCount).toBe(0);
    expect(calls).toHaveLength(1);
    expect(failedLines(directory).map((line) => [line.attempts, line.last_error])).toEqual([[1, 'stopped before an answer: the process was ending']]);
  });
});

describe('the failed log', () => {
  it('fences off a line torn by a crash instead of running into it', () => {
    const directory = eventsDirectory();
    writeFileSync(notificationsFailedPath(directory), '{"time":"2026-11-23T12:00:00Z","run_id":"torn');
    const failure: NotificationFailure = { time: '2026-11-23T12:00:07.000Z', run_id: 'r2', window_id: null, target: 'ops', event: 'promoted', format: 'slack', delivery_id: 'r2:ops', attempts: 4, last_error: 'HTTP 500', body: '{}' };
    recordNotificationFailure(directory, failure);
    const lines = readFileSync(notificationsFailedPath(directory), 'utf8').split('\n');
    expect(lines).toEqual(['{"time":"2026-11-23T12:00:00Z","run_id":"torn', JSON.stringify(failure), '']);
  });

  it('refuses to write a line that breaks its schema (our bug, not the receiver\'s)', () => {
    expect(() => recordNotificationFailure(eventsDirectory(), { attempts: -1 } as unknown as NotificationFailure)).toThrow(/internal: notification failure line breaks its schema/);
  });
});

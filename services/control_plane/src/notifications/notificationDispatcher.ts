import { loadPolicy, type NotificationTarget } from '../../../core/src/domain/promotionPolicy.ts';
import type { NotificationEvent } from '../../../core/src/domain/vocabularies.ts';
import { errorMessage } from '../../../core/src/infrastructure/errors.ts';
import type { ControlOptions } from '../controlOptions.ts';
import { approvalId } from '../approvalsStore.ts';
import { notificationEventOf } from './notificationEvents.ts';
import { recordNotificationFailure } from './notificationFailures.ts';
import { notificationBody, type NotifiedDecision } from './notificationPayloads.ts';
import { backoffDelayMs, deliverWebhook, type DeliveryResult, type DeliveryTools } from './webhookDelivery.ts';

/**
 * How long a process that is ending gives the deliveries under way (a command after its
 * decision, the watcher or the API when stopped): a receiver that never answers, at the
 * schema's most patient settings, would hold it for minutes, and a supervisor's SIGKILL
 * then would leave no failed line. Those still running are stopped and recorded as failed.
 */
export const NOTIFICATION_DRAIN_LIMIT_MS = 10_000;

/** Where a decision's notifications look: its policy's targets, its events directory for failed lines, its window. */
export type DispatchOptions = Pick<ControlOptions, 'policyPath' | 'eventsDirectory' | 'windowId'>;

export type NotificationTargetSetting = Required<NotificationTarget>;

/** Everything a dispatcher takes from the world; the defaults are the real ones. */
export interface DispatcherSettings {
  /** Where the signing keys are read (each target's secret_env), at send time. */
  environment?: Readonly<Record<string, string | undefined>>;
  /** One line per delivery or failure, for the process's log. */
  report?: (line: string) => void;
  /**
   * The targets a policy file names. By default the file is read again when the decision is
   * sent: runControl does not hand out the policy it decided under, and the one place that
   * fills in a target's defaults (withDefaults) stays the only one.
   */
  targetsOf?: (policyPath: string) => readonly NotificationTargetSetting[];
  fetch?: typeof fetch;
  backoffMs?: (retry: number) => number;
  now?: () => Date;
}

/** Resolves after `ms` or as soon as `signal` aborts, never rejects; the timer does not keep a process alive on its own. */
function sleepUnlessStopped(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Notifications leave the decision path: `send` returns at once and does its work on a
 * later turn of the event loop, after the caller has written, audited and answered; every
 * failure ends as a line in notifications_failed.jsonl or in the report, never as an
 * exception. A process awaits `drain` before it exits, so deliveries under way finish.
 */
export class NotificationDispatcher {
  private readonly pending = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly settings: DispatcherSettings;

  constructor(settings: DispatcherSettings = {}) {
    this.settings = settings;
  }

  /** Deliveries not finished yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  send(outcome: Pick<NotifiedDecision, 'sentinel' | 'plan' | 'release'>, options: DispatchOptions): void {
    const event = notificationEventOf(outcome.release.outcome);
    if (event === null) return;
    // A run that joined an approval an earlier run asked for tells nobody anything new: that run
    // sent the escalation (a watcher would otherwise send one per window while a shock lasts).
    if (event === 'escalation' && outcome.release.approval_id !== null && outcome.release.approval_id !== approvalId(outcome.release.run_id)) return;
    const decision: NotifiedDecision = { sentinel: outcome.sentinel, plan: outcome.plan, release: outcome.release, windowId: options.windowId };
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.dispatch(event, decision, options))
      .catch((error: unknown) => this.report(`notifications for run ${decision.release.run_id} stopped by an internal error: ${errorMessage(error)}`));
    this.pending.add(task);
    void task.then(() => this.pending.delete(task));
  }

  /**
   * Waits for every delivery under way, including ones sent while waiting. With a limit,
   * deliveries still running when it passes are stopped (each is then a failed line), so a
   * server's shutdown is bounded; after that the dispatcher is stopped for good.
   */
  async drain(limitMs?: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    if (limitMs !== undefined) timer = setTimeout(() => this.stopping.abort(), limitMs);
    try {
      while (this.pending.size > 0) await Promise.all([...this.pending]);
    } finally {
      clearTimeout(timer);
    }
  }

  private report(line: string): void {
    try {
      this.settings.report?.(line);
    } catch {
      // A log that cannot be written is no reason to fail a notification.
    }
  }

  private async dispatch(event: NotificationEvent, decision: NotifiedDecision, options: DispatchOptions): Promise<void> {
    let targets: readonly NotificationTargetSetting[];
    try {
      targets = (this.settings.targetsOf ?? ((path: string) => loadPolicy(path).notifications.targets))(options.policyPath);
    } catch (error) {
      this.report(`notifications for run ${decision.release.run_id} not sent, the decision stands as written: ${errorMessage(error)}`);
      return;
    }
    await Promise.all(targets.filter((target) => target.events.includes(event)).map((target) => this.notify(target, event, decision, options)));
  }

  private deliveryTools(): DeliveryTools {
    const now = this.settings.now ?? (() => new Date());
    return {
      fetch: this.settings.fetch ?? fetch,
      sleep: sleepUnlessStopped,
      backoffMs: this.settings.backoffMs ?? ((retry) => backoffDelayMs(retry)),
      nowSeconds: () => Math.floor(now().getTime() / 1000),
      stop: this.stopping.signal,
    };
  }

  private async notify(target: NotificationTargetSetting, event: NotificationEvent, decision: NotifiedDecision, options: DispatchOptions): Promise<void> {
    const { run_id: runId } = decision.release;
    const body = notificationBody(target.format, event, decision);
    const deliveryId = `${runId}:${target.name}`;
    const secret = (this.settings.environment ?? process.env)[target.secret_env];
    const result: DeliveryResult = secret === undefined || secret === ''
      ? { delivered: false, attempts: 0, lastError: `not sent: ${target.secret_env} (the target's secret_env) is unset or empty, and a notification is never sent unsigned` }
      : await deliverWebhook({ url: target.url, body, event, deliveryId, secret }, { timeoutMs: target.timeout_ms, retries: target.retries }, this.deliveryTools());
    const what = `notification ${event} for run ${runId} to ${target.name}`;
    if (result.delivered) {
      this.report(`${what} delivered (attempt ${result.attempts}, HTTP ${result.status})`);
      return;
    }
    const time = (this.settings.now ?? (() => new Date()))().toISOString();
    try {
      const path = recordNotificationFailure(options.eventsDirectory, {
        time, run_id: runId, window_id: decision.windowId ?? null, target: target.name, event, format: target.format, delivery_id: deliveryId, attempts: result.attempts, last_error: result.lastError, body,
      });
      this.report(`${what} failed after ${result.attempts} attempt(s): ${result.lastError}; recorded in ${path}`);
    } catch (error) {
      this.report(`${what} failed after ${result.attempts} attempt(s): ${result.lastError}; and could not be recorded: ${errorMessage(error)}`);
    }
  }
}

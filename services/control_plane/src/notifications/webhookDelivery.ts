import type { NotificationEvent } from '../../../core/src/domain/vocabularies.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './webhookSignature.ts';

/** One notification to one target: the bytes to send and what signs them. */
export interface WebhookRequest {
  url: string;
  body: string;
  event: NotificationEvent;
  /** <run_id>:<target>, the same on every attempt: a receiver that got an earlier attempt drops the repeat. */
  deliveryId: string;
  secret: string;
}

export interface RetrySchedule {
  timeoutMs: number;
  retries: number;
}

/** What a delivery needs from the world, so a test runs it without waiting seconds between attempts. */
export interface DeliveryTools {
  fetch: typeof fetch;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The wait before retry n (1 for the second attempt). */
  backoffMs: (retry: number) => number;
  nowSeconds: () => number;
  /** Aborted when the process is stopping: the attempt in flight ends and no other starts. */
  stop: AbortSignal;
}

export type DeliveryResult =
  | { delivered: true; attempts: number; status: number }
  | { delivered: false; attempts: number; lastError: string };

/** delivered: done; retry: the receiver may answer better later; give_up: it will not (or we are stopping). */
export type AttemptVerdict = 'delivered' | 'retry' | 'give_up';

/** 408 and 429 say "later"; any other 4xx says the request itself is wrong, which a retry cannot mend; a 3xx is not followed, so the signed body goes only where the policy points. */
export function verdictOfStatus(status: number): AttemptVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= 500 || status === 408 || status === 429) return 'retry';
  return 'give_up';
}

export const DEFAULT_BACKOFF_BASE_MS = 500;

/** Doubling from the base, the same every time (500 ms, 1 s, 2 s, ...): a failed delivery's timing is reproducible. */
export function backoffDelayMs(retry: number, baseMs = DEFAULT_BACKOFF_BASE_MS): number {
  return baseMs * 2 ** (retry - 1);
}

interface Attempt { verdict: AttemptVerdict; status?: number; detail: string }

/** The system error's code where there is one (ECONNREFUSED, ENOTFOUND): never the URL, which may hold a token (a Slack webhook's path is its secret). */
function connectionFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = cause?.code ?? (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return `cannot connect: ${code}`;
  return `cannot connect: ${error instanceof Error ? error.name : 'unknown error'}`;
}

async function attempt(request: WebhookRequest, number: number, timeoutMs: number, tools: DeliveryTools): Promise<Attempt> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await tools.fetch(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'DriftWatch-Notifier/1',
        [SIGNATURE_HEADER]: signatureHeader(request.body, request.secret, tools.nowSeconds()),
        [EVENT_HEADER]: request.event,
        [DELIVERY_HEADER]: request.deliveryId,
        'X-DriftWatch-Attempt': String(number),
      },
      body: request.body,
      signal: AbortSignal.any([timeout, tools.stop]),
      redirect: 'manual',
    });
    // The answer's body is not read: the status says it all, and a large body must not hold the socket.
    await response.body?.cancel().catch(() => undefined);
    const verdict = verdictOfStatus(response.status);
    const detail = verdict === 'give_up' ? `HTTP ${response.status} (not retried: only 5xx, 408 and 429 are)` : `HTTP ${response.status}`;
    return { verdict, status: response.status, detail };
  } catch (error) {
    if (tools.stop.aborted) return { verdict: 'give_up', detail: 'stopped before an answer: the process was ending' };
    if (timeout.aborted) return { verdict: 'retry', detail: `no answer within ${timeoutMs} ms` };
    return { verdict: 'retry', detail: connectionFailure(error) };
  }
}

/** Attempts until one is delivered, one says a retry is useless, or the retries are spent; never throws. */
export async function deliverWebhook(request: WebhookRequest, schedule: RetrySchedule, tools: DeliveryTools): Promise<DeliveryResult> {
  let last: Attempt = { verdict: 'give_up', detail: 'not attempted' };
  let attempts = 0;
  for (let retry = 0; retry <= schedule.retries; retry += 1) {
    if (retry > 0) await tools.sleep(tools.backoffMs(retry), tools.stop);
    if (tools.stop.aborted) return { delivered: false, attempts, lastError: attempts === 0 ? 'stopped before the first attempt: the process was ending' : `${last.detail}; then stopped before the next attempt: the process was ending` };
    attempts += 1;
    last = await attempt(request, attempts, schedule.timeoutMs, tools);
    if (last.verdict === 'delivered') return { delivered: true, attempts, status: last.status as number };
    if (last.verdict === 'give_up') break;
  }
  return { delivered: false, attempts, lastError: last.detail };
}

import { describe, expect, it } from 'vitest';
import { backoffDelayMs, deliverWebhook, verdictOfStatus, type DeliveryTools, type WebhookRequest } from './webhookDelivery.ts';
import { verifySignature } from './webhookSignature.ts';

const REQUEST: WebhookRequest = { url: 'http://127.0.0.1:9/hook', body: '{"event":"failed"}', event: 'failed', deliveryId: 'run-1:ops', secret: 'whsec' };

/** A fetch that answers each attempt in turn: a status, or an error to throw (connection refused), or "hang" until aborted. */
function scripted(answers: (number | Error | 'hang')[]) {
  const calls: { headers: Record<string, string>; body: string }[] = [];
  const fetchFake = (async (_url: string, init: RequestInit) => {
    calls.push({ headers: init.headers as Record<string, string>, body: String(init.body) });
    const answer = answers[calls.length - 1] ?? 500;
    if (answer === 'hang') {
      return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    }
    if (answer instanceof Error) throw answer;
    return new Response(null, { status: answer });
  }) as unknown as typeof fetch;
  return { fetchFake, calls };
}

function tools(fetchFake: typeof fetch, stop = new AbortController().signal) {
  const waits: number[] = [];
  const given: DeliveryTools = { fetch: fetchFake, sleep: async (ms) => { waits.push(ms); }, backoffMs: backoffDelayMs, nowSeconds: () => 1_795_000_000, stop };
  return { given, waits };
}

const refused = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });

describe('what an answer means for the next attempt', () => {
  it('2xx is delivered; 5xx, 408 and 429 are retried; any other 4xx and a redirect are not, as a retry cannot mend them', () => {
    expect([200, 202, 204].map(verdictOfStatus)).toEqual(['delivered', 'delivered', 'delivered']);
    expect([500, 502, 503, 504, 408, 429].map(verdictOfStatus)).toEqual(Array(6).fill('retry'));
    expect([400, 401, 403, 404, 410, 413, 301, 302].map(verdictOfStatus)).toEqual(Array(8).fill('give_up'));
  });

  it('waits 0.5 s, 1 s, 2 s, ... between attempts, the same every time', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3].map((retry) => backoffDelayMs(retry, 1))).toEqual([1, 2, 4]);
  });
});

describe('a delivery', () => {
  it('retries a 500 and is delivered by a later attempt, each attempt signed afresh and carrying the same delivery id', async () => {
    const { fetchFake, calls } = scripted([500, 503, 200]);
    const { given, waits } = tools(fetchFake);
    expect(await deliverWebhook(REQUEST, { timeoutMs: 1000, retries: 3 }, given)).toEqual({ delivered: true, attempts: 3, status: 200 });
    expect(waits).toEqual([500, 1000]);
    for (const [index, call] of calls.entries()) {
      expect(call.body).toBe(REQUEST.body);
      expect(call.headers).toMatchObject({ 'content-type': 'application/json', 'X-DriftWatch-Event': 'failed', 'X-DriftWatch-Delivery': 'run-1:ops', 'X-DriftWatch-Attempt': String(index + 1) });
      expect(verifySignature(call.body, call.headers['X-DriftWatch-Signature'], 'whsec', 1_795_000_000)).toEqual({ valid: true });
    }
  });

  it('gives up after the configured retries, reporting the last error', async () => {
    const { fetchFake, calls } = scripted([500, 500, 500]);
    expect(await deliverWebhook(REQUEST, { timeoutMs: 1000, retries: 2 }, tools(fetchFake).given)).toEqual({ delivered: false, attempts: 3, lastError: 'HTTP 500' });
    expect(calls).toHaveLength(3);
  });

  it('does not retry a 404', async () => {
    const { fetchFake, calls } = scripted([404]);
    expect(await deliverWebhook(REQUEST, { timeoutMs: 1000, retries: 3 }, tools(fetchFake).given)).toEqual({ delivered: false, attempts: 1, lastError: 'HTTP 404 (not retried: only 5xx, 408 and 429 are)' });
    expect(calls).toHaveLength(1);
  });

  it('retries a refused connection and names the system error, never the URL (a Slack webhook\'s path is its secret)', async () => {
    const { fetchFake } = scripted([refused(), refused()]);
    const result = await deliverWebhook(REQUEST, { timeoutMs: 1000, retries: 1 }, tools(fetchFake).given);
    expect(result).toEqual({ delivered: false, attempts: 2, lastError: 'cannot connect: ECONNREFUSED' });
  });

  it('ends an attempt without an answer at the timeout and retries it', async () => {
    const { fetchFake } = scripted(['hang', 204]);
    expect(await deliverWebhook(REQUEST, { timeoutMs: 50, retries: 1 }, tools(fetchFake).given)).toEqual({ delivered: true, attempts: 2, status: 204 });
    const { fetchFake: never } = scripted(['hang', 'hang']);
    expect(await deliverWebhook(REQUEST, { timeoutMs: 50, retries: 1 }, tools(never).given)).toEqual({ delivered: false, attempts: 2, lastError: 'no answer within 50 ms' });
  });

  it('stops at once when the process is stopping: the attempt in flight ends and no other starts', async () => {
    const stop = new AbortController();
    const { fetchFake, calls } = scripted(['hang', 200]);
    const delivery = deliverWebhook(REQUEST, { timeoutMs: 60_000, retries: 3 }, tools(fetchFake, stop.signal).given);
    setTimeout(() => stop.abort(), 20);
    expect(await delivery).toEqual({ delivered: false, attempts: 1, lastError: 'stopped before an answer: the process was ending' });
    expect(calls).toHaveLength(1);
  });
});

import type { TransactionRecord } from './transactionRecords.ts';

/** What the API answered for one batch: the model version of each prediction. */
export interface BatchAnswer {
  model_version: number;
  predictions: { model_version: number }[];
}

/** Why a batch was not scored: the API refused it (4xx: our data, no retry) or could not be reached. */
export class PredictRefused extends Error {}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** Backoff between tries while the API is starting, reloading or briefly down; past the budget the player stops. */
const RETRY_DELAYS_MS = [100, 250, 500, 1000, 2000, 2000, 2000, 2000, 2000, 2000];

/** A pause that a stop ends at once (it resolves; the caller looks at the signal). */
export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * POST one batch to /predict, as {"transactions": [...]}. A 2xx is the API's promise that the
 * predictions are logged (durable mode); a 503 (no model yet), a connection refused or a 5xx is
 * tried again with backoff, so the player rides out an API restart; a 4xx is the data's fault and
 * stops the player with the API's one-line reason.
 */
export async function postBatch(apiUrl: string, transactions: readonly TransactionRecord[], where: string, signal?: AbortSignal): Promise<BatchAnswer> {
  let lastProblem = '';
  for (const delay of [0, ...RETRY_DELAYS_MS]) {
    if (delay > 0) await pause(delay, signal);
    signal?.throwIfAborted();
    let response: Response;
    try {
      response = await fetch(`${apiUrl}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transactions }), signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      lastProblem = `cannot reach ${apiUrl}: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`;
      continue;
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as BatchAnswer;
    const reason = (() => {
      try {
        return String((JSON.parse(text) as { error?: unknown }).error ?? text);
      } catch {
        return text.slice(0, 200);
      }
    })();
    if (!RETRY_STATUSES.has(response.status)) throw new PredictRefused(`${where}: the API refused the batch (${response.status}): ${reason}`);
    lastProblem = `${response.status} ${reason}`;
  }
  throw new PredictRefused(`${where}: no answer from the API after ${RETRY_DELAYS_MS.length + 1} tries: ${lastProblem}`);
}

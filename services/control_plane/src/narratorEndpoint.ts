import type { NarratorEndpoint } from './narratorConfig.ts';
import type { ChatCompletionRequest } from './narratorRequest.ts';

/** The edge to the language model: one POST, bounded in time and size, every failure a reason. */
export type EndpointReply = { ok: true; body: string } | { ok: false; reason: string };

/** A chat answer of a few hundred words is a few kilobytes; more than this is not an answer to read. */
export const MAX_ANSWER_BYTES = 1_000_000;

/**
 * Why a request failed, for the release result: the system error's code where there is one
 * (ECONNREFUSED, ENOTFOUND), else the cause's message ("bad port") with the URL, which may
 * carry a key in its query, put back to the host.
 */
function failureOf(error: unknown, endpoint: NarratorEndpoint): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = cause?.code ?? (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  if (typeof cause?.message === 'string' && cause.message !== '') return cause.message.split(endpoint.url).join(endpoint.host).slice(0, 200);
  return error instanceof Error ? error.name : 'unknown error';
}

class AnswerTooLarge extends Error {}

/** The body as text, refusing past `limit` bytes rather than holding whatever a server sends. */
async function readCapped(response: Response, limit: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new AnswerTooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * POST the request and read the whole answer within the endpoint's timeout (the clock
 * covers the body too: a server that sends headers and then stalls times out the same).
 */
export async function postChatCompletion(endpoint: NarratorEndpoint, request: ChatCompletionRequest): Promise<EndpointReply> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), endpoint.timeoutMs);
  try {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(endpoint.apiKey === undefined ? {} : { authorization: `Bearer ${endpoint.apiKey}` }) },
      body: JSON.stringify(request),
      signal: controller.signal,
      // The key goes to the host that was named, and nowhere a redirect points: a 3xx is a failure like any non-2xx.
      redirect: 'manual',
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, reason: `${endpoint.host} answered HTTP ${response.status}` };
    }
    return { ok: true, body: await readCapped(response, MAX_ANSWER_BYTES) };
  } catch (error) {
    if (controller.signal.aborted) return { ok: false, reason: `no answer from ${endpoint.host} within ${endpoint.timeoutMs} ms (DRIFTWATCH_LLM_TIMEOUT_MS)` };
    if (error instanceof AnswerTooLarge) return { ok: false, reason: `the answer from ${endpoint.host} is larger than ${MAX_ANSWER_BYTES} bytes` };
    return { ok: false, reason: `cannot reach ${endpoint.host}: ${failureOf(error, endpoint)}` };
  } finally {
    clearTimeout(timer);
  }
}

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NarratorEndpoint } from './narratorConfig.ts';
import { MAX_ANSWER_BYTES, postChatCompletion } from './narratorEndpoint.ts';
import type { ChatCompletionRequest } from './narratorRequest.ts';

const REQUEST: ChatCompletionRequest = { model: 'tiny', messages: [{ role: 'user', content: 'explain' }], temperature: 0, max_tokens: 10, stream: false };

/** One answer per path, chosen by the test; the server records what it was sent. */
const received: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];
const routes: Record<string, (response: ServerResponse) => void> = {
  '/ok/chat/completions': (response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[{"message":{"content":"fine"}}]}'),
  '/fail/chat/completions': (response) => response.writeHead(500).end('{"error":"boom"}'),
  '/slow/chat/completions': () => { /* never answers */ },
  '/stall/chat/completions': (response) => { response.writeHead(200, { 'content-type': 'application/json' }); response.write('{"choices":'); },
  '/huge/chat/completions': (response) => { response.writeHead(200); response.end('x'.repeat(MAX_ANSWER_BYTES + 1)); },
  '/moved/chat/completions': (response) => response.writeHead(307, { location: '/ok/chat/completions' }).end(),
};

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += String(chunk); });
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body });
      (routes[request.url ?? ''] ?? ((reply: ServerResponse) => reply.writeHead(404).end()))(response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const endpoint = (path: string, extra: Partial<NarratorEndpoint> = {}): NarratorEndpoint => ({ url: `${base}/${path}/chat/completions`, host: new URL(base).host, model: 'tiny', timeoutMs: 300, apiKey: undefined, ...extra });

describe('asking the endpoint', () => {
  it('POSTs the request as JSON, with the key as a bearer token, and returns the body', async () => {
    expect(await postChatCompletion(endpoint('ok', { apiKey: 'sk-test' }), REQUEST)).toEqual({ ok: true, body: '{"choices":[{"message":{"content":"fine"}}]}' });
    const sent = received.at(-1);
    expect(JSON.parse(sent?.body ?? '')).toEqual(REQUEST);
    expect(sent?.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer sk-test' });
  });

  it('sends no authorization header without a key', async () => {
    await postChatCompletion(endpoint('ok'), REQUEST);
    expect(received.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('a non-2xx status is a reason, not a body', async () => {
    expect(await postChatCompletion(endpoint('fail'), REQUEST)).toEqual({ ok: false, reason: `${new URL(base).host} answered HTTP 500` });
  });

  it('gives up at the timeout, whether no headers come or the body stalls', async () => {
    for (const path of ['slow', 'stall']) {
      const started = Date.now();
      expect(await postChatCompletion(endpoint(path, { timeoutMs: 150 }), REQUEST)).toEqual({ ok: false, reason: `no answer from ${new URL(base).host} within 150 ms (DRIFTWATCH_LLM_TIMEOUT_MS)` });
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it('stops reading an answer larger than it would ever keep', async () => {
    expect(await postChatCompletion(endpoint('huge', { timeoutMs: 5000 }), REQUEST)).toEqual({ ok: false, reason: `the answer from ${new URL(base).host} is larger than ${MAX_ANSWER_BYTES} bytes` });
  });

  it('follows no redirect (the key goes only to the host named)', async () => {
    expect(await postChatCompletion(endpoint('moved', { apiKey: 'sk-test' }), REQUEST)).toEqual({ ok: false, reason: `${new URL(base).host} answered HTTP 307` });
    expect(received.at(-1)?.path).toBe('/moved/chat/completions');
  });

  it('a port fetch refuses to use is a reason too', async () => {
    expect(await postChatCompletion({ url: 'http://127.0.0.1:9/v1/chat/completions', host: '127.0.0.1:9', model: 'tiny', timeoutMs: 2000, apiKey: undefined }, REQUEST))
      .toEqual({ ok: false, reason: 'cannot reach 127.0.0.1:9: bad port' });
  });

  it('an unreachable host is a reason naming the host and the error code only', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    expect(await postChatCompletion({ url: `http://127.0.0.1:${port}/v1/chat/completions`, host: `127.0.0.1:${port}`, model: 'tiny', timeoutMs: 2000, apiKey: 'sk-secret' }, REQUEST))
      .toEqual({ ok: false, reason: `cannot reach 127.0.0.1:${port}: ECONNREFUSED` });
  });
});

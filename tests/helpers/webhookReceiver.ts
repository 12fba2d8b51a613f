import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifySignature, type SignatureCheck } from '../../services/control_plane/src/index.ts';

/** How the receiver answers, by the first segment of the path it is posted to: /up/..., /slow/..., /failing/... */
export const RECEIVER_MODES = ['up', 'slow', 'failing'] as const;
export type ReceiverMode = (typeof RECEIVER_MODES)[number];

export interface ReceivedRequest {
  mode: ReceiverMode;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The receiver's own check of X-DriftWatch-Signature, at the moment the body arrived. */
  signature: SignatureCheck;
  receivedAtMs: number;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port> */
  base: string;
  received: ReceivedRequest[];
  of(mode: ReceiverMode, path?: string): ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A webhook receiver on a free loopback port that verifies every request's signature as a
 * user's would. up: 200; failing: 500; slow: 200 after `slowMs`, later than a short client timeout.
 */
export async function startWebhookReceiver(secret: string, slowMs = 2_000): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    const mode = RECEIVER_MODES.find((candidate) => path.split('/')[1] === candidate);
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { body += chunk; });
    request.on('end', () => {
      if (mode === undefined) {
        response.writeHead(404).end();
        return;
      }
      const header = request.headers[SIGNATURE_HEADER.toLowerCase()];
      received.push({ mode, path, headers: request.headers, body, signature: verifySignature(body, typeof header === 'string' ? header : undefined, secret, Math.floor(Date.now() / 1000)), receivedAtMs: Date.now() });
      if (mode === 'up') response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      else if (mode === 'failing') response.writeHead(500, { 'content-type': 'text/plain' }).end('receiver crashed');
      else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!response.destroyed) response.writeHead(200).end('late');
        }, slowMs);
        timers.add(timer);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    of: (mode, path) => received.filter((request) => request.mode === mode && (path === undefined || request.path === path)),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A loopback port nothing listens on (a server bound and closed again): connections to it are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/down`;
}

import { readFileSync } from 'node:fs';
import { fileStamp } from '../../../core/src/infrastructure/fileStamp.ts';
import { Router, type Response } from 'express';
import { DASHBOARD_BUNDLE, DASHBOARD_STATIC } from '../../dashboard/dashboardFiles.ts';
import type { ApiContext } from './apiContext.ts';

/**
 * The page may run its own script and style only, from this server: nothing from a CDN
 * (it works offline) and nothing injected. Charts are inline SVG, images none.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A file served as it is on disk now, re-read only when it changed (a rebuilt bundle shows without a restart). */
function cachedFile(path: string): () => Buffer | undefined {
  let cached: { stamp: string; body: Buffer } | undefined;
  return () => {
    const stamp = fileStamp(path);
    if (stamp === 'absent') return undefined;
    if (cached?.stamp !== stamp) cached = { stamp, body: readFileSync(path) };
    return cached.body;
  };
}

function send(response: Response, type: string, body: Buffer): void {
  response.setHeader('content-type', type);
  response.setHeader('cache-control', 'no-cache');
  response.setHeader('x-content-type-options', 'nosniff');
  response.send(body);
}

/** GET / (the dashboard) and its two assets; the script is the bundle `make dashboard-build` writes. */
export function dashboardPageRoutes(_context: ApiContext): Router {
  const router = Router();
  const page = cachedFile(DASHBOARD_STATIC.page);
  const style = cachedFile(DASHBOARD_STATIC.style);
  const script = cachedFile(DASHBOARD_BUNDLE);
  router.get('/', (_request, response) => {
    const body = page();
    if (body === undefined) throw new Error(`internal: ${DASHBOARD_STATIC.page} is missing from the repository`);
    response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    response.setHeader('x-frame-options', 'DENY');
    response.setHeader('referrer-policy', 'no-referrer');
    send(response, 'text/html; charset=utf-8', body);
  });
  router.get('/dashboard/dashboard.css', (_request, response) => {
    const body = style();
    if (body === undefined) throw new Error(`internal: ${DASHBOARD_STATIC.style} is missing from the repository`);
    send(response, 'text/css; charset=utf-8', body);
  });
  router.get('/dashboard/dashboard.js', (_request, response) => {
    const body = script();
    if (body === undefined) {
      // The page says this where the script would have drawn it (see index.html's fallback text).
      response.status(503).setHeader('content-type', 'text/plain; charset=utf-8').send(`the dashboard is not built: run make dashboard-build (make serve does it), which writes ${DASHBOARD_BUNDLE}\n`);
      return;
    }
    send(response, 'text/javascript; charset=utf-8', body);
  });
  return router;
}

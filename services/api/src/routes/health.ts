import { Router } from 'express';
import type { ApiContext } from './apiContext.ts';

/** GET /health: up, which model it serves, for how long. */
export function healthRoutes({ model, startedAt }: ApiContext): Router {
  const router = Router();
  router.get('/health', (_request, response) => {
    const served = model.current();
    response.json({ status: served ? 'ok' : 'no_model', model_version: served?.version ?? null, uptime_seconds: Math.round((Date.now() - startedAt) / 1000) });
  });
  return router;
}

import { Router } from 'express';
import type { ApiContext } from './apiContext.ts';

/** GET /metrics: Prometheus' text format. */
export function metricsRoutes({ metrics }: ApiContext): Router {
  const router = Router();
  router.get('/metrics', async (_request, response) => {
    response.setHeader('content-type', metrics.registry.contentType);
    response.send(await metrics.registry.metrics());
  });
  return router;
}

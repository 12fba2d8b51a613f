import express from 'express';
import { createApiMetrics, requestMetrics, type ApiMetrics } from './apiMetrics.ts';
import { ControlWorker } from './controlInWorker.ts';
import { ChangeFeed } from './dashboard/changeFeed.ts';
import { watchedFiles } from './dashboard/dashboardReads.ts';
import { errorResponder, HttpError } from './httpErrors.ts';
import { ModelHolder } from './modelHolder.ts';
import { PredictionBus } from './predictionBus.ts';
import { PredictionLog } from './predictionLog.ts';
import type { PredictionSink } from './predictionSink.ts';
import { adminRoutes } from './routes/admin.ts';
import { alertRoutes } from './routes/alerts.ts';
import type { ApiContext, ApiOptions } from './routes/apiContext.ts';
import { approvalRoutes } from './routes/approvals.ts';
import { dashboardApiRoutes, dashboardDirectories } from './routes/dashboardApi.ts';
import { dashboardPageRoutes } from './routes/dashboardPage.ts';
import { healthRoutes } from './routes/health.ts';
import { inspectRoutes } from './routes/inspect.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { predictRoutes } from './routes/predict.ts';

export type { ApiOptions } from './routes/apiContext.ts';

export interface ApiApp {
  app: express.Express;
  metrics: ApiMetrics;
  log: PredictionSink;
  reload(): { version: number | null; changed: boolean };
  /** The Production version being served now (null: none loaded). */
  servedVersion(): number | null;
  /** End the dashboard's event streams: a stopping server cannot wait for connections that never end by themselves. */
  endStreams(): void;
  /** Stop background work and write every accepted prediction. */
  close(): Promise<void>;
}

/** Every route module, in the order they are mounted; a new concern is one module and one line here. */
const ROUTES = [healthRoutes, predictRoutes, metricsRoutes, adminRoutes, inspectRoutes, approvalRoutes, alertRoutes, dashboardApiRoutes, dashboardPageRoutes] as const;

/** The API: shared parts, then the route modules, then the one error mapping. */
export function createApiApp(options: ApiOptions): ApiApp {
  const model = new ModelHolder(options.registryDirectory);
  model.loadAtStart();
  model.watch(options.reloadIntervalMs);
  const log: PredictionSink = options.bus === undefined
    ? new PredictionLog(options.predictionsDirectory, options.maxLogFileBytes, options.predictionLogMode ?? 'durable')
    : new PredictionBus(options.bus);
  const metrics = createApiMetrics({ reportsDirectory: options.reportsDirectory, eventsDirectory: options.eventsDirectory, modelVersion: () => model.version() });
  const control = new ControlWorker();
  const changes = new ChangeFeed(() => watchedFiles(dashboardDirectories({ options })), options.changeFeedIntervalMs ?? 1000);
  const context: ApiContext = { options, model, log, metrics, control, changes, startedAt: Date.now() };

  const app = express();
  app.disable('x-powered-by');
  // Responses are never cached, and a SHA-1 ETag per prediction costs ~5% of throughput.
  app.set('etag', false);
  app.use(requestMetrics(metrics));
  app.use(express.json({ limit: '1mb', strict: true }));
  for (const routes of ROUTES) app.use(routes(context));
  app.use((_request, _response, next) => next(new HttpError(404, 'no such route')));
  app.use(errorResponder);

  return {
    app,
    metrics,
    log,
    reload: () => model.reload(),
    servedVersion: () => model.version(),
    endStreams: () => changes.close(),
    async close() {
      changes.close();
      model.stop();
      await control.stop();
      await log.close();
    },
  };
}

import { existsSync, readFileSync, statSync } from 'node:fs';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { eventPath } from '../../control_plane/src/index.ts';
import { summaryPath } from '../../monitoring/src/index.ts';

/** Reads a JSON file again only when it changed (scrapes come every few seconds). */
function cachedJson(path: string): () => unknown {
  let cached: { mtimeMs: number; value: unknown } | undefined;
  return () => {
    if (!existsSync(path)) return undefined;
    const { mtimeMs } = statSync(path);
    if (!cached || cached.mtimeMs !== mtimeMs) {
      try {
        cached = { mtimeMs, value: JSON.parse(readFileSync(path, 'utf8')) };
      } catch {
        return cached?.value; // a file being replaced: keep the last good reading
      }
    }
    return cached.value;
  };
}

export interface ApiMetrics {
  registry: Registry;
  predictions: Counter<'model_version' | 'label'>;
  latency: Histogram<'route'>;
  scores: Histogram<'model_version'>;
  validationErrors: Counter<'route'>;
  requests: Counter<'route' | 'method' | 'status'>;
  unseenCategories: Counter<'feature'>;
}

/**
 * The API's metrics, in a registry of its own (one per app, so tests can run several).
 * Drift and decision gauges are read from the latest monitoring summary and control run
 * at scrape time.
 */
export function createApiMetrics(paths: { reportsDirectory: string; eventsDirectory: string; modelVersion: () => number | null }): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const summary = cachedJson(summaryPath(paths.reportsDirectory));
  const plan = cachedJson(eventPath(paths.eventsDirectory, 'plan'));
  const release = cachedJson(eventPath(paths.eventsDirectory, 'release'));

  new Gauge({
    name: 'driftwatch_feature_drift_score', help: 'Drift score per feature from the latest monitoring summary (p-value or distance, see stattest)', labelNames: ['feature', 'stattest'], registers: [registry],
    collect() {
      this.reset();
      const columns = (summary() as { drift_by_columns?: Record<string, { drift_score: number; stattest_name: string }> } | undefined)?.drift_by_columns ?? {};
      for (const [feature, column] of Object.entries(columns)) this.set({ feature, stattest: column.stattest_name }, column.drift_score);
    },
  });
  new Gauge({
    name: 'driftwatch_feature_drift_detected', help: '1 when the latest monitoring run found drift in the feature', labelNames: ['feature'], registers: [registry],
    collect() {
      this.reset();
      const columns = (summary() as { drift_by_columns?: Record<string, { drift_detected: boolean }> } | undefined)?.drift_by_columns ?? {};
      for (const [feature, column] of Object.entries(columns)) this.set({ feature }, column.drift_detected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'driftwatch_dataset_drift', help: '1 when the latest monitoring run found dataset drift, 0 when not (absent before any run)', registers: [registry],
    collect() {
      this.reset();
      const value = (summary() as { dataset_drift?: boolean | null } | undefined)?.dataset_drift;
      if (typeof value === 'boolean') this.set(value ? 1 : 0);
    },
  });
  new Gauge({
    name: 'driftwatch_share_of_drifted_columns', help: 'Share of drifted columns in the latest monitoring run', registers: [registry],
    collect() {
      this.reset();
      const value = (summary() as { share_of_drifted_columns?: number } | undefined)?.share_of_drifted_columns;
      if (typeof value === 'number') this.set(value);
    },
  });
  new Gauge({
    name: 'driftwatch_last_action_info', help: 'The latest control run: its action and outcome (value 1)', labelNames: ['action', 'outcome', 'incident_type'], registers: [registry],
    collect() {
      this.reset();
      const latestPlan = plan() as { action?: string; incident_type?: string } | undefined;
      const latestRelease = release() as { outcome?: string } | undefined;
      if (latestPlan?.action) this.set({ action: latestPlan.action, outcome: latestRelease?.outcome ?? 'unknown', incident_type: latestPlan.incident_type ?? 'unknown' }, 1);
    },
  });
  new Gauge({
    name: 'driftwatch_model_version', help: 'The Production model version being served (absent when none)', registers: [registry],
    collect() {
      this.reset();
      const version = paths.modelVersion();
      if (version !== null) this.set(version);
    },
  });

  return {
    registry,
    predictions: new Counter({ name: 'driftwatch_predictions_total', help: 'Predictions served, by model version and predicted label', labelNames: ['model_version', 'label'], registers: [registry] }),
    latency: new Histogram({ name: 'driftwatch_request_duration_seconds', help: 'Request latency by route', labelNames: ['route'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
    scores: new Histogram({ name: 'driftwatch_prediction_score', help: 'Distribution of fraud probabilities served', labelNames: ['model_version'], buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1], registers: [registry] }),
    validationErrors: new Counter({ name: 'driftwatch_validation_errors_total', help: 'Requests refused for an invalid body', labelNames: ['route'], registers: [registry] }),
    requests: new Counter({ name: 'driftwatch_http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'], registers: [registry] }),
    unseenCategories: new Counter({ name: 'driftwatch_unseen_categories_total', help: 'Category values not seen in training (scored as all-zero)', labelNames: ['feature'], registers: [registry] }),
  };
}

/** Latency and a count of every request, by route (the approvals' ids folded into one route). */
export function requestMetrics(metrics: ApiMetrics): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const route = request.path.startsWith('/approvals') ? '/approvals' : request.path;
    response.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.latency.observe({ route }, seconds);
      metrics.requests.inc({ route, method: request.method, status: String(response.statusCode) });
    });
    next();
  };
}

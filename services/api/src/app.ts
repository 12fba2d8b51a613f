import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import { errorMessage, isUserError } from '../../core/src/infrastructure/errors.ts';
import { NON_FEATURE_COLUMNS } from '../../core/src/domain/fraudDataset.ts';
import { compileSchema, formatPath } from '../../core/src/infrastructure/jsonSchema.ts';
import { loadPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { newRunId } from '../../core/src/infrastructure/runContext.ts';
import { approveApproval, listApprovals, rejectApproval, runHumanAction, type ControlOptions } from '../../control_plane/src/index.ts';
import { analyseTables, driftSettings, fileIdentity, inferredTypeIn, selectColumns } from '../../monitoring/src/index.ts';
import { ModelRegistry } from '../../registry/src/index.ts';
import { createPredictor, recordRowSource, type Predictor } from '../../training/src/index.ts';
import transactionSchema from '../schema/transaction.schema.json' with { type: 'json' };
import { createApiMetrics, type ApiMetrics } from './apiMetrics.ts';
import { PredictionLog } from './predictionLog.ts';

export interface ApiOptions {
  registryDirectory: string;
  predictionsDirectory: string;
  reportsDirectory: string;
  eventsDirectory: string;
  approvalsDirectory: string;
  dataDirectory: string;
  policyPath: string;
  apiKey: string | undefined;
  maxBatch: number;
  maxLogFileBytes: number;
  /** How often to look for a new Production version (0: only on POST /reload). */
  reloadIntervalMs: number;
}

export interface ApiApp {
  app: express.Express;
  metrics: ApiMetrics;
  log: PredictionLog;
  reload(): { version: number | null; changed: boolean };
  /** The Production version being served now (null: none loaded). */
  servedVersion(): number | null;
  /** Stop background work and write every accepted prediction. */
  close(): Promise<void>;
}

type Transaction = Record<string, unknown>;
const validateTransaction = compileSchema<Transaction>(transactionSchema);

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const USER_ERROR_STATUS = { invalid: 400, not_found: 404, conflict: 409 } as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison of the presented key with the configured one (digests have equal length). */
export function apiKeyMatches(presented: string | undefined, expected: string): boolean {
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}

/** A path from a request, resolved inside the data directory or refused (no traversal, no symlink escape). */
export function resolveInside(directory: string, requested: unknown, field: string): string {
  if (typeof requested !== 'string' || requested.length === 0) throw new HttpError(400, `${field}: must be a file name inside the data directory`);
  const root = realpathSync(resolve(directory));
  const candidate = resolve(root, requested);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new HttpError(404, `${field}: no such file in the data directory: ${requested}`);
  }
  const inside = relative(root, real);
  if (inside.startsWith('..') || isAbsolute(inside) || (inside !== '' && inside.split(sep)[0] === '..')) throw new HttpError(400, `${field}: must resolve inside the data directory`);
  return real;
}

export function createApiApp(options: ApiOptions): ApiApp {
  let served: { version: number; predictor: Predictor } | undefined;
  const startedAt = Date.now();

  function reload(): { version: number | null; changed: boolean } {
    const registry = ModelRegistry.open(options.registryDirectory);
    const version = registry.productionVersion();
    if (version === null) {
      const changed = served !== undefined;
      served = undefined;
      return { version: null, changed };
    }
    if (served?.version === version) return { version, changed: false };
    // Build the new predictor fully, then swap the reference: requests in flight keep the old one.
    served = { version, predictor: createPredictor(registry.loadArtifact(version)) };
    return { version, changed: true };
  }
  try {
    reload();
  } catch (error) {
    process.stderr.write(`api: no model loaded yet: ${errorMessage(error)}\n`);
  }
  const timer = options.reloadIntervalMs > 0 ? setInterval(() => {
    try { reload(); } catch (error) { process.stderr.write(`api: reload failed, still serving v${served?.version ?? '-'}: ${errorMessage(error)}\n`); }
  }, options.reloadIntervalMs) : undefined;
  timer?.unref();

  const log = new PredictionLog(options.predictionsDirectory, options.maxLogFileBytes);
  const servedVersion = (): number | null => served?.version ?? null;
  const metrics = createApiMetrics({ reportsDirectory: options.reportsDirectory, eventsDirectory: options.eventsDirectory, modelVersion: servedVersion });
  const app = express();
  app.disable('x-powered-by');
  // Responses are never cached, and a SHA-1 ETag per prediction costs ~5% of throughput.
  app.set('etag', false);

  app.use((request: Request, response: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const route = request.path.startsWith('/approvals') ? '/approvals' : request.path;
    response.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.latency.observe({ route }, seconds);
      metrics.requests.inc({ route, method: request.method, status: String(response.statusCode) });
    });
    next();
  });
  app.use(express.json({ limit: '1mb', strict: true }));

  const requireKey = (request: Request): void => {
    if (!options.apiKey) throw new HttpError(503, 'admin endpoints are disabled: set DRIFTWATCH_API_KEY');
    const header = request.get('authorization');
    const presented = request.get('x-api-key') ?? (header?.startsWith('Bearer ') ? header.slice(7) : undefined);
    if (!apiKeyMatches(presented, options.apiKey)) throw new HttpError(401, 'missing or wrong API key (x-api-key header)');
  };
  const controlOptions = (request: Request): ControlOptions => {
    const now = new Date();
    return {
      eventsDirectory: options.eventsDirectory,
      approvalsDirectory: options.approvalsDirectory,
      registryDirectory: options.registryDirectory,
      policyPath: options.policyPath,
      summaryPath: resolve(options.reportsDirectory, 'monitoring_summary.json'),
      runId: newRunId(now),
      now,
      actor: `api:${request.ip ?? 'unknown'}`,
      lockTimeoutMs: 30_000,
    };
  };

  app.get('/health', (_request, response) => {
    response.json({ status: served ? 'ok' : 'no_model', model_version: served?.version ?? null, uptime_seconds: Math.round((Date.now() - startedAt) / 1000) });
  });

  app.post('/predict', (request: Request, response: Response) => {
    const requestId = /^[\w.-]{1,64}$/.test(request.get('x-request-id') ?? '') ? (request.get('x-request-id') as string) : randomUUID();
    const body: unknown = request.body;
    // body-parser leaves the body undefined for another content type and turns an empty one into {}.
    if (body === undefined || (isPlainObject(body) && Object.keys(body).length === 0)) {
      metrics.validationErrors.inc({ route: '/predict' });
      if (body === undefined) throw new HttpError(415, 'content-type: must be application/json');
      throw new HttpError(400, 'body: empty; send one transaction or {"transactions": [...]}');
    }
    const isBatch = isPlainObject(body) && 'transactions' in body;
    const transactions: unknown[] = isBatch ? ((body as { transactions: unknown }).transactions as unknown[]) : [body];
    if (isBatch && (!Array.isArray(transactions) || transactions.length === 0 || transactions.length > options.maxBatch)) {
      metrics.validationErrors.inc({ route: '/predict' });
      throw new HttpError(400, `transactions: must be an array of 1 to ${options.maxBatch} transactions`);
    }
    transactions.forEach((transaction, index) => {
      const problem = validateTransaction.problems(transaction)[0];
      if (problem) {
        metrics.validationErrors.inc({ route: '/predict' });
        const prefix = isBatch ? `transactions[${index}]` : '';
        const path = formatPath(problem.pathKeys);
        throw new HttpError(400, `${prefix}${prefix && path !== '(root)' ? '.' : ''}${prefix && path === '(root)' ? '' : path}: ${problem.message}`);
      }
    });
    const model = served;
    if (!model) throw new HttpError(503, 'no model in Production yet (train and promote one)');
    const scored = model.predictor.score(recordRowSource(transactions as Transaction[]));
    for (const [feature, count] of Object.entries(scored.unseen_categories)) if (count > 0) metrics.unseenCategories.inc({ feature }, count);
    const threshold = model.predictor.artifact.decision_threshold;
    const time = new Date().toISOString();
    const predictions = scored.probabilities.map((probability, index) => {
      const label: 0 | 1 = probability >= threshold ? 1 : 0;
      const id = transactions.length === 1 ? requestId : `${requestId}-${index}`;
      metrics.predictions.inc({ model_version: String(model.version), label: String(label) });
      metrics.scores.observe({ model_version: String(model.version) }, probability);
      log.append({ request_id: id, time, model_version: model.version, features: transactions[index] as Transaction, score: probability, label });
      return { request_id: id, probability, label, threshold, model_version: model.version };
    });
    response.setHeader('x-request-id', requestId);
    response.json(isBatch ? { request_id: requestId, model_version: model.version, predictions } : predictions[0]);
  });

  app.get('/metrics', async (_request, response) => {
    response.setHeader('content-type', metrics.registry.contentType);
    response.send(await metrics.registry.metrics());
  });

  app.post('/reload', (request, response) => {
    requireKey(request);
    try {
      response.json(reload());
    } catch (error) {
      // The registry, not the request, is at fault: say so, and that the old model still serves.
      if (!isUserError(error)) throw error;
      throw new HttpError(409, `${errorMessage(error)}; still serving v${served?.version ?? '-'}`);
    }
  });

  app.post('/inspect', (request, response) => {
    const body = (request.body ?? {}) as { reference?: unknown; current?: unknown };
    const referencePath = resolveInside(options.dataDirectory, body.reference, 'reference');
    const currentPath = resolveInside(options.dataDirectory, body.current, 'current');
    const drift = loadPolicy(options.policyPath).drift_policy;
    const reference = readCsvTable(referencePath, { computeSha256: true });
    const current = readCsvTable(currentPath, { computeSha256: true });
    const columns = selectColumns({
      referenceHeader: reference.header, currentHeader: current.header, referenceSource: String(body.reference), currentSource: String(body.current),
      inferredType: inferredTypeIn(reference, current),
      numerical: [], categorical: [], exclude: [], defaultExcluded: NON_FEATURE_COLUMNS, policyColumns: drift.columns ?? {},
    });
    const summary = analyseTables({
      reference, current,
      referenceIdentity: fileIdentity(String(body.reference), reference),
      currentIdentity: fileIdentity(String(body.current), current),
      columns,
      drift: driftSettings(drift),
      minSamples: drift.min_samples, runId: `inspect-${randomUUID().slice(0, 8)}`, now: new Date(), policy: null,
    });
    response.json(summary);
  });

  app.post('/action', (request, response) => {
    requireKey(request);
    const kind = (request.body as { kind?: unknown } | undefined)?.kind;
    if (kind !== 'retrain' && kind !== 'rollback') throw new HttpError(400, 'kind: must be "retrain" or "rollback"');
    const outcome = runHumanAction(controlOptions(request), { kind: 'manual', requestedAction: kind === 'retrain' ? 'retrain_and_evaluate' : 'rollback' });
    reload();
    response.json({ run_id: outcome.release.run_id, action: outcome.release.action, outcome: outcome.release.outcome, reasons: outcome.release.reasons, champion_version_after: outcome.release.champion_version_after });
  });

  app.get('/approvals', (request, response) => {
    requireKey(request);
    response.json(listApprovals(options.approvalsDirectory));
  });

  app.post('/approvals/:id/:decision', (request, response) => {
    requireKey(request);
    const { id, decision } = request.params as { id: string; decision: string };
    const reason = (request.body as { reason?: unknown } | undefined)?.reason;
    if (reason !== undefined && typeof reason !== 'string') throw new HttpError(400, 'reason: must be a string');
    if (decision === 'reject') {
      response.json(rejectApproval(controlOptions(request), id, reason));
      return;
    }
    if (decision !== 'approve') throw new HttpError(404, `unknown decision "${decision}" (approve or reject)`);
    const { approval, outcome } = approveApproval(controlOptions(request), id, reason);
    reload();
    response.json({ approval, outcome: outcome.release.outcome, action: outcome.release.action, reasons: outcome.release.reasons });
  });

  app.use((_request, _response, next) => next(new HttpError(404, 'no such route')));

  // One place maps errors to responses: the server stays up whatever the body was.
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const status = error instanceof HttpError ? error.status
      : isUserError(error) ? USER_ERROR_STATUS[error.problem]
      : typeof (error as { status?: unknown }).status === 'number' && (error as { status: number }).status < 500 ? (error as { status: number }).status
      : 500;
    const type = (error as { type?: string }).type;
    const message = type === 'entity.parse.failed' ? 'body: invalid JSON'
      : type === 'entity.too.large' ? 'body: larger than 1 MB'
      : status === 500 ? 'internal error' : errorMessage(error);
    if (status === 500) process.stderr.write(`api: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    response.status(status).json({ error: message });
  });

  return {
    app,
    metrics,
    log,
    reload,
    servedVersion,
    async close() {
      if (timer) clearInterval(timer);
      await log.close();
    },
  };
}

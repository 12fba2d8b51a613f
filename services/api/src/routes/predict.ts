import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { Counter } from 'prom-client';
import { formatPath } from '../../../core/src/infrastructure/jsonSchema.ts';
import { BusUnavailable } from '../../../core/src/infrastructure/redisBus.ts';
import { recordRowSource } from '../../../training/src/index.ts';
import { HttpError, isPlainObject } from '../httpErrors.ts';
import type { PredictionRecord } from '../predictionLog.ts';
import type { ApiContext } from './apiContext.ts';

type Transaction = Record<string, unknown>;

/**
 * POST /predict: one row, or {"transactions": [...]}, each checked against the request
 * schema of the serving model's dataset spec; every answered prediction is
 * logged (or, with DRIFTWATCH_BUS, appended to the bus's predictions stream). In the durable log mode the answer waits for the write holding its records (shared
 * with concurrent requests), and a failed write is a 500.
 */
export function predictRoutes({ options, model, log, metrics }: ApiContext): Router {
  const router = Router();
  // A durable answer waits for its write: a client may hang up meanwhile (a load generator at its deadline).
  const unanswered = new Counter({ name: 'driftwatch_predictions_unanswered_total', help: 'Predictions written to the log whose client had hung up before the answer could be sent', registers: [metrics.registry] });
  router.post('/predict', async (request: Request, response: Response) => {
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
    // The wrapper is held to the row schema's rule: no key it does not know.
    const unknownKey = isBatch ? Object.keys(body as object).find((key) => key !== 'transactions') : undefined;
    if (unknownKey !== undefined) {
      metrics.validationErrors.inc({ route: '/predict' });
      throw new HttpError(400, `${unknownKey}: unknown key`);
    }
    // Taken once: the request is checked against, and scored by, the same version even if a reload lands meanwhile.
    const served = model.current();
    if (!served) throw new HttpError(503, 'no model in Production yet (train and promote one)');
    transactions.forEach((transaction, index) => {
      const problem = served.validateRequest.problems(transaction)[0];
      if (problem) {
        metrics.validationErrors.inc({ route: '/predict' });
        const prefix = isBatch ? `transactions[${index}]` : '';
        const path = formatPath(problem.pathKeys);
        throw new HttpError(400, `${prefix}${prefix && path !== '(root)' ? '.' : ''}${prefix && path === '(root)' ? '' : path}: ${problem.message}`);
      }
    });
    const scored = served.predictor.score(recordRowSource(transactions as Transaction[]));
    for (const [feature, count] of Object.entries(scored.unseen_categories)) if (count > 0) metrics.unseenCategories.inc({ feature }, count);
    const threshold = served.predictor.artifact.decision_threshold;
    const time = new Date().toISOString();
    const records: PredictionRecord[] = scored.probabilities.map((probability, index) => ({
      request_id: transactions.length === 1 ? requestId : `${requestId}-${index}`,
      time, model_version: served.version, features: transactions[index] as Transaction, score: probability, label: probability >= threshold ? 1 : 0,
    }));
    try {
      await log.append(...records);
    } catch (error) {
      // Nothing is answered that was not kept: with the bus away the client is told to come back, not that it failed.
      if (!(error instanceof BusUnavailable)) throw error;
      response.setHeader('retry-after', '1');
      throw new HttpError(503, `prediction not kept, try again: ${error.message}`);
    }
    if (request.socket.destroyed) {
      unanswered.inc(records.length);
      return;
    }
    // Counted once logged: a prediction whose write failed was answered 500, not served.
    const predictions = records.map(({ request_id, score, label }) => {
      metrics.predictions.inc({ model_version: String(served.version), label: String(label) });
      metrics.scores.observe({ model_version: String(served.version) }, score);
      return { request_id, probability: score, label, threshold, model_version: served.version };
    });
    response.setHeader('x-request-id', requestId);
    response.json(isBatch ? { request_id: requestId, model_version: served.version, predictions } : predictions[0]);
  });
  return router;
}

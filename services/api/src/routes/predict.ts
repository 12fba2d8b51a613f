import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { compileSchema, formatPath } from '../../../core/src/infrastructure/jsonSchema.ts';
import { recordRowSource } from '../../../training/src/index.ts';
import transactionSchema from '../../schema/transaction.schema.json' with { type: 'json' };
import { HttpError, isPlainObject } from '../httpErrors.ts';
import type { ApiContext } from './apiContext.ts';

type Transaction = Record<string, unknown>;
const validateTransaction = compileSchema<Transaction>(transactionSchema);

/** POST /predict: one transaction, or {"transactions": [...]}; every answered prediction is logged. */
export function predictRoutes({ options, model, log, metrics }: ApiContext): Router {
  const router = Router();
  router.post('/predict', (request: Request, response: Response) => {
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
    transactions.forEach((transaction, index) => {
      const problem = validateTransaction.problems(transaction)[0];
      if (problem) {
        metrics.validationErrors.inc({ route: '/predict' });
        const prefix = isBatch ? `transactions[${index}]` : '';
        const path = formatPath(problem.pathKeys);
        throw new HttpError(400, `${prefix}${prefix && path !== '(root)' ? '.' : ''}${prefix && path === '(root)' ? '' : path}: ${problem.message}`);
      }
    });
    const served = model.current();
    if (!served) throw new HttpError(503, 'no model in Production yet (train and promote one)');
    const scored = served.predictor.score(recordRowSource(transactions as Transaction[]));
    for (const [feature, count] of Object.entries(scored.unseen_categories)) if (count > 0) metrics.unseenCategories.inc({ feature }, count);
    const threshold = served.predictor.artifact.decision_threshold;
    const time = new Date().toISOString();
    const predictions = scored.probabilities.map((probability, index) => {
      const label: 0 | 1 = probability >= threshold ? 1 : 0;
      const id = transactions.length === 1 ? requestId : `${requestId}-${index}`;
      metrics.predictions.inc({ model_version: String(served.version), label: String(label) });
      metrics.scores.observe({ model_version: String(served.version) }, probability);
      log.append({ request_id: id, time, model_version: served.version, features: transactions[index] as Transaction, score: probability, label });
      return { request_id: id, probability, label, threshold, model_version: served.version };
    });
    response.setHeader('x-request-id', requestId);
    response.json(isBatch ? { request_id: requestId, model_version: served.version, predictions } : predictions[0]);
  });
  return router;
}

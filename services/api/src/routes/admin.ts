import { Router } from 'express';
import { errorMessage, isUserError } from '../../../core/src/infrastructure/errors.ts';
import { requireApiKey } from '../auth.ts';
import { requestControlOptions } from '../controlRequests.ts';
import { HttpError } from '../httpErrors.ts';
import type { ApiContext } from './apiContext.ts';

/** POST /reload and POST /action: keyed; what an operator does by hand. */
export function adminRoutes({ options, model, control }: ApiContext): Router {
  const router = Router();
  router.post('/reload', (request, response) => {
    requireApiKey(request, options.apiKey);
    try {
      response.json(model.reload());
    } catch (error) {
      // The registry, not the request, is at fault: say so, and that the old model still serves.
      if (!isUserError(error)) throw error;
      throw new HttpError(409, `${errorMessage(error)}; still serving v${model.version() ?? '-'}`);
    }
  });

  router.post('/action', async (request, response) => {
    requireApiKey(request, options.apiKey);
    const kind = (request.body as { kind?: unknown } | undefined)?.kind;
    if (kind !== 'retrain' && kind !== 'rollback') throw new HttpError(400, 'kind: must be "retrain" or "rollback"');
    const { outcome } = await control.run({ kind: 'action', options: requestControlOptions(options, request), action: kind === 'retrain' ? 'retrain_and_evaluate' : 'rollback' });
    if (!outcome) throw new Error('internal: the control worker returned no outcome');
    model.reload();
    response.json({ run_id: outcome.release.run_id, action: outcome.release.action, outcome: outcome.release.outcome, reasons: outcome.release.reasons, champion_version_after: outcome.release.champion_version_after });
  });
  return router;
}

import { resolve } from 'node:path';
import { Router, type Request } from 'express';
import { errorMessage, isUserError } from '../../../core/src/infrastructure/errors.ts';
import { controlOptionsAt, runHumanAction, type ControlOptions } from '../../../control_plane/src/index.ts';
import { summaryPath } from '../../../monitoring/src/index.ts';
import { requestActor, requireApiKey } from '../auth.ts';
import { HttpError } from '../httpErrors.ts';
import type { ApiContext, ApiOptions } from './apiContext.ts';

/** A control run on behalf of a request: now, as the caller. */
export function requestControlOptions(options: ApiOptions, request: Request): ControlOptions {
  return controlOptionsAt({
    eventsDirectory: options.eventsDirectory,
    approvalsDirectory: options.approvalsDirectory,
    registryDirectory: options.registryDirectory,
    policyPath: options.policyPath,
    summaryPath: resolve(summaryPath(options.reportsDirectory)),
  }, { now: new Date(), actor: requestActor(request) });
}

/** POST /reload and POST /action: keyed; what an operator does by hand. */
export function adminRoutes({ options, model }: ApiContext): Router {
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

  router.post('/action', (request, response) => {
    requireApiKey(request, options.apiKey);
    const kind = (request.body as { kind?: unknown } | undefined)?.kind;
    if (kind !== 'retrain' && kind !== 'rollback') throw new HttpError(400, 'kind: must be "retrain" or "rollback"');
    const outcome = runHumanAction(requestControlOptions(options, request), { kind: 'manual', requestedAction: kind === 'retrain' ? 'retrain_and_evaluate' : 'rollback' });
    model.reload();
    response.json({ run_id: outcome.release.run_id, action: outcome.release.action, outcome: outcome.release.outcome, reasons: outcome.release.reasons, champion_version_after: outcome.release.champion_version_after });
  });
  return router;
}

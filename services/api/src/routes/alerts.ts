import { Router } from 'express';
import { errorMessage, isUserError } from '../../../core/src/infrastructure/errors.ts';
import { parseAlertmanagerPayload } from '../../../control_plane/src/index.ts';
import { HttpError } from '../httpErrors.ts';
import { requireApiKey } from '../auth.ts';
import { requestControlOptions } from '../controlRequests.ts';
import type { ApiContext } from './apiContext.ts';

/**
 * POST /alerts: keyed (Alertmanager's http_config.authorization sends the key as a bearer
 * token); Alertmanager's webhook, version 4. Every alert is recorded in the audit log; a
 * firing drift alert starts a control run on the latest summary, once per fingerprint
 * within the cooldown. A held control lock is a 503 at once, not the 409 of the other
 * keyed routes: Alertmanager retries a 5xx within seconds but drops a 4xx until its next
 * group_interval (minutes), and a held lock is the moment's state, not the payload's fault.
 * The answer names what became of each alert.
 */
export function alertRoutes({ options, model, control }: ApiContext): Router {
  const router = Router();
  router.post('/alerts', async (request, response) => {
    requireApiKey(request, options.apiKey);
    const payload = parseAlertmanagerPayload(request.body);
    let result: Awaited<ReturnType<typeof control.run>>;
    try {
      result = await control.run({ kind: 'alerts', options: requestControlOptions(options, request), payload });
    } catch (error) {
      if (isUserError(error) && error.problem === 'conflict') {
        response.setHeader('retry-after', '5');
        throw new HttpError(503, errorMessage(error));
      }
      throw error;
    }
    const { alerts, outcome } = result;
    if (outcome) model.reload();
    response.json({
      alerts: alerts ?? [],
      run: outcome ? { run_id: outcome.release.run_id, action: outcome.release.action, outcome: outcome.release.outcome, reasons: outcome.release.reasons, champion_version_after: outcome.release.champion_version_after } : null,
    });
  });
  return router;
}

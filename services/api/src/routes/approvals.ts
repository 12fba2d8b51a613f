import { Router } from 'express';
import { listApprovals } from '../../../control_plane/src/index.ts';
import { requireApiKey } from '../auth.ts';
import { HttpError } from '../httpErrors.ts';
import { requestControlOptions } from '../controlRequests.ts';
import type { ApiContext } from './apiContext.ts';

/** GET /approvals and POST /approvals/:id/approve|reject: keyed; a human's answer to a pending action. */
export function approvalRoutes({ options, model, control }: ApiContext): Router {
  const router = Router();
  router.get('/approvals', (request, response) => {
    requireApiKey(request, options.apiKey);
    response.json(listApprovals(options.approvalsDirectory));
  });

  router.post('/approvals/:id/:decision', async (request, response) => {
    requireApiKey(request, options.apiKey);
    const { id, decision } = request.params as { id: string; decision: string };
    const reason = (request.body as { reason?: unknown } | undefined)?.reason;
    if (reason !== undefined && typeof reason !== 'string') throw new HttpError(400, 'reason: must be a string');
    if (decision === 'reject') {
      response.json((await control.run({ kind: 'reject', options: requestControlOptions(options, request), id, reason })).approval);
      return;
    }
    if (decision !== 'approve') throw new HttpError(404, `unknown decision "${decision}" (approve or reject)`);
    const { approval, outcome } = await control.run({ kind: 'approve', options: requestControlOptions(options, request), id, reason });
    if (!outcome) throw new Error('internal: the control worker returned no outcome');
    model.reload();
    response.json({ approval, outcome: outcome.release.outcome, action: outcome.release.action, reasons: outcome.release.reasons });
  });
  return router;
}

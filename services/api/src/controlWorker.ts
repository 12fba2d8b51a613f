import { parentPort } from 'node:worker_threads';
import { settle } from '../../core/src/infrastructure/typeScriptWorker.ts';
import { approveApproval, rejectApproval, runForAlerts, runHumanAction } from '../../control_plane/src/index.ts';
import type { AlertmanagerPayload, Approval, ControlOptions, ControlOutcome, HandledAlert } from '../../control_plane/src/index.ts';

/** A human's decision, or an Alertmanager delivery, that the API hands to the control plane. */
export type ControlRequest =
  | { kind: 'action'; options: ControlOptions; action: 'retrain_and_evaluate' | 'rollback' }
  | { kind: 'approve'; options: ControlOptions; id: string; reason: string | undefined }
  | { kind: 'reject'; options: ControlOptions; id: string; reason: string | undefined }
  | { kind: 'alerts'; options: ControlOptions; payload: AlertmanagerPayload };

export interface ControlResult {
  outcome?: ControlOutcome;
  approval?: Approval;
  /** What became of each alert of a delivery (kind alerts). */
  alerts?: HandledAlert[];
}

function decide(request: ControlRequest): ControlResult {
  switch (request.kind) {
    case 'action':
      return { outcome: runHumanAction(request.options, { kind: 'manual', requestedAction: request.action }) };
    case 'approve':
      return approveApproval(request.options, request.id, request.reason);
    case 'reject':
      return { approval: rejectApproval(request.options, request.id, request.reason) };
    case 'alerts':
      return runForAlerts(request.options, request.payload);
  }
}

/**
 * The API's control worker: it takes one decision at a time, in the order they come
 * (each is synchronous, so a second waits for the first to end), off the server's
 * event loop.
 */
parentPort?.on('message', (message: { id: number; request: ControlRequest }) => {
  void settle(() => ({ value: decide(message.request) })).then(({ reply }) => parentPort?.postMessage({ id: message.id, reply }));
});

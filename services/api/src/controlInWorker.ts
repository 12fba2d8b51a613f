import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker, unwrapReply, type WorkerReply } from '../../core/src/infrastructure/typeScriptWorker.ts';
// Its types only: importing the worker's body for real would run it here.
import type { ControlRequest, ControlResult } from './controlWorker.ts';
import { pathToFileURL } from 'node:url';
import { repositoryPath } from '../../core/src/infrastructure/repoRoot.ts';
import { NOTIFICATION_DRAIN_LIMIT_MS, NotificationDispatcher } from '../../control_plane/src/index.ts';


/**
 * The control plane in a worker thread, started at the first decision and kept: a
 * retrain takes seconds of CPU, and the server keeps answering /predict and /health
 * meanwhile. The decisions are the code the commands run, under the same lock; a user
 * error comes back as one. A worker that dies fails what it was doing, and the next
 * decision starts a new one.
 */
export class ControlWorker {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { request: ControlRequest; resolve: (result: ControlResult) => void; reject: (error: unknown) => void }>();
  /** Whatever kind of request comes back with a decision, its notifications go from here, in the server's thread, after the caller has it. */
  private readonly notifications: NotificationDispatcher;

  constructor(notifications = new NotificationDispatcher({ report: (line) => process.stderr.write(`api: ${line}\n`) })) {
    this.notifications = notifications;
  }

  run(request: ControlRequest): Promise<ControlResult> {
    const worker = this.worker ?? this.start();
    const id = this.nextId;
    this.nextId += 1;
    return new Promise<ControlResult>((resolve, reject) => {
      this.waiting.set(id, { request, resolve, reject });
      worker.ref();
      worker.postMessage({ id, request });
    });
  }

  private start(): Worker {
    const worker = startTypeScriptWorker(pathToFileURL(repositoryPath('services/api/src/controlWorker.ts')), undefined);
    worker.on('message', ({ id, reply }: { id: number; reply: WorkerReply<ControlResult> }) => {
      const caller = this.waiting.get(id);
      this.waiting.delete(id);
      // An idle worker must not keep the process alive.
      if (this.waiting.size === 0) worker.unref();
      let result: ControlResult;
      try {
        result = unwrapReply(reply);
      } catch (error) {
        caller?.reject(error);
        return;
      }
      caller?.resolve(result);
      // send() returns at once and delivers on a later turn, so the answer is not held up.
      if (caller !== undefined && result.outcome !== undefined) this.notifications.send(result.outcome, caller.request.options);
    });
    const fail = (error: unknown): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const caller of this.waiting.values()) caller.reject(error instanceof Error ? error : new Error(`the control worker stopped (${String(error)})`));
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the control worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await Promise.all([worker?.terminate(), this.notifications.drain(NOTIFICATION_DRAIN_LIMIT_MS)]);
  }
}

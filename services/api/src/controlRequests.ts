import { resolve } from 'node:path';
import type { Request } from 'express';
import { controlOptionsAt, type ControlOptions } from '../../control_plane/src/index.ts';
import { summaryPath } from '../../monitoring/src/index.ts';
import { requestActor } from './auth.ts';
import type { ApiOptions } from './routes/apiContext.ts';

/**
 * A control run on behalf of a request: now, as the caller. It never waits for the
 * control lock: a server that waited would stall every other request, so a held lock
 * is answered at once (409, naming the holder) and the client retries.
 */
export function requestControlOptions(options: ApiOptions, request: Request): ControlOptions {
  return controlOptionsAt({
    eventsDirectory: options.eventsDirectory,
    approvalsDirectory: options.approvalsDirectory,
    registryDirectory: options.registryDirectory,
    policyPath: options.policyPath,
    summaryPath: resolve(summaryPath(options.reportsDirectory)),
  }, { now: new Date(), actor: requestActor(request), lockTimeoutMs: 0 });
}

import { Router, type Request, type Response } from 'express';
import { errorMessage, isUserError } from '../../../core/src/infrastructure/errors.ts';
import { readAudit, readDecisions, readPendingApprovals, readRegistry, readSummary, readTimeline, type DashboardDirectories } from '../dashboard/dashboardReads.ts';
import { BUS_STREAMS } from '../../../core/src/domain/busStreams.ts';
import { BusUnavailable } from '../../../core/src/infrastructure/redisBus.ts';
import { busTimelineView, TIMELINE_WINDOWS_SHOWN } from '../dashboard/timelineView.ts';
import { HttpError } from '../httpErrors.ts';
import type { ApiContext } from './apiContext.ts';

const DECISIONS_DEFAULT = 20;
const DECISIONS_MOST = 200;
/** A comment line this often keeps proxies and browsers from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

export function dashboardDirectories({ options }: Pick<ApiContext, 'options'>): DashboardDirectories {
  return {
    registryDirectory: options.registryDirectory,
    reportsDirectory: options.reportsDirectory,
    eventsDirectory: options.eventsDirectory,
    approvalsDirectory: options.approvalsDirectory,
    policyPath: options.policyPath,
    watchDirectory: options.watchDirectory,
    replayDirectory: options.replayDirectory,
  };
}

/**
 * A store the page reads is unreadable (a corrupt registry; a folder where a file should
 * be): the page shows the one line that says why in that section, never a 500.
 */
function readOrConflict<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isUserError(error)) throw new HttpError(409, errorMessage(error));
    if (typeof (error as NodeJS.ErrnoException).code === 'string') throw new HttpError(409, `cannot read ${(error as NodeJS.ErrnoException).path ?? 'a file'}: ${(error as NodeJS.ErrnoException).code}`);
    throw error;
  }
}

function decisionsLimit(request: Request): number {
  const raw = request.query.limit;
  if (raw === undefined) return DECISIONS_DEFAULT;
  const limit = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= DECISIONS_MOST)) throw new HttpError(400, `limit: must be a whole number from 1 to ${DECISIONS_MOST}`);
  return limit;
}

/**
 * The dashboard's reads, JSON under /api/ (documented in the README). They show what the
 * files hold and change nothing, so they need no key; every effect (approve, reject, an
 * action) stays behind the key on its own route.
 */
export function dashboardApiRoutes(context: ApiContext): Router {
  const router = Router();
  const directories = dashboardDirectories(context);
  const { model, changes, startedAt } = context;

  router.get('/api/status', (_request, response) => {
    const registry = readOrConflict(() => readRegistry(directories));
    const summary = readOrConflict(() => readSummary(directories));
    const latest = readOrConflict(() => readDecisions(directories, 1))[0] ?? null;
    response.json({
      production_version: registry.production_version,
      served_version: model.version(),
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      summary: summary.available
        ? { run_id: summary.run_id, generated_at: summary.generated_at, severity: summary.severity, dataset_drift: summary.dataset_drift, share_of_drifted_columns: summary.share_of_drifted_columns }
        : null,
      latest_decision: latest === null ? null : { run_id: latest.run_id, time: latest.time, incident: latest.incident?.type ?? null, action: latest.plan?.action ?? null, outcome: latest.outcome?.outcome ?? null },
      pending_approvals: readOrConflict(() => readPendingApprovals(directories)).length,
      audit: readOrConflict(() => readAudit(directories)),
    });
  });
  router.get('/api/registry', (_request, response) => {
    response.json(readOrConflict(() => readRegistry(directories)));
  });
  router.get('/api/summary', (_request, response) => {
    response.json(readOrConflict(() => readSummary(directories)));
  });
  router.get('/api/timeline', async (_request, response) => {
    const { bus } = context.options;
    if (bus === undefined) {
      response.json(readOrConflict(() => readTimeline(directories)));
      return;
    }
    // On the bus every watcher's decisions are on the events stream; each watcher's own log holds only its share.
    try {
      response.json(busTimelineView(BUS_STREAMS.events, await bus.latest(BUS_STREAMS.events, TIMELINE_WINDOWS_SHOWN)));
    } catch (error) {
      if (!(error instanceof BusUnavailable)) throw error;
      response.setHeader('retry-after', '1');
      throw new HttpError(503, error.message);
    }
  });
  router.get('/api/decisions', (request, response) => {
    response.json(readOrConflict(() => readDecisions(directories, decisionsLimit(request))));
  });
  router.get('/api/approvals', (_request, response) => {
    response.json(readOrConflict(() => readPendingApprovals(directories)));
  });
  router.get('/api/audit', (_request, response) => {
    response.json(readOrConflict(() => readAudit(directories)));
  });

  // Server-sent events: one "change" event naming what changed (decisions, summary, registry, approvals, timeline).
  router.get('/api/stream', (request: Request, response: Response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    response.write('retry: 3000\n: connected\n\n');
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    const unsubscribe = changes.subscribe(
      (names) => response.write(`event: change\ndata: ${JSON.stringify({ changed: names })}\n\n`),
      () => {
        clearInterval(keepAlive);
        response.end();
      },
    );
    request.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  });
  return router;
}

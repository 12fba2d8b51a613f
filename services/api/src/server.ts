import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { stopWithParent } from '../../core/src/infrastructure/stopWithParent.ts';
import { parseIntegerFlag } from '../../core/src/infrastructure/cliArgs.ts';
import { errorMessage } from '../../core/src/infrastructure/errors.ts';
import { BUS_VARIABLE } from '../../core/src/domain/busStreams.ts';
import { parseBusUrl, RedisBus } from '../../core/src/infrastructure/redisBus.ts';
import { createApiApp } from './app.ts';
import { PREDICTION_LOG_MODES, type PredictionLogMode } from './predictionLog.ts';

/**
 * make serve: PORT and DRIFTWATCH_API_KEY from the environment; loopback unless HOST says
 * otherwise; DRIFTWATCH_PREDICTION_LOG=durable (default: a 200 once its record is written)
 * or async (respond first, write after); DRIFTWATCH_RELOAD_MS: how often to look for a new
 * Production version (default 5000; 0: only on POST /reload); DRIFTWATCH_BUS=redis://host:port:
 * the predictions go to the bus's stream instead of the log on disk.
 */
async function main(): Promise<void> {
  let port: number;
  let predictionLogMode: PredictionLogMode;
  let reloadMs: number;
  let bus: RedisBus | undefined;
  try {
    port = parseIntegerFlag('PORT', process.env.PORT ?? '8000', { min: 0 });
    predictionLogMode = parsePredictionLogMode(process.env.DRIFTWATCH_PREDICTION_LOG || 'durable');
    reloadMs = parseReloadMs(process.env.DRIFTWATCH_RELOAD_MS);
    const busUrl = process.env[BUS_VARIABLE];
    if (busUrl !== undefined && busUrl !== '') {
      bus = new RedisBus(parseBusUrl(busUrl, BUS_VARIABLE), 'driftwatch-api');
      // Reached once at start, so a wrong URL stops the server at once; later outages answer 503 until Redis is back.
      await bus.connect();
    }
  } catch (error) {
    await bus?.close();
    process.stderr.write(`serve: error: ${errorMessage(error)}\n`);
    process.exitCode = 2;
    return;
  }
  const host = process.env.HOST ?? '127.0.0.1';
  const api = createApiApp({
    registryDirectory: process.env.DRIFTWATCH_REGISTRY ?? DEFAULT_PATHS.registry,
    predictionsDirectory: process.env.DRIFTWATCH_PREDICTIONS ?? DEFAULT_PATHS.predictions,
    reportsDirectory: process.env.DRIFTWATCH_REPORTS ?? DEFAULT_PATHS.reports,
    eventsDirectory: process.env.DRIFTWATCH_EVENTS ?? DEFAULT_PATHS.events,
    approvalsDirectory: process.env.DRIFTWATCH_APPROVALS ?? DEFAULT_PATHS.approvals,
    dataDirectory: process.env.DRIFTWATCH_DATA ?? DEFAULT_PATHS.data,
    policyPath: process.env.DRIFTWATCH_POLICY ?? DEFAULT_PATHS.policy,
    watchDirectory: process.env.DRIFTWATCH_WATCH ?? DEFAULT_PATHS.watch,
    replayDirectory: process.env.DRIFTWATCH_REPLAY ?? DEFAULT_PATHS.replay,
    apiKey: process.env.DRIFTWATCH_API_KEY || undefined,
    maxBatch: 1000,
    maxLogFileBytes: 64 * 1024 * 1024,
    predictionLogMode,
    ...(bus === undefined ? {} : { bus }),
    reloadIntervalMs: reloadMs,
  });
  const server = api.app.listen(port, host, () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    process.stderr.write(`serve: listening on http://${host}:${actualPort} (model v${api.servedVersion() ?? '-'}, ${api.log.describe()}, admin endpoints ${process.env.DRIFTWATCH_API_KEY ? 'on' : 'off: set DRIFTWATCH_API_KEY'})\n`);
  });
  server.on('error', (error) => {
    process.stderr.write(`serve: error: cannot listen on ${host}:${port}: ${error.message}\n`);
    process.exitCode = 2;
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`serve: ${signal}: finishing requests and flushing the prediction log\n`);
    // Stop accepting, end the dashboard's streams, let requests in flight finish, then write every logged prediction.
    api.endStreams();
    server.close(() => {
      void api.close().then(() => {
        process.stderr.write(`serve: ${api.log.written} predictions written in ${api.log.writes} writes; bye\n`);
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  stopWithParent(stop);
}

/** Node's timers take at most 2^31 - 1 ms; a longer one fires after 1 ms, every ms. */
const MAX_TIMER_MS = 2_147_483_647;

function parseReloadMs(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 5000;
  if (!/^\d+$/.test(raw) || Number(raw) > MAX_TIMER_MS) throw new Error(`DRIFTWATCH_RELOAD_MS: must be a whole number of milliseconds from 0 (only on POST /reload) to ${MAX_TIMER_MS}, not "${raw}"`);
  return Number(raw);
}

function parsePredictionLogMode(value: string): PredictionLogMode {
  const mode = PREDICTION_LOG_MODES.find((known) => known === value);
  if (mode === undefined) throw new Error(`DRIFTWATCH_PREDICTION_LOG: must be ${PREDICTION_LOG_MODES.join(' or ')}, not "${value}"`);
  return mode;
}

await main();

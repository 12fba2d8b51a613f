import type { ApiMetrics } from '../apiMetrics.ts';
import type { ChangeFeed } from '../dashboard/changeFeed.ts';
import type { ControlWorker } from '../controlInWorker.ts';
import type { ModelHolder } from '../modelHolder.ts';
import type { RedisBus } from '../../../core/src/infrastructure/redisBus.ts';
import type { PredictionLogMode } from '../predictionLog.ts';
import type { PredictionSink } from '../predictionSink.ts';

export interface ApiOptions {
  registryDirectory: string;
  predictionsDirectory: string;
  reportsDirectory: string;
  eventsDirectory: string;
  approvalsDirectory: string;
  dataDirectory: string;
  policyPath: string;
  apiKey: string | undefined;
  maxBatch: number;
  maxLogFileBytes: number;
  /** When a 200 from /predict is sent: after its log record is written (durable, the default) or before (async). */
  predictionLogMode?: PredictionLogMode;
  /** With DRIFTWATCH_BUS: the predictions go to the bus's stream, not to the log on disk (a connected bus, closed with the app). */
  bus?: RedisBus;
  /** How often to look for a new Production version (0: only on POST /reload). */
  reloadIntervalMs: number;
  /** Where the dashboard finds the loop over time: the watcher's directory and the replays' (absent: no timeline). */
  watchDirectory?: string;
  replayDirectory?: string;
  /** How often the dashboard's change feed looks at the files it announces (default 1000 ms). */
  changeFeedIntervalMs?: number;
}

/** What every route module is given: the options and the app's shared parts. */
export interface ApiContext {
  options: ApiOptions;
  model: ModelHolder;
  log: PredictionSink;
  metrics: ApiMetrics;
  /** Where human decisions (approve, reject, a requested action) run, off the event loop. */
  control: ControlWorker;
  /** What the dashboard's page hears about when a decision, summary, registry move or approval lands. */
  changes: ChangeFeed;
  startedAt: number;
}

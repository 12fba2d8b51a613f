import type { ApiMetrics } from '../apiMetrics.ts';
import type { ControlWorker } from '../controlInWorker.ts';
import type { ModelHolder } from '../modelHolder.ts';
import type { PredictionLog, PredictionLogMode } from '../predictionLog.ts';

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
  /** How often to look for a new Production version (0: only on POST /reload). */
  reloadIntervalMs: number;
}

/** What every route module is given: the options and the app's shared parts. */
export interface ApiContext {
  options: ApiOptions;
  model: ModelHolder;
  log: PredictionLog;
  metrics: ApiMetrics;
  /** Where human decisions (approve, reject, a requested action) run, off the event loop. */
  control: ControlWorker;
  startedAt: number;
}

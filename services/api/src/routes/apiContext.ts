import type { ApiMetrics } from '../apiMetrics.ts';
import type { ModelHolder } from '../modelHolder.ts';
import type { PredictionLog } from '../predictionLog.ts';

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
  /** How often to look for a new Production version (0: only on POST /reload). */
  reloadIntervalMs: number;
}

/** What every route module is given: the options and the app's shared parts. */
export interface ApiContext {
  options: ApiOptions;
  model: ModelHolder;
  log: PredictionLog;
  metrics: ApiMetrics;
  startedAt: number;
}

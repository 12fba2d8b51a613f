/** One answered prediction: a line of shared/predictions/predictions-NNNNNN.jsonl, or the `record` of a bus entry. */
export interface PredictionRecord {
  request_id: string;
  time: string;
  model_version: number;
  features: Record<string, unknown>;
  score: number;
  label: 0 | 1;
}

/**
 * Where /predict puts what it answered: the prediction log on disk (the default), or the
 * bus's predictions stream. append() resolves once the records count as kept (the durable
 * log's write, Redis's acknowledgement of the XADDs); only then is the 200 sent.
 */
export interface PredictionSink {
  append(...records: PredictionRecord[]): Promise<void>;
  close(): Promise<void>;
  /** Records kept, and the writes (or round trips) that kept them. */
  readonly written: number;
  readonly writes: number;
  /** What the server's start line names: "prediction log durable", "prediction bus redis://...". */
  describe(): string;
}

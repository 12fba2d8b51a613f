/*
 * The Redis Streams the loop runs on when one machine is not enough (DRIFTWATCH_BUS):
 * declared once, for the API that appends predictions, the traffic player that appends
 * labels, the watchers that announce and decide windows, and whoever follows decisions.
 */

/** The variable that turns the bus on: redis://host:port[/db]. Unset, everything stays on files. */
export const BUS_VARIABLE = 'DRIFTWATCH_BUS';

export const BUS_STREAMS = {
  /** One entry per answered prediction (field `record`: the prediction log's line); trimmed only below what every watcher still needs. */
  predictions: 'driftwatch:predictions',
  /** One entry per arrived label (fields: the dataset's id, its label, label_time). */
  labels: 'driftwatch:labels',
  /** One entry per closed window, under the explicit id `<window end ms>-0`: a window is announced once, whoever cuts it. */
  windows: 'driftwatch:windows',
  /** One entry per decided window, under its announcement's id: a window is published as decided once. */
  events: 'driftwatch:events',
} as const;

/** The consumer group of the watchers on the windows stream: each window is delivered to one of them. */
export const WATCHER_GROUP = 'watchers';

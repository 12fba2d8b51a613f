/**
 * Where each stage reads and writes by default: the runtime layout under shared/ (see
 * docs/ARCHITECTURE.md). Every command takes flags to override a path, so tests run in
 * a temporary directory. The file names inside each directory belong to its store.
 */
export const DEFAULT_PATHS = {
  data: 'shared/data',
  reference: 'shared/data/reference.csv',
  current: 'shared/data/current.csv',
  registry: 'shared/registry',
  reports: 'shared/reports',
  events: 'shared/events',
  approvals: 'shared/approvals',
  predictions: 'shared/predictions',
  /** Labels as they arrive (transaction id, label, label_time), one CSV per drop: the watcher joins them by id. */
  labels: 'shared/labels',
  /** The watcher's checkpoint and its windows' files. */
  watch: 'shared/watch',
  replay: 'shared/replay',
  /** Generated timelines (make gen-timeline), one folder each: what the replay and the traffic player play. */
  timelines: 'shared/timelines',
  policy: 'policies/promotion.yaml',
} as const;

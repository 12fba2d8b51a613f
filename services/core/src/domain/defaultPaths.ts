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
  policy: 'policies/promotion.yaml',
} as const;

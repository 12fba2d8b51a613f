/** The runtime layout under shared/ (DESIGN.md); every command takes flags to override it. */
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

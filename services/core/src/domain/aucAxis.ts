/** The AUC axis starts at the lowest value floored to this step, so differences near 1 stay visible. */
const AUC_FLOOR_STEP = 0.05;

/**
 * Where a timeline chart's AUC axis starts (the replay's page, the dashboard): the lowest
 * AUC floored to 0.05 (worked in hundredths so 0.85 / 0.05 does not floor to 16), below 1
 * so the axis has a height; 0.5 when there is no value.
 */
export function aucAxisLow(values: readonly number[]): number {
  if (values.length === 0) return 0.5;
  const step = Math.round(AUC_FLOOR_STEP * 100);
  const hundredths = Math.floor(Math.round(Math.min(...values) * 1e6) / 1e4 / step) * step;
  return Math.min(100 - step, Math.max(0, hundredths)) / 100;
}

/** One window of the loop over time, as the dashboard charts it. */
export interface TimelinePoint {
  window: string;
  day: number | null;
  start: string;
  end: string;
  rows: number;
  /** ROC AUC on the labels known when the window was decided, and with every label (a replay knows both). */
  known_auc: number | null;
  hindsight_auc: number | null;
  /** Estimated without labels (CBPE). */
  estimated_auc: number | null;
  drift_share: number | null;
  action: string | null;
  outcome: string | null;
  serving_version_after: number | null;
}

/** GET /api/timeline: the newest of the watcher's windows and the last replay's timeline; with the bus, its decided windows. */
export interface TimelineView {
  source: 'watcher' | 'replay' | 'bus' | null;
  /** The file read, relative to the repository's runtime folders as configured. */
  path: string | null;
  windows: TimelinePoint[];
  /** Lines that were not window records (a torn last line, an edit): counted, not shown. */
  skipped_lines: number;
}

/** At most this many windows, the latest: a quarter at one window a day is 90. */
export const TIMELINE_WINDOWS_SHOWN = 500;

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A window record's line as a point, or null for a line that is not one. */
export function timelinePoint(line: string): TimelinePoint | null {
  try {
    return timelinePointOf(JSON.parse(line));
  } catch {
    return null;
  }
}

/** A window record (a parsed line, or the record a decision on the bus carries) as a point, or null. */
export function timelinePointOf(value: unknown): TimelinePoint | null {
  if (value === null || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  if (typeof record.window !== 'string' || typeof record.start !== 'string' || typeof record.end !== 'string') return null;
  return {
    window: record.window,
    day: numberOrNull(record.day),
    start: record.start,
    end: record.end,
    rows: numberOrNull(record.rows) ?? 0,
    known_auc: numberOrNull(record.known_auc),
    hindsight_auc: numberOrNull(record.hindsight_auc),
    estimated_auc: numberOrNull(record.estimated_auc),
    drift_share: numberOrNull(record.drift_share),
    action: stringOrNull(record.action),
    outcome: stringOrNull(record.outcome),
    serving_version_after: numberOrNull(record.serving_version_after),
  };
}

export function timelineView(source: TimelineView['source'], path: string | null, text: string): TimelineView {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const points = lines.map(timelinePoint);
  const windows = points.filter((point): point is TimelinePoint => point !== null);
  return { source, path, windows: windows.slice(-TIMELINE_WINDOWS_SHOWN), skipped_lines: points.length - windows.length };
}

/** The decisions on the bus's events stream (field "decision", its "record" a window record), oldest first, as the timeline. */
export function busTimelineView(stream: string, entries: readonly { fields: Record<string, string> }[]): TimelineView {
  const points = entries.map((entry) => {
    try {
      return timelinePointOf((JSON.parse(entry.fields.decision ?? 'null') as { record?: unknown } | null)?.record);
    } catch {
      return null;
    }
  });
  const windows = points.filter((point): point is TimelinePoint => point !== null);
  return { source: 'bus', path: stream, windows, skipped_lines: points.length - windows.length };
}

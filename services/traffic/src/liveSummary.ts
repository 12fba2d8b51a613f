import { rocAuc } from '../../training/src/index.ts';
import type { WindowRecord } from '../../watcher/src/index.ts';

/*
 * The live run's figures, as the replay gives them: each window the watcher decided, with
 * the AUC its serving model had on the window's traffic once every label is known
 * (hindsight, from the timeline's own labels), and which model versions answered each day.
 * Pure: the caller reads the files.
 */

const DAY_MS = 86_400_000;

/** One logged prediction, as the summary needs it. */
export interface ServedPrediction {
  id: string;
  eventMs: number;
  score: number;
  version: number;
}

/** The day index of a time, from the timeline's start date. */
export function dayIndex(startDate: string, ms: number): number {
  return Math.floor((ms - Date.parse(`${startDate}T00:00:00Z`)) / DAY_MS);
}

/**
 * The watcher's windows with their day on the timeline and their hindsight AUC: the scores
 * the API logged for the window's rows against the true labels (null without both classes).
 */
export function withHindsight(records: readonly WindowRecord[], predictions: readonly ServedPrediction[], truth: ReadonlyMap<string, 0 | 1>, startDate: string): WindowRecord[] {
  return records.map((record) => {
    const from = Date.parse(record.start);
    const to = Date.parse(record.end);
    const labels: number[] = [];
    const scores: number[] = [];
    for (const prediction of predictions) {
      if (prediction.eventMs < from || prediction.eventMs >= to) continue;
      const label = truth.get(prediction.id);
      if (label === undefined) continue;
      labels.push(label);
      scores.push(prediction.score);
    }
    const auc = labels.length === 0 ? Number.NaN : rocAuc(labels, scores);
    return { ...record, day: dayIndex(startDate, from), hindsight_auc: Number.isFinite(auc) ? auc : null };
  });
}

/** Per day of event time, how many predictions each model version answered. */
export function versionsByDay(predictions: readonly ServedPrediction[], startDate: string): Map<number, Map<number, number>> {
  const days = new Map<number, Map<number, number>>();
  for (const prediction of predictions) {
    const day = dayIndex(startDate, prediction.eventMs);
    const versions = days.get(day) ?? new Map<number, number>();
    versions.set(prediction.version, (versions.get(prediction.version) ?? 0) + 1);
    days.set(day, versions);
  }
  return days;
}

const cell = (value: number | null, digits = 3): string => (value === null ? '—' : value.toFixed(digits));

/** The run day by day: drift, the decision, the versions that answered, the hindsight AUC. */
export function dayTable(records: readonly WindowRecord[], versions: ReadonlyMap<number, ReadonlyMap<number, number>>): string {
  const header = ['day', 'window', 'drift share', 'action -> outcome', 'serving after', 'answered by', 'hindsight AUC'];
  const rows = records.map((record) => {
    const answered = [...(versions.get(record.day ?? -1) ?? new Map<number, number>())].sort(([a], [b]) => a - b).map(([version, count]) => `v${version}:${count}`).join(' ');
    return [String(record.day ?? '—'), record.window, cell(record.drift_share, 2), `${record.action ?? '—'} -> ${record.outcome ?? '—'}`, record.serving_version_after === null ? '—' : `v${record.serving_version_after}`, answered || '—', cell(record.hindsight_auc)];
  });
  const widths = header.map((name, column) => Math.max(name.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]) => cells.map((text, column) => text.padEnd(widths[column] as number)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

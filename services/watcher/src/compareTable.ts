import type { PhaseFigure, RunTotals } from './replayMetrics.ts';

/*
 * Runs over one timeline side by side, one column per run. The rows are built here once;
 * the terminal table lays them out in fixed width and the HTML report puts the same rows
 * in its totals table, so the two never disagree on a figure or its spelling.
 */

export interface ComparedRun {
  label: string;
  totals: RunTotals;
  phases: readonly PhaseFigure[];
  /** Actions verify-actions found unauthorized; null when the run was not verified. */
  unauthorized: number | null;
}

/** A row's name and one cell per run, in the runs' order. */
export interface ComparisonRow {
  name: string;
  cells: string[];
}

const MISSING = '—';

export function formatAuc(value: number | null): string {
  return value === null ? MISSING : value.toFixed(3);
}

export function formatDays(value: number | 'never' | null): string {
  return value === null ? MISSING : String(value);
}

export function formatRate(share: number | null): string {
  return share === null ? MISSING : `${(share * 100).toFixed(1)}%`;
}

function formatCount(value: number | null): string {
  return value === null ? MISSING : String(value);
}

function row(runs: readonly ComparedRun[], name: string, cell: (run: ComparedRun) => string): ComparisonRow {
  return { name, cells: runs.map(cell) };
}

export function aucRows(runs: readonly ComparedRun[]): ComparisonRow[] {
  return [
    row(runs, 'mean AUC', (run) => formatAuc(run.totals.mean_auc)),
    row(runs, 'worst AUC', (run) => formatAuc(run.totals.worst_auc)),
  ];
}

const phaseKey = (phase: PhaseFigure) => `${phase.scenario}@${phase.from_day}..${phase.to_day}`;

/** Detection and recovery of every non-base phase any run has, in the order they first appear. */
export function phaseRows(runs: readonly ComparedRun[]): ComparisonRow[] {
  const phases = new Map<string, PhaseFigure>();
  for (const run of runs) for (const phase of run.phases) if (!phase.base && !phases.has(phaseKey(phase))) phases.set(phaseKey(phase), phase);
  const figureOf = (run: ComparedRun, key: string) => run.phases.find((phase) => phaseKey(phase) === key);
  return [...phases.entries()].flatMap(([key, phase]) => [
    row(runs, `${phase.scenario}@${phase.from_day} detect`, (run) => formatDays(figureOf(run, key)?.detection_delay_days ?? null)),
    row(runs, `${phase.scenario}@${phase.from_day} recover`, (run) => formatDays(figureOf(run, key)?.time_to_recover_days ?? null)),
  ]);
}

function sumOf(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

export function actionRows(runs: readonly ComparedRun[]): ComparisonRow[] {
  return [
    row(runs, 'retrains', (run) => String(run.totals.retrains)),
    row(runs, 'failed', (run) => String(run.totals.failed)),
    row(runs, 'promotions', (run) => String(run.totals.promotions)),
    row(runs, 'blocked', (run) => String(run.totals.blocked)),
    row(runs, 'rollbacks', (run) => String(run.totals.rollbacks)),
    row(runs, 'escalations', (run) => String(run.totals.escalations)),
    row(runs, 'guardrail skips', (run) => String(sumOf(run.totals.guardrail_skips))),
    row(runs, 'autonomy rate', (run) => formatRate(run.totals.autonomy_rate)),
    row(runs, 'unauthorized actions', (run) => formatCount(run.unauthorized)),
  ];
}

/** A label as one terminal cell: control characters (a newline, an escape sequence) would break the layout or the terminal. */
function printable(text: string): string {
  return [...text].map((character) => (character < ' ' || character === '\u007f' ? '?' : character)).join('');
}

/** Rows under a header of run labels: names left-aligned, figures right-aligned, two spaces between columns. */
function fixedWidth(labels: readonly string[], rows: readonly ComparisonRow[]): string {
  const nameWidth = Math.max(0, ...rows.map((item) => item.name.length));
  const widths = labels.map((label, column) => Math.max(label.length, ...rows.map((item) => (item.cells[column] ?? '').length)));
  const line = (name: string, cells: readonly string[]) => [name.padEnd(nameWidth), ...cells.map((cell, column) => cell.padStart(widths[column] ?? 0))].join('  ').trimEnd();
  const rule = '-'.repeat(nameWidth + widths.reduce((sum, width) => sum + 2 + width, 0));
  return [line('', labels), rule, ...rows.map((item) => line(item.name, item.cells))].join('\n');
}

/** The runs side by side for the terminal: AUC, each phase's detection and recovery, then what each run did. */
export function compareTable(runs: readonly ComparedRun[]): string {
  const labels = runs.map((run) => printable(run.label));
  return fixedWidth(labels, [...aucRows(runs), ...phaseRows(runs), ...actionRows(runs)]);
}

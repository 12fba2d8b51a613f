import { escapeHtml } from '../../monitoring/src/index.ts';
import { actionRows, aucRows, formatAuc, formatDays, type ComparedRun, type ComparisonRow } from './compareTable.ts';
import { AFTERMATH_DAYS, LEVEL_WINDOWS, RECOVERY_TOLERANCE, TRAILING_WINDOWS, type PhaseFigure, type RunTotals, type TimelinePhase } from './replayMetrics.ts';
import type { WindowRecord } from './windowTypes.ts';
import { ACTION_MARKERS, actionMarker } from '../../core/src/domain/actionMarkers.ts';
import { aucAxisLow } from '../../core/src/domain/aucAxis.ts';

export { aucAxisLow } from '../../core/src/domain/aucAxis.ts';

/*
 * The replay as one self-contained HTML page: inline SVG, no script, nothing fetched, so
 * the file alone can be mailed or archived. Every string from a file or a person (names,
 * labels, scenarios, window ids) is escaped.
 */

export interface ReplayRun {
  label: string;
  records: readonly WindowRecord[];
  totals: RunTotals;
  phases: readonly PhaseFigure[];
}

export interface ReplayReportInput {
  /** The timeline's name. */
  name: string;
  /** ISO date of day 0. */
  start: string;
  days: number;
  phases: readonly TimelinePhase[];
  /** The policy's run first (its actions are marked), then the baselines. */
  runs: readonly ReplayRun[];
  /** Unauthorized actions per run label, as verify-actions counted them. */
  unauthorized: Record<string, number>;
  generatedAt: string;
}

const RUN_COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#9d755d', '#bab0ac'];
const BAND_COLOURS = ['#f2c14e', '#5fad56', '#b279a2', '#4d9de0', '#e15554', '#7768ae'];
const AXIS_COLOUR = '#999';
const GRID_COLOUR = '#eee';

const WIDTH = 900;
const HEIGHT = 300;
const PLOT_LEFT = 44;
const PLOT_RIGHT = WIDTH - 10;
/** The top strip holds the policy's action markers, clear of the runs' lines. */
const MARKER_Y = 14;
const PLOT_TOP = 24;
/** Room under the plot for two label lines: the day index and its date. */
const PLOT_BOTTOM = HEIGHT - 32;
const DAY_MS = 86_400_000;


interface Frame {
  days: number;
  start: string;
  low: number;
  high: number;
}

const px = (value: number) => value.toFixed(1);

function xOfDay(frame: Frame, day: number): number {
  return PLOT_LEFT + ((day + 0.5) / Math.max(1, frame.days)) * (PLOT_RIGHT - PLOT_LEFT);
}

/** The x of a day's left edge, clamped to the plot. */
function xOfEdge(frame: Frame, edge: number): number {
  return PLOT_LEFT + (Math.min(Math.max(edge, 0), frame.days) / Math.max(1, frame.days)) * (PLOT_RIGHT - PLOT_LEFT);
}

function yOf(frame: Frame, value: number): number {
  return PLOT_BOTTOM - ((value - frame.low) / (frame.high - frame.low)) * (PLOT_BOTTOM - PLOT_TOP);
}

/** The calendar date of a day index; null when the start is not a date. */
export function dateOfDay(start: string, day: number): string | null {
  const ms = Date.parse(start);
  return Number.isNaN(ms) ? null : new Date(ms + day * DAY_MS).toISOString().slice(0, 10);
}

/** About ten labelled days across the axis, on a round step. */
function dayStep(days: number): number {
  const rough = days / 9;
  return rough <= 1 ? 1 : rough <= 2 ? 2 : Math.max(5, Math.round(rough / 5) * 5);
}

function isBase(phase: TimelinePhase): boolean {
  return phase.from_day <= 0;
}

function bandColour(index: number): string {
  return BAND_COLOURS[index % BAND_COLOURS.length] as string;
}

function runColour(index: number): string {
  return RUN_COLOURS[index % RUN_COLOURS.length] as string;
}

/** Each non-base phase as a translucent band over its days, its scenario written at its top (staggered so overlapping names stay readable). */
function phaseBands(frame: Frame, phases: readonly TimelinePhase[]): string {
  return phases.map((phase, index) => {
    if (isBase(phase)) return '';
    const left = xOfEdge(frame, phase.from_day);
    const right = Math.max(left + 1, xOfEdge(frame, phase.to_day + 1));
    const labelY = PLOT_TOP + 10 + (index % 4) * 11;
    return `<g><rect x="${px(left)}" y="${PLOT_TOP}" width="${px(right - left)}" height="${PLOT_BOTTOM - PLOT_TOP}" fill="${bandColour(index)}" fill-opacity="0.15"/>`
      + `<text x="${px(left + 2)}" y="${labelY}" font-size="10" fill="#555">${escapeHtml(phase.scenario)}</text></g>`;
  }).join('');
}

function dayAxis(frame: Frame): string {
  const step = dayStep(frame.days);
  const ticks: string[] = [];
  for (let day = 0; day < frame.days; day += step) {
    const x = px(xOfDay(frame, day));
    const date = dateOfDay(frame.start, day);
    ticks.push(`<line x1="${x}" y1="${PLOT_TOP}" x2="${x}" y2="${PLOT_BOTTOM + 3}" stroke="${GRID_COLOUR}"/><text x="${x}" y="${PLOT_BOTTOM + 14}" font-size="10" text-anchor="middle">${day}</text>`
      + (date === null ? '' : `<text x="${x}" y="${PLOT_BOTTOM + 26}" font-size="9" fill="#666" text-anchor="middle">${date}</text>`));
  }
  return `${ticks.join('')}<line x1="${PLOT_LEFT}" y1="${PLOT_BOTTOM}" x2="${PLOT_RIGHT}" y2="${PLOT_BOTTOM}" stroke="${AXIS_COLOUR}"/>`;
}

/** Horizontal grid lines at the given values (in hundredths, so the labels do not drift), labelled on the left. */
function valueAxis(frame: Frame, hundredths: readonly number[], label: (value: number) => string): string {
  return hundredths.map((hundredth) => {
    const value = hundredth / 100;
    const y = px(yOf(frame, value));
    return `<line x1="${PLOT_LEFT}" y1="${y}" x2="${PLOT_RIGHT}" y2="${y}" stroke="${GRID_COLOUR}"/><text x="${PLOT_LEFT - 4}" y="${px(yOf(frame, value) + 3)}" font-size="10" text-anchor="end">${label(value)}</text>`;
  }).join('');
}

/** A run's values joined day by day; a window without a value breaks the line. Lone points are drawn as dots (round caps on a zero-length segment). */
function linePath(frame: Frame, records: readonly WindowRecord[], value: (record: WindowRecord) => number | null, colour: string): string {
  const segments: string[][] = [[]];
  for (const record of [...records].sort((a, b) => (a.day ?? 0) - (b.day ?? 0))) {
    const figure = value(record);
    if (record.day === null) continue;
    if (figure === null) {
      segments.push([]);
      continue;
    }
    (segments[segments.length - 1] as string[]).push(`${px(xOfDay(frame, record.day))} ${px(yOf(frame, figure))}`);
  }
  const d = segments.filter((points) => points.length > 0)
    .map((points) => `M${points.join('L')}${points.length === 1 ? 'l0 0' : ''}`).join('');
  return d === '' ? '' : `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>`;
}

function markerTitle(frame: Frame, record: WindowRecord & { day: number }): string {
  const date = dateOfDay(frame.start, record.day);
  const skips = record.guardrail_skips.length === 0 ? '' : `, held back by ${record.guardrail_skips.join(', ')}`;
  return `day ${record.day}${date === null ? '' : ` (${date})`}, window ${record.window}: action ${record.action ?? 'none'}, outcome ${record.outcome ?? 'none'}${skips}`;
}

function actionMarkers(frame: Frame, records: readonly WindowRecord[]): string {
  return records.map((record) => {
    const marker = actionMarker(record);
    if (marker === undefined || record.day === null) return '';
    const title = escapeHtml(markerTitle(frame, { ...record, day: record.day }));
    return `<text x="${px(xOfDay(frame, record.day))}" y="${MARKER_Y}" font-size="11" text-anchor="middle" fill="${marker.colour}"><title>${title}</title>${marker.glyph}</text>`;
  }).join('');
}

function svg(label: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">${body}</svg>`;
}

function aucChart(input: ReplayReportInput): string {
  const values = input.runs.flatMap((run) => run.records.flatMap((record) => (record.hindsight_auc === null ? [] : [record.hindsight_auc])));
  const frame: Frame = { days: input.days, start: input.start, low: aucAxisLow(values), high: 1 };
  const lowHundredths = Math.round(frame.low * 100);
  const step = 100 - lowHundredths <= 30 ? 5 : 10;
  const ticks: number[] = [];
  for (let hundredth = 100; hundredth >= lowHundredths; hundredth -= step) ticks.push(hundredth);
  const lines = input.runs.map((run, index) => linePath(frame, run.records, (record) => record.hindsight_auc, runColour(index))).join('');
  const markers = input.runs[0] === undefined ? '' : actionMarkers(frame, input.runs[0].records);
  return svg('hindsight ROC AUC per day, one line per run', phaseBands(frame, input.phases) + valueAxis(frame, ticks, (value) => value.toFixed(2)) + dayAxis(frame) + lines + markers);
}

function driftChart(input: ReplayReportInput, run: ReplayRun): string {
  const frame: Frame = { days: input.days, start: input.start, low: 0, high: 1 };
  const line = linePath(frame, run.records, (record) => record.drift_share, runColour(0));
  return svg(`share of drifted columns per day, ${run.label}`, phaseBands(frame, input.phases) + valueAxis(frame, [0, 25, 50, 75, 100], (value) => `${value * 100}%`) + dayAxis(frame) + line);
}

function phaseLegend(input: ReplayReportInput): string {
  const items = input.phases.map((phase, index) => {
    const from = dateOfDay(input.start, phase.from_day);
    const to = dateOfDay(input.start, phase.to_day);
    const dates = from === null || to === null ? '' : ` (${from} – ${to})`;
    const swatch = isBase(phase) ? '<span class="swatch" style="background:#fff;border:1px solid #ccc"></span>' : `<span class="swatch" style="background:${bandColour(index)};opacity:.5"></span>`;
    return `<li>${swatch}<b>${escapeHtml(phase.scenario)}</b>: days ${phase.from_day}–${phase.to_day}${dates}${isBase(phase) ? ', base phase' : ''}</li>`;
  });
  return `<ul class="phases">${items.join('')}</ul>`;
}

function runLegend(runs: readonly ReplayRun[]): string {
  const lines = runs.map((run, index) => `<span class="swatch" style="background:${runColour(index)}"></span>${escapeHtml(run.label)}`).join(' ');
  const first = runs[0];
  const markers = first === undefined ? '' : `<br>Actions of ${escapeHtml(first.label)} (top strip): `
    + ACTION_MARKERS.map((marker) => `<span style="color:${marker.colour}">${marker.glyph}</span> ${escapeHtml(marker.name)}`).join(', ');
  return `<p class="legend">${lines}${markers}</p>`;
}

function phaseTable(run: ReplayRun): string {
  const rows = run.phases.map((phase) => `<tr><td>${escapeHtml(phase.scenario)}</td><td class="days">${phase.from_day}–${phase.to_day}</td>`
    + `<td>${phase.base ? '' : formatDays(phase.detection_delay_days)}</td><td>${phase.base ? '' : formatDays(phase.time_to_recover_days)}</td>`
    + `<td>${formatAuc(phase.worst_auc)}</td><td>${formatAuc(phase.mean_auc)}</td><td>${escapeHtml(phase.note ?? '')}</td></tr>`).join('');
  return `<h3>${escapeHtml(run.label)}</h3><table><thead><tr><th>phase</th><th>days</th><th>detected after (days)</th><th>recovered after (days)</th><th>worst AUC</th><th>mean AUC</th><th>note</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Figures the terminal table leaves out for width: each guardrail's skips, approvals, and the known-vs-hindsight gap. */
function detailRows(runs: readonly ComparedRun[]): ComparisonRow[] {
  const guardrails = [...new Set(runs.flatMap((run) => Object.keys(run.totals.guardrail_skips)))].sort();
  return [
    { name: 'windows', cells: runs.map((run) => String(run.totals.windows)) },
    ...guardrails.map((name) => ({ name: `skipped by ${name}`, cells: runs.map((run) => String(Object.hasOwn(run.totals.guardrail_skips, name) ? run.totals.guardrail_skips[name] : 0)) })),
    { name: 'approvals asked', cells: runs.map((run) => String(run.totals.approvals_asked)) },
    { name: 'executed actions', cells: runs.map((run) => String(run.totals.executed_actions)) },
    { name: 'mean |known − hindsight| AUC', cells: runs.map((run) => formatAuc(run.totals.mean_known_gap)) },
    { name: 'estimates checked against their labels (CBPE)', cells: runs.map((run) => String(run.totals.estimate_checks)) },
    { name: 'mean |estimated − realised| AUC', cells: runs.map((run) => formatAuc(run.totals.mean_estimate_error)) },
    { name: 'largest |estimated − realised| AUC', cells: runs.map((run) => formatAuc(run.totals.max_estimate_error)) },
  ];
}

function totalsTable(input: ReplayReportInput): string {
  const runs: ComparedRun[] = input.runs.map((run) => ({
    ...run,
    unauthorized: Object.hasOwn(input.unauthorized, run.label) ? (input.unauthorized[run.label] as number) : null,
  }));
  const rows = [...aucRows(runs), ...actionRows(runs), ...detailRows(runs)]
    .map((item) => `<tr><td>${escapeHtml(item.name)}</td>${item.cells.map((cell) => `<td class="num">${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr><th></th>${runs.map((run) => `<th>${escapeHtml(run.label)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}td.days{white-space:nowrap}.caption{font-size:12px;color:#666}ul.phases{list-style:none;padding:0}
.swatch{display:inline-block;width:12px;height:12px;margin:0 4px 0 10px;vertical-align:middle}svg{max-width:100%;height:auto}`;

/** The replay's page: phases, AUC of every run per day with the policy's actions, the policy's drift, and the figures. */
export function renderReplayHtml(input: ReplayReportInput): string {
  const first = input.runs[0];
  const title = `DriftWatch replay: ${input.name}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
${STYLE}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p class="caption">${input.days} days from ${escapeHtml(input.start)}, one window per day; ${input.runs.length} runs. Generated ${escapeHtml(input.generatedAt)}.</p>
<h2>Phases</h2>
${phaseLegend(input)}
<h2>Hindsight ROC AUC per day</h2>
${runLegend(input.runs)}
${aucChart(input)}
${first === undefined ? '' : `<h2>Share of drifted columns per day (${escapeHtml(first.label)})</h2>\n${driftChart(input, first)}`}
<h2>Per phase</h2>
<p class="caption">Detected: days from the phase's start to the first window naming an incident (up to ${AFTERMATH_DAYS} days after the phase). Recovered: days from the phase's start until the ${TRAILING_WINDOWS}-window mean of hindsight AUC, having fallen more than ${RECOVERY_TOLERANCE} under its mean over the ${LEVEL_WINDOWS} windows before the phase, is back within ${RECOVERY_TOLERANCE} of it; 0 when it never fell, never when it had not come back by the end.</p>
${input.runs.map(phaseTable).join('\n')}
<h2>Totals</h2>
${totalsTable(input)}
</body></html>
`;
}

import { ACTION_MARKERS, actionMarker } from '../../../core/src/domain/actionMarkers.ts';
import { aucAxisLow } from '../../../core/src/domain/aucAxis.ts';
import type { TimelinePoint, TimelineView } from '../../src/dashboard/timelineView.ts';
import { el, show, svgEl } from './dom.ts';

const WIDTH = 900;
const PLOT_LEFT = 40;
const PLOT_RIGHT = WIDTH - 8;
const REALISED_COLOUR = '#4c78a8';
const HINDSIGHT_COLOUR = '#9ecae9';
const ESTIMATED_COLOUR = '#f58518';
const DRIFT_COLOUR = '#e45756';

interface Frame { count: number; top: number; bottom: number; low: number; high: number }

const xOf = (frame: Frame, index: number): number => PLOT_LEFT + (frame.count <= 1 ? 0.5 : index / (frame.count - 1)) * (PLOT_RIGHT - PLOT_LEFT);
const yOf = (frame: Frame, value: number): number => frame.bottom - ((value - frame.low) / (frame.high - frame.low)) * (frame.bottom - frame.top);

/** One line over the windows; a window without a figure breaks it; a lone point is a dot. */
function line(frame: Frame, points: readonly TimelinePoint[], value: (point: TimelinePoint) => number | null, colour: string, dash = ''): SVGElement {
  const segments: string[][] = [[]];
  points.forEach((point, index) => {
    const figure = value(point);
    if (figure === null) segments.push([]);
    else (segments[segments.length - 1] as string[]).push(`${xOf(frame, index).toFixed(1)} ${yOf(frame, figure).toFixed(1)}`);
  });
  const d = segments.filter((segment) => segment.length > 0).map((segment) => `M${segment.join('L')}${segment.length === 1 ? 'l0 0' : ''}`).join('');
  return svgEl('path', { d, fill: 'none', stroke: colour, 'stroke-width': 1.8, 'stroke-linecap': 'round', 'stroke-dasharray': dash });
}

function axis(frame: Frame, ticks: readonly number[], label: (value: number) => string): SVGElement[] {
  return ticks.map((tick) => svgEl('g', {},
    svgEl('line', { x1: PLOT_LEFT, x2: PLOT_RIGHT, y1: yOf(frame, tick).toFixed(1), y2: yOf(frame, tick).toFixed(1), stroke: '#eee' }),
    svgEl('text', { x: PLOT_LEFT - 4, y: (yOf(frame, tick) + 3).toFixed(1), 'font-size': 10, 'text-anchor': 'end' }, label(tick))));
}

function windowAxis(frame: Frame, points: readonly TimelinePoint[], height: number): SVGElement[] {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return [];
  return [
    svgEl('text', { x: PLOT_LEFT, y: height - 2, 'font-size': 10 }, first.end.slice(0, 16).replace('T', ' ')),
    svgEl('text', { x: PLOT_RIGHT, y: height - 2, 'font-size': 10, 'text-anchor': 'end' }, last.end.slice(0, 16).replace('T', ' ')),
  ];
}

function markers(frame: Frame, points: readonly TimelinePoint[]): SVGElement[] {
  return points.flatMap((point, index) => {
    const marker = actionMarker(point);
    if (marker === undefined) return [];
    return [svgEl('text', { x: xOf(frame, index).toFixed(1), y: 12, 'font-size': 12, 'text-anchor': 'middle', fill: marker.colour, class: 'marker', 'data-outcome': point.outcome ?? '' },
      svgEl('title', {}, `window ${point.window} (${point.end}): ${point.action ?? 'no action'} → ${point.outcome ?? 'none'}${point.serving_version_after === null ? '' : `, serving v${point.serving_version_after} after`}`), marker.glyph)];
  });
}

/** The lowest AUC shown, floored as the replay's page floors it. */
function aucLow(points: readonly TimelinePoint[]): number {
  return aucAxisLow(points.flatMap((point) => [point.known_auc, point.hindsight_auc, point.estimated_auc]).filter((value): value is number => value !== null));
}

function aucChart(points: readonly TimelinePoint[]): SVGElement {
  const height = 240;
  const frame: Frame = { count: points.length, top: 22, bottom: height - 16, low: aucLow(points), high: 1 };
  const ticks = [1, 0.9, 0.8, 0.7, 0.6, 0.5].filter((tick) => tick >= frame.low);
  return svgEl('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: 'img', 'aria-label': 'serving ROC AUC per window, realised and estimated, with the actions taken' },
    ...axis(frame, ticks, (value) => value.toFixed(2)),
    line(frame, points, (point) => point.hindsight_auc, HINDSIGHT_COLOUR, '4 3'),
    line(frame, points, (point) => point.known_auc, REALISED_COLOUR),
    line(frame, points, (point) => point.estimated_auc, ESTIMATED_COLOUR, '2 2'),
    ...markers(frame, points),
    ...windowAxis(frame, points, height));
}

function driftChart(points: readonly TimelinePoint[]): SVGElement {
  const height = 140;
  const frame: Frame = { count: points.length, top: 8, bottom: height - 16, low: 0, high: 1 };
  return svgEl('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: 'img', 'aria-label': 'share of drifted columns per window' },
    ...axis(frame, [0, 0.5, 1], (value) => `${value * 100}%`),
    line(frame, points, (point) => point.drift_share, DRIFT_COLOUR),
    ...windowAxis(frame, points, height));
}

function swatch(colour: string, text: string): HTMLElement[] {
  return [el('span', { class: 'swatch', style: `background:${colour}` }), el('span', {}, text)];
}

/** Where the windows came from, as the caption says it. */
const TIMELINE_SOURCES: Record<NonNullable<TimelineView['source']>, string> = { watcher: "watcher's log", replay: 'last replay', bus: "watchers' decisions on the bus" };

export function renderTimeline(target: Element, timeline: TimelineView): void {
  if (timeline.source === null || timeline.windows.length === 0) {
    show(target, el('p', {}, 'No timeline yet: run the watcher (make watch) or a replay (make replay).'));
    return;
  }
  const points = timeline.windows;
  show(target,
    el('p', { class: 'caption' }, `${points.length} windows from the ${TIMELINE_SOURCES[timeline.source]} (${timeline.path ?? ''})${timeline.skipped_lines > 0 ? `; ${timeline.skipped_lines} unreadable lines left out` : ''}.`),
    el('p', { class: 'legend' }, ...swatch(REALISED_COLOUR, 'ROC AUC on the labels known then'), ...swatch(HINDSIGHT_COLOUR, 'with every label (hindsight)'), ...swatch(ESTIMATED_COLOUR, 'estimated without labels (CBPE)'),
      el('br'), 'Actions: ', ...ACTION_MARKERS.flatMap((marker) => [el('span', { style: `color:${marker.colour}` }, ` ${marker.glyph} `), `${marker.name} `])),
    el('div', { class: 'scroll' }, aucChart(points)),
    el('h3', {}, 'Share of drifted columns'),
    el('div', { class: 'scroll' }, driftChart(points)));
}

import type { ColumnHistogram } from './chartBinning.ts';
import { escapeHtml, formatPercent } from './reportFormat.ts';

/** Inline SVG charts: no script, nothing fetched, readable with the file alone. */

export const REFERENCE_COLOUR = '#4c78a8';
export const CURRENT_COLOUR = '#f58518';
const WIDTH = 360;
const HEIGHT = 130;
const AXIS_COLOUR = '#999';

function svg(label: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">${body}</svg>`;
}

function bar(x: number, top: number, width: number, height: number, colour: string): string {
  return `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${width.toFixed(1)}" height="${height.toFixed(1)}" fill="${colour}"/>`;
}

function title(histogram: ColumnHistogram, index: number): string {
  return `<title>${escapeHtml(histogram.labels[index] ?? '')}: reference ${formatPercent(histogram.reference[index] ?? 0)}, current ${formatPercent(histogram.current[index] ?? 0)}</title>`;
}

/** Bins side by side, scaled to the tallest share (said at the top left); first and last bin named below. */
export function histogramChart(histogram: ColumnHistogram): string {
  const bins = histogram.labels.length;
  const tallest = Math.max(1e-12, ...histogram.reference, ...histogram.current);
  const slot = WIDTH / Math.max(1, bins);
  const barWidth = Math.max(1, slot / 2 - 1);
  const plotTop = 12;
  const plotBottom = HEIGHT - 14;
  const plotHeight = plotBottom - plotTop;
  const bars = histogram.labels.map((_, index) => {
    const referenceHeight = ((histogram.reference[index] ?? 0) / tallest) * plotHeight;
    const currentHeight = ((histogram.current[index] ?? 0) / tallest) * plotHeight;
    const x = index * slot;
    return `<g>${title(histogram, index)}${bar(x, plotBottom - referenceHeight, barWidth, referenceHeight, REFERENCE_COLOUR)}${bar(x + barWidth + 1, plotBottom - currentHeight, barWidth, currentHeight, CURRENT_COLOUR)}</g>`;
  }).join('');
  const first = escapeHtml(histogram.labels[0] ?? '');
  const last = escapeHtml(histogram.labels[histogram.labels.length - 1] ?? '');
  return svg(`reference vs current distribution of ${histogram.column} (${histogram.caption})`, `${bars}`
    + `<line x1="0" y1="${plotTop}" x2="${WIDTH}" y2="${plotTop}" stroke="#eee"/><text x="0" y="9" font-size="9">${formatPercent(tallest)}</text>`
    + `<line x1="0" y1="${plotBottom}" x2="${WIDTH}" y2="${plotBottom}" stroke="${AXIS_COLOUR}"/>`
    + `<text x="0" y="${HEIGHT - 2}" font-size="9">${first}</text><text x="${WIDTH}" y="${HEIGHT - 2}" font-size="9" text-anchor="end">${last}</text>`);
}

/** Each value's share in reference and current side by side on a fixed 0–100% axis, the share written on each bar. */
export function valueShareChart(histogram: ColumnHistogram): string {
  const values = histogram.labels.length;
  const axisWidth = 30;
  const plotTop = 12;
  const plotBottom = HEIGHT - 14;
  const plotHeight = plotBottom - plotTop;
  const slot = (WIDTH - axisWidth) / Math.max(1, values);
  const barWidth = Math.min(60, slot / 2 - 4);
  const grid = [0, 0.5, 1].map((share) => {
    const y = plotBottom - share * plotHeight;
    return `<line x1="${axisWidth}" y1="${y.toFixed(1)}" x2="${WIDTH}" y2="${y.toFixed(1)}" stroke="${share === 0 ? AXIS_COLOUR : '#eee'}"/><text x="${axisWidth - 3}" y="${(y + 3).toFixed(1)}" font-size="9" text-anchor="end">${share * 100}%</text>`;
  }).join('');
  const bars = histogram.labels.map((label, index) => {
    const centre = axisWidth + slot * (index + 0.5);
    const sides = [[histogram.reference[index] ?? 0, REFERENCE_COLOUR, centre - barWidth - 1], [histogram.current[index] ?? 0, CURRENT_COLOUR, centre + 1]] as const;
    const drawn = sides.map(([share, colour, x]) => {
      const height = share * plotHeight;
      return `${bar(x, plotBottom - height, barWidth, height, colour)}<text x="${(x + barWidth / 2).toFixed(1)}" y="${Math.max(9, plotBottom - height - 2).toFixed(1)}" font-size="9" text-anchor="middle">${formatPercent(share)}</text>`;
    }).join('');
    return `<g>${title(histogram, index)}${drawn}<text x="${centre.toFixed(1)}" y="${HEIGHT - 2}" font-size="9" text-anchor="middle">${escapeHtml(label)}</text></g>`;
  }).join('');
  return svg(`share of each value of ${histogram.column}, reference vs current, 0–100%`, grid + bars);
}

/** The chart that reads best for the column: shares on a 0–100% axis for two values, else bars scaled to the tallest. */
export function columnChart(histogram: ColumnHistogram): string {
  const chart = histogram.binning === 'binary' ? valueShareChart(histogram) : histogramChart(histogram);
  return `${chart}<div class="caption">${escapeHtml(histogram.caption)}</div>`;
}

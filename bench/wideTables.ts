import { closeSync, openSync, writeSync } from 'node:fs';
import normal from '@stdlib/random-base-normal';

/**
 * Seeded wide numerical tables for the monitor's wide case (make bench): `columns` columns
 * c000, c001... of standard normal values, the first `shifted` of them moved by `shiftSd`
 * standard deviations (the current side of a drift). Written in chunks of rows, so a
 * 356k x 100 table (about 300 MB) never sits in memory as one string.
 */
export function writeWideTable(path: string, options: { rows: number; columns: number; seed: number; shifted?: number; shiftSd?: number }): void {
  const draw = normal.factory({ seed: options.seed });
  const shifted = options.shifted ?? 0;
  const shift = options.shiftSd ?? 0;
  const descriptor = openSync(path, 'w');
  try {
    writeSync(descriptor, `${Array.from({ length: options.columns }, (_, index) => `c${String(index).padStart(3, '0')}`).join(',')}\n`);
    const CHUNK = 5_000;
    for (let start = 0; start < options.rows; start += CHUNK) {
      const lines: string[] = [];
      for (let row = start; row < Math.min(options.rows, start + CHUNK); row += 1) {
        const cells: string[] = [];
        for (let column = 0; column < options.columns; column += 1) cells.push((draw(0, 1) + (column < shifted ? shift : 0)).toFixed(5));
        lines.push(cells.join(','));
      }
      writeSync(descriptor, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(descriptor);
  }
}

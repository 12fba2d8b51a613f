/** How pandas reads one cell: its default missing tokens, numbers and infinities. */

/** Values pandas reads as missing by default. */
const MISSING_TOKENS = new Set(['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', '-NaN', '-nan', 'null', 'NULL', 'None', '<NA>', '#N/A', '#NA', '-1.#IND', '1.#IND', '-1.#QNAN', '1.#QNAN', '#N/A N/A']);
const INFINITY_TOKENS = new Map([['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity], ['infinity', Infinity], ['+infinity', Infinity], ['-infinity', -Infinity]]);

export function isMissingToken(value: string): boolean {
  return MISSING_TOKENS.has(value.trim());
}

/** A number, NaN for a missing token, or undefined when the text is not numeric. */
export function parseNumericCell(value: string): number | undefined {
  if (value.length === 0) return Number.NaN;
  const number = Number(value);
  if (!Number.isNaN(number)) {
    // Fast path: a leading digit 1-9 cannot start 0x/0b/0o or whitespace.
    const first = value.charCodeAt(0);
    if (first >= 49 && first <= 57) return number;
    const trimmed = value.trim();
    if (trimmed.length === 0) return Number.NaN;
    // Number() accepts 0x/0b/0o literals; pandas does not read those as numbers.
    const signLength = trimmed.charCodeAt(0) === 45 || trimmed.charCodeAt(0) === 43 ? 1 : 0;
    if (trimmed.charCodeAt(signLength) === 48 && trimmed.length > signLength + 1) {
      const prefix = trimmed.charCodeAt(signLength + 1) | 0x20;
      if (prefix === 120 || prefix === 98 || prefix === 111) return undefined;
    }
    return number;
  }
  if (isMissingToken(value)) return Number.NaN;
  return INFINITY_TOKENS.get(value.trim().toLowerCase());
}

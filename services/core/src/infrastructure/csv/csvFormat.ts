/** RFC 4180 quoting: only fields with a comma, quote or line break are quoted. */
export function formatCsvField(value: string | number): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (!/[",\r\n]/.test(value)) return value;
  return `"${value.replace(/"/g, '""')}"`;
}

export function formatCsvLine(values: readonly (string | number)[]): string {
  return `${values.map(formatCsvField).join(',')}\n`;
}

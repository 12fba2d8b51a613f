import type { CsvColumn, DataTable } from '../infrastructure/csv/dataTable.ts';
import { UserError } from '../infrastructure/errors.ts';
import { isMissingToken, parseNumericCell } from '../infrastructure/csv/csvCells.ts';
import { describeLabels, featureNames, labelMeaning, numericFeatureNames, refuseMissingColumns, type DatasetSpec, type FeatureSpec, type LoadedDatasetSpec } from './datasetSpec.ts';

/*
 * A dataset's columns read from a table: the label as 0/1 whatever its spelling, and the
 * hour of day of the event time. Row numbers in errors count the header as row 1.
 */

/** The label of every row as 1 (positive) or 0; a row with another value, or none, is refused by file, column and row. */
export function labelsOf(table: DataTable, spec: DatasetSpec): Float64Array {
  const name = spec.target.column;
  const column = table.column(name);
  const labels = new Float64Array(table.rowCount);
  const refuse = (row: number, found: string) => new UserError(`${table.source}: row ${row + 2}: column "${name}" must be ${describeLabels(spec)}, found ${found}`);
  if (column.kind === 'numerical') {
    const meaning = new Map<number, 0 | 1 | undefined>();
    for (let row = 0; row < table.rowCount; row += 1) {
      const value = column.values[row] as number;
      if (Number.isNaN(value)) throw refuse(row, 'an empty value');
      if (!meaning.has(value)) meaning.set(value, labelMeaning(spec, String(value)));
      const label = meaning.get(value);
      if (label === undefined) throw refuse(row, String(value));
      labels[row] = label;
    }
    return labels;
  }
  const byCode = column.categories.map((category) => labelMeaning(spec, category));
  for (let row = 0; row < table.rowCount; row += 1) {
    const code = column.codes[row] as number;
    if (code < 0) throw refuse(row, 'an empty value');
    const label = byCode[code];
    if (label === undefined) throw refuse(row, JSON.stringify(column.categories[code]));
    labels[row] = label;
  }
  return labels;
}

/** The start of an ISO-8601 time, to the hour ("2026-11-27T14" or "2026-11-27 14"): all the volume signals need. */
const ISO_TIME_TO_THE_HOUR = /^\d{4}-\d{2}-\d{2}[T ](\d{2})/;

/** The UTC hour of an ISO-8601 timestamp ("2026-11-27T14:05:00Z" → 14); undefined for anything else. */
export function hourOfTimestamp(text: string): number | undefined {
  const match = ISO_TIME_TO_THE_HOUR.exec(text);
  if (!match) return undefined;
  const hour = Number(match[1]);
  return hour <= 23 ? hour : undefined;
}

/** Every row's event hour from the dataset's time column (NaN where unreadable); undefined when the dataset has no time column in this table. */
export function eventHours(table: DataTable, spec: Pick<DatasetSpec, 'time'>): Float64Array | undefined {
  if (spec.time === undefined || !table.hasColumn(spec.time)) return undefined;
  const column = table.column(spec.time);
  if (column.kind !== 'categorical') return undefined;
  const byCode = column.categories.map((category) => hourOfTimestamp(category) ?? Number.NaN);
  // A loop, not Float64Array.from with a callback: a million rows took 0.3 s that way.
  const hours = new Float64Array(column.codes.length);
  for (let row = 0; row < hours.length; row += 1) {
    const code = column.codes[row] as number;
    hours[row] = code < 0 ? Number.NaN : (byCode[code] as number);
  }
  return hours;
}

/** The first row whose category `isBad` holds for, judged once per category rather than once per row; -1 if none. */
function firstRowOfCategory(codes: Int32Array, categories: readonly string[], isBad: (category: string) => boolean): number {
  const bad = categories.map(isBad);
  if (!bad.includes(true)) return -1;
  for (let row = 0; row < codes.length; row += 1) {
    const code = codes[row] as number;
    if (code >= 0 && bad[code] === true) return row;
  }
  return -1;
}

/** The first row whose value is missing (NaN, or code -1); -1 if none. */
function firstMissingRow(column: CsvColumn): number {
  if (column.kind === 'numerical') {
    for (let row = 0; row < column.values.length; row += 1) if (Number.isNaN(column.values[row])) return row;
  } else {
    for (let row = 0; row < column.codes.length; row += 1) if ((column.codes[row] as number) < 0) return row;
  }
  return -1;
}

/**
 * The dataset's time column must hold ISO-8601 times: anything else would leave the
 * volume and hour-of-day signals without figures, silently. Refused by file, column, row.
 */
export function refuseNonIsoTimes(table: DataTable, spec: Pick<DatasetSpec, 'time'>): void {
  if (spec.time === undefined || !table.hasColumn(spec.time)) return;
  const column = table.column(spec.time);
  const bad = column.kind === 'numerical'
    ? column.values.findIndex((value) => !Number.isNaN(value))
    : firstRowOfCategory(column.codes, column.categories, (category) => !ISO_TIME_TO_THE_HOUR.test(category));
  if (bad < 0) return;
  const found = column.kind === 'numerical' ? String(column.values[bad]) : JSON.stringify(column.categories[column.codes[bad] as number]);
  throw new UserError(`${table.source}: row ${bad + 2}: column "${spec.time}" (the dataset's time) must be an ISO-8601 UTC time like 2026-11-27T14:05:00Z, found ${found}`);
}

/**
 * Values the spec rules out, as the API would refuse them: a fraction in an integer
 * feature, a value outside its min..max. Training on them would learn from rows the model
 * can never be asked about. Refused by file, column and row; missing values are not judged.
 */
export function refuseUndeclaredValues(table: DataTable, spec: Pick<DatasetSpec, 'features'>): void {
  for (const [name, feature] of Object.entries(spec.features)) {
    if (feature.type === 'categorical' || !table.hasColumn(name)) continue;
    const values = table.numerical(name).values;
    for (let row = 0; row < values.length; row += 1) {
      const value = values[row] as number;
      if (Number.isNaN(value)) continue;
      const problem = undeclaredNumber(feature, value);
      if (problem) throw new UserError(`${table.source}: row ${row + 2}: column "${name}" ${problem}, found ${value}`);
    }
  }
}

/** What the spec rules out in a number of a numerical or integer feature (undefined: nothing). */
function undeclaredNumber(feature: FeatureSpec, value: number): string | undefined {
  if (feature.type === 'integer' && !Number.isInteger(value)) return 'must be a whole number (integer feature)';
  if (feature.min !== undefined && value < feature.min) return `must be >= ${feature.min} (min)`;
  if (feature.max !== undefined && value > feature.max) return `must be <= ${feature.max} (max)`;
  return undefined;
}

/**
 * One cell of a feature as it comes, one row at a time (a feed, not a file): what the API,
 * the monitor or a retrain would refuse in it, or undefined. A feed checks each row with
 * this before the row enters a window, so one bad row is set aside rather than refused
 * with every window and retrain that holds it.
 */
export function featureCellProblem(feature: FeatureSpec, cell: string, missing: DatasetSpec['missing']): string | undefined {
  const empty = cell === '' || (feature.type !== 'categorical' && isMissingToken(cell));
  if (empty) return missing === 'refuse' ? 'empty, and the dataset refuses missing values (missing: refuse)' : undefined;
  if (feature.type === 'categorical') {
    return feature.max_length !== undefined && cell.length > feature.max_length ? `longer than max_length ${feature.max_length}` : undefined;
  }
  const value = parseNumericCell(cell);
  if (value === undefined || !Number.isFinite(value)) return `${JSON.stringify(cell)} is not a number`;
  const problem = undeclaredNumber(feature, value);
  return problem === undefined ? undefined : `${problem}, found ${value}`;
}

/** Under `missing: refuse`, an empty feature value is refused where it is read, by file, column and row (not later, in a retrain). */
export function refuseMissingValues(table: DataTable, spec: Pick<DatasetSpec, 'features' | 'missing'>): void {
  if (spec.missing !== 'refuse') return;
  for (const name of Object.keys(spec.features)) {
    if (!table.hasColumn(name)) continue;
    const column = table.column(name);
    const row = firstMissingRow(column);
    if (row >= 0) throw new UserError(`${table.source}: row ${row + 2}: feature "${name}" is empty and the dataset's missing: refuse allows no missing values`);
  }
}

/**
 * A file read as this dataset: every declared feature present (and the label, when it is
 * required), numbers where numbers are declared and within what is declared, and the
 * label's two values. Returns the labels as 0/1, or undefined for a file without them.
 */
export function refuseTableOffSpec(table: DataTable, dataset: LoadedDatasetSpec, options: { labels: 'required' | 'when present' }): Float64Array | undefined {
  const { spec } = dataset;
  const labelsRequired = options.labels === 'required';
  refuseMissingColumns(table.header, [...featureNames(spec), ...(labelsRequired ? [spec.target.column] : [])], table.source, dataset.source);
  for (const column of numericFeatureNames(spec)) table.numerical(column);
  refuseUndeclaredValues(table, spec);
  return labelsRequired || table.hasColumn(spec.target.column) ? labelsOf(table, spec) : undefined;
}

import type { CsvColumn, DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';
import type { MissingHandling } from '../../core/src/domain/datasetSpec.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';

/**
 * Preprocessing fitted on the training rows only and frozen into the artifact, so
 * serving transforms a request exactly as training did.
 */
export interface NumericalFeature {
  name: string;
  /** log1p for heavily right-skewed non-negative columns (amounts, distances): decided at fit time. */
  transform: 'identity' | 'log1p';
  mean: number;
  std: number;
  /** The training rows' median (raw scale), put in for a missing value; absent in format-1 artifacts (the mean was). */
  impute?: number;
}

export interface CategoricalFeature {
  name: string;
  /** The categories with a one-hot column each: the most frequent, up to MAX_ONE_HOT_CATEGORIES. */
  categories: string[];
  /** The training rows' most frequent category, put in for a missing value; absent in format-1 artifacts (all-zero was). */
  impute?: string;
  /** Categories seen in training beyond the kept ones: they share one column (as scikit-learn's OneHotEncoder max_categories). */
  infrequent?: string[];
}

/**
 * One-hot columns per categorical feature at most: a column of 5,000 zip codes would make
 * every Newton step of the logistic regression solve a 5,000-wide system (measured: 2,000
 * categories took 45 s at 10k rows). The rest share an "(infrequent)" column.
 */
export const MAX_ONE_HOT_CATEGORIES = 100;
const INFREQUENT = '(infrequent)';

/** The one-hot columns a categorical feature takes. */
export function oneHotWidth(feature: CategoricalFeature): number {
  return feature.categories.length + ((feature.infrequent?.length ?? 0) > 0 ? 1 : 0);
}

export interface FrozenPreprocessing {
  numerical: NumericalFeature[];
  categorical: CategoricalFeature[];
  /** impute: missing values get the frozen impute values; refuse: a missing value is an error naming its row. */
  missing?: MissingHandling;
  /** The model's input columns in order: numerical, then one per category. */
  feature_names: string[];
}

export interface TransformResult {
  matrix: number[][];
  /** Per categorical column, how many values were not seen in training (encoded all-zero). */
  unseen_categories: Record<string, number>;
  /** Per feature, how many values were missing (imputed with the frozen median or most frequent category). */
  missing_values: Record<string, number>;
}

const SKEWNESS_FOR_LOG = 2;
/** Indicator and small-count columns are skewed too, but a log would only relabel their values. */
const MIN_DISTINCT_FOR_LOG = 10;

/**
 * A standardised value this many deviations out already decides any model; beyond it a
 * finite input (1e308) would overflow to Infinity, and a model's sum to NaN.
 */
const MAX_STANDARDISED = 1e6;

function clampStandardised(value: number): number {
  return Math.max(-MAX_STANDARDISED, Math.min(MAX_STANDARDISED, value));
}

function applyTransform(transform: NumericalFeature['transform'], value: number): number {
  return transform === 'log1p' ? Math.log1p(Math.max(0, value)) : value;
}

function moments(values: number[]): { mean: number; std: number; skewness: number } {
  const count = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / count;
  let second = 0;
  let third = 0;
  for (const value of values) {
    const deviation = value - mean;
    second += deviation * deviation;
    third += deviation * deviation * deviation;
  }
  const variance = second / count;
  const std = Math.sqrt(variance);
  return { mean, std, skewness: std === 0 ? 0 : third / count / std ** 3 };
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A feature's values as text: a categorical feature may hold numbers (codes), which the reader parsed as such. */
export function categoryTexts(column: CsvColumn): { codes: ArrayLike<number>; categories: string[] } {
  if (column.kind === 'categorical') return column;
  const categories: string[] = [];
  const index = new Map<number, number>();
  const codes = Int32Array.from(column.values, (value) => {
    if (Number.isNaN(value)) return -1;
    let code = index.get(value);
    if (code === undefined) {
      code = categories.length;
      index.set(value, code);
      categories.push(String(value));
    }
    return code;
  });
  return { codes, categories };
}

function mostFrequent(counts: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  // Ties go to the first in sort order, so the frozen value never depends on row order.
  for (const category of [...counts.keys()].sort()) {
    const count = counts.get(category) as number;
    if (count > bestCount) {
      best = category;
      bestCount = count;
    }
  }
  return best;
}

export function fitPreprocessing(table: DataTable, rows: number[], numericalColumns: string[], categoricalColumns: string[], missing: MissingHandling = 'impute'): FrozenPreprocessing {
  const numerical = numericalColumns.map((name): NumericalFeature => {
    const column = table.numerical(name).values;
    const present = rows.map((row) => column[row] as number).filter((value) => Number.isFinite(value));
    const raw = moments(present);
    const transform = present.length > 0 && present.every((value) => value >= 0) && raw.skewness > SKEWNESS_FOR_LOG && new Set(present).size > MIN_DISTINCT_FOR_LOG ? 'log1p' : 'identity';
    const fitted = transform === 'identity' ? raw : moments(present.map((value) => applyTransform(transform, value)));
    // Values near the float limit overflow the sums: the model would learn from NaN.
    if (!Number.isFinite(fitted.mean) || !Number.isFinite(fitted.std)) {
      const largest = present.reduce((most, value) => Math.max(most, Math.abs(value)), 0);
      throw new UserError(`${table.source}: column "${name}": values up to ${largest.toExponential(2)} are too large to standardise; rescale the column`);
    }
    return { name, transform, mean: present.length > 0 ? fitted.mean : 0, std: fitted.std > 0 ? fitted.std : 1, impute: median(present.sort((a, b) => a - b)) };
  });
  const categorical = categoricalColumns.map((name): CategoricalFeature => {
    const column = categoryTexts(table.column(name));
    const counts = new Map<string, number>();
    for (const row of rows) {
      const code = column.codes[row] as number;
      if (code >= 0) {
        const category = column.categories[code] as string;
        counts.set(category, (counts.get(category) ?? 0) + 1);
      }
    }
    const impute = mostFrequent(counts);
    // Most frequent first, ties by name: the kept set never depends on row order.
    const byFrequency = [...counts.keys()].sort((a, b) => (counts.get(b) as number) - (counts.get(a) as number) || (a < b ? -1 : a > b ? 1 : 0));
    const kept = byFrequency.slice(0, MAX_ONE_HOT_CATEGORIES).sort();
    const infrequent = byFrequency.slice(MAX_ONE_HOT_CATEGORIES).sort();
    return { name, categories: kept, ...(impute === undefined ? {} : { impute }), ...(infrequent.length > 0 ? { infrequent } : {}) };
  });
  return {
    numerical,
    categorical,
    missing,
    feature_names: [
      ...numerical.map((feature) => feature.name),
      ...categorical.flatMap((feature) => [...feature.categories, ...(oneHotWidth(feature) > feature.categories.length ? [INFREQUENT] : [])].map((category) => `${feature.name}=${category}`)),
    ],
  };
}

/** Reads one value of a row; numbers for numerical columns, text (or undefined) for categorical. */
export interface RowSource {
  rowCount: number;
  /** Where a row is, for an error about it: "file.csv: row 7" or "transactions[3]". */
  rowLocation(row: number): string;
  number(column: string, row: number): number;
  category(column: string, row: number): string | undefined;
}

export function tableRowSource(table: DataTable, preprocessing: FrozenPreprocessing): RowSource {
  const numbers = new Map(preprocessing.numerical.map((feature) => [feature.name, table.numerical(feature.name).values]));
  const categories = new Map(preprocessing.categorical.map((feature) => [feature.name, categoryTexts(table.column(feature.name))]));
  return {
    rowCount: table.rowCount,
    rowLocation: (row) => `${table.source}: row ${row + 2}`,
    number: (column, row) => numbers.get(column)?.[row] ?? Number.NaN,
    category: (column, row) => {
      const values = categories.get(column);
      const code = values?.codes[row] ?? -1;
      return code < 0 ? undefined : values?.categories[code];
    },
  };
}

export function recordRowSource(records: readonly Record<string, unknown>[]): RowSource {
  return {
    rowCount: records.length,
    rowLocation: (row) => (records.length === 1 ? 'the request' : `transactions[${row}]`),
    number: (column, row) => {
      const value = records[row]?.[column];
      return typeof value === 'number' ? value : Number.NaN;
    },
    category: (column, row) => {
      const value = records[row]?.[column];
      // A categorical feature may be sent as a number (a code); the CSV reader reads codes as numbers too.
      return typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
    },
  };
}

/** Category -> one-hot position per categorical feature, built once per frozen preprocessing (the API scores one row at a time). */
const categoryIndexCache = new WeakMap<FrozenPreprocessing, Map<string, number>[]>();

function categoryIndexOf(preprocessing: FrozenPreprocessing): Map<string, number>[] {
  let index = categoryIndexCache.get(preprocessing);
  if (!index) {
    index = preprocessing.categorical.map((feature) => new Map([
      ...feature.categories.map((category, position): [string, number] => [category, position]),
      ...(feature.infrequent ?? []).map((category): [string, number] => [category, feature.categories.length]),
    ]));
    categoryIndexCache.set(preprocessing, index);
  }
  return index;
}

export function transformRows(preprocessing: FrozenPreprocessing, source: RowSource, rows?: number[]): TransformResult {
  const selected = rows ?? Array.from({ length: source.rowCount }, (_, row) => row);
  const categoryIndex = categoryIndexOf(preprocessing);
  const unseen: Record<string, number> = Object.fromEntries(preprocessing.categorical.map((feature) => [feature.name, 0]));
  const missing: Record<string, number> = Object.fromEntries([...preprocessing.numerical, ...preprocessing.categorical].map((feature) => [feature.name, 0]));
  const refuseMissing = preprocessing.missing === 'refuse';
  const missingValue = (feature: { name: string }, row: number) => {
    if (refuseMissing) throw new UserError(`${source.rowLocation(row)}: feature "${feature.name}" is empty and the dataset's missing: refuse allows no missing values`);
    missing[feature.name] = (missing[feature.name] ?? 0) + 1;
  };
  const width = preprocessing.feature_names.length;
  const matrix = selected.map((row) => {
    const vector = new Array<number>(width).fill(0);
    let offset = 0;
    for (const feature of preprocessing.numerical) {
      let value = source.number(feature.name, row);
      if (!Number.isFinite(value)) {
        missingValue(feature, row);
        // Format-1 artifacts froze no median: the mean, i.e. 0 once standardised, as they did.
        value = feature.impute ?? Number.NaN;
      }
      if (Number.isFinite(value)) vector[offset] = clampStandardised((applyTransform(feature.transform, value) - feature.mean) / feature.std);
      offset += 1;
    }
    preprocessing.categorical.forEach((feature, featureIndex) => {
      let category = source.category(feature.name, row);
      if (category === undefined) {
        missingValue(feature, row);
        category = feature.impute;
      }
      const position = category === undefined ? undefined : categoryIndex[featureIndex]?.get(category);
      if (position !== undefined) vector[offset + position] = 1;
      else if (category !== undefined) unseen[feature.name] = (unseen[feature.name] ?? 0) + 1;
      offset += oneHotWidth(feature);
    });
    return vector;
  });
  return { matrix, unseen_categories: unseen, missing_values: missing };
}

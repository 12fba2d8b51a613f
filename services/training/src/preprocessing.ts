import type { DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';

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
}

export interface CategoricalFeature {
  name: string;
  categories: string[];
}

export interface FrozenPreprocessing {
  numerical: NumericalFeature[];
  categorical: CategoricalFeature[];
  /** The model's input columns in order: numerical, then one per category. */
  feature_names: string[];
}

export interface TransformResult {
  matrix: number[][];
  /** Per categorical column, how many values were not seen in training (encoded all-zero). */
  unseen_categories: Record<string, number>;
  /** Per numerical column, how many values were missing (imputed with the training mean). */
  missing_values: Record<string, number>;
}

const SKEWNESS_FOR_LOG = 2;
/** Indicator and small-count columns are skewed too, but a log would only relabel their values. */
const MIN_DISTINCT_FOR_LOG = 10;

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

export function fitPreprocessing(table: DataTable, rows: number[], numericalColumns: string[], categoricalColumns: string[]): FrozenPreprocessing {
  const numerical = numericalColumns.map((name): NumericalFeature => {
    const column = table.numerical(name).values;
    const present = rows.map((row) => column[row] as number).filter((value) => Number.isFinite(value));
    const raw = moments(present);
    const transform = present.length > 0 && present.every((value) => value >= 0) && raw.skewness > SKEWNESS_FOR_LOG && new Set(present).size > MIN_DISTINCT_FOR_LOG ? 'log1p' : 'identity';
    const fitted = transform === 'identity' ? raw : moments(present.map((value) => applyTransform(transform, value)));
    return { name, transform, mean: fitted.mean, std: fitted.std > 0 ? fitted.std : 1 };
  });
  const categorical = categoricalColumns.map((name): CategoricalFeature => {
    const column = table.categorical(name);
    const seen = new Set<string>();
    for (const row of rows) {
      const code = column.codes[row] as number;
      if (code >= 0) seen.add(column.categories[code] as string);
    }
    return { name, categories: [...seen].sort() };
  });
  return {
    numerical,
    categorical,
    feature_names: [
      ...numerical.map((feature) => feature.name),
      ...categorical.flatMap((feature) => feature.categories.map((category) => `${feature.name}=${category}`)),
    ],
  };
}

/** Reads one value of a row; numbers for numerical columns, text (or undefined) for categorical. */
export interface RowSource {
  rowCount: number;
  number(column: string, row: number): number;
  category(column: string, row: number): string | undefined;
}

export function tableRowSource(table: DataTable, preprocessing: FrozenPreprocessing): RowSource {
  const numbers = new Map(preprocessing.numerical.map((feature) => [feature.name, table.numerical(feature.name).values]));
  const categories = new Map(preprocessing.categorical.map((feature) => [feature.name, table.categorical(feature.name)]));
  return {
    rowCount: table.rowCount,
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
    number: (column, row) => {
      const value = records[row]?.[column];
      return typeof value === 'number' ? value : Number.NaN;
    },
    category: (column, row) => {
      const value = records[row]?.[column];
      return typeof value === 'string' ? value : undefined;
    },
  };
}

/** Category -> one-hot position per categorical feature, built once per frozen preprocessing (the API scores one row at a time). */
const categoryIndexCache = new WeakMap<FrozenPreprocessing, Map<string, number>[]>();

function categoryIndexOf(preprocessing: FrozenPreprocessing): Map<string, number>[] {
  let index = categoryIndexCache.get(preprocessing);
  if (!index) {
    index = preprocessing.categorical.map((feature) => new Map(feature.categories.map((category, position) => [category, position])));
    categoryIndexCache.set(preprocessing, index);
  }
  return index;
}

export function transformRows(preprocessing: FrozenPreprocessing, source: RowSource, rows?: number[]): TransformResult {
  const selected = rows ?? Array.from({ length: source.rowCount }, (_, row) => row);
  const categoryIndex = categoryIndexOf(preprocessing);
  const unseen: Record<string, number> = Object.fromEntries(preprocessing.categorical.map((feature) => [feature.name, 0]));
  const missing: Record<string, number> = Object.fromEntries(preprocessing.numerical.map((feature) => [feature.name, 0]));
  const width = preprocessing.feature_names.length;
  const matrix = selected.map((row) => {
    const vector = new Array<number>(width).fill(0);
    let offset = 0;
    for (const feature of preprocessing.numerical) {
      const value = source.number(feature.name, row);
      if (Number.isFinite(value)) vector[offset] = (applyTransform(feature.transform, value) - feature.mean) / feature.std;
      else missing[feature.name] = (missing[feature.name] ?? 0) + 1;
      offset += 1;
    }
    preprocessing.categorical.forEach((feature, featureIndex) => {
      const category = source.category(feature.name, row);
      const position = category === undefined ? undefined : categoryIndex[featureIndex]?.get(category);
      if (position === undefined) unseen[feature.name] = (unseen[feature.name] ?? 0) + 1;
      else vector[offset + position] = 1;
      offset += feature.categories.length;
    });
    return vector;
  });
  return { matrix, unseen_categories: unseen, missing_values: missing };
}

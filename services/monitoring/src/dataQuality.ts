import { lowerBound, upperBound } from '../../core/src/domain/stattests/binning.ts';
import { valueCounts, type CategoricalPair, type ColumnPair, type NumericalPair } from '../../core/src/domain/stattests/columnPair.ts';
import type { ColumnType } from '../../core/src/domain/vocabularies.ts';

export interface ColumnQuality {
  column_type: ColumnType;
  reference_missing_share: number;
  current_missing_share: number;
  /** numerical: share of current values outside [min, max] of reference. */
  current_out_of_reference_range_share?: number;
  current_non_finite_count?: number;
  /** categorical: values in current never seen in reference. */
  unseen_categories?: string[];
  current_unseen_category_share?: number;
}

export interface DataQuality {
  columns: Record<string, ColumnQuality>;
  columns_missing_in_current: string[];
  extra_columns_in_current: string[];
  max_missing_share: number;
  max_unseen_category_share: number;
  max_out_of_range_share: number;
}

/** From the sorted finite values of both sides: the reference range is its two ends. */
function numericalQuality(pair: NumericalPair, currentRows: number): Pick<ColumnQuality, 'current_out_of_reference_range_share' | 'current_non_finite_count'> {
  const { reference, current } = pair;
  const low = reference[0] as number;
  const high = reference[reference.length - 1] as number;
  const outside = lowerBound(current, low) + (current.length - upperBound(current, high));
  return {
    current_out_of_reference_range_share: current.length === 0 ? 0 : outside / current.length,
    current_non_finite_count: currentRows - pair.currentMissing - current.length,
  };
}

const MAX_LISTED_CATEGORIES = 20;

/** From the pair's aligned counts: a key with current rows and no reference rows is unseen. */
function categoricalQuality(pair: CategoricalPair): Pick<ColumnQuality, 'unseen_categories' | 'current_unseen_category_share'> {
  const unseen: string[] = [];
  let unseenRows = 0;
  let present = 0;
  pair.keys.forEach((key, index) => {
    const currentCount = pair.currentCounts[index] as number;
    present += currentCount;
    if (currentCount > 0 && pair.referenceCounts[index] === 0) { unseen.push(key); unseenRows += currentCount; }
  });
  return { unseen_categories: unseen.sort().slice(0, MAX_LISTED_CATEGORIES), current_unseen_category_share: present === 0 ? 0 : unseenRows / present };
}

/** Missing values per side: counted while cleaning a numerical pair; the rows a categorical pair did not count. */
function missingCounts(pair: ColumnPair, rows: { reference: number; current: number }): { reference: number; current: number } {
  if (pair.type === 'numerical') return { reference: pair.referenceMissing, current: pair.currentMissing };
  const { referenceTotal, currentTotal } = valueCounts(pair);
  return { reference: rows.reference - referenceTotal, current: rows.current - currentTotal };
}

/** Missing values, unseen categories and out-of-range numbers per feature column. */
export function dataQuality(
  features: { name: string; type: ColumnType; pair: ColumnPair }[],
  rows: { reference: number; current: number },
  extraColumnsInCurrent: string[],
): DataQuality {
  const columns: Record<string, ColumnQuality> = {};
  const share = (missing: number, total: number): number => (total === 0 ? 0 : missing / total);
  for (const feature of features) {
    // Everything comes from the pair already built for the drift tests: no second pass over the rows.
    const missing = missingCounts(feature.pair, rows);
    const quality: ColumnQuality = {
      column_type: feature.type,
      reference_missing_share: share(missing.reference, rows.reference),
      current_missing_share: share(missing.current, rows.current),
    };
    Object.assign(quality, feature.pair.type === 'numerical' ? numericalQuality(feature.pair, rows.current) : categoricalQuality(feature.pair));
    columns[feature.name] = quality;
  }
  return withMaxima(columns, [], extraColumnsInCurrent);
}

/** The dataset's figures are the worst of its columns'. */
function withMaxima(columns: Record<string, ColumnQuality>, missingInCurrent: string[], extraInCurrent: string[]): DataQuality {
  const values = Object.values(columns);
  return {
    columns,
    columns_missing_in_current: missingInCurrent,
    extra_columns_in_current: extraInCurrent,
    max_missing_share: Math.max(0, ...values.map((quality) => quality.current_missing_share)),
    max_unseen_category_share: Math.max(0, ...values.map((quality) => quality.current_unseen_category_share ?? 0)),
    max_out_of_range_share: Math.max(0, ...values.map((quality) => quality.current_out_of_reference_range_share ?? 0)),
  };
}

/** The figures of the given feature columns only (a column excluded since leaves the maxima too). */
export function qualityOfColumns(quality: DataQuality, features: readonly string[]): DataQuality {
  const kept = Object.fromEntries(Object.entries(quality.columns).filter(([name]) => features.includes(name)));
  return withMaxima(kept, quality.columns_missing_in_current, quality.extra_columns_in_current);
}

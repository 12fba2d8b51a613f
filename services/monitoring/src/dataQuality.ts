import type { CsvColumn } from '../../core/src/csvTable.ts';
import { lowerBound, upperBound } from './stattests/binning.ts';
import type { ColumnPair, NumericalPair } from './stattests/columnPair.ts';

export interface ColumnQuality {
  column_type: 'numerical' | 'categorical';
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

function missingCount(column: CsvColumn): number {
  let missing = 0;
  if (column.kind === 'numerical') { for (const value of column.values) if (Number.isNaN(value)) missing += 1; }
  else for (const code of column.codes) if (code < 0) missing += 1;
  return missing;
}

function rowsOf(column: CsvColumn): number {
  return column.kind === 'numerical' ? column.values.length : column.codes.length;
}

/** From the sorted finite values of both sides: the reference range is its two ends. */
function numericalQuality(pair: NumericalPair, currentRows: number, currentMissing: number): Pick<ColumnQuality, 'current_out_of_reference_range_share' | 'current_non_finite_count'> {
  const { reference, current } = pair;
  const low = reference[0] as number;
  const high = reference[reference.length - 1] as number;
  const outside = lowerBound(current, low) + (current.length - upperBound(current, high));
  return {
    current_out_of_reference_range_share: current.length === 0 ? 0 : outside / current.length,
    current_non_finite_count: currentRows - currentMissing - current.length,
  };
}

const MAX_LISTED_CATEGORIES = 20;

function categoricalQuality(reference: { codes: Int32Array; categories: string[] }, current: { codes: Int32Array; categories: string[] }): Pick<ColumnQuality, 'unseen_categories' | 'current_unseen_category_share'> {
  const seenInReference = new Set<string>();
  for (const code of reference.codes) if (code >= 0) seenInReference.add(reference.categories[code] as string);
  const unseen = new Set<string>();
  let unseenRows = 0;
  let present = 0;
  for (const code of current.codes) {
    if (code < 0) continue;
    present += 1;
    const category = current.categories[code] as string;
    if (!seenInReference.has(category)) { unseenRows += 1; unseen.add(category); }
  }
  return { unseen_categories: [...unseen].sort().slice(0, MAX_LISTED_CATEGORIES), current_unseen_category_share: present === 0 ? 0 : unseenRows / present };
}

/** Missing values, unseen categories and out-of-range numbers per feature column. */
export function dataQuality(
  features: { name: string; type: 'numerical' | 'categorical'; reference: CsvColumn; current: CsvColumn; pair: ColumnPair; asCategories: () => { reference: { codes: Int32Array; categories: string[] }; current: { codes: Int32Array; categories: string[] } } }[],
  extraColumnsInCurrent: string[],
): DataQuality {
  const columns: Record<string, ColumnQuality> = {};
  for (const feature of features) {
    // A numerical pair counted its missing values while cleaning: no second pass over the rows.
    const referenceMissing = feature.pair.type === 'numerical' ? feature.pair.referenceMissing : missingCount(feature.reference);
    const currentMissing = feature.pair.type === 'numerical' ? feature.pair.currentMissing : missingCount(feature.current);
    const share = (missing: number, column: CsvColumn): number => (rowsOf(column) === 0 ? 0 : missing / rowsOf(column));
    const quality: ColumnQuality = {
      column_type: feature.type,
      reference_missing_share: share(referenceMissing, feature.reference),
      current_missing_share: share(currentMissing, feature.current),
    };
    if (feature.pair.type === 'numerical') {
      Object.assign(quality, numericalQuality(feature.pair, rowsOf(feature.current), currentMissing));
    } else {
      const { reference, current } = feature.asCategories();
      Object.assign(quality, categoricalQuality(reference, current));
    }
    columns[feature.name] = quality;
  }
  const values = Object.values(columns);
  return {
    columns,
    columns_missing_in_current: [],
    extra_columns_in_current: extraColumnsInCurrent,
    max_missing_share: Math.max(0, ...values.map((quality) => quality.current_missing_share)),
    max_unseen_category_share: Math.max(0, ...values.map((quality) => quality.current_unseen_category_share ?? 0)),
    max_out_of_range_share: Math.max(0, ...values.map((quality) => quality.current_out_of_reference_range_share ?? 0)),
  };
}

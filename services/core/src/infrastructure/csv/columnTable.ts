import { ColumnLookup, type CategoricalColumn, type CsvColumn, type DataTable } from './dataTable.ts';
import { StringCodes } from './stringCodes.ts';

/** A numerical column's finite values, sorted, with what pandas' dtype would be (for the drift tests). */
export interface CleanNumbers {
  sorted: Float64Array;
  allIntegral: boolean;
  hadMissing: boolean;
  /** Empty / NaN values dropped. */
  missingCount: number;
}

const COUNTING_SORT_MAX_RANGE = 1 << 20;

/** Integers in a small range sort in O(n) by counting (hours, ages, tenure days, flags). */
function sortNumbers(values: Float64Array, allIntegral: boolean): Float64Array {
  if (!allIntegral || values.length < 1024) return values.sort();
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) { if (value < low) low = value; if (value > high) high = value; }
  if (high - low > COUNTING_SORT_MAX_RANGE) return values.sort();
  const counts = new Uint32Array(high - low + 1);
  for (const value of values) counts[value - low] = (counts[value - low] as number) + 1;
  let position = 0;
  for (let offset = 0; offset < counts.length; offset += 1) {
    const count = counts[offset] as number;
    if (count > 0) {
      values.fill(low + offset, position, position + count);
      position += count;
    }
  }
  return values;
}

/** Drop NaN and +-inf (as Evidently does) and sort: the one sort each numerical column costs. */
export function cleanNumbers(values: ArrayLike<number>): CleanNumbers {
  const kept = new Float64Array(values.length);
  let count = 0;
  let allIntegral = true;
  let missingCount = 0;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    if (Number.isNaN(value)) { missingCount += 1; continue; }
    if (!Number.isFinite(value)) { allIntegral = false; continue; } // inf makes pandas' dtype float
    if (!Number.isInteger(value)) allIntegral = false;
    kept[count] = value;
    count += 1;
  }
  return { sorted: sortNumbers(kept.subarray(0, count), allIntegral), allIntegral, hadMissing: missingCount > 0, missingCount };
}

/**
 * A table held as typed columns only (no source text), as a worker thread returns it.
 * A numerical column asked for as categories is read back from its numbers.
 */
export class ColumnTable extends ColumnLookup implements DataTable {
  protected readonly columnsByName: Map<string, CsvColumn>;

  constructor(
    readonly source: string,
    readonly header: string[],
    readonly rowCount: number,
    columns: CsvColumn[],
    readonly sha256: string | undefined,
    /** Cleaned, sorted numbers per numerical column, when the reader computed them. */
    readonly cleaned: ReadonlyMap<string, CleanNumbers>,
  ) {
    super();
    this.columnsByName = new Map(columns.map((column) => [column.name, column]));
  }

  categorical(name: string): CategoricalColumn {
    const column = this.column(name);
    if (column.kind === 'categorical') return column;
    const categories = new StringCodes();
    const codes = Int32Array.from(column.values, (value) => (Number.isNaN(value) ? -1 : categories.codeOf(String(value))));
    return { kind: 'categorical', name, codes, categories: categories.values };
  }
}

import { ColumnLookup, type CategoricalColumn, type CsvColumn, type DataTable } from './dataTable.ts';
import { sortFiniteNumbers } from './numberSort.ts';
import { StringCodes } from './stringCodes.ts';

/** A numerical column's finite values, sorted, with what pandas' dtype would be (for the drift tests). */
export interface CleanNumbers {
  sorted: Float64Array;
  allIntegral: boolean;
  hadMissing: boolean;
  /** Empty / NaN values dropped. */
  missingCount: number;
}

/** A numerical column's finite values, not yet sorted, and what pandas' dtype would be. */
export interface FiniteNumbers extends Omit<CleanNumbers, 'sorted'> {
  values: Float64Array;
}

/** Drop NaN and +-inf (as Evidently does), into `into` (as long as `values`); the kept values are a view of it. */
export function finiteNumbers(values: ArrayLike<number>, into: Float64Array = new Float64Array(values.length)): FiniteNumbers {
  const kept = keepFinite(values, into);
  return { values: into.subarray(0, kept.count), allIntegral: kept.allIntegral, hadMissing: kept.missingCount > 0, missingCount: kept.missingCount };
}

/**
 * The loop of finiteNumbers, alone in its function: V8 compiles a long loop while it runs
 * (on-stack replacement), before the code after it has ever run; that code then stops the
 * compiled loop at every call (deoptimized 45 times in the wide case). Here only a literal follows.
 */
function keepFinite(values: ArrayLike<number>, into: Float64Array): { count: number; allIntegral: boolean; missingCount: number } {
  let count = 0;
  let allIntegral = true;
  let missingCount = 0;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    if (Number.isNaN(value)) { missingCount += 1; continue; }
    if (!Number.isFinite(value)) { allIntegral = false; continue; } // inf makes pandas' dtype float
    if (!Number.isInteger(value)) allIntegral = false;
    into[count] = value;
    count += 1;
  }
  return { count, allIntegral, missingCount };
}

/** Finite numbers once sorted (in place). */
export function sortedNumbers({ values, ...rest }: FiniteNumbers): CleanNumbers {
  return { sorted: values, ...rest };
}

/** Drop NaN and +-inf and sort: the one sort each numerical column costs. */
export function cleanNumbers(values: ArrayLike<number>): CleanNumbers {
  const finite = finiteNumbers(values);
  sortFiniteNumbers(finite.values);
  return sortedNumbers(finite);
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

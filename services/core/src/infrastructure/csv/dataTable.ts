import { UserError } from '../errors.ts';
import { parseNumericCell } from './csvCells.ts';

export interface NumericalColumn {
  kind: 'numerical';
  name: string;
  /** NaN where the value is missing; +-Infinity kept (callers drop them where Evidently does). */
  values: Float64Array;
}

export interface CategoricalColumn {
  kind: 'categorical';
  name: string;
  /** Index into categories, or -1 where missing. */
  codes: Int32Array;
  categories: string[];
}

export type CsvColumn = NumericalColumn | CategoricalColumn;

/** What stages read from a table, whether parsed here or in a worker thread. */
export interface DataTable {
  readonly source: string;
  readonly header: string[];
  readonly rowCount: number;
  readonly sha256?: string;
  hasColumn(name: string): boolean;
  column(name: string): CsvColumn;
  numerical(name: string): NumericalColumn;
  categorical(name: string): CategoricalColumn;
}

/** Column lookup by name, with errors that name the file: shared by both kinds of table. */
export abstract class ColumnLookup {
  abstract readonly source: string;
  abstract readonly header: string[];
  protected abstract readonly columnsByName: ReadonlyMap<string, CsvColumn>;

  hasColumn(name: string): boolean {
    return this.columnsByName.has(name);
  }

  column(name: string): CsvColumn {
    const column = this.columnsByName.get(name);
    if (!column) throw new UserError(`${this.source}: missing column "${name}" (columns: ${this.header.join(', ')})`);
    return column;
  }

  numerical(name: string): NumericalColumn {
    const column = this.column(name);
    if (column.kind === 'numerical') return column;
    const row = firstNonNumericRow(column);
    if (row === undefined) throw new UserError(`${this.source}: column "${column.name}" must be numeric`);
    // Row numbers count the header as row 1, as the other messages about a row do.
    throw new UserError(`${this.source}: row ${row + 2}: column "${column.name}" must be numeric, found "${column.categories[column.codes[row] as number]}"`);
  }
}

/**
 * The first row whose value is not a number: where the reader turned the column
 * categorical (earlier rows hold numbers or missing values, kept as their text).
 */
function firstNonNumericRow(column: CategoricalColumn): number | undefined {
  const numeric = column.categories.map((category) => parseNumericCell(category) !== undefined);
  const row = column.codes.findIndex((code) => code >= 0 && numeric[code] !== true);
  return row < 0 ? undefined : row;
}

/** Values of a categorical column as strings (undefined where missing): for small tables and tests. */
export function categoricalValues(column: CategoricalColumn): (string | undefined)[] {
  return Array.from(column.codes, (code) => (code < 0 ? undefined : column.categories[code]));
}

import { UserError } from '../errors.ts';

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
    if (column.kind !== 'numerical') throw new UserError(`${this.source}: column "${column.name}" must be numeric, found "${column.categories[0] ?? ''}"`);
    return column;
  }
}

/** Values of a categorical column as strings (undefined where missing): for small tables and tests. */
export function categoricalValues(column: CategoricalColumn): (string | undefined)[] {
  return Array.from(column.codes, (code) => (code < 0 ? undefined : column.categories[code]));
}

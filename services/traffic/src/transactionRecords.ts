import type { DatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import type { DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';

/** One row as /predict takes it: the spec's id, time and features, typed; a missing value is null. */
export type TransactionRecord = Record<string, string | number | null>;

/**
 * A day's rows as request bodies. Numbers stay numbers and categories strings (the request
 * schema checks types); the id and the event time go along, so the prediction log holds
 * them for the watcher. Columns the spec does not name (none in a generated day) are left out.
 */
export function transactionRecords(table: DataTable, spec: DatasetSpec): TransactionRecord[] {
  const names = [...(spec.id === undefined ? [] : [spec.id]), ...(spec.time === undefined ? [] : [spec.time]), ...Object.keys(spec.features)];
  const columns = names.map((name) => {
    if (!table.hasColumn(name)) throw new Error(`${table.source}: no column "${name}" (the dataset spec ${spec.name} names it)`);
    return table.column(name);
  });
  const records: TransactionRecord[] = [];
  for (let row = 0; row < table.rowCount; row += 1) {
    const record: TransactionRecord = {};
    for (const column of columns) {
      if (column.kind === 'numerical') {
        const value = column.values[row] as number;
        record[column.name] = Number.isNaN(value) ? null : value;
      } else {
        const code = column.codes[row] as number;
        record[column.name] = code < 0 ? null : (column.categories[code] as string);
      }
    }
    records.push(record);
  }
  return records;
}

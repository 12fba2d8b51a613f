import type { DatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import type { DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { rowProblem, windowHeader, type WatchableSpec } from '../../watcher/src/index.ts';

/** One row as /predict takes it: the spec's id, time and features, typed; a missing value is null. */
export type TransactionRecord = Record<string, string | number | null>;

/** A cell as the CSV held it: what the watcher's row check reads. */
function cellText(value: string | number | null): string {
  return value === null ? '' : String(value);
}

/**
 * A day's rows as request bodies, each checked as the watcher checks a row (an id, an ISO
 * 8601 UTC time, every feature as the spec types it): a row the watcher would set aside is
 * refused here, naming its file, line and column, before anything is sent. Numbers go as
 * numbers and categories as text; the id and the event time go along, so the prediction log
 * holds them for the watcher.
 */
export function transactionRecords(table: DataTable, spec: WatchableSpec): TransactionRecord[] {
  const names = windowHeader(spec);
  const columns = names.map((name) => {
    if (!table.hasColumn(name)) throw new UserError(`${table.source}: no column "${name}" (the dataset spec ${spec.name} names it)`);
    return table.column(name);
  });
  const numeric = new Set(Object.entries(spec.features as DatasetSpec['features']).filter(([, feature]) => feature.type !== 'categorical').map(([name]) => name));
  const records: TransactionRecord[] = [];
  for (let row = 0; row < table.rowCount; row += 1) {
    const record: TransactionRecord = {};
    for (const column of columns) {
      if (column.kind === 'numerical') {
        const value = column.values[row] as number;
        record[column.name] = Number.isNaN(value) ? null : value;
      } else {
        const code = column.codes[row] as number;
        const text = code < 0 ? null : (column.categories[code] as string);
        // A numeric column read as text holds a cell that is not a number: the rest stay numbers, that one is refused below.
        record[column.name] = text !== null && numeric.has(column.name) && text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
      }
    }
    const problem = rowProblem(spec, names.map((name) => cellText(record[name] ?? null)));
    if (problem !== undefined) throw new UserError(`${table.source}: line ${row + 2}: column "${names[problem.column]}": ${problem.problem}`);
    records.push(record);
  }
  return records;
}

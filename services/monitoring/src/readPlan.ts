import { FRAUD_COLUMNS, ID_COLUMN, NON_FEATURE_COLUMNS, TIME_COLUMN } from '../../core/src/domain/fraudDataset.ts';
import type { CsvReadOptions } from '../../core/src/infrastructure/csv/csvTable.ts';

/** Which columns of each file the monitor reads, and how; decided from the headers alone, before any row is read. */
export interface MonitorReadPlan {
  referenceHeader: string[];
  /** The reference columns read; current reads those of them it has (what it lacks is refused by name later). */
  columnsToRead: string[];
  /** Excluded unless named as a feature: our dataset's id, time and label. */
  defaultExcluded: readonly string[];
  reference: CsvReadOptions;
  current: CsvReadOptions;
}

export function monitorReadPlan(referenceHeader: string[], currentHeader: readonly string[], namedColumns: readonly string[]): MonitorReadPlan {
  const isFraudDataset = FRAUD_COLUMNS.every((column) => referenceHeader.includes(column));
  const named = new Set(namedColumns);
  // The id column is never a feature of ours and costs most to read: skip it unless named.
  const columnsToRead = referenceHeader.filter((column) => !(isFraudDataset && column === ID_COLUMN && !named.has(column)));
  const reference: CsvReadOptions = {
    columns: columnsToRead,
    computeSha256: true,
    // Volume needs only the date of each event; keeping it avoids a million distinct timestamps.
    textPrefixLength: isFraudDataset && !named.has(TIME_COLUMN) ? { [TIME_COLUMN]: 10 } : undefined,
  };
  return {
    referenceHeader,
    columnsToRead,
    defaultExcluded: isFraudDataset ? NON_FEATURE_COLUMNS : [],
    reference,
    current: { ...reference, columns: columnsToRead.filter((column) => currentHeader.includes(column)) },
  };
}

import { allColumnsOf, DEFAULT_DATASET, featureNames, loadDatasetSpec, refuseMissingColumns, textColumnsOf, type LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import type { ColumnType } from '../../core/src/domain/stattests/columnPair.ts';
import type { CsvReadOptions } from '../../core/src/infrastructure/csv/csvTable.ts';

/** Which columns of each file the monitor reads, and how; decided from the headers (and the dataset spec) before any row is read. */
export interface MonitorReadPlan {
  referenceHeader: string[];
  /** The reference columns the column selection sees: the spec's and the named ones (all of them without a spec). */
  columnsConsidered: string[];
  /** Of those, the ones read: all but the columns a flag excludes; current reads those of them it has (what it lacks is refused by name later). */
  columnsToRead: string[];
  /** Excluded unless named as a feature: the dataset's id, time and label. */
  defaultExcluded: readonly string[];
  /** The feature types the dataset spec declares (a policy rule or a flag may still override them). */
  declaredTypes: Readonly<Record<string, ColumnType>>;
  /** The spec the columns come from: given with --dataset, or the default spec when the files are its data; undefined for any other CSV pair. */
  dataset: LoadedDatasetSpec | undefined;
  /** Whether the dataset was named (--dataset): only then is its label read for performance without --target. */
  datasetNamed: boolean;
  reference: CsvReadOptions;
  current: CsvReadOptions;
}

/** The event time's first 13 characters ("2026-11-27T14") give the day and the hour: volume needs no more, and a million distinct timestamps cost memory. */
export const TIME_PREFIX_LENGTH = 13;

/** The default spec, when the reference has every one of its columns: the monitor then reads the files as that dataset, as it always has. */
function defaultDatasetOf(referenceHeader: readonly string[]): LoadedDatasetSpec | undefined {
  const fallback = loadDatasetSpec(DEFAULT_DATASET);
  return allColumnsOf(fallback.spec).every((column) => referenceHeader.includes(column)) ? fallback : undefined;
}

/**
 * `excluded`: columns a flag leaves out of the comparison. They are not read (a third of
 * the 200k benchmark's columns), unless something else needs them: the dataset for
 * another role (its time column gives volume), a model that scores the files (it reads
 * every feature), or the dataset's `missing: refuse` (it judges every feature, compared
 * or not). The selection still sees them, to check and report them.
 */
export function monitorReadPlan(referenceHeader: string[], currentHeader: readonly string[], namedColumns: readonly string[], options: { dataset?: LoadedDatasetSpec; referenceSource?: string; readLabels?: boolean; excluded?: readonly string[]; scoredByModel?: boolean } = {}): MonitorReadPlan {
  const dataset = options.dataset ?? defaultDatasetOf(referenceHeader);
  const named = new Set(namedColumns);
  if (options.dataset) refuseMissingColumns(referenceHeader, featureNames(options.dataset.spec), options.referenceSource ?? 'the reference', options.dataset.source);
  const spec = dataset?.spec;
  const roles = spec ? [spec.id, spec.time, spec.target.column].filter((column): column is string => column !== undefined) : [];
  // The label is read only when something will be scored against it (a model or a score column), or named (--target).
  const readLabels = options.readLabels ?? false;
  const excluded = options.excluded ?? [];
  const wanted = spec ? new Set([...featureNames(spec), ...(readLabels ? [spec.target.column] : []), ...(spec.time ? [spec.time] : []), ...named, ...excluded]) : undefined;
  // A spec's columns and the named ones are read; with no spec, every column but nothing is known to skip.
  const columnsConsidered = referenceHeader.filter((column) => wanted === undefined || wanted.has(column));
  const featuresNeeded = options.scoredByModel === true || spec?.missing === 'refuse';
  const unread = new Set(featuresNeeded ? [] : excluded.filter((column) => !roles.includes(column) && !named.has(column)));
  const columnsToRead = columnsConsidered.filter((column) => !unread.has(column));
  const timeColumn = spec?.time;
  // Categories and the label keep their spelling ("01", "1.0"): the spec compares them as written.
  const textColumns = spec ? textColumnsOf(spec).filter((column) => columnsToRead.includes(column)) : [];
  const reference: CsvReadOptions = {
    columns: columnsToRead,
    computeSha256: true,
    ...(textColumns.length > 0 ? { textColumns } : {}),
    textPrefixLength: timeColumn !== undefined && columnsToRead.includes(timeColumn) && !named.has(timeColumn) ? { [timeColumn]: TIME_PREFIX_LENGTH } : undefined,
  };
  // No prototype: a column named "toString" has no type but the one declared for it.
  const declaredTypes: Record<string, ColumnType> = Object.create(null) as Record<string, ColumnType>;
  for (const [name, feature] of Object.entries(spec?.features ?? {})) declaredTypes[name] = feature.type === 'categorical' ? 'categorical' : 'numerical';
  return {
    referenceHeader,
    columnsConsidered,
    columnsToRead,
    defaultExcluded: roles,
    declaredTypes,
    dataset,
    datasetNamed: options.dataset !== undefined,
    reference,
    current: { ...reference, columns: columnsToRead.filter((column) => currentHeader.includes(column)), ...(textColumns.length > 0 ? { textColumns: textColumns.filter((column) => currentHeader.includes(column)) } : {}) },
  };
}

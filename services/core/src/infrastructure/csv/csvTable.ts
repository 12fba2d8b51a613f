import { UserError } from '../errors.ts';
import { ColumnBuilder } from './columnBuilder.ts';
import { CsvBytes } from './csvBytes.ts';
import { COMMA, FieldScanner, WHOLE_FIELD, type RecordPlan } from './csvScanner.ts';
import { ColumnLookup, type CategoricalColumn, type CsvColumn, type DataTable } from './dataTable.ts';

/**
 * A CSV file read into typed columns. Numbers go to a Float64Array (NaN = missing),
 * text is dictionary-encoded (code -1 = missing), so a 1M-row file costs a few bytes
 * a cell instead of one string object each. A column is numerical while every
 * non-missing value parses as a number; the first value that does not turns it
 * categorical, and the rows before are re-read from the kept text, so typing is exact.
 *
 * A hand-written scanner rather than csv-parse or papaparse: measured on 1M rows x 12
 * columns, those took 4-8 s and several hundred MB, beyond the monitor's 5 s budget.
 * csvTable.test.ts holds it to csv-parse on quoting, embedded commas, CRLF, BOM and
 * empty fields.
 */

export class CsvTable extends ColumnLookup implements DataTable {
  constructor(
    readonly source: string,
    readonly header: string[],
    readonly rowCount: number,
    protected readonly columnsByName: Map<string, CsvColumn>,
    /** Undefined once handed over (releaseBytes). */
    private file: CsvBytes | undefined,
    /** Offset in the file where each data record starts (for re-reading and passthrough). */
    readonly rowStarts: Float64Array,
    readonly dataEnd: number,
    /** sha256 of the file's bytes, when asked for. */
    readonly sha256?: string,
  ) {
    super();
  }

  /** The column's values as categories, numbers included (read as their original text). */
  categorical(name: string): CategoricalColumn {
    const column = this.column(name);
    if (column.kind === 'categorical') return column;
    const builder = new ColumnBuilder(name, 0);
    builder.becomeCategorical(this.rowCount);
    const index = this.header.indexOf(name);
    for (let row = 0; row < this.rowCount; row += 1) builder.setCategory(row, this.fieldAt(row, index));
    return { kind: 'categorical', name, codes: builder.codes as Int32Array, categories: builder.categories };
  }

  /**
   * The file's bytes, handed over for their memory by a caller that has taken the
   * columns it wants: the table reads no text after this.
   */
  releaseBytes(): Buffer {
    const bytes = this.bytes().bytes;
    this.file = undefined;
    return bytes;
  }

  private bytes(): CsvBytes {
    if (this.file === undefined) throw new Error(`internal: ${this.source}: the table's bytes were handed over (releaseBytes); its text cannot be read`);
    return this.file;
  }

  /** The raw text of one data record, without its line ending. */
  recordText(row: number): string {
    const start = this.rowStarts[row] as number;
    const end = row + 1 < this.rowCount ? (this.rowStarts[row + 1] as number) : this.dataEnd;
    return this.bytes().text(start, end).replace(/(\r?\n|\r)+$/, '');
  }

  fieldAt(row: number, columnIndex: number): string {
    const scanner = new FieldScanner(this.bytes(), this.source);
    scanner.position = this.rowStarts[row] as number;
    let value = scanner.next();
    for (let index = 0; index < columnIndex; index += 1) value = scanner.next();
    return value;
  }
}

export interface CsvReadOptions {
  /** Keep only these columns (the others are scanned and checked but not stored). */
  columns?: readonly string[];
  /** Keep only the first N characters of a column's text, e.g. a timestamp's date (few distinct values to store). */
  textPrefixLength?: Readonly<Record<string, number>>;
  /** Also hash the file's bytes (readCsvTable only). */
  computeSha256?: boolean;
  /** Read these columns as text even when every value is a number: codes like "01" keep their spelling. */
  textColumns?: readonly string[];
}

/**
 * How the scanner's record loop reads each column (RecordPlan), from the columns as
 * they are now: numbers, text codes, or passed over (not kept). Undefined when a column
 * is read in a way the loop does not know (a number column with a text prefix, until its
 * first value turns it to text), for every record to go field by field.
 */
function recordPlan(builders: readonly (ColumnBuilder | undefined)[], prefixLengths: readonly (number | undefined)[]): RecordPlan | undefined {
  const plan: RecordPlan = { numbers: [], codes: [], caches: [], keyLengths: [], capacity: Infinity };
  for (const [index, builder] of builders.entries()) {
    const prefixLength = prefixLengths[index];
    if (builder !== undefined && !builder.isCategorical && prefixLength !== undefined) return undefined;
    plan.numbers.push(builder !== undefined && !builder.isCategorical ? builder.numbers : undefined);
    plan.codes.push(builder?.codes);
    plan.caches.push(builder?.isCategorical === true ? builder.textCodes : undefined);
    plan.keyLengths.push(prefixLength ?? WHOLE_FIELD);
    // Not Math.min(...): a file may have more columns than a call takes arguments.
    if (builder !== undefined) plan.capacity = Math.min(plan.capacity, builder.isCategorical ? (builder.codes as Int32Array).length : builder.numbers.length);
  }
  return plan;
}

/**
 * Records the scanner's loop reads a call. Bounded so that V8 compiles the loop as a
 * function called again, not only while it runs (on-stack replacement, which compiled
 * it to slower code): the 1M-row file's records took 0.56-0.63 s a thread in calls of
 * 1,024 against 0.73-0.81 s in one call.
 */
const RECORDS_A_CALL = 1024;

/** A column's first `rows` values: a view when the buffer fits them, a copy when it was allocated far larger (and would be kept, or sent to another thread, whole). */
function fitted<T extends Float64Array | Int32Array>(values: T, rows: number): T {
  return (values.length > rows + (rows >> 2) + 64 ? values.slice(0, rows) : values.subarray(0, rows)) as T;
}

/** A CSV given as text (a request's body, a test's sample): read as its UTF-8 bytes. */
export function parseCsvText(input: string, source: string, options: CsvReadOptions & { sha256?: string } = {}): CsvTable {
  return parseCsvBytes(CsvBytes.fromText(input), source, options);
}

/**
 * `sha256`: the file's, when the caller hashed it. `rowsAtMost`: an upper bound on the
 * records (the file's line count), so the columns are allocated once, at their size.
 */
export function parseCsvBytes(file: CsvBytes, source: string, options: CsvReadOptions & { sha256?: string; rowsAtMost?: number } = {}): CsvTable {
  const scanner = new FieldScanner(file, source);
  scanner.skipByteOrderMark();
  if (!scanner.skipBlankLines()) throw new UserError(`${source}: empty file (no header row)`);
  const header = scanner.readRecord().map((name) => name.trim());
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name.length === 0) throw new UserError(`${source}: line 1: column ${index + 1} has an empty name`);
    if (seen.has(name)) throw new UserError(`${source}: line 1: duplicate column name "${name}"`);
    seen.add(name);
  });
  const width = header.length;
  // A record takes at least a byte per field on average in any real file; a line count can be far
  // more than the records (quoted line breaks), so it only bounds the estimate. Too small grows.
  const estimatedRows = Math.max(16, Math.min(options.rowsAtMost ?? Infinity, Math.ceil(file.bytes.length / Math.max(2, width * 2))));
  const wanted = options.columns ? new Set(options.columns) : undefined;
  for (const name of wanted ?? []) {
    if (!seen.has(name)) throw new UserError(`${source}: missing column "${name}" (columns: ${header.join(', ')})`);
  }
  const asText = new Set(options.textColumns ?? []);
  const builders = header.map((name) => {
    if (wanted && !wanted.has(name)) return undefined;
    const builder = new ColumnBuilder(name, estimatedRows);
    if (asText.has(name)) builder.becomeCategorical(estimatedRows);
    return builder;
  });
  const prefixLengths = header.map((name) => options.textPrefixLength?.[name]);
  let rowStarts = new Float64Array(estimatedRows);
  let rows = 0;
  let plan = recordPlan(builders, prefixLengths);
  let recordsBeforeRetry = 0;
  let retryAfter = 1;

  while (scanner.skipBlankLines()) {
    if (rows >= rowStarts.length) {
      const grown = new Float64Array(rowStarts.length * 2);
      grown.set(rowStarts);
      rowStarts = grown;
    }
    if (plan !== undefined && recordsBeforeRetry === 0) {
      const read = scanner.plainRecords(plan, rowStarts, rows, Math.min(plan.capacity, rowStarts.length, rows + RECORDS_A_CALL));
      if (read > rows) {
        rows = read;
        retryAfter = 1;
        continue;
      }
      // Read again field by field: a file with a quoted field late in every record would read each twice. The loop is
      // tried again after 1, 2, 4, ... records that it could not read, up to RECORDS_A_CALL.
      recordsBeforeRetry = retryAfter;
      retryAfter = Math.min(retryAfter * 2, RECORDS_A_CALL);
    } else if (recordsBeforeRetry > 0) {
      recordsBeforeRetry -= 1;
    }
    rowStarts[rows] = scanner.position;
    const recordLine = scanner.line;
    let turned = false;
    let columnIndex = 0;
    while (true) {
      const builder = builders[columnIndex];
      if (builder !== undefined && !builder.isCategorical && prefixLengths[columnIndex] === undefined) {
        builder.ensureCapacity(rows + 1);
        if (scanner.nextPlainNumberInto(builder.numbers, rows)) {
          columnIndex += 1;
          if (scanner.delimiter !== COMMA) break;
          continue;
        }
      }
      if (builder === undefined && columnIndex < width) {
        scanner.skip();
        columnIndex += 1;
        if (scanner.delimiter !== COMMA) break;
        continue;
      }
      const prefixLength = prefixLengths[columnIndex];
      if (builder?.isCategorical === true) {
        const code = scanner.nextCode(builder.textCodes, prefixLength ?? Infinity);
        if (code !== undefined) {
          builder.ensureCapacity(rows + 1);
          (builder.codes as Int32Array)[rows] = code;
          columnIndex += 1;
          if (scanner.delimiter !== COMMA) break;
          continue;
        }
      }
      const value = scanner.next(prefixLength);
      if (columnIndex >= width) {
        let found = columnIndex + 1;
        while (scanner.delimiter === COMMA) { scanner.next(); found += 1; }
        throw new UserError(`${source}: line ${recordLine}: expected ${width} fields, found ${found}`);
      }
      if (builder !== undefined) {
        builder.ensureCapacity(rows + 1);
        if (builder.isCategorical) {
          builder.setCategory(rows, value);
        } else if (!builder.setNumber(rows, value)) {
          turned = true;
          builder.becomeCategorical(Math.max(rows + 1, rowStarts.length));
          const table = new CsvTable(source, header, rows, new Map(), file, rowStarts, rowStarts[rows] as number);
          for (let previous = 0; previous < rows; previous += 1) {
            const earlier = table.fieldAt(previous, columnIndex);
            builder.setCategory(previous, prefixLength === undefined ? earlier : earlier.slice(0, prefixLength));
          }
          builder.setCategory(rows, value);
        }
      }
      columnIndex += 1;
      if (scanner.delimiter !== COMMA) break;
    }
    if (columnIndex !== width) throw new UserError(`${source}: line ${recordLine}: expected ${width} fields, found ${columnIndex}`);
    rows += 1;
    // The record went field by field. A column that grew or turned to text has a new array: plan again. Only then, so
    // that a file whose every record goes field by field (quoted fields) does not plan at every record.
    if (turned || (plan !== undefined && rows >= plan.capacity)) plan = recordPlan(builders, prefixLengths);
  }
  if (rows === 0) throw new UserError(`${source}: header only, no data rows`);

  const columns = new Map<string, CsvColumn>();
  for (const builder of builders) {
    if (builder === undefined) continue;
    columns.set(builder.name, builder.isCategorical
      ? { kind: 'categorical', name: builder.name, codes: fitted(builder.codes as Int32Array, rows), categories: builder.categories }
      : { kind: 'numerical', name: builder.name, values: fitted(builder.numbers, rows) });
  }
  return new CsvTable(source, header, rows, columns, file, rowStarts.subarray(0, rows), file.bytes.length, options.sha256);
}

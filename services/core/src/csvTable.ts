import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { UserError, errorMessage } from './errors.ts';
import { sha256Hex } from './fileHash.ts';

/**
 * A CSV file read into typed columns. Numbers go to a Float64Array (NaN = missing),
 * text is dictionary-encoded (code -1 = missing), so a 1M-row file costs a few bytes
 * a cell instead of one string object each. A column is numerical while every
 * non-missing value parses as a number; the first value that does not turns it
 * categorical, and the rows before are re-read from the kept text, so typing is exact.
 *
 * A hand-written scanner rather than csv-parse/papaparse: at 1M x 12 the libraries
 * take 4-8 s and several hundred MB (DEPENDENCY-NOTES), beyond the monitor's budget.
 * csvTable.test.ts holds it to csv-parse on quoting, embedded commas, CRLF, BOM and
 * empty fields.
 */

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

/** Values pandas reads as missing by default. */
const MISSING_TOKENS = new Set(['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', '-NaN', '-nan', 'null', 'NULL', 'None', '<NA>', '#N/A', '#NA', '-1.#IND', '1.#IND', '-1.#QNAN', '1.#QNAN', '#N/A N/A']);
const INFINITY_TOKENS = new Map([['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity], ['infinity', Infinity], ['+infinity', Infinity], ['-infinity', -Infinity]]);

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, exponent) => 10 ** exponent);
const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
/** V8's string limit is ~512 MiB; stay clearly below it. */
export const MAX_CSV_BYTES = 480 * 1024 * 1024;

export function isMissingToken(value: string): boolean {
  return MISSING_TOKENS.has(value.trim());
}

/** A number, NaN for a missing token, or undefined when the text is not numeric. */
export function parseNumericCell(value: string): number | undefined {
  if (value.length === 0) return Number.NaN;
  const number = Number(value);
  if (!Number.isNaN(number)) {
    // Fast path: a leading digit 1-9 cannot start 0x/0b/0o or whitespace.
    const first = value.charCodeAt(0);
    if (first >= 49 && first <= 57) return number;
    const trimmed = value.trim();
    if (trimmed.length === 0) return Number.NaN;
    // Number() accepts 0x/0b/0o literals; pandas does not read those as numbers.
    const signLength = trimmed.charCodeAt(0) === 45 || trimmed.charCodeAt(0) === 43 ? 1 : 0;
    if (trimmed.charCodeAt(signLength) === 48 && trimmed.length > signLength + 1) {
      const prefix = trimmed.charCodeAt(signLength + 1) | 0x20;
      if (prefix === 120 || prefix === 98 || prefix === 111) return undefined;
    }
    return number;
  }
  if (isMissingToken(value)) return Number.NaN;
  return INFINITY_TOKENS.get(value.trim().toLowerCase());
}

class FieldScanner {
  position = 0;
  line = 1;
  /** The character that ended the last field: COMMA, LF (also CRLF/CR) or -1 at end of text. */
  delimiter = -1;

  constructor(private readonly text: string, private readonly source: string) {}

  /** Pass over one field without building its text (for columns not kept). */
  skip(): void {
    const text = this.text;
    if (text.charCodeAt(this.position) === QUOTE) {
      this.next();
      return;
    }
    this.finishField(this.unquotedEnd(this.position));
  }

  /** Where an unquoted field starting at `index` ends (its delimiter, or the end of the text). */
  private unquotedEnd(index: number): number {
    const text = this.text;
    const length = text.length;
    while (index < length) {
      const code = text.charCodeAt(index);
      if (code === COMMA || code === LF || code === CR) break;
      if (code === QUOTE) throw new UserError(`${this.source}: line ${this.line}: quote inside an unquoted field`);
      index += 1;
    }
    return index;
  }

  private finishField(index: number): void {
    const text = this.text;
    if (index >= text.length) {
      this.delimiter = -1;
      this.position = text.length;
    } else if (text.charCodeAt(index) === COMMA) {
      this.delimiter = COMMA;
      this.position = index + 1;
    } else {
      this.delimiter = LF;
      this.position = text.charCodeAt(index) === CR && text.charCodeAt(index + 1) === LF ? index + 2 : index + 1;
      this.line += 1;
    }
  }

  /** Read one field starting at `position` (at most `maxLength` characters of it); leaves `position` after its delimiter. */
  next(maxLength = Infinity): string {
    const text = this.text;
    const length = text.length;
    let index = this.position;
    let value: string;
    if (index < length && text.charCodeAt(index) === QUOTE) {
      const startLine = this.line;
      let parts = '';
      let segmentStart = index + 1;
      index += 1;
      while (true) {
        const closing = text.indexOf('"', index);
        if (closing < 0) throw new UserError(`${this.source}: line ${startLine}: unterminated quoted field`);
        for (let scan = index; scan < closing; scan += 1) if (text.charCodeAt(scan) === LF) this.line += 1;
        if (text.charCodeAt(closing + 1) === QUOTE) {
          parts += text.slice(segmentStart, closing + 1);
          index = closing + 2;
          segmentStart = index;
          continue;
        }
        parts += text.slice(segmentStart, closing);
        index = closing + 1;
        break;
      }
      value = parts;
      if (index < length) {
        const after = text.charCodeAt(index);
        if (after !== COMMA && after !== LF && after !== CR) {
          throw new UserError(`${this.source}: line ${this.line}: unexpected character after a closing quote`);
        }
      }
    } else {
      const start = index;
      index = this.unquotedEnd(start);
      value = text.slice(start, Math.min(index, start + maxLength));
    }
    this.finishField(index);
    return maxLength < value.length ? value.slice(0, maxLength) : value;
  }

  /**
   * Read an unquoted plain decimal ([-]digits[.digits], at most 15 digits) straight from
   * the characters, or return undefined and consume nothing. Clinger's fast path: the
   * mantissa is below 2^53 and 10^k exact for k <= 22, so one division is correctly
   * rounded and equals Number(text) bit for bit, without creating a substring.
   */
  nextPlainNumber(): number | undefined {
    const text = this.text;
    const length = text.length;
    let index = this.position;
    let negative = false;
    if (text.charCodeAt(index) === 45) { negative = true; index += 1; }
    let mantissa = 0;
    let digits = 0;
    let fractionDigits = 0;
    let seenPoint = false;
    while (index < length) {
      const code = text.charCodeAt(index);
      if (code >= 48 && code <= 57) {
        mantissa = mantissa * 10 + (code - 48);
        digits += 1;
        if (seenPoint) fractionDigits += 1;
      } else if (code === 46 && !seenPoint) {
        seenPoint = true;
      } else {
        break;
      }
      index += 1;
    }
    if (digits === 0 || digits > 15) return undefined;
    if (index < length) {
      const code = text.charCodeAt(index);
      if (code !== COMMA && code !== LF && code !== CR) return undefined;
    }
    const value = (negative ? -mantissa : mantissa) / POWERS_OF_TEN[fractionDigits]!;
    this.finishField(index);
    return value;
  }

  /** Skip blank lines (pandas skips them too); false at end of text. */
  skipBlankLines(): boolean {
    const text = this.text;
    while (this.position < text.length) {
      const code = text.charCodeAt(this.position);
      if (code === LF) { this.position += 1; this.line += 1; continue; }
      if (code === CR) { this.position += text.charCodeAt(this.position + 1) === LF ? 2 : 1; this.line += 1; continue; }
      return true;
    }
    return false;
  }

  readRecord(): string[] {
    const fields = [this.next()];
    while (this.delimiter === COMMA) fields.push(this.next());
    return fields;
  }
}

class ColumnBuilder {
  numbers: Float64Array;
  codes: Int32Array | undefined;
  categories: string[] = [];
  private categoryIndex = new Map<string, number>();

  constructor(readonly name: string, capacity: number) {
    this.numbers = new Float64Array(capacity);
  }

  get isCategorical(): boolean {
    return this.codes !== undefined;
  }

  ensureCapacity(rows: number): void {
    const current = this.codes ? this.codes.length : this.numbers.length;
    if (rows <= current) return;
    const capacity = Math.max(rows, current * 2);
    if (this.codes) {
      const grown = new Int32Array(capacity);
      grown.set(this.codes);
      this.codes = grown;
    } else {
      const grown = new Float64Array(capacity);
      grown.set(this.numbers);
      this.numbers = grown;
    }
  }

  /** Returns false when the value is not numeric and the column must turn categorical. */
  setNumber(row: number, value: string): boolean {
    const number = parseNumericCell(value);
    if (number === undefined) return false;
    this.numbers[row] = number;
    return true;
  }

  setCategory(row: number, value: string): void {
    const codes = this.codes as Int32Array;
    let code = this.categoryIndex.get(value);
    if (code === undefined) {
      // Each distinct text is classified once; missing tokens map to -1.
      if (isMissingToken(value)) {
        code = -1;
      } else {
        code = this.categories.length;
        this.categories.push(value);
      }
      this.categoryIndex.set(value, code);
    }
    codes[row] = code;
  }

  becomeCategorical(capacity: number): void {
    this.codes = new Int32Array(capacity);
    this.numbers = new Float64Array(0);
  }
}

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

export class CsvTable extends ColumnLookup implements DataTable {
  constructor(
    readonly source: string,
    readonly header: string[],
    readonly rowCount: number,
    protected readonly columnsByName: Map<string, CsvColumn>,
    private readonly text: string,
    /** Offset in the text where each data record starts (for re-reading and passthrough). */
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

  /** The raw text of one data record, without its line ending. */
  recordText(row: number): string {
    const start = this.rowStarts[row] as number;
    const end = row + 1 < this.rowCount ? (this.rowStarts[row + 1] as number) : this.dataEnd;
    return this.text.slice(start, end).replace(/(\r?\n|\r)+$/, '');
  }

  fieldAt(row: number, columnIndex: number): string {
    const scanner = new FieldScanner(this.text, this.source);
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
}

export function parseCsvText(input: string, source: string, options: CsvReadOptions & { sha256?: string } = {}): CsvTable {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const scanner = new FieldScanner(text, source);
  if (!scanner.skipBlankLines()) throw new UserError(`${source}: empty file (no header row)`);
  const header = scanner.readRecord().map((name) => name.trim());
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name.length === 0) throw new UserError(`${source}: line 1: column ${index + 1} has an empty name`);
    if (seen.has(name)) throw new UserError(`${source}: line 1: duplicate column name "${name}"`);
    seen.add(name);
  });
  const width = header.length;
  const estimatedRows = Math.max(16, Math.ceil(text.length / Math.max(8, width * 6)));
  const wanted = options.columns ? new Set(options.columns) : undefined;
  for (const name of wanted ?? []) {
    if (!seen.has(name)) throw new UserError(`${source}: missing column "${name}" (columns: ${header.join(', ')})`);
  }
  const builders = header.map((name) => (wanted && !wanted.has(name) ? undefined : new ColumnBuilder(name, estimatedRows)));
  const prefixLengths = header.map((name) => options.textPrefixLength?.[name]);
  let rowStarts = new Float64Array(estimatedRows);
  let rows = 0;

  while (scanner.skipBlankLines()) {
    if (rows >= rowStarts.length) {
      const grown = new Float64Array(rowStarts.length * 2);
      grown.set(rowStarts);
      rowStarts = grown;
    }
    rowStarts[rows] = scanner.position;
    const recordLine = scanner.line;
    let columnIndex = 0;
    while (true) {
      const builder = builders[columnIndex];
      if (builder !== undefined && !builder.isCategorical && prefixLengths[columnIndex] === undefined) {
        const number = scanner.nextPlainNumber();
        if (number !== undefined) {
          builder.ensureCapacity(rows + 1);
          builder.numbers[rows] = number;
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
          builder.becomeCategorical(Math.max(rows + 1, rowStarts.length));
          const table = new CsvTable(source, header, rows, new Map(), text, rowStarts, rowStarts[rows] as number);
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
  }
  if (rows === 0) throw new UserError(`${source}: header only, no data rows`);

  const columns = new Map<string, CsvColumn>();
  for (const builder of builders) {
    if (builder === undefined) continue;
    columns.set(builder.name, builder.isCategorical
      ? { kind: 'categorical', name: builder.name, codes: (builder.codes as Int32Array).subarray(0, rows), categories: builder.categories }
      : { kind: 'numerical', name: builder.name, values: builder.numbers.subarray(0, rows) });
  }
  return new CsvTable(source, header, rows, columns, text, rowStarts.subarray(0, rows), text.length, options.sha256);
}

const HEADER_READ_BYTES = 1024 * 1024;

/** The header row alone, from the file's first MiB (for choosing columns before a full read). */
export function readCsvHeader(path: string): string[] {
  let text: string;
  try {
    const descriptor = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(HEADER_READ_BYTES);
      const bytesRead = readSync(descriptor, buffer, 0, HEADER_READ_BYTES, 0);
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  const scanner = new FieldScanner(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, path);
  if (!scanner.skipBlankLines()) throw new UserError(`${path}: empty file (no header row)`);
  return scanner.readRecord().map((name) => name.trim());
}

export function readCsvTable(path: string, options: CsvReadOptions = {}): CsvTable {
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new UserError(`${path}: not a file`);
    size = stats.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  if (size === 0) throw new UserError(`${path}: empty file (no header row)`);
  if (size > MAX_CSV_BYTES) throw new UserError(`${path}: ${(size / 2 ** 20).toFixed(0)} MiB is larger than the ${MAX_CSV_BYTES / 2 ** 20} MiB a CSV may have here`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  const sha256 = options.computeSha256 ? sha256Hex(bytes) : undefined;
  return parseCsvText(bytes.toString('utf8'), path, { ...options, sha256 });
}

/** Values of a categorical column as strings (undefined where missing): for small tables and tests. */
export function categoricalValues(column: CategoricalColumn): (string | undefined)[] {
  return Array.from(column.codes, (code) => (code < 0 ? undefined : column.categories[code]));
}

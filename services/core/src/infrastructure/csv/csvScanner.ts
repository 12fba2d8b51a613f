import { UserError } from '../errors.ts';
import type { CsvBytes } from './csvBytes.ts';
import { FNV_OFFSET, FNV_PRIME, type TextCodeCache } from './textCodeCache.ts';

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, exponent) => 10 ** exponent);
export const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** The value plainDecimalEnd read last (a slot, not a returned pair: the parse loop allocates nothing). */
const PARSED = new Float64Array(1);

/**
 * Where the unquoted plain decimal ([-]digits[.digits], at most 15 digits) at `at` ends,
 * its value in PARSED[0]; -1 when there is none. Clinger's fast path: the mantissa is
 * below 2^53 and 10^k exact for k <= 22, so one division is correctly rounded and equals
 * Number(text) bit for bit, without creating a string. The caller judges what follows.
 */
function plainDecimalEnd(bytes: Buffer, at: number): number {
  const length = bytes.length;
  let negative = false;
  if (bytes[at] === 45) { negative = true; at += 1; }
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let seenPoint = false;
  while (at < length) {
    const code = bytes[at] as number;
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits += 1;
      if (seenPoint) fractionDigits += 1;
    } else if (code === 46 && !seenPoint) {
      seenPoint = true;
    } else {
      break;
    }
    at += 1;
  }
  if (digits === 0 || digits > 15) return -1;
  PARSED[0] = (negative ? -mantissa : mantissa) / POWERS_OF_TEN[fractionDigits]!;
  return at;
}

/** The digits of bytes [start, end) (a point among them skipped) as a double: 10 to 15 of them, below 2^53, so exact. */
function longMantissa(bytes: Buffer, start: number, end: number): number {
  let mantissa = 0;
  for (let index = start; index < end; index += 1) {
    const code = bytes[index] as number;
    if (code !== 46) mantissa = mantissa * 10 + (code - 48);
  }
  return mantissa;
}

/** The FNV-1a hash hashedKeyEnd computed last (a slot, as PARSED). */
const HASHED = new Int32Array(1);

/**
 * Where the key of the unquoted field at `start` ends: at `keyLimit`, or at the field's
 * end (a comma, a line ending or a quote) if sooner. Its bytes are hashed (FNV-1a) into
 * HASHED[0] in the same pass, for the column's code cache.
 */
function hashedKeyEnd(bytes: Buffer, start: number, keyLimit: number): number {
  let hash = FNV_OFFSET;
  let index = start;
  while (index < keyLimit) {
    const code = bytes[index] as number;
    if (code <= COMMA && (code === COMMA || code === LF || code === CR || code === QUOTE)) break;
    hash = Math.imul(hash ^ code, FNV_PRIME);
    index += 1;
  }
  HASHED[0] = hash;
  return index;
}

/** Where the unquoted field going on at `index` stops: at a comma, a line ending or a quote (for the caller to judge), or at `limit`. */
function fieldStop(bytes: Buffer, index: number, limit: number): number {
  while (index < limit) {
    const code = bytes[index] as number;
    // Letters, digits and most punctuation are above the comma: one comparison for them.
    if (code > COMMA) {
      index += 1;
      continue;
    }
    if (code === COMMA || code === LF || code === CR || code === QUOTE) break;
    index += 1;
  }
  return index;
}

/** A key length longer than any field (a file is at most 480 MiB): the whole field names the code. An int, where Infinity made the key's bound a double. */
export const WHOLE_FIELD = 2 ** 30;

/**
 * How the scanner's record loop (plainRecords) reads each column of a record: into
 * `numbers` (plain decimals; empty is missing), into `codes` by `caches` (unquoted text,
 * named by its first `keyLengths` characters), or, with neither, passed over.
 */
export interface RecordPlan {
  numbers: (Float64Array | undefined)[];
  codes: (Int32Array | undefined)[];
  caches: (TextCodeCache | undefined)[];
  keyLengths: number[];
  /** The rows every array has room for. */
  capacity: number;
}

/**
 * RFC 4180 fields one at a time over a file's bytes, counting lines for error messages.
 * Bytes rather than a decoded string: a loop over a Buffer runs in about half the time
 * of charCodeAt over a string, numbers are parsed without ever being text, and the file
 * is not held twice (bytes and string) while it is read. Delimiters and quotes are ASCII,
 * so they never fall inside a UTF-8 character; text is decoded field by field.
 */
export class FieldScanner {
  position = 0;
  line = 1;
  /** The character that ended the last field: COMMA, LF (also CRLF/CR) or -1 at end of text. */
  delimiter = -1;
  private readonly bytes: Buffer;
  /** Where the file's last LF is (plainRecords), found once. */
  private lastLineFeed: number | undefined;

  constructor(private readonly file: CsvBytes, private readonly source: string) {
    this.bytes = file.bytes;
  }

  /** Past a UTF-8 byte-order mark, if the file starts with one. */
  skipByteOrderMark(): void {
    if (this.position === 0 && this.bytes[0] === 0xef && this.bytes[1] === 0xbb && this.bytes[2] === 0xbf) this.position = 3;
  }

  /** Pass over one field without building its text (for columns not kept). */
  skip(): void {
    const bytes = this.bytes;
    if (bytes[this.position] === QUOTE) {
      this.next();
      return;
    }
    this.finishField(this.unquotedEnd(this.position));
  }

  /** Where an unquoted field starting at `index` ends (its delimiter, or the end of the text). */
  private unquotedEnd(index: number): number {
    const end = fieldStop(this.bytes, index, this.bytes.length);
    if (this.bytes[end] === QUOTE) throw new UserError(`${this.source}: line ${this.line}: quote inside an unquoted field`);
    return end;
  }

  private finishField(index: number): void {
    const bytes = this.bytes;
    if (index >= bytes.length) {
      this.delimiter = -1;
      this.position = bytes.length;
    } else if (bytes[index] === COMMA) {
      this.delimiter = COMMA;
      this.position = index + 1;
    } else {
      this.delimiter = LF;
      this.position = bytes[index] === CR && bytes[index + 1] === LF ? index + 2 : index + 1;
      this.line += 1;
    }
  }

  /** Read one field starting at `position` (at most `maxLength` characters of it); leaves `position` after its delimiter. */
  next(maxLength = Infinity): string {
    const bytes = this.bytes;
    const length = bytes.length;
    let index = this.position;
    let value: string;
    if (index < length && bytes[index] === QUOTE) {
      const startLine = this.line;
      let parts = '';
      let segmentStart = index + 1;
      index += 1;
      while (true) {
        const closing = bytes.indexOf(QUOTE, index);
        if (closing < 0) throw new UserError(`${this.source}: line ${startLine}: unterminated quoted field`);
        for (let scan = index; scan < closing; scan += 1) if (bytes[scan] === LF) this.line += 1;
        if (bytes[closing + 1] === QUOTE) {
          parts += this.file.text(segmentStart, closing + 1);
          index = closing + 2;
          segmentStart = index;
          continue;
        }
        parts += this.file.text(segmentStart, closing);
        index = closing + 1;
        break;
      }
      value = parts;
      if (index < length) {
        const after = bytes[index];
        if (after !== COMMA && after !== LF && after !== CR) {
          throw new UserError(`${this.source}: line ${this.line}: unexpected character after a closing quote`);
        }
      }
    } else {
      const start = index;
      index = this.unquotedEnd(start);
      value = this.file.prefix(start, index, maxLength);
    }
    this.finishField(index);
    return maxLength < value.length ? value.slice(0, maxLength) : value;
  }

  /**
   * Read an unquoted plain decimal into `target` at `index`, or return false and consume
   * nothing (plainDecimalEnd).
   */
  nextPlainNumberInto(target: Float64Array, index: number): boolean {
    const bytes = this.bytes;
    const end = plainDecimalEnd(bytes, this.position);
    if (end < 0) return false;
    if (end < bytes.length) {
      const code = bytes[end];
      if (code !== COMMA && code !== LF && code !== CR) return false;
    }
    target[index] = PARSED[0] as number;
    this.finishField(end);
    return true;
  }

  /**
   * Whole records, each column read as `plan` says (a plain decimal as plainDecimalEnd
   * reads it, or empty for missing; an unquoted text's code; or passed over), from
   * `position`, rows `row`, `row` + 1, ... (each record's start into `rowStarts`), in one
   * loop; stops before `rowLimit`, at the file's last line, at a blank line, and at
   * anything else (a quote, a number that is not a plain decimal, a field too many or too few),
   * leaving that record unread for the caller to read field by field, with its errors.
   * Returns the row after the last read.
   *
   * Only records before the file's last line feed are read here, and no byte of one is
   * passed that is a line feed, so no read falls past the end. A number is read here, not
   * by plainDecimalEnd: without a bounds test a byte, a call or a slot for its value, and
   * with up to 9 digits summed in an int32. One bounds-free plainDecimalEnd shared by
   * both paths, called here, parsed the wide case's file 5% slower (medians of 12 runs).
   * The wide case's file parses in three quarters of the time of the loop before (0.93 s
   * against 1.26 s, medians of 8 alternating runs), the 1M-row file's (numbers, text and
   * a column passed over) in 0.56-0.63 s a thread against 0.68-0.70 s (profiles of the
   * monitor).
   */
  plainRecords(plan: RecordPlan, rowStarts: Float64Array, row: number, rowLimit: number): number {
    const bytes = this.bytes;
    this.lastLineFeed ??= bytes.lastIndexOf(LF);
    const lastLineFeed = this.lastLineFeed;
    const ascii = this.file.ascii;
    const { numbers, codes, caches, keyLengths } = plan;
    const last = numbers.length - 1;
    let at = this.position;
    // Where the last record read ends: a record left unread is left from its start.
    let end = at;
    let next = row;
    records: while (next < rowLimit && end < lastLineFeed) {
      const start = end;
      at = start;
      let code = bytes[at] as number;
      // A blank line, which the caller skips: in a one-column file its line ending would otherwise end an empty record.
      if (code === LF || code === CR) break;
      for (let column = 0; column <= last; column += 1) {
        const target = numbers[column];
        code = bytes[at] as number;
        if (target !== undefined) {
          const negative = code === 45;
          if (negative) {
            at += 1;
            code = bytes[at] as number;
          }
          const integerStart = at;
          let mantissa = 0;
          while (code >= 48 && code <= 57) {
            mantissa = (mantissa * 10 + (code - 48)) | 0;
            at += 1;
            code = bytes[at] as number;
          }
          let fractionDigits = 0;
          let digits = at - integerStart;
          if (code === 46) {
            at += 1;
            const fractionStart = at;
            code = bytes[at] as number;
            while (code >= 48 && code <= 57) {
              mantissa = (mantissa * 10 + (code - 48)) | 0;
              at += 1;
              code = bytes[at] as number;
            }
            fractionDigits = at - fractionStart;
            digits += fractionDigits;
          }
          if (digits > 15) break records;
          if (digits > 0) {
            const exact = digits <= 9 ? mantissa : longMantissa(bytes, integerStart, at);
            target[next] = (negative ? -exact : exact) / (POWERS_OF_TEN[fractionDigits] as number);
          } else if (at === integerStart && !negative) {
            target[next] = Number.NaN; // an empty field: missing
          } else {
            break records;
          }
        } else {
          const fieldStart = at;
          const cache = caches[column];
          // In ASCII a byte is a character, so the key is cut at a byte; otherwise the whole field names the code.
          const keyEnd = cache === undefined ? at : hashedKeyEnd(bytes, at, ascii ? Math.min(at + (keyLengths[column] as number), lastLineFeed) : lastLineFeed);
          at = fieldStop(bytes, keyEnd, lastLineFeed + 1);
          code = bytes[at] as number;
          // A quoted field, or a quote inside an unquoted one (an error, which the field-by-field read gives).
          if (code === QUOTE) break records;
          if (cache !== undefined) (codes[column] as Int32Array)[next] = cache.code(this.file, fieldStart, keyEnd, HASHED[0] as number, keyLengths[column] as number);
        }
        if (column < last ? code !== COMMA : code !== LF && code !== CR) break records;
        at += 1;
      }
      // A CR is before the last line feed, so the byte after it is in the file.
      if (code === CR && bytes[at] === LF) at += 1;
      rowStarts[next] = start;
      next += 1;
      this.line += 1;
      end = at;
    }
    if (next > row) {
      this.position = end;
      this.delimiter = LF;
    }
    return next;
  }

  /**
   * An unquoted field's category code (its first `maxLength` characters), from the
   * column's cache; undefined for a quoted field, with nothing consumed. The bytes that
   * name the code are hashed in the same pass that finds the field's end.
   */
  nextCode(codes: TextCodeCache, maxLength: number): number | undefined {
    const bytes = this.bytes;
    const start = this.position;
    if (bytes[start] === QUOTE) return undefined;
    // In ASCII a byte is a character, so the cut is at a byte; otherwise the whole field names the code.
    const keyEnd = hashedKeyEnd(bytes, start, this.file.ascii ? Math.min(bytes.length, start + maxLength) : bytes.length);
    const hash = HASHED[0] as number;
    const end = this.unquotedEnd(keyEnd);
    const code = codes.code(this.file, start, keyEnd, hash, maxLength);
    this.finishField(end);
    return code;
  }

  /** Skip blank lines (pandas skips them too); false at end of text. */
  skipBlankLines(): boolean {
    const bytes = this.bytes;
    while (this.position < bytes.length) {
      const code = bytes[this.position];
      if (code === LF) { this.position += 1; this.line += 1; continue; }
      if (code === CR) { this.position += bytes[this.position + 1] === LF ? 2 : 1; this.line += 1; continue; }
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

import { UserError } from '../errors.ts';

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, exponent) => 10 ** exponent);
export const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** RFC 4180 fields one at a time over the whole text, counting lines for error messages. */
export class FieldScanner {
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

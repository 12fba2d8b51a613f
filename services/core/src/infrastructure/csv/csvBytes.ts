import { isAscii } from 'node:buffer';

/** A CSV's bytes as the scanner reads them, and how its text is decoded. */
export class CsvBytes {
  /** Every byte below 128: a byte is a character, and text is copied rather than decoded. */
  readonly ascii: boolean;

  constructor(readonly bytes: Buffer) {
    this.ascii = isAscii(bytes);
  }

  static fromText(text: string): CsvBytes {
    return new CsvBytes(Buffer.from(text, 'utf8'));
  }

  /** The text of bytes [start, end). */
  text(start: number, end: number): string {
    if (end <= start) return '';
    return this.bytes.toString(this.ascii ? 'latin1' : 'utf8', start, end);
  }

  /** The text of bytes [start, end), cut to its first `maxLength` characters: in ASCII a byte is one, otherwise the whole is decoded, then cut. */
  prefix(start: number, end: number, maxLength: number): string {
    if (this.ascii) return this.text(start, Math.min(end, start + maxLength));
    const text = this.text(start, end);
    return maxLength < text.length ? text.slice(0, maxLength) : text;
  }
}

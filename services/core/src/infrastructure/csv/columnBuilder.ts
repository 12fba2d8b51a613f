import { isMissingToken, parseNumericCell } from './csvCells.ts';
import { TextCodeCache } from './textCodeCache.ts';

/**
 * One column as it is read: numbers into a growing Float64Array until a value is not
 * numeric, then text codes (dictionary-encoded, -1 for a missing token).
 */
export class ColumnBuilder {
  numbers: Float64Array;
  codes: Int32Array | undefined;
  categories: string[] = [];
  private categoryIndex = new Map<string, number>();
  /** The same codes, found from a cell's characters (the parser's fast path). */
  readonly textCodes = new TextCodeCache((value) => this.codeOf(value));

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
    (this.codes as Int32Array)[row] = this.codeOf(value);
  }

  /** The code of a cell's text: each distinct text is classified once; missing tokens map to -1. */
  codeOf(value: string): number {
    let code = this.categoryIndex.get(value);
    if (code === undefined) {
      if (isMissingToken(value)) {
        code = -1;
      } else {
        code = this.categories.length;
        this.categories.push(value);
      }
      this.categoryIndex.set(value, code);
    }
    return code;
  }

  becomeCategorical(capacity: number): void {
    this.codes = new Int32Array(capacity);
    this.numbers = new Float64Array(0);
  }
}

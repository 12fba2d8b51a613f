import type { CsvBytes } from './csvBytes.ts';

/**
 * A categorical column's codes by the bytes of each cell, looked up without decoding the
 * cell: most cells repeat a few categories (a channel, the hour of a timestamp), and
 * making a string per cell and looking it up in a Map was most of the parse of a 200k-row
 * file. A hit is checked byte for byte, so it is the code the column's own lookup
 * (`codeOf`) gives; only the first `MAX_ENTRIES` distinct cells are kept, so an id-like
 * column costs no more memory than its categories already do.
 */
const MAX_ENTRIES = 4096;
/** FNV-1a over a cell's bytes: the scanner hashes as it reads (csvScanner.ts nextCode). */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 16777619;

export class TextCodeCache {
  private hashes = new Int32Array(64);
  private codes = new Int32Array(64);
  private keys: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(64).fill(undefined);
  private entries = 0;

  constructor(private readonly codeOf: (value: string) => number) {}

  /** The code of the cell in bytes [start, end) (FNV-1a `hash`), whose text is cut to `maxLength` characters. */
  code(file: CsvBytes, start: number, end: number, hash: number, maxLength: number): number {
    const bytes = file.bytes;
    const length = end - start;
    const mask = this.keys.length - 1;
    let slot = hash & mask;
    for (let known = this.keys[slot]; known !== undefined; known = this.keys[slot]) {
      if (this.hashes[slot] === hash && known.length === length && sameBytes(known, bytes, start)) return this.codes[slot] as number;
      slot = (slot + 1) & mask;
    }
    const code = this.codeOf(file.prefix(start, end, maxLength));
    if (this.entries < MAX_ENTRIES) {
      this.hashes[slot] = hash;
      this.codes[slot] = code;
      this.keys[slot] = bytes.slice(start, end);
      this.entries += 1;
      if (this.entries * 2 > this.keys.length) this.grow();
    }
    return code;
  }

  private grow(): void {
    const { hashes, codes, keys } = this;
    this.hashes = new Int32Array(hashes.length * 2);
    this.codes = new Int32Array(hashes.length * 2);
    this.keys = new Array<Uint8Array | undefined>(hashes.length * 2).fill(undefined);
    const mask = this.keys.length - 1;
    keys.forEach((key, index) => {
      if (key === undefined) return;
      let slot = (hashes[index] as number) & mask;
      while (this.keys[slot] !== undefined) slot = (slot + 1) & mask;
      this.hashes[slot] = hashes[index] as number;
      this.codes[slot] = codes[index] as number;
      this.keys[slot] = key;
    });
  }
}

function sameBytes(key: Uint8Array, bytes: Uint8Array, start: number): boolean {
  for (let index = 0; index < key.length; index += 1) if (key[index] !== bytes[start + index]) return false;
  return true;
}

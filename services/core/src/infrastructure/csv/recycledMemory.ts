/**
 * Float64Arrays carved one after another out of memory that is already paged in: a
 * CSV's bytes, once its columns are read and its text is no longer needed. New memory
 * costs a page fault every 4 KiB when first written, and on this 2-core VM that was
 * most of copying out a file's finite numbers: the wide case's 285 MB a side took
 * 0.45-0.5 s into new arrays and 0.22 s into the file's bytes. Once the memory is used
 * up, arrays are new.
 *
 * An array carved here shares its buffer with the others: moving it to another thread
 * alone takes a copy (ownedArray), or the message would move (or clone) them all.
 */
export class RecycledMemory {
  private readonly buffer: ArrayBuffer | undefined;
  private next = 0;
  private readonly end: number;

  /**
   * `bytes` must no longer be read by anyone: it is overwritten. `wanted`: how many
   * doubles will be taken. The bytes are used only when they own their whole buffer (a
   * small Buffer can be a slice of Node's shared pool, which must be neither written past
   * its slice nor moved to another thread), and when the doubles wanted fill at least
   * half of them: an array carved here keeps the whole buffer alive, and a file of long
   * text with one number column would otherwise be held whole for a few MB of numbers.
   */
  constructor(bytes: Uint8Array, wanted: number) {
    const owned = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const used = owned && wanted * Float64Array.BYTES_PER_ELEMENT * 2 >= bytes.byteLength;
    this.buffer = used ? (bytes.buffer as ArrayBuffer) : undefined;
    this.end = used ? Math.floor(bytes.byteLength / Float64Array.BYTES_PER_ELEMENT) : 0;
  }

  /** An array of `length` doubles (contents undefined: the caller writes before it reads). */
  take(length: number): Float64Array {
    if (this.buffer === undefined || this.next + length > this.end) return new Float64Array(length);
    const array = new Float64Array(this.buffer, this.next * Float64Array.BYTES_PER_ELEMENT, length);
    this.next += length;
    return array;
  }
}

/** The array itself when it owns its whole buffer, or a copy that does: what may be moved to another thread alone. */
export function ownedArray(array: Float64Array): Float64Array {
  return array.byteOffset === 0 && array.byteLength === array.buffer.byteLength ? array : array.slice();
}

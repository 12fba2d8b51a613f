const HEX_BYTE = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, '0'));

function hexWord(word: number): string {
  return HEX_BYTE[(word >>> 24) & 0xff]! + HEX_BYTE[(word >>> 16) & 0xff]! + HEX_BYTE[(word >>> 8) & 0xff]! + HEX_BYTE[word & 0xff]!;
}

/**
 * An RFC 4122 version-4 UUID from four random 32-bit words. The words come from
 * faker's seeded generator; faker.string.uuid() draws per character and cost a
 * quarter of the generator's time at 1M rows.
 */
export function uuidV4FromWords(w0: number, w1: number, w2: number, w3: number): string {
  const versioned = ((w1 & 0xffff0fff) | 0x00004000) >>> 0;
  const variant = ((w2 & 0x3fffffff) | 0x80000000) >>> 0;
  const a = hexWord(w0 >>> 0);
  const b = hexWord(versioned);
  const c = hexWord(variant);
  const d = hexWord(w3 >>> 0);
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

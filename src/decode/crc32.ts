/**
 * CRC-32 as zlib computes it (IEEE 802.3, reflected polynomial 0xEDB88320,
 * initial value and final XOR 0xFFFFFFFF): the checksum AWS event-stream
 * frames carry (boto/botocore botocore/eventstream.py checks both with
 * Python's `binascii.crc32`). Slicing-by-8 — eight 256-entry tables,
 * eight input bytes per step — because the event-stream decoder runs every
 * received byte through here once, and the one-table loop is several times
 * slower on multi-megabyte streams.
 */

const POLYNOMIAL = 0xedb88320;

// TABLES[k * 256 + n] is the CRC of byte n followed by k zero bytes.
const TABLES = new Int32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
  TABLES[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = TABLES[n] as number;
  for (let k = 1; k < 8; k++) {
    c = (TABLES[c & 0xff] as number) ^ (c >>> 8);
    TABLES[k * 256 + n] = c;
  }
}

/**
 * CRC-32 of `bytes[start, end)`, continuing from `previous` — the CRC of the
 * bytes that came before (0 for none). So `crc32(b, crc32(a))` equals the CRC
 * of a followed by b, which is how a frame's message CRC continues from its
 * prelude CRC. Returns an unsigned 32-bit integer.
 */
export function crc32(bytes: Uint8Array, previous = 0, start = 0, end = bytes.length): number {
  const t = TABLES;
  let c = ~previous;
  let i = start;
  // Eight bytes per step; the `as number` reads are in bounds by construction
  // (indices are masked to 0..255 plus a table offset).
  for (const stop = end - 7; i < stop; i += 8) {
    const lo = c ^ ((bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24));
    const b4 = bytes[i + 4] as number;
    const b5 = bytes[i + 5] as number;
    const b6 = bytes[i + 6] as number;
    const b7 = bytes[i + 7] as number;
    c =
      (t[1792 + (lo & 0xff)] as number) ^
      (t[1536 + ((lo >>> 8) & 0xff)] as number) ^
      (t[1280 + ((lo >>> 16) & 0xff)] as number) ^
      (t[1024 + (lo >>> 24)] as number) ^
      (t[768 + b4] as number) ^
      (t[512 + b5] as number) ^
      (t[256 + b6] as number) ^
      (t[b7] as number);
  }
  for (; i < end; i++) c = (t[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

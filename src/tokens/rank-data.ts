/**
 * The BPE rank tables, stored compressed in the executable and inflated on
 * first use. js-tiktoken ships them as base64 text (o200k_base 2.33 MB,
 * cl100k_base 1.09 MB), 94% of our payload; packed here they take 1.6 MB.
 *
 * Packing (test/tokens/pack-ranks.ts writes src/tokens/ranks/*.ts from
 * js-tiktoken's files; test/tokens/rank-data.test.ts checks the result
 * against them):
 * - o200k_base: varint N, then N token lengths (one byte each), then the N
 *   tokens' bytes, in rank order; deflate-raw.
 * - cl100k_base: varint N, then per rank either a varint v > 0, the zigzag
 *   delta + 1 from the previous such o200k rank (85% of cl100k's tokens are
 *   o200k tokens), or 0, a length byte and the token's bytes; deflate-raw.
 * - The deflated bytes are written as an ASCII string literal in basE91
 *   (decodeBase91): bundlers keep printable ASCII as it is, while they
 *   escape other bytes to several characters each.
 */
import { type RankMap, rankKey } from "./rank-key.ts";
import { Pacer } from "./pacer.ts";

/** Entries between two looks at the clock while a table is built (~0.5 ms of work); a mask. */
const PACE_EVERY = 1023;

export interface PackedRanks {
  /** Deflated byte count. */
  bytes: number;
  data: string;
}

/**
 * basE91's 91 letters (Joachim Henke's scheme, its bit layout): printable
 * ASCII without `"` `'` `` ` `` and `\`, so the literal needs no escape
 * whichever quote a bundler picks, and `$` never meets a `{` it could open.
 */
export const RANK_ALPHABET = [...Array(95).keys()]
  .map((i) => String.fromCharCode(32 + i))
  .filter((c) => !`"'\\\``.includes(c))
  .join("");

const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < RANK_ALPHABET.length; i++) DIGIT[RANK_ALPHABET.charCodeAt(i)] = i;

/**
 * The basE91 text back to bytes: each pair of letters carries 13 or 14 bits
 * (14 where the 13-bit value would be ≤ 88), about 1.23 letters per byte
 * where base-85 spends 1.25: 21 KB less of the executable.
 */
export function decodeBase91(packed: PackedRanks): Uint8Array {
  const { data, bytes } = packed;
  const out = new Uint8Array(bytes);
  let o = 0;
  let bits = 0;
  let count = 0;
  let value = -1;
  const put = (byte: number): void => {
    if (o >= bytes) throw new Error("rank data: longer than its byte count");
    out[o++] = byte;
  };
  for (let i = 0; i < data.length; i++) {
    const code = data.charCodeAt(i);
    const digit = code < 128 ? (DIGIT[code] as number) : -1;
    if (digit < 0) throw new Error("rank data: bad character");
    if (value < 0) {
      value = digit;
      continue;
    }
    value += digit * 91;
    bits |= value << count;
    count += (value & 8191) > 88 ? 13 : 14;
    do {
      put(bits & 0xff);
      bits >>>= 8;
      count -= 8;
    } while (count > 7);
    value = -1;
  }
  if (value >= 0) put((bits | (value << count)) & 0xff);
  if (o !== bytes) throw new Error("rank data: shorter than its byte count");
  return out;
}

async function inflate(packed: PackedRanks): Promise<Uint8Array> {
  const stream = new Blob([decodeBase91(packed) as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

class Reader {
  at = 0;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  byte(): number {
    if (this.at >= this.bytes.length) throw new Error("rank data: truncated");
    return this.bytes[this.at++] as number;
  }
  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  }
  take(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) throw new Error("rank data: truncated");
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

function keyOf(bytes: Uint8Array, start: number, end: number): string {
  if (start >= end) throw new Error("rank data: empty token");
  return rankKey(bytes, start, end);
}

/**
 * o200k_base's token keys in rank order. Keys straight from the inflated
 * buffer: a view per token would cost more than the whole rest of the load.
 */
export async function unpackO200k(packed: PackedRanks): Promise<string[]> {
  const reader = new Reader(await inflate(packed));
  const count = reader.varint();
  const lengths = reader.take(count);
  const bytes = reader.bytes;
  const keys = new Array<string>(count);
  let at = reader.at;
  const pacer = new Pacer();
  for (let i = 0; i < count; i++) {
    if ((i & PACE_EVERY) === 0) await pacer.pace();
    const end = at + (lengths[i] as number);
    if (end > bytes.length) throw new Error("rank data: truncated");
    keys[i] = keyOf(bytes, at, end);
    at = end;
  }
  if (at !== bytes.length) throw new Error("rank data: trailing bytes");
  return keys;
}

/** cl100k_base's token keys in rank order, given o200k_base's. */
export async function unpackCl100k(packed: PackedRanks, o200k: readonly string[]): Promise<string[]> {
  const reader = new Reader(await inflate(packed));
  const count = reader.varint();
  const keys = new Array<string>(count);
  let previous = 0;
  const pacer = new Pacer();
  for (let i = 0; i < count; i++) {
    if ((i & PACE_EVERY) === 0) await pacer.pace();
    const v = reader.varint();
    if (v === 0) {
      const length = reader.byte();
      const start = reader.at;
      reader.take(length);
      keys[i] = keyOf(reader.bytes, start, start + length);
      continue;
    }
    const zigzag = v - 1;
    previous += zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    const key = o200k[previous];
    if (key === undefined) throw new Error("rank data: bad reference");
    keys[i] = key;
  }
  if (reader.at !== reader.bytes.length) throw new Error("rank data: trailing bytes");
  return keys;
}

/** Token keys in rank order → the map bpe.ts counts with ("hel" → rank, one character per byte). */
export async function rankMapOf(keys: readonly string[]): Promise<RankMap> {
  const map: RankMap = new Map();
  const pacer = new Pacer();
  for (let rank = 0; rank < keys.length; rank++) {
    if ((rank & PACE_EVERY) === 0) await pacer.pace();
    map.set(keys[rank] as string, rank);
  }
  return map;
}

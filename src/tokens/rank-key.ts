/** How bpe.ts and merge.ts key token byte sequences in the rank map. */

/** Token byte sequences, one character per byte ("hel" for 104,101,108), to ranks. */
export type RankMap = Map<string, number>;

export const BYTE_CHAR = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b));

/**
 * The rank-map key of bytes[start, stop): one UTF-16 unit per byte. Shorter
 * than js-tiktoken's "104,101,108" spelling, so cheaper to build and hash on
 * every merge candidate, and it halves the map's memory.
 */
export function rankKey(bytes: ArrayLike<number>, start: number, stop: number): string {
  let key = "";
  for (let i = start; i < stop; i++) key += BYTE_CHAR[bytes[i]!]!;
  return key;
}

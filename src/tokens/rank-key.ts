/** How bpe.ts and merge.ts key token byte sequences in the rank map. */

/** Token byte sequences, one character per byte ("hel" for 104,101,108), to ranks. */
export type RankMap = Map<string, number>;

/**
 * The rank-map key of bytes[start, stop): one UTF-16 unit per byte. Shorter
 * than js-tiktoken's "104,101,108" spelling, so cheaper to build and hash on
 * every merge candidate, and it halves the map's memory; built in one call
 * rather than by concatenation, which left ropes to flatten on every hash.
 */
export function rankKey(bytes: Uint8Array, start: number, stop: number): string {
  return String.fromCharCode.apply(null, bytes.subarray(start, stop) as unknown as number[]);
}

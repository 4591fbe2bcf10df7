/**
 * Byte-pair token counting over js-tiktoken's rank files.
 *
 * Same result as js-tiktoken's `Tiktoken.encode(text, [], []).length` (every
 * special-token string counted as the ordinary text it is, like tiktoken's
 * `encode_ordinary`); test/tokens/bpe.test.ts checks that on a corpus. Why
 * not call it: its merge loop re-joins every adjacent pair's bytes into a
 * string on every merge, so one long pre-token costs cubic time: 10,000
 * repeated characters (a rule line, a base64 blob, a minified file) take 10 s
 * on this class of machine, and `count` is synchronous, so every other
 * request would wait. Here each merge looks up only the two new pairs and
 * takes the next one from a heap: O(n log n) per pre-token.
 *
 * Its constructor is also slow (~600 ms for o200k_base: a 200k-key object,
 * then each token decoded twice for maps we do not need); we build only the
 * one map counting needs. The executable builds it from the packed tables of
 * rank-data.ts; loadRankMap reads js-tiktoken's own text layout, for the
 * tests and the packer that check the packed tables against it.
 */

export interface RankFile {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

/** Token byte sequences ("104,101,108"), as js-tiktoken keys them, to ranks. */
export type RankMap = Map<string, number>;

const BASE64_VALUE = new Int8Array(128).fill(-1);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries()) {
  BASE64_VALUE[c.charCodeAt(0)] = i;
}
const BYTE_TEXT = Array.from({ length: 256 }, (_, b) => String(b));

/** The rank-map key of bytes[start, stop): "104,101,108", as js-tiktoken spells token bytes. */
export function rankKey(bytes: ArrayLike<number>, start: number, stop: number): string {
  let key = BYTE_TEXT[bytes[start]!]!;
  for (let i = start + 1; i < stop; i++) key += `,${BYTE_TEXT[bytes[i]!]!}`;
  return key;
}

/**
 * js-tiktoken's compressed rank layout: lines of
 * `<label> <first rank> <base64 token> <base64 token> ...`, ranks consecutive.
 * Throws on anything else rather than count with a wrong table.
 */
export function loadRankMap(bpeRanks: string): RankMap {
  const map: RankMap = new Map();
  const bytes: string[] = [];
  for (const line of bpeRanks.split("\n")) {
    if (line === "") continue;
    const fields = line.split(" ");
    const first = Number.parseInt(fields[1] ?? "", 10);
    if (!Number.isInteger(first)) throw new Error("rank file: bad line header");
    for (let i = 2; i < fields.length; i++) {
      const token = fields[i]!;
      bytes.length = 0;
      let acc = 0;
      let bits = 0;
      for (let j = 0; j < token.length; j++) {
        const code = token.charCodeAt(j);
        if (code === 61) break; // "=" padding
        const value = code < 128 ? BASE64_VALUE[code]! : -1;
        if (value < 0) throw new Error("rank file: bad base64");
        acc = ((acc << 6) | value) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          bytes.push(BYTE_TEXT[(acc >> bits) & 0xff]!);
        }
      }
      map.set(bytes.join(","), first + i - 2);
    }
  }
  if (map.size === 0) throw new Error("rank file: empty");
  return map;
}

/**
 * The encoding's pre-token pattern as a JS RegExp. tiktoken runs it under
 * Rust's regex, where `\s` is Unicode White_Space; JS's `\s` differs (it
 * lacks U+0085 NEXT LINE and adds U+FEFF), so we spell the property out:
 * tiktoken counts " \x850" as 4 tokens under cl100k_base, js-tiktoken as 3.
 */
export function compilePreTokenPattern(patStr: string): RegExp {
  return new RegExp(patStr.replaceAll("\\s", "\\p{White_Space}").replaceAll("\\S", "\\P{White_Space}"), "gu");
}

const utf8 = new TextEncoder();

/**
 * Counts of pre-tokens already merged, by pre-token text: words repeat, so
 * most pre-tokens of a text were seen before (gpt-tokenizer caches the same
 * way). Only short ones are kept, and the map starts over when full, so its
 * memory stays bounded whatever the input.
 */
export class PieceCache {
  readonly counts = new Map<string, number>();
  readonly maxEntries: number;
  readonly maxPieceLength: number;
  constructor(maxEntries = 100_000, maxPieceLength = 32) {
    this.maxEntries = maxEntries;
    this.maxPieceLength = maxPieceLength;
  }
}

/** Tokens in `text`: split by the encoding's pre-token pattern, then byte-pair merged. */
export function countBpeTokens(text: string, ranks: RankMap, pattern: RegExp, cache?: PieceCache): number {
  let total = 0;
  for (const match of text.matchAll(pattern)) {
    const piece = match[0];
    if (cache !== undefined) {
      const known = cache.counts.get(piece);
      if (known !== undefined) {
        total += known;
        continue;
      }
    }
    const bytes = utf8.encode(piece);
    if (bytes.length === 0) continue;
    const count = bytes.length === 1 || ranks.has(bytes.join(",")) ? 1 : countMerged(bytes, ranks);
    if (cache !== undefined && piece.length <= cache.maxPieceLength) {
      if (cache.counts.size >= cache.maxEntries) cache.counts.clear();
      cache.counts.set(piece, count);
    }
    total += count;
  }
  return total;
}

/**
 * Merges the lowest-ranked adjacent pair, leftmost first on a tie, until no
 * pair is a token: tiktoken's rule. Parts are a linked list over byte
 * offsets; the heap holds candidate pairs keyed by (rank, left start), and
 * entries made stale by an earlier merge are skipped when popped.
 */
function countMerged(bytes: Uint8Array, ranks: RankMap): number {
  const n = bytes.length;
  const end = new Int32Array(n); // end[s]: exclusive end of the part starting at s, or -1 once merged away
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    end[i] = i + 1;
    prev[i] = i - 1;
  }
  const heap = new PairHeap();
  const pairRank = (start: number, stop: number): number | undefined => ranks.get(rankKey(bytes, start, stop));
  const offer = (left: number): void => {
    const right = end[left]!;
    if (right >= n) return;
    const rank = pairRank(left, end[right]!);
    if (rank !== undefined) heap.push(rank, left, end[right]!);
  };
  for (let i = 0; i + 1 < n; i++) offer(i);

  let parts = n;
  while (heap.size > 0) {
    const [, left, stop] = heap.pop();
    const right = end[left]!;
    // Stale: the left part was merged into its neighbour, or its right neighbour changed.
    if (right === -1 || right >= n || end[right] !== stop) continue;
    end[left] = stop;
    end[right] = -1;
    if (stop < n) prev[stop] = left;
    parts--;
    if (prev[left]! >= 0) offer(prev[left]!);
    offer(left);
  }
  return parts;
}

/** Binary min-heap of (rank, left start, right end) ordered by rank, then start. */
class PairHeap {
  private readonly rank: number[] = [];
  private readonly left: number[] = [];
  private readonly stop: number[] = [];

  get size(): number {
    return this.rank.length;
  }

  push(rank: number, left: number, stop: number): void {
    let i = this.rank.length;
    this.rank.push(rank);
    this.left.push(left);
    this.stop.push(stop);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): [number, number, number] {
    const top: [number, number, number] = [this.rank[0]!, this.left[0]!, this.stop[0]!];
    const last = this.rank.length - 1;
    this.swap(0, last);
    this.rank.pop();
    this.left.pop();
    this.stop.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < last && this.less(l, least)) least = l;
      if (r < last && this.less(r, least)) least = r;
      if (least === i) break;
      this.swap(i, least);
      i = least;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const ra = this.rank[a]!;
    const rb = this.rank[b]!;
    return ra < rb || (ra === rb && this.left[a]! < this.left[b]!);
  }

  private swap(a: number, b: number): void {
    [this.rank[a], this.rank[b]] = [this.rank[b]!, this.rank[a]!];
    [this.left[a], this.left[b]] = [this.left[b]!, this.left[a]!];
    [this.stop[a], this.stop[b]] = [this.stop[b]!, this.stop[a]!];
  }
}

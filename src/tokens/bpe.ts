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
 * takes the next one from a heap: O(n log n) per pre-token, with pre-tokens
 * over MAX_MERGE_BYTES merged in slices, and a count can be done in steps
 * (BpeCount) so the caller can yield between them.
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

/** Token byte sequences, one character per byte ("hel" for 104,101,108), to ranks. */
export type RankMap = Map<string, number>;

const BASE64_VALUE = new Int8Array(128).fill(-1);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries()) {
  BASE64_VALUE[c.charCodeAt(0)] = i;
}
const BYTE_CHAR = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b));

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
          bytes.push(BYTE_CHAR[(acc >> bits) & 0xff]!);
        }
      }
      map.set(bytes.join(""), first + i - 2);
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
 *
 * With `maxPieceChars`, every `+` and `*` of the pattern is bounded: one
 * match over a 10 MB run of letters takes ~60 ms and cannot be interrupted,
 * so the counting pattern ends each pre-token after that many characters and
 * BpeCount marks a piece that long inexact. Shorter pre-tokens match as with
 * the unbounded pattern: each quantified atom is one character, so no
 * quantifier reached its bound.
 */
export function compilePreTokenPattern(patStr: string, maxPieceChars?: number): RegExp {
  const source = patStr.replaceAll("\\s", "\\p{White_Space}").replaceAll("\\S", "\\P{White_Space}");
  return new RegExp(maxPieceChars === undefined ? source : boundQuantifiers(source, maxPieceChars), "gu");
}

/** `+` → `{1,max}` and `*` → `{0,max}`, outside character classes and escapes. */
function boundQuantifiers(source: string, max: number): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      out += c + (source[i + 1] ?? "");
      i++;
    } else if (inClass) {
      inClass = c !== "]";
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else if (c === "+") out += `{1,${max}}`;
    else if (c === "*") out += `{0,${max}}`;
    else out += c;
  }
  return out;
}

/** The bound the executable's counting pattern puts on one pre-token (compilePreTokenPattern). */
export const MAX_PIECE_CHARS = 1024;

/**
 * The longest run of bytes merged as one (the heap packs offsets in 11
 * bits). A pre-token of more bytes (a thousand ideographs without a break)
 * is merged in slices cut between characters and marked inexact: a token
 * could have spanned a cut.
 */
export const MAX_MERGE_BYTES = 2047;

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

/** What counting needs of an encoding; `maxPieceChars`: the bound `pattern` was compiled with, if any. */
export interface BpeEncoding {
  ranks: RankMap;
  pattern: RegExp;
  maxPieceChars?: number;
  pieces?: PieceCache;
}

/** Tokens in `text`: split by the encoding's pre-token pattern, then byte-pair merged. */
export function countBpeTokens(text: string, ranks: RankMap, pattern: RegExp, cache?: PieceCache): number {
  const count = new BpeCount(text, cache === undefined ? { ranks, pattern } : { ranks, pattern, pieces: cache });
  count.step(Number.POSITIVE_INFINITY);
  return count.tokens;
}

/**
 * One text's count, done a bounded amount at a time so a caller can yield to
 * the event loop between steps (tiktoken.ts): a 10 MB file must not stall
 * other requests. `exact` turns false once a pre-token reached the pattern's
 * bound or had to be merged in slices.
 */
export class BpeCount {
  tokens = 0;
  exact = true;
  private readonly matches: Iterator<RegExpExecArray>;
  private readonly encoding: BpeEncoding;
  // The last long piece and its count: a run of one character repeats it.
  private lastLong = "";
  private lastLongCount = 0;

  constructor(text: string, encoding: BpeEncoding) {
    this.encoding = encoding;
    this.matches = text.matchAll(encoding.pattern);
  }

  /** Counts pre-tokens until about `budget` characters are done; true once the text is. */
  step(budget: number): boolean {
    let spent = 0;
    while (spent < budget) {
      const next = this.matches.next();
      if (next.done === true) return true;
      const piece = next.value[0];
      this.tokens += this.countPiece(piece);
      spent += piece.length;
    }
    return false;
  }

  private countPiece(piece: string): number {
    const { ranks, pieces, maxPieceChars } = this.encoding;
    const known = pieces?.counts.get(piece);
    if (known !== undefined) return known;
    if (maxPieceChars !== undefined && piece.length >= maxPieceChars) {
      this.exact = false;
      if (piece === this.lastLong) return this.lastLongCount;
    }
    const bytes = utf8.encode(piece);
    const count = bytes.length > MAX_MERGE_BYTES ? this.countSlices(bytes) : countPiece(bytes, ranks);
    if (pieces !== undefined && piece.length <= pieces.maxPieceLength) {
      if (pieces.counts.size >= pieces.maxEntries) pieces.counts.clear();
      pieces.counts.set(piece, count);
    } else if (piece.length >= (maxPieceChars ?? Number.POSITIVE_INFINITY)) {
      this.lastLong = piece;
      this.lastLongCount = count;
    }
    return count;
  }

  private countSlices(bytes: Uint8Array): number {
    this.exact = false;
    let count = 0;
    for (let start = 0; start < bytes.length; ) {
      let stop = Math.min(bytes.length, start + MAX_MERGE_BYTES);
      // Never cut inside a character: back off to the start of its UTF-8 sequence.
      while (stop < bytes.length && stop > start + 1 && (bytes[stop]! & 0xc0) === 0x80) stop--;
      count += countPiece(bytes.subarray(start, stop), this.encoding.ranks);
      start = stop;
    }
    return count;
  }
}

function countPiece(bytes: Uint8Array, ranks: RankMap): number {
  if (bytes.length <= 1) return bytes.length;
  return ranks.has(rankKey(bytes, 0, bytes.length)) ? 1 : countMerged(bytes, ranks);
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
  const heap = new PairHeap(n);
  const { two, short } = shortRanksOf(ranks);
  const pairRank = (start: number, stop: number): number | undefined => {
    const length = stop - start;
    if (length === 2) {
      const rank = two[bytes[start]! * 256 + bytes[start + 1]!]!;
      return rank < 0 ? undefined : rank;
    }
    if (length > SHORT_KEY_BYTES) return ranks.get(rankKey(bytes, start, stop));
    let key = 0;
    for (let i = start; i < stop; i++) key = key * 256 + bytes[i]!;
    return short.get(key * 8 + length);
  };
  const offer = (left: number): void => {
    const right = end[left]!;
    if (right >= n) return;
    const rank = pairRank(left, end[right]!);
    if (rank !== undefined) heap.push(rank, left, end[right]!);
  };
  for (let i = 0; i + 1 < n; i++) offer(i);

  let parts = n;
  while (heap.size > 0) {
    heap.pop();
    const left = heap.poppedLeft;
    const stop = heap.poppedStop;
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

/**
 * The same ranks keyed by number for tokens of up to 6 bytes, which most
 * merge candidates are: building a string key per candidate and hashing it
 * was most of the merge's time. Two-byte tokens, every first candidate, sit
 * in a flat table (-1: no such token).
 */
const SHORT_KEY_BYTES = 6;

export interface ShortRanks {
  two: Int32Array;
  short: Map<number, number>;
}

const shortRanks = new WeakMap<RankMap, ShortRanks>();

/** The numeric index of `ranks`, built on first use; tiktoken.ts builds it at load with indexShortRanks. */
function shortRanksOf(ranks: RankMap): ShortRanks {
  let index = shortRanks.get(ranks);
  if (index === undefined) {
    const building = buildShortRanks(ranks);
    for (let next = building.next(); ; next = building.next()) {
      if (next.done === true) {
        index = next.value;
        break;
      }
    }
  }
  return index;
}

/** Builds the index of `ranks` ahead of the first count, calling `pause` now and then so the caller can yield. */
export async function indexShortRanks(ranks: RankMap, pause: () => Promise<void>): Promise<void> {
  const building = buildShortRanks(ranks);
  while (building.next().done !== true) await pause();
}

/** Yields every 1,024 entries so the work can be spread. */
function* buildShortRanks(ranks: RankMap): Generator<void, ShortRanks> {
  const two = new Int32Array(65_536).fill(-1);
  const short = new Map<number, number>();
  let seen = 0;
  for (const [key, rank] of ranks) {
    if ((++seen & 1023) === 0) yield;
    if (key.length > SHORT_KEY_BYTES) continue;
    let value = 0;
    for (let i = 0; i < key.length; i++) value = value * 256 + key.charCodeAt(i);
    if (key.length === 2) two[value] = rank;
    else short.set(value * 8 + key.length, rank);
  }
  const index = { two, short };
  shortRanks.set(ranks, index);
  return index;
}

/**
 * Binary min-heap of candidate pairs, each packed into one number as
 * rank · 2^22 + left · 2^11 + stop: ordering the numbers orders by rank, then
 * left start, as the merge rule needs. Offsets fit 11 bits because no merge
 * runs over more than MAX_MERGE_BYTES (< 2^11); ranks stay far below 2^31.
 */
const OFFSET_BITS = 2 ** 11;

class PairHeap {
  private readonly items: Float64Array;
  size = 0;
  poppedLeft = 0;
  poppedStop = 0;

  /** Every byte offers at most one pair, and each merge two more. */
  constructor(n: number) {
    this.items = new Float64Array(3 * n + 1);
  }

  push(rank: number, left: number, stop: number): void {
    const items = this.items;
    const value = (rank * OFFSET_BITS + left) * OFFSET_BITS + stop;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  /** Removes the least pair; its left start and right end are left in poppedLeft and poppedStop. */
  pop(): void {
    const items = this.items;
    const top = items[0]!;
    this.poppedStop = top % OFFSET_BITS;
    this.poppedLeft = Math.floor(top / OFFSET_BITS) % OFFSET_BITS;
    const value = items[--this.size]!;
    const size = this.size;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && items[child + 1]! < items[child]!) child++;
      if (items[child]! >= value) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = value;
  }
}

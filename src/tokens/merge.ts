/**
 * The byte-pair merge of one piece: tiktoken's rule (lowest rank first,
 * leftmost on a tie) with a heap, and the ranks of short tokens keyed by
 * number, so the cost per byte stays flat however long the piece.
 */
import { type RankMap, rankKey } from "./rank-key.ts";

/**
 * The longest run of bytes merged as one (the heap packs offsets in 11
 * bits). A pre-token of more bytes (a thousand ideographs without a break)
 * is merged in slices cut between characters and marked inexact: a token
 * could have spanned a cut.
 */
export const MAX_MERGE_BYTES = 2047;

/**
 * Merges the lowest-ranked adjacent pair, leftmost first on a tie, until no
 * pair is a token: tiktoken's rule. Parts are a linked list over byte
 * offsets; the heap holds candidate pairs keyed by (rank, left start), and
 * entries made stale by an earlier merge are skipped when popped.
 */
export function countMerged(bytes: Uint8Array, ranks: RankMap): number {
  const n = bytes.length;
  const end = new Int32Array(n); // end[s]: exclusive end of the part starting at s, or -1 once merged away
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    end[i] = i + 1;
    prev[i] = i - 1;
  }
  const heap = new PairHeap(n);
  const { two, short } = shortRanksOf(ranks);
  // The first candidates are all two-byte pairs: one flat-table look-up each.
  for (let i = 0; i + 1 < n; i++) {
    const rank = two[bytes[i]! * 256 + bytes[i + 1]!]!;
    if (rank >= 0) heap.push(rank, i, i + 2);
  }
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
    // The two new candidates: the part before with the merged one, and the merged one with the next.
    const before = prev[left]!;
    if (before >= 0) offerPair(heap, bytes, ranks, two, short, before, stop);
    if (stop < n) offerPair(heap, bytes, ranks, two, short, left, end[stop]!);
  }
  return parts;
}

/** Pushes the pair bytes[start, stop) if it is a token. */
function offerPair(heap: PairHeap, bytes: Uint8Array, ranks: RankMap, two: Int32Array, short: Map<number, number>, start: number, stop: number): void {
  const length = stop - start;
  let rank: number | undefined;
  if (length === 2) {
    const found = two[bytes[start]! * 256 + bytes[start + 1]!]!;
    rank = found < 0 ? undefined : found;
  } else if (length > SHORT_KEY_BYTES) {
    rank = ranks.get(rankKey(bytes, start, stop));
  } else {
    let key = 0;
    for (let i = start; i < stop; i++) key = key * 256 + bytes[i]!;
    rank = short.get(key * 8 + length);
  }
  if (rank !== undefined) heap.push(rank, start, stop);
}

/**
 * The same ranks keyed by number for tokens of up to 6 bytes, which most
 * merge candidates are: building a string key per candidate and hashing it
 * was most of the merge's time. Two-byte tokens, every first candidate, sit
 * in a flat table (-1: no such token).
 */
const SHORT_KEY_BYTES = 6;

interface ShortRanks {
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

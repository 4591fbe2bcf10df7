/**
 * Byte-pair token counting over js-tiktoken's rank files.
 *
 * Same result as js-tiktoken's `Tiktoken.encode(text, [], []).length` given
 * the same pre-token pattern (ours corrects `\s`, below), every
 * special-token string counted as the ordinary text it is, like tiktoken's
 * `encode_ordinary`, for every pre-token below the counting pattern's bound
 * (longer ones are counted in pieces and marked inexact);
 * test/tokens/bpe.test.ts checks that on a corpus. Why
 * not call it: its merge loop re-joins every adjacent pair's bytes into a
 * string on every merge, so one long pre-token costs cubic time: 10,000
 * repeated characters (a rule line, a base64 blob, a minified file) take 10 s
 * on this class of machine, and `count` is synchronous, so every other
 * request would wait. Here (merge.ts) each merge looks up only the two new pairs and
 * takes the next one from a heap: O(n log n) per pre-token, with pre-tokens
 * over MAX_MERGE_BYTES merged in slices, and a count can be done in steps
 * (BpeCount) so the caller can yield between them.
 *
 * Its constructor is also slow (~600 ms for o200k_base: a 200k-key object,
 * then each token decoded twice for maps we do not need); we build only the
 * one map counting needs, from the packed tables of rank-data.ts
 * (test/tokens/rank-file.ts reads js-tiktoken's own layout, for the tests).
 */

import { countMerged, MAX_MERGE_BYTES } from "./merge.ts";
import { type RankMap, rankKey } from "./rank-key.ts";

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

import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { Tiktoken } from "js-tiktoken/lite";
import cl100k from "js-tiktoken/ranks/cl100k_base";
import o200k from "js-tiktoken/ranks/o200k_base";
import { BpeCount, compilePreTokenPattern, countBpeTokens, MAX_PIECE_CHARS, PieceCache } from "../../src/tokens/bpe.ts";
import { loadRankMap, type RankFile } from "./rank-file.ts";
import fixture from "../fixtures/tokens/recorded-prompts.json" with { type: "json" };

/**
 * bpe.ts must count exactly what js-tiktoken's own encoder produces from the
 * same rank file. The reference is js-tiktoken's stock `Tiktoken`, given the
 * same pre-token pattern (our one Unicode-whitespace correction, tested against
 * tiktoken's own vector in tiktoken.test.ts) so that only the rank table and
 * the merge are compared here.
 */
const ENCODINGS: Array<[string, RankFile]> = [
  ["o200k_base", o200k],
  ["cl100k_base", cl100k],
];

// Real text of several kinds: JSON, English prose, code-like tool schemas, multi-line docstrings.
const corpus = JSON.stringify(fixture, null, 2);
const EDGE_CASES = [
  "",
  " ",
  "\n\n\n",
  "\r\n\r\n  \t",
  "héllo wörld — naïve café",
  "Привет, мир! Γειά σου. שלום. مرحبا. नमस्ते",
  "こんにちは、世界。你好，世界。안녕하세요",
  "emoji 😊👋🏾👨‍👩‍👧‍👦🇺🇸 and a lone \ud83d surrogate",
  "<|endoftext|> <|fim_prefix|> <|endofprompt|>",
  "x = foo(bar[1], {'a': 2}) // comment\n\tif (x !== y) { return; }",
  "1234567890 3.14159 0x1F 1e-9",
  "I'm, you're, they'll, it's, we'd, I'VE",
  "\u0085\ufeff\u00a0\u2028 mixed whitespace",
];
// Repeated single characters: one long pre-token each, where the merge order matters most.
const REPEATS = ["^", "a", " ", "\n", "0", "'s", "ab", "=-", "é", "字"].map((c) => c.repeat(300));

describe.each(ENCODINGS)("%s", (_name, file) => {
  const stock = new Tiktoken({ ...file, pat_str: compilePreTokenPattern(file.pat_str).source });
  const ranks = loadRankMap(file.bpe_ranks);
  const pattern = compilePreTokenPattern(file.pat_str);
  const ours = (text: string) => countBpeTokens(text, ranks, pattern);
  const reference = (text: string) => stock.encode(text, [], []).length;

  test("the rank table has every token of the file", () => {
    // Ranks are consecutive from 0; the special tokens sit above them.
    const specials = Object.values(file.special_tokens);
    expect(ranks.size).toBeGreaterThan(99_000);
    expect(Math.min(...specials)).toBeGreaterThanOrEqual(ranks.size);
  });

  test("every line of the fixture corpus", () => {
    const lines = corpus.split(/(?<=\n)/);
    expect(lines.length).toBeGreaterThan(500);
    const mismatches = lines.filter((line) => ours(line) !== reference(line));
    expect(mismatches).toEqual([]);
    expect(ours(corpus)).toBe(reference(corpus));
  });

  test.each(EDGE_CASES)("edge case %j", (text) => {
    expect(ours(text)).toBe(reference(text));
  });

  test.each(REPEATS.map((r) => [r.slice(0, 2), r]))("300 x %j", (_label, text) => {
    expect(ours(text)).toBe(reference(text));
  });

  test("with a piece cache: the same counts, line by line, whether the pieces were cached or not", () => {
    // A tiny cache is cleared again and again: counts must not depend on what it happens to hold.
    for (const cache of [new PieceCache(), new PieceCache(50, 8)]) {
      const cached = (text: string) => countBpeTokens(text, ranks, pattern, cache);
      const lines = [...corpus.split(/(?<=\n)/), ...EDGE_CASES];
      const first = lines.map(cached);
      expect(cache.counts.size).toBeGreaterThan(0);
      expect(cache.counts.size).toBeLessThanOrEqual(cache.maxEntries);
      for (const piece of cache.counts.keys()) expect(piece.length).toBeLessThanOrEqual(cache.maxPieceLength);
      expect(lines.map(cached)).toEqual(first);
      expect(first).toEqual(lines.map(reference));
    }
  });

  test("arbitrary Unicode strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (text) => ours(text) === reference(text)),
      { numRuns: 100, seed: 20240611 },
    );
  });
});

describe("long pre-tokens: the counting pattern's bound and merging in slices", () => {
  const stock = new Tiktoken({ ...o200k, pat_str: compilePreTokenPattern(o200k.pat_str).source });
  const ranks = loadRankMap(o200k.bpe_ranks);
  const unbounded = compilePreTokenPattern(o200k.pat_str);
  const bounded = compilePreTokenPattern(o200k.pat_str, MAX_PIECE_CHARS);
  const encoding = { ranks, pattern: bounded, maxPieceChars: MAX_PIECE_CHARS };
  const reference = (text: string) => stock.encode(text, [], []).length;
  const tally = (text: string) => {
    const count = new BpeCount(text, encoding);
    expect(count.step(Number.POSITIVE_INFINITY)).toBe(true);
    return { tokens: count.tokens, exact: count.exact };
  };

  test.each(ENCODINGS)("%s: below the bound, the bounded pattern cuts every line of the corpus as the original does", (_name, file) => {
    const original = compilePreTokenPattern(file.pat_str);
    const cut = compilePreTokenPattern(file.pat_str, MAX_PIECE_CHARS);
    for (const text of [...corpus.split(/(?<=\n)/), ...EDGE_CASES, ...REPEATS, `${" ".repeat(1000)}x`, "a".repeat(1023)]) {
      expect([...text.matchAll(cut)].map((m) => m[0])).toEqual([...text.matchAll(original)].map((m) => m[0]));
    }
  });

  test("one piece short of the bound is exact", () => {
    const text = "a".repeat(MAX_PIECE_CHARS - 1);
    expect(tally(text)).toEqual({ tokens: reference(text), exact: true });
  });

  // [text, its pieces under the bound (characters), each piece's slices (characters) where it is over MAX_MERGE_BYTES]
  test.each([
    ["a", 2_500, [[1024], [1024], [452]]],
    ["=", 1_100, [[1024], [76]]],
    ["字", 1_000, [[682, 318]]], // 3,000 bytes: cut at 2,046, the last character boundary before 2,047
    ["é", 1_500, [[1023, 1], [476]]], // 1,024 characters are 2,048 bytes
  ] as const)("%j x %i: the sum of its pieces' and slices' exact counts, marked inexact", (char, times, pieces) => {
    const text = char.repeat(times);
    expect([...text.matchAll(unbounded)]).toHaveLength(1);
    expect(pieces.flat().reduce((a, b) => a + b, 0)).toBe(times);
    const expected = pieces.flat().reduce((sum, chars) => sum + reference(char.repeat(chars)), 0);
    expect(tally(text)).toEqual({ tokens: expected, exact: false });
  });

  test("work is done a bounded amount per step", () => {
    const text = "ab".repeat(50_000);
    const count = new BpeCount(text, encoding);
    let steps = 1;
    while (!count.step(MAX_PIECE_CHARS)) steps++;
    expect(steps).toBe(Math.ceil(100_000 / MAX_PIECE_CHARS));
    expect(count.tokens).toBe(countBpeTokens(text, ranks, bounded));
  });
});

test("a rank file that is not in js-tiktoken's layout is refused", () => {
  expect(() => loadRankMap("")).toThrow();
  expect(() => loadRankMap("! x QQ==")).toThrow();
  expect(() => loadRankMap("! 0 Q*==")).toThrow();
});

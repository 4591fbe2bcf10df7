import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { Tiktoken } from "js-tiktoken/lite";
import cl100k from "js-tiktoken/ranks/cl100k_base";
import o200k from "js-tiktoken/ranks/o200k_base";
import { compilePreTokenPattern, countBpeTokens, loadRankMap, PieceCache, type RankFile } from "../../src/tokens/bpe.ts";
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

test("a 20,000-character pre-token is counted in bounded time", () => {
  // js-tiktoken's merge is cubic here: 10,000 characters already take ~10 s,
  // so 20,000 would take over a minute; the heap merge needs well under a second.
  // The bound is loose for slow CI machines and still far below the cubic cost.
  const ranks = loadRankMap(o200k.bpe_ranks);
  const pattern = compilePreTokenPattern(o200k.pat_str);
  const started = performance.now();
  const count = countBpeTokens("a".repeat(20_000), ranks, pattern);
  expect(performance.now() - started).toBeLessThan(5_000);
  // Far more than one token, far fewer than one per character.
  expect(count).toBeGreaterThan(200);
  expect(count).toBeLessThan(20_000);
});

test("a rank file that is not in js-tiktoken's layout is refused", () => {
  expect(() => loadRankMap("")).toThrow();
  expect(() => loadRankMap("! x QQ==")).toThrow();
  expect(() => loadRankMap("! 0 Q*==")).toThrow();
});

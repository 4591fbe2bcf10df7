import { describe, expect, test } from "bun:test";
import cl100k from "js-tiktoken/ranks/cl100k_base";
import o200k from "js-tiktoken/ranks/o200k_base";
import { compilePreTokenPattern } from "../../src/tokens/bpe.ts";
import { loadRankMap } from "./rank-file.ts";
import { Pacer } from "../../src/tokens/pacer.ts";
import { type EncodingName, encoderOf, encodingForModel, getEncoder } from "../../src/tokens/tiktoken.ts";

/**
 * Token counts published by OpenAI, never computed here:
 * - cookbook: openai/openai-cookbook `examples/How_to_count_tokens_with_tiktoken.ipynb`
 *   @ c81359cdc6744f001e40c08a192604c5113fdab3, sections 3 and 5 (the token lists
 *   printed per encoding); "tiktoken is great!" under cl100k_base from the same
 *   notebook @ 06d9feb5e21e6fdc85f3ddce7731e05892758cd7 ([83, 1609, 5963, 374, 2294, 0]).
 * - tiktoken: openai/tiktoken `tests/test_encoding.py` @ ba2c98812e0dd4f96456de8d0bbe1df38bc7582b
 *   (test_simple, test_simple_regex, test_basic_encode, test_encode_surrogate_pairs).
 * - harmony: openai/harmony `tests/test_harmony.py` @ 40be9ec3fab52ac08a12e98f439bd47eac8740fe
 *   (test_encode_allowed_special); o200k_harmony is o200k_base's ranks plus special
 *   tokens, so ordinary text encodes the same.
 */
const KNOWN: Array<{ text: string; encoding: EncodingName; count: number; source: string }> = [
  { text: "hello world", encoding: "o200k_base", count: 2, source: "harmony [24912, 2375]" },
  { text: "hello world", encoding: "cl100k_base", count: 2, source: "tiktoken [15339, 1917]" },
  { text: "tiktoken is great!", encoding: "o200k_base", count: 6, source: "cookbook [83, 8251, 2488, 382, 2212, 0]" },
  { text: "tiktoken is great!", encoding: "cl100k_base", count: 6, source: "cookbook [83, 1609, 5963, 374, 2294, 0]" },
  { text: "antidisestablishmentarianism", encoding: "o200k_base", count: 6, source: "cookbook" },
  { text: "antidisestablishmentarianism", encoding: "cl100k_base", count: 6, source: "cookbook" },
  { text: "2 + 2 = 4", encoding: "o200k_base", count: 7, source: "cookbook" },
  { text: "2 + 2 = 4", encoding: "cl100k_base", count: 7, source: "cookbook" },
  { text: "お誕生日おめでとう", encoding: "o200k_base", count: 8, source: "cookbook" },
  { text: "お誕生日おめでとう", encoding: "cl100k_base", count: 9, source: "cookbook" },
  { text: "<|start|>", encoding: "o200k_base", count: 5, source: "harmony, disallowed_special=() [27, 91, 5236, 91, 29]" },
  { text: "rer", encoding: "cl100k_base", count: 1, source: "tiktoken [38149]" },
  { text: "'rer", encoding: "cl100k_base", count: 2, source: "tiktoken [2351, 81]" },
  { text: "today\n ", encoding: "cl100k_base", count: 3, source: "tiktoken [31213, 198, 220]" },
  { text: "today\n \n", encoding: "cl100k_base", count: 2, source: "tiktoken [31213, 27907]" },
  { text: "today\n  \n", encoding: "cl100k_base", count: 2, source: "tiktoken [31213, 14211]" },
  { text: " \x850", encoding: "cl100k_base", count: 4, source: "tiktoken [220, 126, 227, 15]" },
  { text: "👍", encoding: "cl100k_base", count: 3, source: "tiktoken [9468, 239, 235]" },
  { text: "", encoding: "o200k_base", count: 0, source: "empty" },
  { text: "", encoding: "cl100k_base", count: 0, source: "empty" },
];

describe("getEncoder counts", () => {
  test.each(KNOWN)("$encoding: $text ($source)", async ({ text, encoding, count }) => {
    const encoder = await getEncoder(encoding);
    expect(encoder.count(text)).toBe(count);
  });

  test("a lone surrogate counts as U+FFFD, as tiktoken replaces it", async () => {
    // tiktoken test_encode_surrogate_pairs: encode("\ud83d") == encode("�").
    const encoder = await getEncoder("cl100k_base");
    expect(encoder.count("\ud83d")).toBe(encoder.count("\ufffd"));
  });

  test.each(["o200k_base", "cl100k_base"] as const)("%s: special-token text in user content is ordinary text and does not throw", async (name) => {
    const encoder = await getEncoder(name);
    // As the special token it would be exactly 1.
    expect(encoder.count("<|endoftext|>")).toBeGreaterThan(1);
  });
});

describe("getEncoder caching", () => {
  test("returns the same instance every time", async () => {
    const first = await getEncoder("o200k_base");
    const second = await getEncoder("o200k_base");
    expect(second).toBe(first);
  });

  test("concurrent first calls share one load", async () => {
    const [a, b] = await Promise.all([getEncoder("cl100k_base"), getEncoder("cl100k_base")]);
    expect(a).toBe(b);
  });

  test("the two encodings are different encoders", async () => {
    expect(await getEncoder("o200k_base")).not.toBe(await getEncoder("cl100k_base"));
  });
});

describe("tallyYielding: the same count without holding the event loop", () => {
  // Distinct texts per test: the encoder remembers counts by text.
  const unbroken = (seed: string, chars: number) => `${seed}${"qwertyuiopasdfghjklzxcvbnm".repeat(Math.ceil(chars / 26))}`.slice(0, chars);

  test.each([
    ["o200k_base", o200k],
    ["cl100k_base", cl100k],
  ] as const)("%s: equals the synchronous count of a separate encoder on prose, code and unbroken runs", async (_name, file) => {
    // Two encoders over the same ranks, so neither answers from the other's memory.
    const encoding = { ranks: loadRankMap(file.bpe_ranks), pattern: compilePreTokenPattern(file.pat_str) };
    const yielding = encoderOf(encoding);
    const synchronous = encoderOf(encoding);
    const texts = [
      KNOWN.map((k) => k.text)
        .join("\n")
        .repeat(50),
      unbroken("x", 5_000),
      unbroken("y", 50_000),
    ];
    for (const text of texts) expect(await yielding.tallyYielding(text)).toEqual(synchronous.tally(text));
    expect((await yielding.tallyYielding(texts[0]!)).exact).toBe(true);
    expect((await yielding.tallyYielding(texts[1]!)).exact).toBe(false);
  });

  test("timers run while a 3 MB unbroken text is counted", async () => {
    const encoder = await getEncoder("o200k_base");
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const counting = encoder.tallyYielding(unbroken("ticks", 3_000_000));
    const ticksAtStart = ticks;
    const tally = await counting;
    clearInterval(timer);
    expect(ticksAtStart).toBe(0);
    // A synchronous count would let the interval fire at most once before it resolved.
    expect(ticks).toBeGreaterThan(1);
    expect(tally.tokens).toBeGreaterThan(300_000);
  });

  test("an abort ends the count with the signal's reason", async () => {
    const encoder = await getEncoder("o200k_base");
    const controller = new AbortController();
    const reason = new Error("stop counting");
    setTimeout(() => controller.abort(reason), 0);
    await expect(encoder.tallyYielding(unbroken("abort", 3_000_000), new Pacer(controller.signal))).rejects.toBe(reason);
  });
});

describe("encodingForModel", () => {
  const cases: Array<[string, EncodingName | undefined]> = [
    ["gpt-4o", "o200k_base"],
    ["gpt-4o-mini-2024-07-18", "o200k_base"],
    ["chatgpt-4o-latest", "o200k_base"],
    ["gpt-4.1", "o200k_base"],
    ["gpt-4.1-nano-2025-04-14", "o200k_base"],
    ["gpt-4.5-preview", "o200k_base"],
    ["gpt-5", "o200k_base"],
    ["gpt-5-mini-2025-08-07", "o200k_base"],
    ["gpt-5.1-codex", "o200k_base"],
    ["o1", "o200k_base"],
    ["o1-mini", "o200k_base"],
    ["o3-2025-04-16", "o200k_base"],
    ["o4-mini", "o200k_base"],
    ["gpt-oss-120b", "o200k_base"],
    ["openai/gpt-4o", "o200k_base"],
    ["openai.gpt-oss-20b-1:0", "o200k_base"],
    ["ft:gpt-4o-mini:acme::abc123", "o200k_base"],
    ["GPT-4O", "o200k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-4-0613", "cl100k_base"],
    ["gpt-4-turbo-2024-04-09", "cl100k_base"],
    ["gpt-3.5-turbo", "cl100k_base"],
    ["gpt-35-turbo", "cl100k_base"],
    ["text-embedding-3-small", "cl100k_base"],
    ["claude-sonnet-4-5", undefined],
    ["anthropic.claude-3-5-sonnet-20241022-v2:0", undefined],
    ["gemini-2.5-pro", undefined],
    ["llama-3.1-70b", undefined],
    ["mistral-large", undefined],
    ["omni-moderation-latest", undefined],
    ["", undefined],
  ];
  test.each(cases)("%s -> %s", (model, expected) => {
    expect(encodingForModel(model)).toBe(expected);
  });
});

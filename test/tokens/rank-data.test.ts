import { describe, expect, test } from "bun:test";
import cl100k from "js-tiktoken/ranks/cl100k_base";
import o200k from "js-tiktoken/ranks/o200k_base";
import { loadRankMap } from "../../src/tokens/bpe.ts";
import { decodeBase85, RANK_ALPHABET, rankMapOf, unpackCl100k, unpackO200k } from "../../src/tokens/rank-data.ts";
import * as packedCl100k from "../../src/tokens/ranks/cl100k_base.ts";
import * as packedO200k from "../../src/tokens/ranks/o200k_base.ts";
import { base85 } from "./pack-ranks.ts";

describe("base-85 text", () => {
  test("the alphabet has 85 distinct printable ASCII letters and none a bundler would escape", () => {
    expect(new Set(RANK_ALPHABET).size).toBe(85);
    expect(RANK_ALPHABET).toMatch(/^[!-~]+$/);
    expect(RANK_ALPHABET).not.toMatch(/["'\\`$]/);
  });

  test.each([0, 1, 2, 3, 4, 5, 7, 8, 9, 1000])("round-trips %i bytes, including a short last group", (n) => {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 151 + 255) % 256);
    bytes.fill(255, 0, Math.min(n, 4)); // all-ones groups: the largest value a group holds
    const text = base85(bytes);
    expect(text.length).toBe(Math.floor(n / 4) * 5 + (n % 4 === 0 ? 0 : (n % 4) + 1));
    expect([...decodeBase85({ bytes: n, data: text })]).toEqual([...bytes]);
  });

  test("a character outside the alphabet is refused", () => {
    expect(() => decodeBase85({ bytes: 4, data: 'ab"cd' })).toThrow("bad character");
  });
});

describe("packed rank tables equal js-tiktoken's", () => {
  // The reference is js-tiktoken's own base64 text, read by loadRankMap (tested against js-tiktoken in bpe.test.ts).
  test("o200k_base", async () => {
    const expected = loadRankMap(o200k.bpe_ranks);
    const actual = await rankMapOf(await unpackO200k(packedO200k.PACKED));
    expect(actual.size).toBe(expected.size);
    for (const [key, rank] of expected) if (actual.get(key) !== rank) expect([key, actual.get(key)]).toEqual([key, rank]);
    expect(packedO200k.PAT_STR).toBe(o200k.pat_str);
  });

  test("cl100k_base", async () => {
    const expected = loadRankMap(cl100k.bpe_ranks);
    const actual = await rankMapOf(await unpackCl100k(packedCl100k.PACKED, await unpackO200k(packedO200k.PACKED)));
    expect(actual.size).toBe(expected.size);
    for (const [key, rank] of expected) if (actual.get(key) !== rank) expect([key, actual.get(key)]).toEqual([key, rank]);
    expect(packedCl100k.PAT_STR).toBe(cl100k.pat_str);
  });

  test("corrupt data is refused, not counted with a wrong table", async () => {
    const { data, bytes } = packedO200k.PACKED;
    await expect(unpackO200k({ bytes: bytes - 1000, data: data.slice(0, data.length - 1250) })).rejects.toThrow();
  });
});

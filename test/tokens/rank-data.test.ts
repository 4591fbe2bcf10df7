import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import cl100k from "js-tiktoken/ranks/cl100k_base";
import o200k from "js-tiktoken/ranks/o200k_base";
import { loadRankMap } from "./rank-file.ts";
import { decodeBase91, RANK_ALPHABET, rankMapOf, unpackCl100k, unpackO200k } from "../../src/tokens/rank-data.ts";
import * as packedCl100k from "../../src/tokens/ranks/cl100k_base.ts";
import * as packedO200k from "../../src/tokens/ranks/o200k_base.ts";
import { base91 } from "./pack-ranks.ts";

describe("basE91 text", () => {
  test("the alphabet has 91 distinct printable ASCII letters and no quote or backslash", () => {
    expect(new Set(RANK_ALPHABET).size).toBe(91);
    expect(RANK_ALPHABET).toMatch(/^[ -~]+$/);
    expect(RANK_ALPHABET).not.toMatch(/["'\\`]/);
  });

  test.each([0, 1, 2, 3, 4, 5, 7, 8, 13, 14, 1000, 4096])("round-trips %i bytes", (n) => {
    // All-zero and all-one runs reach both the 13-bit and the 14-bit branch.
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i < n / 3 ? 0 : i < (2 * n) / 3 ? 255 : (i * 151 + 7) % 256));
    const text = base91(bytes);
    expect(text.length).toBeLessThanOrEqual(Math.ceil(n * 1.2308) + 2);
    expect([...decodeBase91({ bytes: n, data: text })]).toEqual([...bytes]);
  });

  test("random bytes round-trip", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const back = decodeBase91({ bytes: bytes.length, data: base91(bytes) });
        return back.length === bytes.length && back.every((b, i) => b === bytes[i]);
      }),
      { numRuns: 500, seed: 91 },
    );
  });

  test("a character outside the alphabet, or a byte count the text does not hold, is refused", () => {
    expect(() => decodeBase91({ bytes: 4, data: 'ab"cd' })).toThrow("bad character");
    const text = base91(Uint8Array.of(1, 2, 3, 4, 5));
    expect(() => decodeBase91({ bytes: 4, data: text })).toThrow("longer than");
    expect(() => decodeBase91({ bytes: 6, data: text })).toThrow("shorter than");
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

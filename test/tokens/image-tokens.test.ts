import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChatParams } from "../../src/protocol/chat.ts";
import { type ImageScheme, imageSchemeFor, imageTokens, tokensForSize } from "../../src/tokens/image-tokens.ts";
import { countLocally } from "../../src/tokens/local-count.ts";

/**
 * Worked examples the providers publish, and billed counts measured by
 * others, never figures computed here. Sources:
 * - OpenAI: developers.openai.com/api/docs/guides/images-vision (Calculating costs).
 * - Anthropic: platform.claude.com/docs/en/build-with-claude/vision; count_tokens of a 1000x1000
 *   image answered 1,304 with the envelope, and claude-sonnet-5-5 billed 4,675 visual tokens for
 *   2356x1530 (both quoted in jackin.tailrocks.com multimodal token economics).
 * - Gemini: ai.google.dev/gemini-api/docs/image-understanding (960x540 → 6 tiles of 258).
 * - Recorded: gpt-4o Chat billed 503 with a 540x360 image against 46 for the turn before, ~30-40
 *   new text tokens (shared corpus openai/pydantic-ai test_image_url_tool_response.yaml): 425 for the image.
 */
const PUBLISHED: Array<[string, string, number, number, number]> = [
  ["OpenAI guide, tiles", "gpt-4o", 1024, 1024, 765],
  ["OpenAI guide, tiles", "gpt-4o", 2048, 4096, 1105],
  ["recorded gpt-4o, no upscaling of a small image", "gpt-4o", 540, 360, 425],
  ["OpenAI guide, patches (1,024 patches x 1.62)", "gpt-4.1-mini", 1024, 1024, Math.round(1024 * 1.62)],
  ["OpenAI guide, patches over budget (1,452 patches x 2.46)", "gpt-4.1-nano", 1800, 2400, Math.round(1452 * 2.46)],
  ["billed gpt-5.4-mini maximum, 1,536 patches x 1.2, reached by a full budget", "gpt-5.4-mini", 1536, 1024, 1843],
  ["Gemini guide", "gemini-2.0-flash", 960, 540, 1548],
  ["Gemini guide, small image", "gemini-2.5-pro", 300, 200, 258],
  ["Anthropic count_tokens 1,304 less the envelope", "claude-sonnet-4-5", 1000, 1000, 1296],
  ["billed claude-sonnet-5-5", "claude-sonnet-5-5", 2356, 1530, 4675],
];

describe("tokensForSize against published and billed figures", () => {
  test.each(PUBLISHED)("%s: %s %ix%i → %i", (_source, model, width, height, expected) => {
    expect(tokensForSize({ width, height }, imageSchemeFor(model))).toBe(expected);
  });
});

describe("a thin image on Gemini 2 is not hundreds of tiles", () => {
  test("2560x40: the crop unit is held at 256 px, so 10 x 1 tiles, not 99 x 2", () => {
    expect(tokensForSize({ width: 2560, height: 40 }, imageSchemeFor("gemini-2.0-flash"))).toBe(258 * 10);
  });
});

describe("imageSchemeFor", () => {
  test.each([
    ["gpt-4o-2024-08-06", { kind: "tiles", base: 85, tile: 170 }],
    ["openai/gpt-4o-mini", { kind: "tiles", base: 2833, tile: 5667 }],
    ["gpt-5", { kind: "tiles", base: 70, tile: 140 }],
    ["o3-pro", { kind: "tiles", base: 75, tile: 150 }],
    ["gpt-5-mini-2025-08-07", { kind: "patches", budget: 1536, multiplier: 1.2 }],
    ["gpt-5.4", { kind: "patches", budget: 2500, multiplier: 1.2 }],
    ["claude-sonnet-4-5@20250929", { kind: "claude", maxEdge: 1568, maxTokens: 1568 }],
    ["us.anthropic.claude-opus-4-7-v1:0", { kind: "claude", maxEdge: 2576, maxTokens: 4784 }],
    ["claude-opus-4.8", { kind: "claude", maxEdge: 2576, maxTokens: 4784 }],
    ["claude-haiku-4-5", { kind: "claude", maxEdge: 1568, maxTokens: 1568 }],
    ["gemini-3.5-flash", { kind: "flat", tokens: 1120 }],
    ["google/gemini-2.5-flash", { kind: "gemini-tiles" }],
    ["amazon.nova-2-lite-v1:0", { kind: "flat", tokens: 230 }],
    ["meta-llama/llama-4-scout", { kind: "claude", maxEdge: 1568, maxTokens: 1568 }],
  ] as Array<[string, ImageScheme]>)("%s", (model, scheme) => {
    expect(imageSchemeFor(model)).toEqual(scheme);
  });
});

describe("imageTokens reads the size from the data", () => {
  const png = readFileSync(join(import.meta.dir, "..", "fixtures", "images", "rgb.png")).toString("base64"); // 37x23

  test("a small PNG: one tile, one Gemini image, 2 x 1 Claude patches", () => {
    expect(imageTokens(png, imageSchemeFor("gpt-4o"))).toBe(85 + 170);
    expect(imageTokens(png, imageSchemeFor("gemini-2.0-flash"))).toBe(258);
    expect(imageTokens(png, imageSchemeFor("claude-haiku-4-5"))).toBe(2);
  });

  test("an unreadable header is counted as a 1024x1024 image", () => {
    expect(imageTokens("bm90IGFuIGltYWdl", imageSchemeFor("gpt-4o"))).toBe(765);
    expect(imageTokens("", imageSchemeFor("claude-haiku-4-5"))).toBe(37 * 37);
  });
});

describe("count_tokens with an image", () => {
  const png = readFileSync(join(import.meta.dir, "..", "fixtures", "images", "rgb.png")).toString("base64"); // 37x23
  const params = (model: string, withImage: boolean): ChatParams => ({
    model,
    messages: [
      {
        role: "user",
        content: [{ type: "text", text: "What colour is this?" }, ...(withImage ? [{ type: "image" as const, media_type: "image/png", data: png }] : [])],
      },
    ],
  });

  test.each([
    ["gpt-4o", "o200k_base", 85 + 170], // one 512-px tile
    ["claude-haiku-4-5", undefined, 2], // ⌈37/28⌉ x ⌈23/28⌉ patches
    ["gemini-2.5-flash", undefined, 258], // within 384 px
  ] as const)("%s: the image adds its rule's count and the answer is not exact", async (model, encoding, added) => {
    const without = await countLocally(params(model, false), { encoding });
    const withImage = await countLocally(params(model, true), { encoding });
    expect(withImage.input_tokens - without.input_tokens).toBe(added);
    expect(withImage.exact).toBe(false);
  });
});

/** Gemini usageMetadata → wire usage; figures from recordings named per case. */
import { expect, test } from "bun:test";
import { mapGeminiUsage } from "../../../src/formats/gemini/usage.ts";
import type { Usage } from "../../../src/protocol/chunks.ts";

const CASES: [string, Record<string, unknown>, Partial<Usage> | undefined][] = [
  ["intermediate chunk: only trafficType", { trafficType: "ON_DEMAND" }, undefined],
  [
    "thoughts outside candidates (fantasy gemini-2.5-pro: 9 + 73 + 778 = 860)",
    { promptTokenCount: 9, candidatesTokenCount: 73, totalTokenCount: 860, thoughtsTokenCount: 778 },
    { input_tokens: 9, output_tokens: 851, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 778 },
  ],
  [
    "cached content is part of the prompt",
    { promptTokenCount: 12000, cachedContentTokenCount: 8000, candidatesTokenCount: 50, totalTokenCount: 12050 },
    { input_tokens: 12000, output_tokens: 50, cache_read_tokens: 8000, cache_write_tokens: 0, reasoning_tokens: 0 },
  ],
  [
    "tool-use prompt outside the prompt (vercel-ai google-tool-use-usage: 55 + 51 + 89 + 56 = 251)",
    { promptTokenCount: 55, candidatesTokenCount: 51, totalTokenCount: 251, toolUsePromptTokenCount: 89, thoughtsTokenCount: 56 },
    { input_tokens: 144, output_tokens: 107, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 56 },
  ],
  [
    "blocked prompt: no candidates figure at all (vercel-ai issue-19758)",
    { promptTokenCount: 9, totalTokenCount: 9 },
    { input_tokens: 9, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 },
  ],
];

test.each(CASES)("%s", (_name, metadata, expected) => {
  expect(mapGeminiUsage(metadata)).toEqual(expected);
});

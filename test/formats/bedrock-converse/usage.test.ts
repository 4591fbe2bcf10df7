/**
 * Converse usage → wire usage. The recorded figures are pydantic-ai's
 * test_bedrock_cache_write_and_read (non-streaming Converse, same TokenUsage
 * object as the stream's metadata event): a cache write, then a cache read.
 */
import { describe, expect, test } from "bun:test";
import { mapConverseUsage } from "../../../src/formats/bedrock-converse/usage.ts";
import { fixtureJson } from "./replay.ts";

const recordedUsage = (interaction: number): Record<string, unknown> =>
  fixtureJson(`pydantic-ai/test_bedrock_cache_write_and_read.yaml.interaction${interaction}.response.json`)["usage"] as Record<string, unknown>;

describe("recorded", () => {
  test("cache write: input 2 + write 1322 = 1324, output 5 (recorded totalTokens 1329 = 1324 + 5)", () => {
    const usage = recordedUsage(0);
    expect(mapConverseUsage(usage)).toEqual({ input_tokens: 1324, cache_read_tokens: 0, cache_write_tokens: 1322, output_tokens: 5 });
    expect(usage["totalTokens"]).toBe(1324 + 5);
  });

  test("cache read: input 2 + read 1322 = 1324, output 5", () => {
    expect(mapConverseUsage(recordedUsage(1))).toEqual({ input_tokens: 1324, cache_read_tokens: 1322, cache_write_tokens: 0, output_tokens: 5 });
  });
});

const CASES: { name: string; usage: Record<string, unknown>; expected: Record<string, number> }[] = [
  {
    name: "no cache figures count as 0",
    usage: { inputTokens: 13, outputTokens: 82, totalTokens: 95 },
    expected: { input_tokens: 13, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 82 },
  },
  {
    name: "both cache figures",
    usage: { inputTokens: 10, cacheReadInputTokens: 100, cacheWriteInputTokens: 1000, outputTokens: 1 },
    expected: { input_tokens: 1110, cache_read_tokens: 100, cache_write_tokens: 1000, output_tokens: 1 },
  },
  { name: "output only: input figures unknown, not 0", usage: { outputTokens: 7 }, expected: { output_tokens: 7 } },
  { name: "input only", usage: { inputTokens: 3 }, expected: { input_tokens: 3, cache_read_tokens: 0, cache_write_tokens: 0 } },
  { name: "non-numbers are ignored", usage: { inputTokens: "3", outputTokens: null }, expected: {} },
  { name: "empty", usage: {}, expected: {} },
];

describe("shapes", () => {
  test.each(CASES)("$name", ({ usage, expected }) => {
    expect(mapConverseUsage(usage)).toEqual(expected);
  });
});

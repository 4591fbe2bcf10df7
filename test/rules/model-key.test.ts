/**
 * The model key: one spelling per model, whatever the provider's. The
 * spellings are recorded or documented: dated answers
 * (recordings/openai/chat-text.ndjson, recordings/anthropic/count-tokens.ndjson),
 * Vertex's `@` versions (recordings/vertex/claude-text.ndjson), Copilot's dotted
 * Claude ids (recordings/copilot/models.ndjson) and Bedrock's profile and
 * version affixes (docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html).
 */
import { describe, expect, test } from "bun:test";
import { globRegex, inVersionRange, modelKey, modelVersion } from "../../src/rules/model-key.ts";

describe("modelKey", () => {
  test.each([
    ["claude-opus-4-7", "claude-opus-4-7"],
    ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
    ["claude-opus-4-5@20251101", "claude-opus-4-5"],
    ["claude-opus-4.8", "claude-opus-4-8"],
    ["claude-sonnet-4.5", "claude-sonnet-4-5"],
    ["us.anthropic.claude-opus-4-7-v1:0", "claude-opus-4-7"],
    ["global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"],
    ["anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet"],
    ["arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-6", "claude-sonnet-4-6"],
    ["us.amazon.nova-2-lite-v1:0", "amazon.nova-2-lite"],
    ["us.meta.llama4-maverick-17b-instruct-v1:0", "meta.llama4-maverick-17b-instruct"],
    ["arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6", "a1b2c3d4e5f6"],
    ["US.Anthropic.Claude-Sonnet-4-6", "claude-sonnet-4-6"],
    ["gpt-5.1", "gpt-5.1"],
    ["gpt-5-2025-08-07", "gpt-5"],
    ["gpt-4o-2024-11-20", "gpt-4o"],
    ["GPT-5.4-MINI", "gpt-5.4-mini"],
    ["ft:gpt-4o-mini-2024-07-18:acme::9xYz", "gpt-4o-mini"],
    ["gemini-2.5-flash", "gemini-2.5-flash"],
  ])("%s → %s", (id, key) => {
    expect(modelKey(id)).toBe(key);
  });
});

describe("modelVersion", () => {
  test.each([
    ["claude-opus-4-7", [4, 7]],
    ["claude-sonnet-5", [5, 0]],
    ["claude-fable-5-1", [5, 1]],
    ["claude-3-7-sonnet", [3, 7]],
    ["claude-3-5-haiku", [3, 5]],
    ["gpt-5.1-codex-max", [5, 1]],
    ["gpt-5-mini", [5, 0]],
    ["gemini-2.5-pro", [2, 5]],
    ["gemini-3-pro-preview", [3, 0]],
    ["gemini-3.1-flash-lite", [3, 1]],
    ["gpt-4o", undefined],
    ["o3", undefined],
  ] as const)("%s → %j", (key, version) => {
    expect(modelVersion(key)).toEqual(version as [number, number] | undefined);
  });
});

describe("version ranges and globs", () => {
  test.each([
    [[4, 6], ">=4.6", true],
    [[4, 5], ">=4.6", false],
    [[5, 0], ">=4.6 <5.5", true],
    [[5, 5], ">=4.6 <5.5", false],
    [[3, 7], "=3.7", true],
    [[3, 0], ">3", false],
  ] as const)("%j in %s → %s", (version, range, expected) => {
    expect(inVersionRange(version as [number, number], range)).toBe(expected);
  });

  test("a model without a version is in no range", () => {
    expect(inVersionRange(undefined, ">=0")).toBe(false);
  });

  test("a malformed range is an error", () => {
    expect(() => inVersionRange([1, 0], "4.6+")).toThrow(/not like >=4.6/);
  });

  test("globs: * is any run, dots are literal", () => {
    expect(globRegex("gpt-5.*").test("gpt-5.1")).toBe(true);
    expect(globRegex("gpt-5.*").test("gpt-5-1")).toBe(false);
    expect(globRegex("claude-*").test("claude-opus-4-7")).toBe(true);
    expect(globRegex("gpt-5").test("gpt-5-mini")).toBe(false);
  });
});

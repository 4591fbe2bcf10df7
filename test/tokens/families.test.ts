import { describe, expect, test } from "bun:test";
import { familyOf } from "../../src/tokens/families.ts";

// Ids as hosts spell them (the recorded pairs in test/fixtures/tokens/pairs/ and the catalog), written out by hand.
const CASES: Array<[string, ReturnType<typeof familyOf>]> = [
  ["gpt-4o", "openai"],
  ["gpt-5.4-nano", "openai"],
  ["openai/gpt-5-mini", "openai"],
  ["o3-mini", "openai"],
  ["ft:gpt-4o-mini:org::abc", "openai"],
  ["gpt-oss-120b", "gpt-oss"],
  ["openai/gpt-oss-20b", "gpt-oss"],
  ["openai.gpt-oss-120b-1:0", "gpt-oss"],
  ["claude-sonnet-4-5", "claude"],
  ["claude-3-7-sonnet@20250219", "claude"],
  ["us.anthropic.claude-sonnet-4-20250514-v1:0", "claude"],
  ["anthropic/claude-3.7-sonnet:thinking", "claude"],
  ["claude-opus-4-6", "claude"],
  ["claude-haiku-4-5", "claude-haiku-4.5"],
  ["anthropic/claude-haiku-4.5", "claude-haiku-4.5"],
  ["us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4.5"],
  ["claude-opus-5", "claude-5"],
  ["claude-sonnet-5-5", "claude-5"],
  ["gemini-2.0-flash", "gemini"],
  ["gemini-1.5-flash", "gemini"],
  ["gemini-2.5-flash-lite", "gemini-2.5"],
  ["google/gemini-2.5-flash", "gemini-2.5"],
  ["gemini-3-pro-preview", "gemini-3"],
  ["google/gemini-3.1-flash-lite-preview", "gemini-3"],
  ["us.amazon.nova-micro-v1:0", "nova"],
  ["us.meta.llama4-maverick-17b-instruct-v1:0", "llama"],
  ["meta-llama/llama-4-scout-17b-16e-instruct", "llama"],
  ["deepseek-r1-distill-llama-70b", "deepseek"],
  ["deepseek-ai/DeepSeek-R1", "deepseek"],
  ["grok-code-fast-1", "grok"],
  ["x-ai/grok-4.1-fast", "grok"],
  ["glm-4.7-flash", "glm"],
  ["z-ai/glm-5-turbo", "glm"],
  ["magistral-medium-latest", "mistral"],
  ["us.mistral.pixtral-large-2502-v1:0", "mistral"],
  ["qwen/qwen3-32b", "qwen"],
  ["qwen-3-coder-480b", "qwen"],
  ["moonshotai/Kimi-K2-Instruct-0905:groq", "kimi"],
  ["moonshot.kimi-k2-thinking", "kimi"],
  ["compound-beta", "other"],
  ["some-local-model", "other"],
];

describe("familyOf", () => {
  test.each(CASES)("%s is %s", (model, family) => {
    expect(familyOf(model)).toBe(family);
  });

  test("case and surrounding space do not matter", () => {
    expect(familyOf("  Claude-Sonnet-4-5 ")).toBe("claude");
  });
});

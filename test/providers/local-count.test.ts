import { describe, expect, test } from "bun:test";
import { createHarness, terminalOf } from "../support/in-process.ts";

/**
 * count_tokens answered locally (no key, no network): every provider hands
 * the request to the family estimate with its own id, so what the family
 * bills beyond the text shows up. The request: a short system prompt, one
 * user line and one small tool, as fantasy's TestAnthropicCommon
 * claude-sonnet-4 tool.yaml, which Anthropic billed 394 input tokens
 * (test/fixtures/tokens/pairs/anthropic.json), Vertex 394 for Claude 3.7.
 */
const messages = [
  { role: "system", content: "You are a helpful assistant" },
  { role: "user", content: "What's the weather in Florence,Italy?" },
];
const tools = [
  {
    name: "weather",
    description: "Get weather information for a location",
    parameters: { type: "object", properties: { location: { type: "string", description: "the city" } }, required: ["location"] },
  },
];
const offline = (() => Promise.reject(new Error("no network"))) as unknown as typeof fetch;

async function count(provider: string, model: string, withTools: boolean): Promise<{ input_tokens: number; exact: boolean; method: string }> {
  const harness = createHarness({ fetch: offline });
  const params = withTools ? { model, messages, tools } : { model, messages };
  return terminalOf(await harness.run({ id: 1, action: "count_tokens", provider, params })).data as { input_tokens: number; exact: boolean; method: string };
}

describe("local count_tokens goes through the family estimate", () => {
  test.each([
    ["anthropic", "claude-sonnet-4-20250514"],
    ["vertex", "claude-3-7-sonnet@20250219"],
    ["bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0"],
  ])("%s %s: Claude's tool-use system prompt is counted (billed 394)", async (provider, model) => {
    const withTool = await count(provider, model, true);
    const without = await count(provider, model, false);
    expect(withTool).toMatchObject({ exact: false, method: "estimate" });
    expect(withTool.input_tokens).toBeGreaterThan(394 * 0.75);
    expect(withTool.input_tokens).toBeLessThan(394 * 1.25);
    // Without the tool, about the text: 14 o200k tokens of message text.
    expect(without.input_tokens).toBeLessThan(40);
  });

  test("Gemini on Vertex, which bills this tool at a few tokens, stays near its text (billed 28; vertex-gemini-2-5-flash tool.yaml)", async () => {
    const answer = await count("vertex", "gemini-2.5-flash", true);
    expect(answer).toMatchObject({ exact: false, method: "estimate" });
    expect(answer.input_tokens).toBeGreaterThan(20);
    expect(answer.input_tokens).toBeLessThan(40);
  });
});

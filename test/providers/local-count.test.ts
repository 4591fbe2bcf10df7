import { describe, expect, test } from "bun:test";
import type { Message } from "../../src/protocol/chat.ts";
import { createHarness, terminalOf } from "../support/in-process.ts";

/**
 * count_tokens answered locally (no key, no network): every provider hands
 * the request to the family estimate with its own id, so what the family
 * bills beyond the text shows up. The request: a short system prompt, one
 * user line and one small tool, as fantasy's TestAnthropicCommon
 * claude-sonnet-4 tool.yaml, which Anthropic billed 394 input tokens
 * (test/fixtures/tokens/pairs/anthropic.json), Vertex 394 for Claude 3.7.
 */
const messages: Message[] = [
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

describe("OpenRouter counts OpenAI's models as Responses, gpt-oss as Chat", () => {
  test("gpt-oss with a tool gets the Chat framing its Chat hosts bill; an OpenAI model the Responses one", async () => {
    const { countLocally } = await import("../../src/tokens/local-count.ts");
    const asRoute = async (model: string, route: "chat" | "responses") =>
      (await countLocally({ model, messages, tools }, { provider: "openrouter", encoding: "o200k_base", route })).input_tokens;
    // Responses bills a reasoning model's tools about 83 tokens below Chat (chat-tokens.ts), so the two routes differ.
    expect(await asRoute("openai/gpt-oss-120b", "chat")).toBeGreaterThan((await asRoute("openai/gpt-oss-120b", "responses")) + 50);
    expect((await count("openrouter", "openai/gpt-oss-120b", true)).input_tokens).toBe(await asRoute("openai/gpt-oss-120b", "chat"));
    expect((await count("openrouter", "openai/gpt-5", true)).input_tokens).toBe(await asRoute("openai/gpt-5", "responses"));
  });
});

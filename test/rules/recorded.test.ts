/**
 * Requests shaped by the model rules, compared with requests real clients
 * sent to the same models and that the providers accepted (status 200).
 * The recorded fields come from the cassettes in recordings/ where they are
 * there, else they are quoted below with their source (public test-suite
 * cassettes, path and commit).
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { encodeAnthropicRequest } from "../../src/formats/anthropic-messages/request.ts";
import { encodeGeminiRequest } from "../../src/formats/gemini/request.ts";
import { encodeOpenAIResponsesRequest } from "../../src/formats/openai-responses/request.ts";
import type { ChatParams } from "../../src/protocol/chat.ts";
import { shapeChat } from "../../src/rules/shape.ts";
import { loadCassette } from "../support/cassette.ts";

const RECORDINGS = join(import.meta.dir, "..", "..", "recordings");
type Json = Record<string, any>;

async function recordedRequest(path: string, index = 0): Promise<Json> {
  const cassette = await loadCassette(join(RECORDINGS, path));
  return cassette.interactions[index]!.request.body as Json;
}

const ASK = [{ role: "user" as const, content: "What's the weather in Florence, Italy?" }];
const WEATHER = {
  name: "weather",
  description: "Get weather information for a location",
  parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
};

describe("shaped requests against recorded ones the providers accepted", () => {
  test("Gemini 3 Pro, effort high: thinkingConfig as Google's SDK sent it (recordings/vertex/gemini-3-pro-thinking-tool, fantasy)", async () => {
    const recorded = await recordedRequest("vertex/gemini-3-pro-thinking-tool.ndjson");
    const params: ChatParams = { model: "gemini-3-pro-preview", messages: ASK, tools: [WEATHER], reasoning: { effort: "high" } };
    const body = encodeGeminiRequest(shapeChat("vertex", "gemini", params).params);
    expect((body["generationConfig"] as Json)["thinkingConfig"]).toEqual(recorded.generationConfig.thinkingConfig);
  });

  test("gpt-5.2 without reasoning: no reasoning field, encrypted reasoning included (recordings/openai/responses-gpt-5.2-effort-none, pydantic-ai)", async () => {
    const recorded = await recordedRequest("openai/responses-gpt-5.2-effort-none.ndjson");
    const shaped = shapeChat("openai", "openai-responses", { model: "gpt-5.2", messages: [{ role: "user", content: "Hi" }] });
    const body = encodeOpenAIResponsesRequest(shaped.params, { reasoningModel: shaped.rules.thinking === "effort" });
    expect("reasoning" in recorded).toBe(false);
    expect("reasoning" in body).toBe(false);
    expect(body["include"]).toEqual(recorded.include);
    expect(shaped.adjustments).toEqual([]);
  });

  test("Claude Opus 4.6, adaptive thinking with a forced tool: both kept (recordings/anthropic/count-tokens-adaptive, pydantic-ai, interaction 1)", async () => {
    const recorded = await recordedRequest("anthropic/count-tokens-adaptive.ndjson", 1);
    expect(recorded.thinking).toEqual({ type: "adaptive" });
    expect(recorded.tool_choice).toEqual({ type: "any" });
    const params: ChatParams = { model: "claude-opus-4-6", messages: ASK, tools: [WEATHER], tool_choice: "required", reasoning: { effort: "high" }, max_tokens: 4096 };
    const shaped = shapeChat("anthropic", "anthropic-messages", params);
    const body = encodeAnthropicRequest(shaped.params);
    expect(body["thinking"]).toEqual(recorded.thinking);
    expect(body["tool_choice"]).toEqual(recorded.tool_choice);
    // pydantic-ai tests/models/cassettes/test_anthropic/test_anthropic_opus_46_adaptive_thinking_accepts_tool_output[unified].yaml
    // (shared corpus, pydantic-ai 4fda38988) sent the same with output_config {effort: "high"} and got 200.
    expect(body["output_config"]).toEqual({ effort: "high" });
    expect(shaped.adjustments).toEqual([]);
  });

  test("Claude Opus 5, effort xhigh: adaptive, display summarized, output_config.effort xhigh", () => {
    // pydantic-ai tests/models/cassettes/test_anthropic/test_anthropic_opus_5_features.yaml @ 362f4967: thinking
    // {type: adaptive, display: summarized}, output_config {effort: xhigh}, max_tokens 4096 → 200 with thinking text.
    const recorded = { thinking: { type: "adaptive", display: "summarized" }, output_config: { effort: "xhigh" }, max_tokens: 4096 };
    const params: ChatParams = { model: "claude-opus-5", messages: [{ role: "user", content: "What is 2+2?" }], reasoning: { effort: "xhigh" }, max_tokens: 4096 };
    const body = encodeAnthropicRequest(shapeChat("anthropic", "anthropic-messages", params).params);
    expect({ thinking: body["thinking"], output_config: body["output_config"], max_tokens: body["max_tokens"] }).toEqual(recorded);
  });

  test("Claude Sonnet 4.6 with a budget: sent as enabled, not adaptive (recordings/anthropic/server-tool, pydantic-ai)", async () => {
    const recorded = await recordedRequest("anthropic/server-tool.ndjson");
    const params: ChatParams = { model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Hi" }], reasoning: { budget_tokens: 3000 }, max_tokens: 4096 };
    const body = encodeAnthropicRequest(shapeChat("anthropic", "anthropic-messages", params).params);
    expect(body["thinking"]).toEqual(recorded.thinking);
    expect(body["max_tokens"]).toBe(recorded.max_tokens);
  });
});

/**
 * The model rules through the whole stream_chat path (in-process server,
 * loopback replays of recorded traffic): tool names mapped for the provider
 * and back for the editor, adjustments on the done line, and requests the
 * rules refuse ending before anything is sent.
 */
import { describe, expect, test } from "bun:test";
import { createHarness } from "../support/in-process.ts";
import { closedPortUrl, editBody, readStream, recording, sentBody, stepText, chunkStep, streamChat, withReplay, type Json } from "../providers/replay.ts";

const KEY = "sk-proj-replay.test.key.not.a.canary";
const EDITOR_NAME = "weather.lookup";
// OpenAI function names: "a-z, A-Z, 0-9, or contain underscores and dashes" (openai-node FunctionDefinition.name).
const PROVIDER_NAME = "weather_lookup";

describe("tool names the provider rejects", () => {
  test("a dotted MCP-style name is sent safe, and the streamed call comes back under the editor's name", async () => {
    // recordings/openai/chat-tool-call turn 0 (fantasy, gpt-5), with the recorded tool name as OpenAI would
    // answer the renamed tool: "weather" → "weather_lookup" in the body steps, nothing else touched.
    const cassette = editBody(await recording("openai", "chat-tool-call"), 0, (steps) =>
      steps.map((step) => ("chunk" in step ? chunkStep(stepText(step).replaceAll('"name":"weather"', `"name":"${PROVIDER_NAME}"`)) : step)),
    );
    const harness = createHarness({ env: { OPENAI_API_KEY: KEY } });
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "t1", "openai", {
        model: "gpt-5",
        api: "chat",
        base_url: `${server.url}/v1`,
        messages: [{ role: "user", content: "What's the weather in Florence, Italy?" }],
        tools: [{ name: EDITOR_NAME, description: "Get weather information", parameters: { type: "object", properties: { location: { type: "string" } } } }],
        tool_choice: { name: EDITOR_NAME },
      });
      const sent = sentBody(server);
      expect(sent.tools[0].function.name).toBe(PROVIDER_NAME);
      expect(sent.tool_choice).toEqual({ type: "function", function: { name: PROVIDER_NAME } });
      expect(result.toolCalls.map((call) => call.name)).toEqual([EDITOR_NAME]);
      expect(result.deltas.filter((delta) => delta.name !== undefined).map((delta) => delta.name)).toEqual([EDITOR_NAME]);
      expect(result.done?.adjustments).toContainEqual(expect.objectContaining({ param: "tools[0].name", action: "changed", from: EDITOR_NAME, to: PROVIDER_NAME }));
    });
  });

  test("the editor's names in the history are sent under the same safe names", async () => {
    const cassette = await recording("openai", "chat-tool-call");
    const turn1 = { ...cassette, interactions: [cassette.interactions[1]!] };
    const harness = createHarness({ env: { OPENAI_API_KEY: KEY } });
    await withReplay(turn1, async (server) => {
      await streamChat(harness, "t2", "openai", {
        model: "gpt-5",
        api: "chat",
        base_url: `${server.url}/v1`,
        messages: [
          { role: "user", content: "What's the weather in Florence, Italy?" },
          { role: "assistant", content: [{ type: "tool_call", id: "call_1", name: EDITOR_NAME, arguments: '{"location":"Florence"}' }] },
          { role: "tool", content: [{ type: "tool_result", tool_call_id: "call_1", content: "40 C" }] },
        ],
        tools: [{ name: EDITOR_NAME, parameters: { type: "object" } }],
      });
      const sent = sentBody(server);
      expect(sent.tools[0].function.name).toBe(PROVIDER_NAME);
      expect(sent.messages[1].tool_calls[0].function.name).toBe(PROVIDER_NAME);
    });
  });
});

describe("adjustments reach the editor", () => {
  test("Claude Opus 4.7 with temperature: dropped, and the done line says so", async () => {
    const harness = createHarness({ env: { ANTHROPIC_API_KEY: KEY } });
    await withReplay(await recording("anthropic", "text"), async (server) => {
      const result = await streamChat(harness, "a1", "anthropic", {
        model: "claude-opus-4-7",
        base_url: server.url,
        messages: [{ role: "user", content: "Hi" }],
        temperature: 0.4,
        reasoning: { effort: "high" },
      });
      const sent = sentBody(server);
      // Opus 4.7: "thinking.type.enabled" → 400 (anomalyco/opencode#22863); sampling params → 400 (Sonnet 5 migration guide, from Opus 4.7 on).
      expect(sent.thinking).toEqual({ type: "adaptive", display: "summarized" });
      expect(sent.output_config).toEqual({ effort: "high" });
      expect("temperature" in sent).toBe(false);
      expect(result.done?.adjustments).toEqual([{ param: "temperature", action: "dropped", from: 0.4, reason: expect.stringContaining('rule "claude-4.7-no-sampling"') }]);
    });
  });
});

describe("requests the rules or the validator refuse: a clear error naming the field, nothing sent", () => {
  const cases: Array<{ name: string; params: Json; code: string; field: string }> = [
    {
      name: "a prefill to Claude Opus 4.6 (400 on Claude 4.6+, Anthropic migration guide)",
      params: {
        model: "claude-opus-4-6",
        messages: [
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Sure" },
        ],
      },
      code: "INVALID_PARAMS",
      field: "params.messages[1]",
    },
    {
      name: "an unknown effort",
      params: { model: "claude-opus-4-7", messages: [{ role: "user", content: "Hi" }], reasoning: { effort: "extreme" } },
      code: "INVALID_REQUEST",
      field: "params.reasoning.effort",
    },
    {
      name: "a budget with an effort",
      params: { model: "claude-opus-4-7", messages: [{ role: "user", content: "Hi" }], reasoning: { effort: "low", budget_tokens: 2000 } },
      code: "INVALID_REQUEST",
      field: "params.reasoning",
    },
    {
      name: "a BMP image, which no provider takes (wire: png, jpeg, gif, webp)",
      params: { model: "claude-opus-4-7", messages: [{ role: "user", content: [{ type: "image", media_type: "image/bmp", data: "Qk0=" }] }] },
      code: "INVALID_REQUEST",
      field: "params.messages[0].content[0].media_type",
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const harness = createHarness({ env: { ANTHROPIC_API_KEY: KEY } });
      const base_url = await closedPortUrl();
      const invalid = c.code === "INVALID_REQUEST";
      const lines = await harness.run({ id: "r", action: "stream_chat", provider: "anthropic", params: { ...c.params, base_url } }, { invalid });
      const result = readStream(lines, "r");
      expect(result.error).toMatchObject({ code: c.code, field: c.field, retryable: false, partial: false });
      expect(result.error?.message).toContain(c.field);
      // Nothing reached the network: a request to the closed port would have been a NETWORK_ERROR, retried.
      expect(result.retries).toEqual([]);
    });
  }
});

/**
 * The Chat Completions dialect's options for OpenAI-compatible servers
 * (src/providers/compatible/flags.ts): request fields (max-tokens field name,
 * the usage option, the reasoning parameter) and the stream's quirks (where
 * reasoning arrives, content parts, tool calls told apart by id, calls
 * without ids). Hand-written events show each rule; the recorded streams
 * under recordings/<preset>/ run through the mapper with the flags their
 * preset gives, expectations read off the recordings by hand.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { SseEvent } from "../../../src/decode/sse-event.ts";
import { createOpenAIChatFormat } from "../../../src/formats/openai-chat/index.ts";
import { encodeOpenAIChatRequest } from "../../../src/formats/openai-chat/request.ts";
import { createOpenAIChatMapper, type OpenAIChatStreamOptions } from "../../../src/formats/openai-chat/stream.ts";
import type { ChatParams } from "../../../src/protocol/chat.ts";
import { bodyText, loadCassette } from "../../support/cassette.ts";
import { decodeSse, runMapper, summarize } from "./recordings.ts";

const RECORDINGS = join(import.meta.dir, "..", "..", "..", "recordings");
const base: ChatParams = { model: "m", messages: [{ role: "user", content: "Hi" }], max_tokens: 50 };

function data(payload: unknown): SseEvent {
  return { event: "message", data: typeof payload === "string" ? payload : JSON.stringify(payload) };
}

function chunk(delta: Record<string, unknown>, extra: Record<string, unknown> = {}): SseEvent {
  return data({ id: "resp-1", model: "m", choices: [{ index: 0, delta, finish_reason: null, ...extra }] });
}

const run = (options: OpenAIChatStreamOptions, events: SseEvent[]) => summarize(runMapper(createOpenAIChatMapper(options), events));

describe("openai-chat request: compatibility options", () => {
  test.each([
    [{}, { max_completion_tokens: 50, stream_options: { include_usage: true } }, ["max_tokens"]],
    [{ maxTokensField: "max_tokens" as const }, { max_tokens: 50 }, ["max_completion_tokens"]],
    [{ streamUsage: false }, { stream: true }, ["stream_options"]],
  ])("%j", (options, present, absent) => {
    const body = encodeOpenAIChatRequest(base, options);
    expect(body).toMatchObject(present);
    for (const key of absent) expect(body).not.toHaveProperty(key);
  });

  test("a reasoning effort as reasoning_effort, or as OpenRouter's reasoning object", () => {
    const params = { ...base, thinking: { type: "effort" as const, effort: "high" as const } };
    expect(encodeOpenAIChatRequest(params)).toMatchObject({ reasoning_effort: "high" });
    const body = encodeOpenAIChatRequest(params, { reasoningParam: "reasoning" });
    expect(body["reasoning"]).toEqual({ effort: "high" });
    expect(body).not.toHaveProperty("reasoning_effort");
  });

  test("the format passes its options to both the encoder and the mapper", () => {
    const format = createOpenAIChatFormat({ systemRole: "developer", maxTokensField: "max_tokens", reasoningFields: ["reasoning_details"] });
    expect(format.encodeRequest({ ...base, messages: [{ role: "system", content: "S" }] })).toMatchObject({ messages: [{ role: "developer" }], max_tokens: 50 });
    const out: never[] = [];
    format.createMapper().map(chunk({ reasoning_details: [{ type: "reasoning.summary", summary: "sum" }] }), out);
    expect(out).toContainEqual({ type: "reasoning", content: "sum" } as never);
  });
});

describe("openai-chat stream: where reasoning arrives", () => {
  const details = [
    { type: "reasoning.text", text: "plan", signature: null, format: "anthropic-claude-v1", index: 0 },
    { type: "reasoning.encrypted", data: "opaque", index: 1 },
  ];

  test("reasoning_details first: its text entries, not the plain copy beside them", () => {
    const got = run({ reasoningFields: ["reasoning_details"] }, [chunk({ reasoning: "PLAIN", reasoning_details: details })]);
    expect(got.reasoning).toBe("plan");
  });

  test("reasoning_details with only encrypted entries leaves the text to the next field", () => {
    const got = run({ reasoningFields: ["reasoning_details"] }, [
      chunk({ reasoning_details: [{ type: "reasoning.encrypted", data: "x" }] }),
      chunk({ reasoning_details: [{ type: "reasoning.encrypted", data: "y" }], reasoning: "said" }),
    ]);
    expect(got.reasoning).toBe("said");
  });

  test("a preferred field wins over the usual order, the others are still read", () => {
    expect(run({ reasoningFields: ["reasoning"] }, [chunk({ reasoning_content: "A", reasoning: "B" })]).reasoning).toBe("B");
    expect(run({ reasoningFields: ["reasoning"] }, [chunk({ reasoning_content: "A" })]).reasoning).toBe("A");
    expect(run({}, [chunk({ reasoning_details: details })]).reasoning).toBe("");
  });

  test("content as parts: thinking parts are reasoning, text parts content", () => {
    const got = run({}, [
      chunk({
        content: [
          {
            type: "thinking",
            thinking: [
              { type: "text", text: "Okay" },
              { type: "text", text: ", so" },
            ],
          },
        ],
      }),
      chunk({
        content: [
          { type: "thinking", thinking: "string form" },
          { type: "text", text: "Answer" },
          { type: "image_url", image_url: {} },
        ],
      }),
      chunk({ content: " done" }),
    ]);
    expect(got.reasoning).toBe("Okay, sostring form");
    expect(got.content).toBe("Answer done");
  });
});

describe("openai-chat stream: tool calls told apart by id", () => {
  const call = (fields: Record<string, unknown>, fn: Record<string, unknown>) => chunk({ tool_calls: [{ ...fields, type: "function", function: fn }] });

  test("Ollama: two calls both at index 0 are two calls by id, not one merged call", () => {
    const events = [
      call({ index: 0, id: "a" }, { name: "w", arguments: '{"f":1}' }),
      call({ index: 0, id: "b" }, { name: "w", arguments: '{"f":2}' }),
      chunk({}, { finish_reason: "tool_calls" }),
    ];
    expect(run({ toolCallIndex: "by_id" }, events).toolCalls).toEqual([
      { id: "a", name: "w", arguments: '{"f":1}' },
      { id: "b", name: "w", arguments: '{"f":2}' },
    ]);
    // By index alone, as the spec reads, they merge: the reason for the flag.
    expect(run({}, events).toolCalls).toEqual([{ id: "a", name: "w", arguments: '{"f":1}{"f":2}' }]);
  });

  test("by id, spec-abiding fragments still assemble: id on the first, index on the rest", () => {
    const got = run({ toolCallIndex: "by_id" }, [
      call({ index: 0, id: "a" }, { name: "w", arguments: "" }),
      call({ index: 1, id: "b" }, { name: "v", arguments: "" }),
      call({ index: 0 }, { arguments: '{"x"' }),
      call({ index: 1 }, { arguments: "{}" }),
      call({ index: 0 }, { arguments: ":1}" }),
      call({ index: 0, id: "a" }, { arguments: "" }),
      chunk({}, { finish_reason: "tool_calls" }),
    ]);
    expect(got.toolCalls).toEqual([
      { id: "a", name: "w", arguments: '{"x":1}' },
      { id: "b", name: "v", arguments: "{}" },
    ]);
  });

  test("Gemini: no index and an empty id; a fragment naming a function starts a call, one without continues it", () => {
    const got = run({ toolCallIndex: "by_id" }, [
      call({ id: "" }, { name: "t", arguments: '{"city":' }),
      call({}, { arguments: '"Tokyo"}' }),
      call({ id: "" }, { name: "t", arguments: '{"city":"Lisbon"}' }),
      chunk({}, { finish_reason: "tool_calls" }),
    ]);
    expect(got.toolCalls).toEqual([
      { id: "call_resp-1_0", name: "t", arguments: '{"city":"Tokyo"}' },
      { id: "call_resp-1_1", name: "t", arguments: '{"city":"Lisbon"}' },
    ]);
  });

  test("a call without an id gets one made from the response id (the wire requires one)", () => {
    const got = run({}, [call({ index: 0 }, { name: "t", arguments: "{}" }), chunk({}, { finish_reason: "tool_calls" })]);
    expect(got.toolCalls).toEqual([{ id: "call_resp-1_0", name: "t", arguments: "{}" }]);
  });
});

describe("openai-chat stream: recorded compatible streams with their preset's flags", () => {
  /** The text a recorded Chat stream spells, read by hand: `content` strings and the `field` strings of every delta. */
  async function recorded(file: string, field: string, i = 0) {
    const cassette = await loadCassette(join(RECORDINGS, file));
    const text = bodyText(cassette.interactions[i]!);
    let content = "";
    let reasoning = "";
    for (const line of text.split("\n")) {
      if (!line.startsWith("data: {")) continue;
      const delta = (JSON.parse(line.slice(6)) as { choices?: { delta?: Record<string, unknown> }[] }).choices?.[0]?.delta ?? {};
      if (typeof delta["content"] === "string") content += delta["content"];
      if (Array.isArray(delta["content"])) {
        for (const p of delta["content"] as Record<string, any>[]) {
          if (p.type === "text") content += p.text;
          if (p.type === "thinking") reasoning += (p.thinking as { text: string }[]).map((t) => t.text).join("");
        }
      }
      if (typeof delta[field] === "string") reasoning += delta[field];
    }
    return { text, content, reasoning };
  }

  test.each([
    ["openrouter/reasoning-tool.ndjson", "reasoning", { reasoningFields: ["reasoning_details"] as const }],
    ["groq/reasoning-tool.ndjson", "reasoning", { reasoningFields: ["reasoning"] as const }],
    ["xai/tool-call.ndjson", "reasoning_content", {}],
    ["llamacpp/thinking-tool.ndjson", "reasoning_content", { toolCallIndex: "by_id" as const }],
    ["mistral/thinking-text.ndjson", "-", {}],
    ["cerebras/reasoning-text.ndjson", "reasoning", { reasoningFields: ["reasoning"] as const }],
  ])("%s", async (file, field, options) => {
    const want = await recorded(file, field);
    const got = run(options, decodeSse(want.text));
    expect(want.reasoning.length).toBeGreaterThan(0);
    expect(got.reasoning).toBe(want.reasoning);
    expect(got.content).toBe(want.content);
  });
});

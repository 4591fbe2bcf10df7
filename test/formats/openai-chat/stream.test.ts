/**
 * Chat Completions stream mapping over real recordings (OpenAI, Azure,
 * Copilot). Expected values were read off the recordings by hand: texts are
 * the concatenated `delta.content` strings, usage the recorded figures.
 */
import { describe, expect, test } from "bun:test";
import { createOpenAIChatMapper } from "../../../src/formats/openai-chat/stream.ts";
import type { SseEvent } from "../../../src/decode/sse-event.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import type { FinishReason, ToolCall, Usage } from "../../../src/protocol/chunks.ts";
import { argumentsFromDeltas, cassetteBody, decodeSse, fixtureText, framePayloadLines, restoreBlankLines, runMapper, summarize } from "./recordings.ts";

interface Scenario {
  name: string;
  load: () => Promise<string>;
  content: string;
  reasoning?: string;
  signatures?: number;
  toolCalls: ToolCall[];
  usage: Partial<Usage>;
  finish: FinishReason;
  raw: string;
  model: string;
  ends: number;
}

const FLORENCE = '{"location":"Florence, Italy"}';

const scenarios: Scenario[] = [
  {
    name: "OpenAI gpt-5 text (fantasy simple_streaming)",
    load: () => cassetteBody("openai/fantasy/TestOpenAICommon__openai-gpt-5__simple_streaming.yaml", 0),
    content: "Olá!",
    toolCalls: [],
    usage: { input_tokens: 19, output_tokens: 75, cache_read_tokens: 0, reasoning_tokens: 64 },
    finish: "stop",
    raw: "stop",
    model: "gpt-5-2025-08-07",
    ends: 1,
  },
  {
    name: "OpenAI gpt-5 tool call (fantasy tool_streaming #0)",
    load: () => cassetteBody("openai/fantasy/TestOpenAICommon__openai-gpt-5__tool_streaming.yaml", 0),
    content: "",
    toolCalls: [{ id: "call_eKRQDHJdZUhEXo1K1cobzFrl", name: "weather", arguments: FLORENCE }],
    usage: { input_tokens: 145, output_tokens: 89, cache_read_tokens: 0, reasoning_tokens: 64 },
    finish: "tool_calls",
    raw: "tool_calls",
    model: "gpt-5-2025-08-07",
    ends: 1,
  },
  {
    name: "OpenAI gpt-5 follow-up text (fantasy tool_streaming #1)",
    load: () => cassetteBody("openai/fantasy/TestOpenAICommon__openai-gpt-5__tool_streaming.yaml", 1),
    content: "It’s currently about 40°C (104°F) in Florence, Italy. Want a forecast or more details like wind and humidity?",
    toolCalls: [],
    usage: { input_tokens: 176, output_tokens: 228, cache_read_tokens: 0, reasoning_tokens: 192 },
    finish: "stop",
    raw: "stop",
    model: "gpt-5-2025-08-07",
    ends: 1,
  },
  {
    name: "OpenAI gpt-4o two parallel tool calls (codecompanion; no [DONE] recorded)",
    load: async () => restoreBlankLines(await fixtureText("openai/codecompanion/openai_tools_streaming.txt")),
    content: "",
    toolCalls: [
      { id: "call_RJU6xfk0OzQF3Gg9cOFS5RY7", name: "weather", arguments: '{"location": "London", "units": "celsius"}' },
      { id: "call_a9oyUMlFhnX8HvqzlfIx5Uek", name: "weather", arguments: '{"location": "Paris", "units": "celsius"}' },
    ],
    usage: { input_tokens: 479, output_tokens: 53, cache_read_tokens: 0, reasoning_tokens: 0 },
    finish: "tool_calls",
    raw: "tool_calls",
    model: "gpt-4o-2024-08-06",
    ends: 0,
  },
  {
    name: "Azure gpt-5-mini text: empty first chunk, content_filter_results, latency_checkpoint",
    load: () => cassetteBody("azure/fantasy/TestAzureCommon__azure-gpt-5-mini__simple_streaming.yaml", 0),
    content: "Oi!",
    toolCalls: [],
    usage: { input_tokens: 19, output_tokens: 76, cache_read_tokens: 0, reasoning_tokens: 64 },
    finish: "stop",
    raw: "stop",
    model: "gpt-5-mini-2025-08-07",
    ends: 1,
  },
  {
    name: "Azure gpt-5-mini tool call (fantasy tool_streaming #0)",
    load: () => cassetteBody("azure/fantasy/TestAzureCommon__azure-gpt-5-mini__tool_streaming.yaml", 0),
    content: "",
    toolCalls: [{ id: "call_tWA8BJziGlCyhQEXhEHn6eXK", name: "weather", arguments: FLORENCE }],
    usage: { input_tokens: 145, output_tokens: 154, cache_read_tokens: 0, reasoning_tokens: 128 },
    finish: "tool_calls",
    raw: "tool_calls",
    model: "gpt-5-mini-2025-08-07",
    ends: 1,
  },
  {
    name: "Azure gpt-5-mini follow-up text (fantasy tool_streaming #1)",
    load: () => cassetteBody("azure/fantasy/TestAzureCommon__azure-gpt-5-mini__tool_streaming.yaml", 1),
    content:
      "Right now in Florence it's about 40 °C (104 °F) — very hot. Stay hydrated, avoid prolonged sun exposure/midday outdoors, wear light clothing and sunscreen, and seek air conditioning or shade. Want an hourly forecast or the next few days?",
    toolCalls: [],
    usage: { input_tokens: 176, output_tokens: 192, cache_read_tokens: 0, reasoning_tokens: 128 },
    finish: "stop",
    raw: "stop",
    model: "gpt-5-mini-2025-08-07",
    ends: 1,
  },
  {
    name: "Azure model router (vercel chunks, framing + [DONE] rebuilt)",
    load: async () => framePayloadLines(await fixtureText("azure/vercel-ai/azure-model-router.1.chunks.txt"), true),
    content: "Capital of Denmark.",
    toolCalls: [],
    usage: { input_tokens: 15, output_tokens: 78, cache_read_tokens: 0, reasoning_tokens: 64 },
    finish: "stop",
    raw: "stop",
    model: "gpt-5-nano-2025-08-07",
    ends: 1,
  },
  {
    name: "Copilot claude-3.7-sonnet tool call, usage on the finish chunk",
    load: async () => restoreBlankLines(await fixtureText("copilot/codecompanion/copilot_tools_streaming.txt")),
    content:
      "I need to check the weather for both London and Paris, but I can only call the weather tool once for each location, and I need to specify temperature units.\n\nLet me check the weather for London first, and then for Paris:",
    toolCalls: [{ id: "tooluse_ZnSMh7lhSxWDIuVBKd_vLg", name: "weather", arguments: '{"location": "London, UK", "units": "celsius"}' }],
    usage: { input_tokens: 422, output_tokens: 48 },
    finish: "tool_calls",
    raw: "tool_calls",
    model: "claude-3.7-sonnet",
    ends: 1,
  },
  {
    name: "Copilot gemini-3-pro reasoning_text + reasoning_opaque, reasoning outside completion_tokens",
    load: async () => restoreBlankLines(await fixtureText("copilot/codecompanion/copilot_tools_streaming_reasoning.txt")),
    content: "I will search for the `quotes.lua` file to locate it within the repository.\n",
    reasoning:
      "**Discovering Update Scope**\n\nI'm currently trying to ascertain the extent of the requested update. I need to locate `quotes.lua` within the repository and understand its structure before implementing any modifications. The user's vague instructions necessitate a deeper dive into the file's content to determine the precise nature of the update.\n\n\n" +
      "**Commencing File Search**\n\nI've initiated the file search. My current focus is solely on locating `quotes.lua` within the repository. Once found, I'll analyze its structure and content. This initial step is critical to comprehend the file's current state and inform my subsequent actions.\n\n\n",
    signatures: 0, // reasoning_opaque rides as provider_data (test below)
    toolCalls: [{ id: "call_MHxoeW9qWnVicVd6R0FkMFZ3UWw", name: "file_search", arguments: '{"query":"**/quotes.lua"}' }],
    // Recorded prompt 6009, completion 31, reasoning_tokens 92, total 6132 = 6009 + 31 + 92:
    // reasoning sits outside completion_tokens, so output = 31 + 92.
    usage: { input_tokens: 6009, output_tokens: 123, cache_read_tokens: 0, reasoning_tokens: 92 },
    finish: "tool_calls",
    raw: "tool_calls",
    model: "gemini-3-pro-preview",
    ends: 0,
  },
];

describe("openai-chat stream: recorded scenarios", () => {
  for (const s of scenarios) {
    test(s.name, async () => {
      const events = runMapper(createOpenAIChatMapper(), decodeSse(await s.load()));
      const got = summarize(events);
      expect(got.content).toBe(s.content);
      expect(got.reasoning).toBe(s.reasoning ?? "");
      expect(got.signatures.length).toBe(s.signatures ?? 0);
      expect(got.toolCalls).toEqual(s.toolCalls);
      expect(argumentsFromDeltas(got)).toEqual(s.toolCalls.map((c) => c.arguments));
      expect(got.usage).toEqual(s.usage);
      expect(got.finishes.map((f) => [f.finish_reason, f.raw])).toEqual([[s.finish, s.raw]]);
      expect(got.finishes[0]?.details).toBeUndefined(); // no filter fired in any of these
      expect(got.models).toEqual([s.model]);
      expect(got.ends).toBe(s.ends);
    });
  }

  test("tool-call deltas: id and name on the first delta only, then the recorded fragments in order", async () => {
    const body = await cassetteBody("openai/fantasy/TestOpenAICommon__openai-gpt-5__tool_streaming.yaml", 0);
    const got = summarize(runMapper(createOpenAIChatMapper(), decodeSse(body)));
    expect(got.deltas).toEqual([
      { type: "tool_call_delta", index: 0, id: "call_eKRQDHJdZUhEXo1K1cobzFrl", name: "weather", arguments_delta: "" },
      ...['{"', "location", '":"', "Flor", "ence", ",", " Italy", '"}'].map((arguments_delta) => ({
        type: "tool_call_delta" as const,
        index: 0,
        arguments_delta,
      })),
    ]);
  });

  test("complete tool calls come after every delta and just before the finish", async () => {
    const text = restoreBlankLines(await fixtureText("openai/codecompanion/openai_tools_streaming.txt"));
    const types = runMapper(createOpenAIChatMapper(), decodeSse(text)).map((e) => e.type);
    const lastDelta = types.lastIndexOf("tool_call_delta");
    expect(types.slice(lastDelta + 1)).toEqual(["tool_call", "tool_call", "finish", "usage"]);
  });

  test("Copilot reasoning_opaque rides as provider_data on an empty reasoning chunk, never as a signature", async () => {
    const text = restoreBlankLines(await fixtureText("copilot/codecompanion/copilot_tools_streaming_reasoning.txt"));
    const events = runMapper(createOpenAIChatMapper(), decodeSse(text));
    const carried = events.flatMap((e) => (e.type === "reasoning" && e.provider_data !== undefined ? [e] : []));
    expect(carried).toHaveLength(1);
    const opaque = carried[0]!.provider_data!["reasoning_opaque"] as string;
    expect(opaque.startsWith("lgxMQq0m/J6cVjsaH8bb")).toBe(true);
    expect(opaque.endsWith("Zo5nHWF73f1wC9kzJLn64Vq2R8aZylmtZAegqa/4+bo89c67qV")).toBe(true);
    expect(summarize(events).signatures).toEqual([]);
  });
});

/** Hand-written events for behaviour the recordings do not show. */
function data(payload: unknown): SseEvent {
  return { event: "message", data: typeof payload === "string" ? payload : JSON.stringify(payload) };
}

function chunk(delta: Record<string, unknown>, extra: Record<string, unknown> = {}): SseEvent {
  return data({ id: "chatcmpl-x", model: "m-1", choices: [{ index: 0, delta, finish_reason: null, ...extra }] });
}

describe("openai-chat stream: behaviour", () => {
  test("refusal text streams as content and the finish becomes refusal", () => {
    const got = summarize(
      runMapper(createOpenAIChatMapper(), [
        chunk({ role: "assistant", refusal: "I can't " }),
        chunk({ refusal: "help with that." }),
        chunk({}, { finish_reason: "stop" }),
        data("[DONE]"),
      ]),
    );
    expect(got.content).toBe("I can't help with that.");
    expect(got.finishes).toEqual([{ type: "finish", finish_reason: "refusal", raw: "stop" }]);
  });

  test.each([
    ["reasoning_content", "deepseek/vLLM"],
    ["reasoning", "vLLM/OpenRouter"],
    ["reasoning_text", "Copilot"],
  ])("reasoning from delta.%s (%s)", (field) => {
    const got = summarize(runMapper(createOpenAIChatMapper(), [chunk({ [field]: "think" }), chunk({ content: "ok" })]));
    expect(got.reasoning).toBe("think");
    expect(got.content).toBe("ok");
  });

  test("a delta carrying two reasoning spellings is not doubled", () => {
    const got = summarize(runMapper(createOpenAIChatMapper(), [chunk({ reasoning_content: "a", reasoning: "a" })]));
    expect(got.reasoning).toBe("a");
  });

  test.each<[string, FinishReason]>([
    ["stop", "stop"],
    ["length", "length"],
    ["tool_calls", "tool_calls"],
    ["function_call", "tool_calls"],
    ["content_filter", "content_filter"],
    ["something_new", "other"],
  ])("finish_reason %s → %s", (raw, mapped) => {
    const got = summarize(runMapper(createOpenAIChatMapper(), [chunk({}, { finish_reason: raw })]));
    expect(got.finishes).toEqual([{ type: "finish", finish_reason: mapped, raw }]);
  });

  test("Azure filter categories that fired go into the finish details", () => {
    const fired = { violence: { filtered: true, severity: "medium" } };
    const got = summarize(
      runMapper(createOpenAIChatMapper(), [
        chunk({ content: "Some" }, { content_filter_results: { hate: { filtered: false, severity: "safe" } } }),
        chunk({}, { finish_reason: "content_filter", content_filter_results: { ...fired, sexual: { filtered: false } } }),
      ]),
    );
    expect(got.finishes).toEqual([{ type: "finish", finish_reason: "content_filter", raw: "content_filter", details: { content_filter: fired } }]);
  });

  test("tool calls still open at [DONE] are completed there, in the order they started", () => {
    const got = summarize(
      runMapper(createOpenAIChatMapper(), [
        chunk({ tool_calls: [{ index: 1, id: "b", function: { name: "g", arguments: "{}" } }] }),
        chunk({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: '{"x":1}' } }] }),
        data("[DONE]"),
      ]),
    );
    // Wire indices are ordinals in arrival order; complete calls follow that order.
    expect(got.deltas.map((d) => [d.index, d.id])).toEqual([
      [0, "b"],
      [1, "a"],
    ]);
    expect(got.toolCalls).toEqual([
      { id: "b", name: "g", arguments: "{}" },
      { id: "a", name: "f", arguments: '{"x":1}' },
    ]);
    expect(got.ends).toBe(1);
  });

  test("a call with no argument text completes as {}", () => {
    const got = summarize(
      runMapper(createOpenAIChatMapper(), [chunk({ tool_calls: [{ index: 0, id: "a", function: { name: "now" } }] }), chunk({}, { finish_reason: "tool_calls" })]),
    );
    expect(got.toolCalls).toEqual([{ id: "a", name: "now", arguments: "{}" }]);
  });

  test("end is emitted once, and nothing after it", () => {
    const events = runMapper(createOpenAIChatMapper(), [data("[DONE]"), chunk({ content: "late" }), data("[DONE]")]);
    expect(events).toEqual([{ type: "end" }]);
  });

  test("model is reported once, from the first chunk that names one", () => {
    const got = summarize(
      runMapper(createOpenAIChatMapper(), [
        data({ id: "", model: "", choices: [], prompt_filter_results: [] }),
        chunk({ content: "a" }),
        data({ id: "x", model: "m-2", choices: [{ index: 0, delta: { content: "b" } }] }),
      ]),
    );
    expect(got.models).toEqual(["m-1"]);
  });

  test("choices other than index 0 are ignored", () => {
    const got = summarize(
      runMapper(createOpenAIChatMapper(), [
        data({
          model: "m",
          choices: [
            { index: 1, delta: { content: "other" } },
            { index: 0, delta: { content: "mine" } },
          ],
        }),
      ]),
    );
    expect(got.content).toBe("mine");
  });

  test("identical usage repeated on every chunk is reported once", () => {
    const usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    const events = runMapper(
      createOpenAIChatMapper(),
      [chunk({ content: "a" }, {}), chunk({ content: "b" })].map((e) => {
        const parsed = JSON.parse(e.data) as Record<string, unknown>;
        return data({ ...parsed, usage });
      }),
    );
    expect(events.filter((e) => e.type === "usage")).toEqual([{ type: "usage", usage: { input_tokens: 0, output_tokens: 0 } }]);
  });

  test("a top-level error object in a data line throws a classified BridgeError", () => {
    const mapper = createOpenAIChatMapper();
    const out = runMapper(mapper, [chunk({ content: "par" })]);
    expect(out.length).toBeGreaterThan(0);
    let thrown: unknown;
    try {
      mapper.map(data({ error: { message: "The server had an error while processing your request.", type: "server_error" } }), []);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(BridgeError);
    expect((thrown as BridgeError).code).toBe("PROVIDER_ERROR");
    expect((thrown as BridgeError).retryable).toBe(true);
    expect((thrown as BridgeError).providerType).toBe("server_error");
  });

  test("malformed JSON is a STREAM_ERROR", () => {
    expect(() => createOpenAIChatMapper().map(data("{not json"), [])).toThrow(expect.objectContaining({ code: "STREAM_ERROR" }) as unknown as Error);
  });
});

/**
 * `multi_tool_use.parallel` (vercel/ai#1922, #2786). The arguments are a real
 * wrapper call an OpenAI model returned, quoted in microsoft/genaiscript
 * packages/core/src/chat.ts; it was logged whole, so the chunking into stream
 * fragments below is hand-made. Expected calls are written out by hand.
 */
describe("openai-chat stream: multi_tool_use.parallel", () => {
  const ID = "call_D48fudXi4oBxQ2rNeHhpwIKh";
  const ARGS =
    '{"tool_uses":[{"recipient_name":"functions.fs_find_files","parameters":{"glob":"src/content/docs/**/*.md"}},' +
    '{"recipient_name":"functions.fs_find_files","parameters":{"glob":"src/content/docs/**/*.mdx"}},' +
    '{"recipient_name":"functions.fs_find_files","parameters":{"glob":"../packages/sample/src/*.genai.{js,mjs}"}},' +
    '{"recipient_name":"functions.fs_find_files","parameters":{"glob":"src/assets/*.txt"}}]}';

  function wrapperStream(args: string): SseEvent[] {
    const pieces = [args.slice(0, 30), args.slice(30, 111), args.slice(111)];
    return [
      chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, id: ID, type: "function", function: { name: "multi_tool_use.parallel", arguments: "" } }] }),
      ...pieces.map((piece) => chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] })),
      chunk({}, { finish_reason: "tool_calls" }),
      data("[DONE]"),
    ];
  }

  test("unpacked into the four fs_find_files calls; nothing reaches the wire under the wrapper name", () => {
    const events = runMapper(createOpenAIChatMapper(), wrapperStream(ARGS));
    const got = summarize(events);
    expect(got.toolCalls).toEqual([
      { id: `${ID}_0`, name: "fs_find_files", arguments: '{"glob":"src/content/docs/**/*.md"}' },
      { id: `${ID}_1`, name: "fs_find_files", arguments: '{"glob":"src/content/docs/**/*.mdx"}' },
      { id: `${ID}_2`, name: "fs_find_files", arguments: '{"glob":"../packages/sample/src/*.genai.{js,mjs}"}' },
      { id: `${ID}_3`, name: "fs_find_files", arguments: '{"glob":"src/assets/*.txt"}' },
    ]);
    expect(got.deltas.map((d) => [d.index, d.id, d.name])).toEqual([
      [0, `${ID}_0`, "fs_find_files"],
      [1, `${ID}_1`, "fs_find_files"],
      [2, `${ID}_2`, "fs_find_files"],
      [3, `${ID}_3`, "fs_find_files"],
    ]);
    expect(argumentsFromDeltas(got)).toEqual(got.toolCalls.map((call) => call.arguments));
    expect(JSON.stringify(events)).not.toContain("multi_tool_use");
    expect(got.finishes).toEqual([{ type: "finish", finish_reason: "tool_calls", raw: "tool_calls" }]);
    expect(events.map((e) => e.type).slice(-2)).toEqual(["finish", "end"]);
  });

  test("arguments cut off mid-JSON are passed through whole, under the wrapper's name and id", () => {
    const cut = ARGS.slice(0, 150);
    const got = summarize(runMapper(createOpenAIChatMapper(), wrapperStream(cut)));
    expect(got.toolCalls).toEqual([{ id: ID, name: "multi_tool_use.parallel", arguments: cut }]);
    expect(got.deltas).toEqual([{ type: "tool_call_delta", index: 0, id: ID, name: "multi_tool_use.parallel", arguments_delta: cut }]);
  });
});

/**
 * Every recordings/<preset>/ stream (and recordings/openai_compatible/)
 * replayed through the real Server and fetch over loopback, one preset
 * family at a time: text, reasoning where it arrives for that server, tool
 * calls (two-turn loops where the recording has the second turn), usage and
 * finish. Expectations are read off the recorded SSE by hand (below), never
 * with the mapper under test; the flags' effect on what is sent is checked
 * on the request the replay server received.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { bodyText, loadCassette, type Cassette, type Interaction } from "../support/cassette.ts";
import { createHarness } from "../support/in-process.ts";
import { recordedJson, RECORDINGS, sentBody, single, streamChat, type Json, type StreamResult, withReplay } from "./replay.ts";

const KEY = "compat-replay-key-not-a-secret-0001";

function cassette(file: string): Promise<Cassette> {
  return loadCassette(join(RECORDINGS, `${file}.ndjson`));
}

interface RecordedChat {
  model: string;
  content: string;
  reasoning: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  finish: string | undefined;
  usage: Json | undefined;
  error: Json | undefined;
}

/**
 * What a recorded Chat Completions stream spells: `content` strings (and
 * Mistral's text parts), the reasoning text of `field` (and Mistral's
 * thinking parts), tool calls by index, or by id where the server reuses
 * indices, the last finish_reason and usage, and an error event.
 */
function recordedChat(it: Interaction, field: string, callsBy: "index" | "id" = "index"): RecordedChat {
  const out: RecordedChat = { model: "", content: "", reasoning: "", toolCalls: [], finish: undefined, usage: undefined, error: undefined };
  const calls = new Map<string | number, { id: string; name: string; arguments: string }>();
  let last: string | number | undefined;
  for (const block of bodyText(it).split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).trim())
      .join("\n");
    if (data === "" || data === "[DONE]") continue;
    const chunk = JSON.parse(data) as Json;
    if (chunk.error) out.error = chunk.error;
    if (out.model === "" && typeof chunk.model === "string") out.model = chunk.model;
    if (chunk.usage) out.usage = chunk.usage;
    const choice = (chunk.choices ?? [])[0];
    if (!choice) continue;
    if (choice.finish_reason) out.finish = choice.finish_reason;
    const delta = choice.delta ?? {};
    if (typeof delta.content === "string") out.content += delta.content;
    if (Array.isArray(delta.content)) {
      for (const part of delta.content) {
        if (part.type === "text") out.content += part.text;
        if (part.type === "thinking") out.reasoning += part.thinking.map((t: Json) => t.text).join("");
      }
    }
    if (field === "reasoning_details") {
      for (const d of delta.reasoning_details ?? []) if (d.type === "reasoning.text") out.reasoning += d.text ?? "";
    } else if (typeof delta[field] === "string") out.reasoning += delta[field];
    for (const call of delta.tool_calls ?? []) {
      // By id: a fragment without one starts a call when it names a function (Gemini), else continues the last.
      const key = callsBy === "id" ? call.id || (call.function?.name ? `#${calls.size}` : last) : call.index;
      if (!calls.has(key)) calls.set(key, { id: call.id, name: call.function?.name ?? "", arguments: "" });
      const entry = calls.get(key)!;
      if (call.function?.name && !entry.name) entry.name = call.function.name;
      entry.arguments += call.function?.arguments ?? "";
      last = key;
    }
  }
  out.toolCalls = [...calls.values()].map((c) => ({ ...c, arguments: c.arguments === "" ? "{}" : c.arguments }));
  return out;
}

/** The answer restates the recording: text, reasoning, tool calls, finish and usage. */
function expectRestated(result: StreamResult, want: RecordedChat): void {
  expect(result.error).toBeUndefined();
  expect(result.content).toBe(want.content);
  expect(result.reasoning).toBe(want.reasoning);
  expect(result.toolCalls).toEqual(want.toolCalls);
  expect(result.done?.model).toBe(want.model);
  expect(result.done?.raw_finish_reason).toBe(want.finish);
  if (want.usage !== undefined) {
    expect(result.done?.usage.input_tokens).toBe(want.usage.prompt_tokens);
    expect(result.done?.usage.output_tokens).toBe(want.usage.completion_tokens);
  }
}

const user = (text: string): Json => ({ role: "user", content: text });

/** The follow-up turn: the user's question, the recorded call, its result. */
function followUp(question: string, calls: RecordedChat["toolCalls"], result = "40 C"): Json[] {
  return [
    user(question),
    { role: "assistant", content: calls.map((c) => ({ type: "tool_call", ...c })) },
    { role: "tool", content: calls.map((c) => ({ type: "tool_result", tool_call_id: c.id, content: result })) },
  ];
}

const WEATHER = [
  { name: "weather", description: "Get weather information for a location", parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] } },
];

interface Case {
  file: string;
  provider: string;
  /** Path before /chat/completions in the recording. */
  prefix: string;
  field: string;
  callsBy?: "index" | "id";
  params?: Json;
  /** The question, for a tool loop's follow-up turn. */
  question?: string;
  /** What the request sent must hold, given the provider's flags. */
  sent?: Json;
  /** Keys the request must not carry. */
  absent?: string[];
  local?: boolean;
}

const CASES: Case[] = [
  {
    file: "groq/text",
    provider: "groq",
    prefix: "/openai/v1",
    field: "reasoning",
    params: { max_tokens: 4000 },
    sent: { max_completion_tokens: 4000, stream_options: { include_usage: true } },
  },
  { file: "groq/reasoning-tool", provider: "groq", prefix: "/openai/v1", field: "reasoning", question: "Please call the tool", params: { tools: WEATHER } },
  {
    file: "openrouter/text",
    provider: "openrouter",
    prefix: "/api/v1",
    field: "reasoning_details",
    params: { max_tokens: 4000 },
    sent: { max_tokens: 4000 },
    absent: ["max_completion_tokens"],
  },
  {
    file: "openrouter/tool-call",
    provider: "openrouter",
    prefix: "/api/v1",
    field: "reasoning_details",
    question: "What's the weather in Florence, Italy?",
    params: { tools: WEATHER },
  },
  {
    file: "openrouter/reasoning-tool",
    provider: "openrouter",
    prefix: "/api/v1",
    field: "reasoning_details",
    question: "What's the weather in Florence, Italy?",
    params: { tools: WEATHER, reasoning: { effort: "medium" } },
    sent: { reasoning: { effort: "medium" } },
    absent: ["reasoning_effort"],
  },
  { file: "openrouter/gemini-multi-tool", provider: "openrouter", prefix: "/api/v1", field: "reasoning_details", question: "Add and multiply", params: { tools: WEATHER } },
  { file: "xai/tool-call", provider: "xai", prefix: "/v1", field: "reasoning_content", question: "What's the weather in Florence, Italy?", params: { tools: WEATHER } },
  { file: "xai/multi-tool", provider: "xai", prefix: "/v1", field: "reasoning_content", question: "Add and multiply", params: { tools: WEATHER } },
  {
    file: "deepseek/chat-reasoning-tool",
    provider: "deepseek",
    prefix: "",
    field: "reasoning_content",
    question: "What's the weather in Florence, Italy?",
    params: { tools: WEATHER, max_tokens: 100 },
    sent: { max_tokens: 100 },
  },
  {
    file: "mistral/thinking-text",
    provider: "mistral",
    prefix: "/v1",
    field: "-",
    params: { max_tokens: 100 },
    sent: { max_tokens: 100 },
    absent: ["stream_options", "max_completion_tokens"],
  },
  { file: "cerebras/reasoning-text", provider: "cerebras", prefix: "/v1", field: "reasoning" },
  { file: "together/text", provider: "together", prefix: "/v1", field: "reasoning", params: { max_tokens: 64 }, sent: { max_tokens: 64 } },
  { file: "fireworks/text", provider: "fireworks", prefix: "/inference/v1", field: "reasoning_content", params: { max_tokens: 64 }, sent: { max_tokens: 64 } },
  {
    file: "llamacpp/tool-call",
    provider: "llamacpp",
    prefix: "/v1",
    field: "reasoning_content",
    question: "What's the weather in Florence,Italy?",
    params: { tools: WEATHER },
    local: true,
  },
  {
    file: "llamacpp/thinking-tool",
    provider: "llamacpp",
    prefix: "/v1",
    field: "reasoning_content",
    question: "What's the weather in Florence, Italy?",
    params: { tools: WEATHER },
    local: true,
  },
  { file: "ollama/text", provider: "ollama", prefix: "/v1", field: "reasoning", params: { max_tokens: 256 }, sent: { max_tokens: 256 }, local: true },
  { file: "ollama/parallel-tools", provider: "ollama", prefix: "/v1", field: "reasoning", callsBy: "id", params: { tools: WEATHER }, local: true },
  { file: "lmstudio/text", provider: "lmstudio", prefix: "/v1", field: "reasoning_content", local: true },
  { file: "vllm/reasoning-text", provider: "vllm", prefix: "/v1", field: "reasoning", params: { max_tokens: 512 }, sent: { max_completion_tokens: 512 }, local: true },
  {
    file: "openai_compatible/gemini-tools-no-index",
    provider: "openai_compatible",
    prefix: "/v1beta/openai",
    field: "reasoning_content",
    callsBy: "id",
    params: { tools: WEATHER },
  },
];

describe("compatible presets replay their recordings", () => {
  for (const c of CASES) {
    test(`${c.file} (${c.provider})`, async () => {
      const recorded = await cassette(c.file);
      const turns = c.question === undefined ? [0] : recorded.interactions.map((_, i) => i);
      let calls: RecordedChat["toolCalls"] = [];
      for (const turn of turns) {
        const it = recorded.interactions[turn]!;
        const want = recordedChat(it, c.field, c.callsBy);
        // A made-up id stands in where the server sent none (Gemini's empty ids).
        want.toolCalls = want.toolCalls.map((call, i) => (call.id ? call : { ...call, id: `call_${responseIdOf(it)}_${i}` }));
        const messages = turn === 0 ? [user(c.question ?? "Hi")] : followUp(c.question!, calls);
        await withReplay(single(recorded, turn), async (server) => {
          const harness = createHarness();
          const params: Json = {
            model: (it.request.body as Json | undefined)?.model ?? "m",
            base_url: `${server.url}${c.prefix}`,
            ...(c.local ? {} : { credentials: { api_key: KEY } }),
            messages,
            ...c.params,
          };
          const result = await streamChat(harness, `${c.file}#${turn}`, c.provider, params);
          expectRestated(result, want);
          // A server that says what the call was billed (OpenRouter's usage.cost): done.cost is that bill.
          if (typeof want.usage?.cost === "number") {
            const details = want.usage.cost_details as Json;
            expect(result.done!.cost).toEqual({
              input: details.upstream_inference_prompt_cost,
              output: details.upstream_inference_completions_cost,
              cache_read: 0,
              cache_write: 0,
              total: want.usage.cost,
            });
          }
          const headers = server.requests[0]!.headers;
          if (c.local) expect(headers.authorization).toBeUndefined();
          else expect(headers.authorization).toBe(`Bearer ${KEY}`);
          if (turn === 0) {
            const body = sentBody(server);
            expect(body).toMatchObject({ stream: true, ...c.sent });
            for (const key of c.absent ?? []) expect(body).not.toHaveProperty(key);
          } else {
            // The loop's second turn sends the calls back and their results after them.
            const sent = sentBody(server).messages as Json[];
            expect(sent.at(-1 - (calls.length - 1) - 1)).toMatchObject({ role: "assistant", tool_calls: calls.map((call) => ({ id: call.id, function: { name: call.name } })) });
            expect(sent.at(-1)).toMatchObject({ role: "tool", tool_call_id: calls.at(-1)!.id });
          }
        });
        calls = want.toolCalls;
      }
    });
  }
});

function responseIdOf(it: Interaction): string {
  const first = bodyText(it)
    .split("\n")
    .find((line) => line.startsWith("data: {"));
  return first === undefined ? "" : String((JSON.parse(first.slice(6)) as Json).id ?? "").replace(/[^A-Za-z0-9_-]/g, "");
}

describe("compatible presets: recorded failures", () => {
  test("groq: `event: error` tool_use_failed after reasoning ends the request with INVALID_PARAMS, partial", async () => {
    const recorded = await cassette("groq/midstream-tool-error");
    const want = recordedChat(recorded.interactions[0]!, "reasoning");
    await withReplay(recorded, async (server) => {
      const result = await streamChat(createHarness(), "g", "groq", {
        model: "openai/gpt-oss-120b",
        base_url: `${server.url}/openai/v1`,
        credentials: { api_key: KEY },
        tools: WEATHER,
        messages: [user("call the tool badly")],
      });
      expect(result.reasoning).toBe(want.reasoning);
      expect(result.error).toMatchObject({ code: "INVALID_PARAMS", retryable: false, partial: true, provider_type: "tool_use_failed" });
      expect(result.error?.message).toContain("Tool call validation failed");
    });
  });

  test("openrouter: 429 from the upstream provider is RATE_LIMITED and retried; the message names the upstream's words", async () => {
    const recorded = await cassette("openrouter/rate-limit-429");
    const body = recordedJson(recorded.interactions[0]!);
    await withReplay([recorded, recorded, recorded], async (server) => {
      const harness = createHarness();
      const result = await streamChat(harness, "r", "openrouter", {
        model: "google/gemini-2.0-flash-exp:free",
        base_url: `${server.url}/api/v1`,
        credentials: { api_key: KEY },
        messages: [user("Tell me a joke.")],
      });
      expect(result.retries.length).toBe(2);
      expect(result.error).toMatchObject({ code: "RATE_LIMITED", retryable: true, status: 429 });
      expect(result.error?.message).toContain(body.error.message);
      expect(server.requests.length).toBe(3);
    });
  });
});

describe("deepseek: the Responses dialect where the server speaks it (params.api)", () => {
  test("recorded reasoning_text and output_text stream through the Responses mapper", async () => {
    const recorded = await cassette("deepseek/responses-text");
    const events = bodyText(recorded.interactions[0]!)
      .split(/\n\n/)
      .map((block) => block.split("\n").find((line) => line.startsWith("data: ")))
      .filter((line): line is string => line !== undefined)
      .map((line) => JSON.parse(line.slice(6)) as Json);
    const text = events
      .filter((e) => e.type === "response.output_text.delta")
      .map((e) => e.delta as string)
      .join("");
    const reasoning = events
      .filter((e) => e.type === "response.reasoning_text.delta")
      .map((e) => e.delta as string)
      .join("");
    const completed = events.find((e) => e.type === "response.completed")!.response;
    await withReplay(recorded, async (server) => {
      const result = await streamChat(createHarness(), "d", "deepseek", {
        model: "deepseek-v4-flash",
        api: "responses",
        base_url: server.url,
        credentials: { api_key: KEY },
        messages: [user("What is the capital of France?")],
      });
      expect(result.error).toBeUndefined();
      expect(result.content).toBe(text);
      expect(result.reasoning).toBe(reasoning);
      expect(result.done?.usage.input_tokens).toBe(completed.usage.input_tokens);
      expect(result.done?.usage.output_tokens).toBe(completed.usage.output_tokens);
      expect(server.requests[0]!.path).toBe("/responses");
      expect(sentBody(server)).toMatchObject({ model: "deepseek-v4-flash", stream: true, store: false });
    });
  });

  test("a dialect the server does not speak is INVALID_REQUEST naming params.api, nothing sent", async () => {
    const lines = await createHarness().run({
      id: "x",
      action: "stream_chat",
      provider: "groq",
      params: { model: "m", api: "responses", base_url: "http://127.0.0.1:9", credentials: { api_key: KEY }, messages: [user("hi")] },
    });
    expect(lines.at(-1)?.error).toMatchObject({ code: "INVALID_REQUEST", field: "params.api" });
  });
});

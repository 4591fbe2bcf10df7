/**
 * End-to-end replay of the recordings/google cassettes (the Gemini API with
 * an API key) through the real Server in this process, with real fetch over
 * loopback: streams, the tool loops whose second turn hands the thought
 * signatures back, errors, paged model listing, token counting, key
 * resolution and storage, and the key kept out of URLs and output.
 *
 * Expectations are read from the recorded SSE bodies with the small reader
 * in replay.ts and the rules written here (never src/formats); usage figures
 * are worked out by hand from the recorded usageMetadata, prices read from
 * the catalog's data file. Every cassette keeps the Gemini API's own paths,
 * so every request replays with a strict path check.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCassette, type Cassette } from "../support/cassette.ts";
import { createHarness, memoryFiles, type Harness, type Line } from "../support/in-process.ts";
import type { ReplayServer } from "../support/replay-server.ts";
import { validateResponseLine } from "../support/wire-schema.ts";
import {
  asRecordedCalls,
  closedPortUrl,
  everythingWritten,
  interaction,
  RECORDINGS,
  recordedEvents,
  recordedGemini,
  recordedJson,
  sentBody,
  single,
  streamChat,
  uncachedUsage,
  withReplay,
  type Json,
  type StreamResult,
} from "./replay.ts";

/** Shaped like a Google API key, and marked: it must never reach a URL, a line or a log. */
const KEY = "AIzaSyD-CANARY-not-a-real-key-0000000000";

function recording(name: string): Promise<Cassette> {
  return loadCassette(join(RECORDINGS, "google", `${name}.ndjson`));
}

/** The Gemini API root the cassettes were recorded under, on the replay server. */
const api = (server: ReplayServer): string => `${server.url}/v1beta`;

function base(server: ReplayServer, extra: Json = {}): Json {
  return { base_url: api(server), credentials: { api_key: KEY }, ...extra };
}

const streamPath = (model: string): string => `/v1beta/models/${model}:streamGenerateContent?alt=sse`;

function only(lines: Line[], action: "list_models" | "count_tokens" | "authenticate" | "list_providers"): Line {
  expect(lines.length).toBe(1);
  validateResponseLine(JSON.stringify(lines[0]), action);
  return lines[0]!;
}

/** The key went in its header only: never in a path or query, never as a bearer token. */
function expectKeyHeaderOnly(server: ReplayServer, key = KEY): void {
  expect(server.requests.length).toBeGreaterThan(0);
  for (const request of server.requests) {
    expect(request.headers["x-goog-api-key"]).toBe(key);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.path).not.toContain(key);
    expect(request.path).not.toMatch(/[?&]key=/);
  }
}

function expectNoKeyWritten(harness: Harness, key = KEY): void {
  const written = everythingWritten(harness);
  expect(written).not.toContain(key);
  expect(written).not.toContain("CANARY");
}

// ---------------------------------------------------------------------------
// What a recorded Gemini stream says, read by hand; catalog prices from the data file.

/** Wire usage: input = prompt; output = candidates + thoughts (thoughts sit outside candidatesTokenCount); reasoning = thoughts. */
function usageOf(metadata: Json): Json {
  const thoughts = metadata.thoughtsTokenCount ?? 0;
  return uncachedUsage(metadata.promptTokenCount, (metadata.candidatesTokenCount ?? 0) + thoughts, thoughts);
}

const CATALOG = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "src", "catalog", "models.json"), "utf8")) as Json;
const GOOGLE_MODELS = CATALOG.providers.google.models as Json[];

function price(id: string): Json {
  const found = GOOGLE_MODELS.find((m) => m.id === id || (m.aliases ?? []).includes(id));
  if (found?.price == null) throw new Error(`google/${id}: no catalog price`);
  return found.price as Json;
}

function expectCost(cost: Json, model: string, usage: Json): void {
  const p = price(model);
  expect(cost.input).toBeCloseTo((usage.input_tokens * p.input) / 1e6, 12);
  expect(cost.output).toBeCloseTo((usage.output_tokens * p.output) / 1e6, 12);
  expect(cost.total).toBeCloseTo(cost.input + cost.output + cost.cache_read + cost.cache_write, 12);
}

/** Drop `id` from functionCall / functionResponse parts: we pair calls by name and never send ids (src/formats/gemini/request.ts). */
function withoutIds(contents: Json[]): Json[] {
  return contents.map((content) => ({
    ...content,
    parts: (content.parts as Json[]).map((part) => {
      const copy = structuredClone(part);
      delete copy.functionCall?.id;
      delete copy.functionResponse?.id;
      return copy;
    }),
  }));
}

/** What an editor keeps of a turn to send it back: signed reasoning as the stream delivered it, text, tool calls, in order. */
function assistantTurn(turn: StreamResult): Json {
  const parts: Json[] = [];
  for (const data of turn.lines.map((line) => line.data as Json)) {
    if (data.type === "reasoning") {
      const last = parts.at(-1);
      if (data.signature !== undefined) parts.push({ type: "reasoning", text: data.content, signature: data.signature });
      else if (last?.type === "reasoning" && last.signature === undefined) last.text += data.content;
      else parts.push({ type: "reasoning", text: data.content });
    }
    if (data.type === "content") parts.push({ type: "text", text: data.content });
    if (data.type === "tool_call") parts.push({ type: "tool_call", ...data.tool_call });
  }
  return { role: "assistant", content: parts };
}

// ---------------------------------------------------------------------------
// Request params per recording (what the recorded client asked, in our vocabulary).

const SYSTEM = { role: "system", content: "You are a helpful assistant" };
const TEXT_PARAMS = { model: "gemini-2.5-flash", max_tokens: 4000, messages: [SYSTEM, { role: "user", content: "Say hi in Portuguese" }] };
const WEATHER_TOOL = {
  name: "weather",
  description: "Get weather information for a location",
  parameters: { type: "object", properties: { location: { type: "string", description: "the city" } }, required: ["location"] },
};
const WEATHER = { role: "user", content: "What's the weather in Florence, Italy?" };
const NUMBER = (description: string) => ({ type: "integer", description });
const MATH_TOOLS = ["add", "multiply"].map((name) => ({
  name,
  description: `${name === "add" ? "Add" : "Multiply"} two numbers`,
  parameters: { type: "object", properties: { a: NUMBER("first number"), b: NUMBER("second number") }, required: ["a", "b"] },
}));

interface Loop {
  file: string;
  params: Json;
  /** Tool outputs of turn 2, in call order (the editor's own; these are the recorded ones). */
  results: string[];
  /** The recorded call ids: Gemini 3 gives them, 2.5 does not. */
  ids: Array<string | undefined>;
  /** Turn 1 carried thought text. */
  thoughts: boolean;
}

const LOOPS: Loop[] = [
  {
    file: "thinking-tool",
    params: { model: "gemini-3-pro-preview", reasoning: { effort: "high" }, tools: [WEATHER_TOOL], tool_choice: "auto", messages: [SYSTEM, WEATHER] },
    results: ["40 C"],
    ids: ["9d532gc9"],
    thoughts: false,
  },
  {
    file: "multi-tool",
    params: {
      model: "gemini-3-pro-preview",
      max_tokens: 4000,
      tools: MATH_TOOLS,
      tool_choice: "auto",
      messages: [
        { role: "system", content: "You are a helpful assistant. Always use both add and multiply at the same time." },
        { role: "user", content: "Add and multiply the number 2 and 3" },
      ],
    },
    results: ["5", "6"],
    ids: ["8hd01vsf", "k0srpqrc"],
    thoughts: false,
  },
  {
    file: "thinking-tool-flash",
    params: { model: "gemini-2.5-flash", reasoning: { budget_tokens: 128 }, tools: [WEATHER_TOOL], tool_choice: "auto", messages: [SYSTEM, WEATHER] },
    results: ["40 C"],
    ids: [undefined],
    thoughts: true,
  },
];

// ---------------------------------------------------------------------------

describe("google replay: text stream", () => {
  test("text: content, finish, usage with thoughts, cost from the catalog, the request sent", async () => {
    const cassette = await recording("text");
    const it = interaction(cassette, 0);
    const expected = recordedGemini(it);
    expect(expected.content).toBe("Olá!");
    // 11 prompt, 2 candidates, 21 thoughts.
    const usage = usageOf(expected.usage!);
    expect(usage).toMatchObject({ input_tokens: 11, output_tokens: 23, reasoning_tokens: 21 });

    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "text", "google", { ...base(server), ...TEXT_PARAMS });
      expect(result.error).toBeUndefined();
      expect(result.retries).toEqual([]);
      expect(result.content).toBe(expected.content);
      expect(result.reasoning).toBe("");
      const done = result.done!;
      expect(done.finish_reason).toBe("stop");
      expect(done.raw_finish_reason).toBe(expected.finishReason);
      expect(done.model).toBe(expected.modelVersion);
      expect(done.usage).toEqual(usage);
      expectCost(done.cost, "gemini-2.5-flash", usage);

      expect(server.requests.length).toBe(1);
      const sent = server.requests[0]!;
      expect(sent.method).toBe("POST");
      expect(sent.path).toBe(streamPath("gemini-2.5-flash"));
      expect(sent.headers["content-type"]).toContain("application/json");
      expectKeyHeaderOnly(server);
      // What the recorded client (Google's genai SDK for Go) sent for the same conversation.
      const body = sentBody(server);
      const recorded = it.request.body as Json;
      expect(body.contents).toEqual(recorded.contents);
      expect(body.systemInstruction.parts).toEqual(recorded.systemInstruction.parts);
      expect(body.generationConfig.maxOutputTokens).toBe(recorded.generationConfig.maxOutputTokens);
      expect(body.model).toBeUndefined();
      expect(body.stream).toBeUndefined();
    });
    expectNoKeyWritten(harness);
  });

  test("params.headers are sent as given; ours are not put over them", async () => {
    const harness = createHarness();
    await withReplay(await recording("text"), async (server) => {
      const result = await streamChat(harness, "h", "google", { ...base(server, { headers: { "x-custom": "1" } }), ...TEXT_PARAMS });
      expect(result.error).toBeUndefined();
      expect(server.requests[0]!.headers["x-custom"]).toBe("1");
      expectKeyHeaderOnly(server);
    });
  });
});

describe("google replay: tool loops with thought signatures", () => {
  test.each(LOOPS)("$file: turn 1 streams the signed calls; turn 2 hands them back as recorded and streams the answer", async ({ file, params, results, ids, thoughts }) => {
    const cassette = await recording(file);
    const first = interaction(cassette, 0);
    const second = interaction(cassette, 1);
    const one = recordedGemini(first);
    const two = recordedGemini(second);
    expect(one.calls.length).toBe(results.length);
    expect(one.signatures.length).toBe(1); // only the first call of a run is signed
    expect(one.thoughts !== "").toBe(thoughts);
    // The recorded ids (Gemini 3 only) are the call ids we hand out.
    const recordedIds = (recordedEvents(first).flatMap(({ data }) => data.candidates?.[0]?.content?.parts ?? []) as Json[])
      .filter((part) => part.functionCall !== undefined)
      .map((part) => part.functionCall.id as string | undefined);
    expect(recordedIds).toEqual(ids);

    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const turn1 = await streamChat(harness, `${file}-1`, "google", { ...base(server), ...params });
      expect(turn1.error).toBeUndefined();
      expect(turn1.content).toBe(one.content);
      expect(turn1.reasoning).toBe(one.thoughts);
      expect(turn1.signatures).toEqual(one.signatures);
      expect(asRecordedCalls(turn1.toolCalls, one.calls)).toEqual(one.calls);
      ids.forEach((id, i) => {
        if (id !== undefined) expect(turn1.toolCalls[i]!.id).toBe(id);
        else expect(turn1.toolCalls[i]!.id).not.toBe("");
      });
      // A call's signature travels as a reasoning chunk right before that call's first delta.
      const data = turn1.lines.map((line) => line.data as Json);
      const firstDelta = data.findIndex((d) => d.type === "tool_call_delta");
      expect(data[firstDelta - 1]).toEqual({ type: "reasoning", content: "", signature: one.signatures[0] });
      expect(turn1.done?.finish_reason).toBe("tool_calls");
      expect(turn1.done?.model).toBe(one.modelVersion);
      const usage1 = usageOf(one.usage!);
      expect(turn1.done?.usage).toEqual(usage1);
      expectCost(turn1.done!.cost, one.modelVersion!, usage1);

      const toolResults = turn1.toolCalls.map((call, i) => ({ type: "tool_result", tool_call_id: call.id, content: results[i]! }));
      const turn2 = await streamChat(harness, `${file}-2`, "google", {
        ...base(server),
        ...params,
        messages: [...params.messages, assistantTurn(turn1), { role: "tool", content: toolResults }],
      });
      expect(turn2.error).toBeUndefined();
      expect(turn2.content).toBe(two.content);
      expect(turn2.signatures).toEqual(two.signatures);
      expect(turn2.toolCalls).toEqual([]);
      expect(turn2.done?.finish_reason).toBe("stop");
      const usage2 = usageOf(two.usage!);
      expect(turn2.done?.usage).toEqual(usage2);
      expectCost(turn2.done!.cost, two.modelVersion!, usage2);

      // Turn 2 as sent: the recorded model turn (signature on the first call, none on the rest), ids aside.
      const sent = sentBody(server, 1).contents as Json[];
      const recorded = (second.request.body as Json).contents as Json[];
      expect(sent.length).toBe(recorded.length);
      const modelTurn = withoutIds(sent)[1]!;
      const recordedModelTurn = withoutIds(recorded)[1]!;
      if (thoughts) {
        // We hand back the thought summary too, unsigned (fantasy left it out); the signed call follows it.
        expect(modelTurn.parts[0]).toEqual({ text: one.thoughts, thought: true });
        expect(modelTurn.parts.slice(1)).toEqual(recordedModelTurn.parts);
      } else {
        expect(modelTurn).toEqual(recordedModelTurn);
      }
      expect(modelTurn.parts.find((part: Json) => part.functionCall !== undefined).thoughtSignature).toBe(one.signatures[0]);
      // Fantasy wraps results as {result}; we use the documented {output}. The pairing is by name either way.
      const responses = (sent[2]!.parts as Json[]).map((part) => part.functionResponse);
      expect(responses.map((r) => r.name)).toEqual((recorded[2]!.parts as Json[]).map((part) => part.functionResponse.name));
      expect(responses.map((r) => r.response.output)).toEqual(results);
      for (const request of server.requests) expect(request.path).toBe(streamPath(params.model));
      expectKeyHeaderOnly(server);
    });
    expectNoKeyWritten(harness);
  });

  test("thinking-tool: reasoning effort high is Gemini 3's thinkingLevel HIGH, as the recorded client sent it", async () => {
    const cassette = await recording("thinking-tool");
    const recorded = interaction(cassette, 0).request.body as Json;
    const harness = createHarness();
    await withReplay(single(cassette, 0), async (server) => {
      await streamChat(harness, "level", "google", { ...base(server), ...LOOPS[0]!.params });
      const body = sentBody(server);
      expect(body.generationConfig.thinkingConfig).toEqual(recorded.generationConfig.thinkingConfig);
      expect(body.toolConfig).toEqual(recorded.toolConfig);
      expect(body.contents).toEqual(recorded.contents);
    });
  });

  test("a Gemini 3 call whose signature was lost goes back with Google's documented stand-in", async () => {
    const cassette = await recording("thinking-tool");
    const harness = createHarness();
    await withReplay(single(cassette, 1), async (server) => {
      await streamChat(harness, "skip", "google", {
        ...base(server),
        ...LOOPS[0]!.params,
        messages: [
          SYSTEM,
          WEATHER,
          { role: "assistant", content: [{ type: "tool_call", id: "9d532gc9", name: "weather", arguments: '{"location":"Florence, Italy"}' }] },
          { role: "tool", content: [{ type: "tool_result", tool_call_id: "9d532gc9", content: "40 C" }] },
        ],
      });
      const call = (sentBody(server).contents as Json[])[1]!.parts[0] as Json;
      expect(call.thoughtSignature).toBe("skip_thought_signature_validator");
    });
  });
});

// ---------------------------------------------------------------------------

describe("google replay: errors", () => {
  test("error-400-api-key: a wrong key is AUTH_FAILED (Google says 400 INVALID_ARGUMENT), named google, not retried", async () => {
    const cassette = await recording("error-400-api-key");
    const recorded = recordedJson(interaction(cassette, 0)).error as Json;
    expect(recorded.details[0].reason).toBe("API_KEY_INVALID");
    const harness = createHarness();
    await withReplay([cassette, cassette], async (server) => {
      const result = await streamChat(harness, "e400", "google", { ...base(server), ...TEXT_PARAMS });
      expect(result.lines.length).toBe(1);
      expect(result.error).toMatchObject({ code: "AUTH_FAILED", status: 400, retryable: false, partial: false, provider_type: "INVALID_ARGUMENT" });
      expect(result.error!.message).toBe(`google: ${recorded.message}`);
      expect(server.requests.length).toBe(1);
      expect(harness.sleeps).toEqual([]);
      expectKeyHeaderOnly(server);
    });
    expectNoKeyWritten(harness);
  });

  test("429 RESOURCE_EXHAUSTED with RetryInfo 34.4s: a retry chunk with that delay, then the answer", async () => {
    const cassette = await recording("rate-limit-429-then-success");
    const recorded = recordedJson(interaction(cassette, 0));
    expect(recorded.error.details.find((d: Json) => d["@type"].endsWith("RetryInfo")).retryDelay).toBe("34.4s");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "e429", "google", { ...base(server), ...TEXT_PARAMS });
      expect(result.retries).toEqual([{ type: "retry", attempt: 1, delay_ms: 34400, reason: expect.stringContaining("RATE_LIMITED") }]);
      expect(result.retries[0]!.reason).toContain("google: You exceeded your current quota");
      expect(harness.sleeps).toContain(34400);
      expect(result.error).toBeUndefined();
      expect(result.content).toBe(recordedGemini(interaction(cassette, 1)).content);
      expect(server.requests.length).toBe(2);
      expect(server.requests[1]!.body).toBe(server.requests[0]!.body);
      expectKeyHeaderOnly(server);
    });
  });

  test("429 on every attempt: RATE_LIMITED, retryable, named google, after max_retries", async () => {
    const limited = single(await recording("rate-limit-429-then-success"), 0);
    const harness = createHarness();
    await withReplay([limited, limited, limited], async (server) => {
      const result = await streamChat(harness, "e429x", "google", { ...base(server), ...TEXT_PARAMS });
      expect(server.requests.length).toBe(3);
      expect(result.error).toMatchObject({ code: "RATE_LIMITED", status: 429, retryable: true, partial: false, provider_type: "RESOURCE_EXHAUSTED", retry_after_ms: 34400 });
      expect(result.error!.message).toBe("google: You exceeded your current quota, please check your plan.");
    });
  });

  test("an error object inside a 200 stream after content: partial, named google", async () => {
    const text = await recording("text");
    const it = interaction(text, 0);
    const event = (value: Json): Uint8Array => new TextEncoder().encode(`data: ${JSON.stringify(value)}\r\n\r\n`);
    const broken: Cassette = {
      ...text,
      interactions: [
        {
          ...it,
          body: [
            { chunk: event({ candidates: [{ content: { parts: [{ text: "Olá" }], role: "model" }, index: 0 }], modelVersion: "gemini-2.5-flash" }) },
            { chunk: event({ error: { code: 503, status: "UNAVAILABLE", message: "The model is overloaded. Please try again later." } }) },
          ],
        },
      ],
    };
    const harness = createHarness();
    await withReplay(broken, async (server) => {
      const result = await streamChat(harness, "mid", "google", { ...base(server), ...TEXT_PARAMS, resume: false });
      expect(result.content).toBe("Olá");
      expect(result.error).toMatchObject({ code: "OVERLOADED", partial: true, retryable: true });
      expect(result.error!.status).toBeUndefined();
      expect(result.error!.message).toBe("google: The model is overloaded. Please try again later.");
    });
  });

  test("a server that is not running: NETWORK_ERROR, retryable, nothing written before it", async () => {
    const harness = createHarness();
    const url = await closedPortUrl();
    const result = await streamChat(harness, "down", "google", { base_url: `${url}/v1beta`, credentials: { api_key: KEY }, ...TEXT_PARAMS, max_retries: 0 });
    expect(result.lines.length).toBe(1);
    expect(result.error).toMatchObject({ code: "NETWORK_ERROR", retryable: true, partial: false });
    expectNoKeyWritten(harness);
  });
});

// ---------------------------------------------------------------------------

describe("google: where the key and the base URL come from", () => {
  test.each([
    { what: "GEMINI_API_KEY before GOOGLE_API_KEY", env: { GEMINI_API_KEY: KEY, GOOGLE_API_KEY: "AIzaSyD-other-key-not-used-000000000000" }, params: {}, key: KEY },
    { what: "GOOGLE_API_KEY alone", env: { GOOGLE_API_KEY: KEY }, params: {}, key: KEY },
    { what: "params.credentials before both", env: { GEMINI_API_KEY: "env-key-not-used" }, params: { credentials: { api_key: KEY } }, key: KEY },
  ])("$what", async ({ env, params, key }) => {
    const harness = createHarness({ env });
    await withReplay(await recording("text"), async (server) => {
      const result = await streamChat(harness, "k", "google", { base_url: api(server), ...params, ...TEXT_PARAMS });
      expect(result.error).toBeUndefined();
      expectKeyHeaderOnly(server, key);
    });
    expectNoKeyWritten(harness, key);
  });

  test("no key anywhere: AUTH_REQUIRED naming the variables, nothing sent", async () => {
    const harness = createHarness();
    const url = await closedPortUrl();
    const result = await streamChat(harness, "nokey", "google", { base_url: `${url}/v1beta`, ...TEXT_PARAMS });
    expect(result.error).toMatchObject({ code: "AUTH_REQUIRED", retryable: false });
    expect(result.error!.message).toContain("GEMINI_API_KEY or GOOGLE_API_KEY");
    expect(result.error!.usage).toBeUndefined();
  });

  test("GOOGLE_GEMINI_BASE_URL is the root the API version goes under, as in Google's SDKs; params.base_url wins over it", async () => {
    const cassette = await recording("text");
    await withReplay(cassette, async (server) => {
      const harness = createHarness({ env: { GOOGLE_GEMINI_BASE_URL: `${server.url}/`, GEMINI_API_KEY: KEY } });
      const result = await streamChat(harness, "env-base", "google", TEXT_PARAMS);
      expect(result.error).toBeUndefined();
      expect(server.requests[0]!.path).toBe(streamPath("gemini-2.5-flash"));
    });
    await withReplay(cassette, async (server) => {
      const harness = createHarness({ env: { GOOGLE_GEMINI_BASE_URL: await closedPortUrl(), GEMINI_API_KEY: KEY } });
      const result = await streamChat(harness, "param-base", "google", { base_url: `${api(server)}/`, ...TEXT_PARAMS });
      expect(result.error).toBeUndefined();
      expect(server.requests[0]!.path).toBe(streamPath("gemini-2.5-flash"));
    });
  });

  test("authenticate checks the key with a one-model listing and stores it; later requests find it in the store", async () => {
    const models = await recording("models");
    const text = await recording("text");
    const files = memoryFiles();
    const harness = createHarness({ files });
    await withReplay([single(models, 0), text], async (server) => {
      const auth = only(await harness.run({ id: "a", action: "authenticate", provider: "google", params: base(server) }), "authenticate");
      expect(auth).toEqual({ id: "a", success: true, data: { type: "authenticated", provider: "google", stored: true } });
      expect(server.requests[0]!.method).toBe("GET");
      expect(server.requests[0]!.path).toBe("/v1beta/models?pageSize=1");
      const stored = JSON.parse(files.files.get("/memory/auth.json")!) as Json;
      expect(stored.providers.google.api_key).toBe(KEY);

      const [providers] = await harness.run({ id: "p", action: "list_providers" });
      expect((providers!.data as Json[]).find((p) => p.id === "google")).toEqual({ id: "google", name: "Google Gemini API", configured: true, auth: "api_key", available: true });

      // No key in the request or the environment: the stored one.
      const result = await streamChat(harness, "stored", "google", { base_url: api(server), ...TEXT_PARAMS });
      expect(result.error).toBeUndefined();
      expectKeyHeaderOnly(server);
    });
    expectNoKeyWritten(harness);
  });

  test("authenticate with a key Google refuses: AUTH_FAILED, nothing stored", async () => {
    const files = memoryFiles();
    const harness = createHarness({ files });
    await withReplay(
      await recording("error-400-api-key"),
      async (server) => {
        const [line] = await harness.run({ id: "a", action: "authenticate", provider: "google", params: base(server) });
        expect(line!.error).toMatchObject({ code: "AUTH_FAILED", status: 400 });
        expect(line!.error.message).toContain("google: API key not valid");
        expect(files.files.has("/memory/auth.json")).toBe(false);
      },
      { strictPath: false },
    );
    expectNoKeyWritten(harness);
  });
});

// ---------------------------------------------------------------------------

describe("google replay: list_models", () => {
  test("two pages; only generateContent models; ids without models/; live limits; catalog prices where known", async () => {
    const cassette = await recording("models");
    const pages = [0, 1].map((i) => recordedJson(interaction(cassette, i)).models as Json[]);
    const chat = pages.flat().filter((m) => (m.supportedGenerationMethods as string[]).includes("generateContent"));
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const line = only(await harness.run({ id: "lm", action: "list_models", provider: "google", params: base(server) }), "list_models");
      const models = line.data as Json[];
      expect(models.map((m) => m.id)).toEqual(chat.map((m) => String(m.name).replace(/^models\//, "")));
      expect(models.map((m) => m.id)).toEqual(["gemini-2.5-flash", "gemini-3.1-pro-preview", "gemini-3.5-flash", "gemma-3-27b-it"]);
      for (const [i, model] of models.entries()) {
        expect(model.provider).toBe("google");
        expect(model.context_length).toBe(chat[i]!.inputTokenLimit);
        expect(model.max_output).toBe(chat[i]!.outputTokenLimit);
      }
      const byId = new Map(models.map((m) => [m.id as string, m]));
      for (const id of ["gemini-2.5-flash", "gemini-3.1-pro-preview", "gemini-3.5-flash"]) {
        expect(byId.get(id)!.source).toBe("both");
        expect(byId.get(id)!.cost).toMatchObject({ input: price(id).input, output: price(id).output });
        expect(byId.get(id)!.price_source).toBe(price(id).source);
      }
      expect(byId.get("gemini-3.1-pro-preview")!.tiers).toEqual(price("gemini-3.1-pro-preview").tiers);
      // A model the catalog does not know: what the API said, and no price (never a guessed one).
      expect(byId.get("gemma-3-27b-it")).toMatchObject({ source: "api", cost: null, name: "Gemma 3 27B", context_length: 131072, max_output: 8192 });

      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        "GET /v1beta/models?pageSize=1000",
        "GET /v1beta/models?pageSize=1000&pageToken=Chxtb2RlbHMvaW1hZ2VuLTQuMC1nZW5lcmF0ZS0wMDE%3D",
      ]);
      expectKeyHeaderOnly(server);
    });
    expectNoKeyWritten(harness);
  });

  test("without a key: the catalog's Gemini API models, no request", async () => {
    const harness = createHarness();
    const url = await closedPortUrl();
    const line = only(await harness.run({ id: "lc", action: "list_models", provider: "google", params: { base_url: `${url}/v1beta` } }), "list_models");
    const models = line.data as Json[];
    expect(models.map((m) => m.id)).toEqual(GOOGLE_MODELS.map((m) => m.id));
    for (const model of models) expect(model).toMatchObject({ provider: "google", source: "catalog" });
    // The current Gemini 2.5 / 3 / 3.x Flash and Pro models, each priced.
    for (const id of ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-3-flash-preview", "gemini-3.1-pro-preview", "gemini-3.5-flash", "gemini-3.8-flash"]) {
      expect(models.find((m) => m.id === id)?.cost?.input).toBeGreaterThan(0);
    }
  });
});

describe("google replay: count_tokens", () => {
  test(":countTokens with a generateContentRequest naming the model -> the recorded totalTokens, method api", async () => {
    const cassette = await recording("count-tokens");
    const it = interaction(cassette, 0);
    const total = recordedJson(it).totalTokens;
    expect(total).toBe(11);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const line = only(await harness.run({ id: "ct", action: "count_tokens", provider: "google", params: { ...base(server), ...TEXT_PARAMS } }), "count_tokens");
      expect(line.data).toEqual({ input_tokens: total, exact: true, method: "api" });
      expect(server.requests[0]!.method).toBe("POST");
      expect(server.requests[0]!.path).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
      const body = sentBody(server);
      const recorded = (it.request.body as Json).generateContentRequest as Json;
      expect(Object.keys(body)).toEqual(["generateContentRequest"]);
      expect(body.generateContentRequest.model).toBe(recorded.model);
      expect(body.generateContentRequest.contents).toEqual(recorded.contents);
      expect(body.generateContentRequest.systemInstruction.parts).toEqual(recorded.systemInstruction.parts);
      // Generation settings are not input: left out.
      expect(body.generateContentRequest.generationConfig).toBeUndefined();
      expectKeyHeaderOnly(server);
    });
    expectNoKeyWritten(harness);
  });

  test.each([
    { what: "without a key", key: false },
    { what: "with the server not running", key: true },
  ])("$what: a local estimate, exact false", async ({ key }) => {
    const harness = createHarness();
    const url = await closedPortUrl();
    const params = { base_url: `${url}/v1beta`, ...(key && { credentials: { api_key: KEY } }), ...TEXT_PARAMS };
    const line = only(await harness.run({ id: "ce", action: "count_tokens", provider: "google", params }), "count_tokens");
    expect(line.success).toBe(true);
    expect(line.data).toMatchObject({ exact: false, method: "estimate" });
    expect(line.data.input_tokens).toBeGreaterThan(0);
    expectNoKeyWritten(harness);
  });

  test("a key Google refuses → the local estimate (provider first, local second), the refusal logged", async () => {
    const harness = createHarness();
    await withReplay(
      await recording("error-400-api-key"),
      async (server) => {
        const [line] = await harness.run({ id: "cf", action: "count_tokens", provider: "google", params: { ...base(server), ...TEXT_PARAMS } });
        expect(line).toMatchObject({ success: true, data: { exact: false, method: "estimate" } });
        expect(harness.logs.some((log) => log.includes("google count_tokens unavailable"))).toBe(true);
      },
      { strictPath: false },
    );
  });
});

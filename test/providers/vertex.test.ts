/**
 * End-to-end replay of the recordings/vertex cassettes through the real
 * Server in this process, with real fetch over loopback: Gemini through
 * `:streamGenerateContent?alt=sse`, Claude through `:streamRawPredict`,
 * token counting, model listing, and the credential sources that put the
 * Bearer token on those requests (explicit token, service-account key
 * exchanged at a loopback token endpoint, gcloud ADC refresh-token grant).
 *
 * Expectations are read from the recorded SSE bodies with the small reader
 * in replay.ts and the rules written here (never src/formats); usage figures
 * are worked out by hand from the recorded usageMetadata / Anthropic usage.
 * The real cassettes keep their recorded paths (fantasy's project and
 * us-east5, v1beta1), so they replay with `strictPath: false` and every test
 * checks the path it received itself.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { register, serviceAccountJson, startTokenEndpoint, T0, testKey } from "../auth/google/fakes.ts";
import { bodyText, loadCassette, type Cassette, type Interaction } from "../support/cassette.ts";
import { createHarness, memoryFiles, type Line } from "../support/in-process.ts";
import type { ReplayServer } from "../support/replay-server.ts";
import { validateResponseLine } from "../support/wire-schema.ts";
import {
  asRecordedCalls,
  chunkStep,
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
  withReplay,
  type Json,
  type ToolCallOut,
} from "./replay.ts";

const TOKEN = "ya29.fake.vertex.replay.token";
const PROJECT = "test-project";
const LOOSE = { strictPath: false } as const;

function recording(name: string): Promise<Cassette> {
  return loadCassette(join(RECORDINGS, "vertex", `${name}.ndjson`));
}

function base(url: string, extra: Json = {}): Json {
  return { base_url: url, project: PROJECT, location: "us-central1", credentials: { access_token: TOKEN }, ...extra };
}

function geminiPath(location: string, model: string, method = "streamGenerateContent?alt=sse", project = PROJECT): string {
  return `/v1/projects/${project}/locations/${location}/publishers/google/models/${model}:${method}`;
}

function claudePath(model: string, method = "streamRawPredict"): string {
  return `/v1/projects/${PROJECT}/locations/us-central1/publishers/anthropic/models/${model}:${method}`;
}

function only(lines: Line[], action: "list_models" | "count_tokens"): Line {
  expect(lines.length).toBe(1);
  validateResponseLine(JSON.stringify(lines[0]), action);
  return lines[0]!;
}

// ---------------------------------------------------------------------------
// What a recorded Gemini stream says, read by hand.

const USAGE_ZERO = { cache_read_tokens: 0, cache_write_tokens: 0 };
/** Gemini reports every figure (thoughts included), so nothing is estimated. */
const GEMINI_ZERO = { ...USAGE_ZERO, estimated: [] };
/** Anthropic does not break thinking out of output_tokens: that figure is ours. */
const CLAUDE_ESTIMATED = { reasoning_tokens: 0, estimated: ["reasoning_tokens"] };

interface GeminiCase {
  file: string;
  location: string;
  model: string;
  params: Json;
  /** From the recorded usageMetadata: input = prompt, output = candidates + thoughts, reasoning = thoughts. */
  usage: Json;
  finish: string;
  has: Array<"content" | "signature" | "tools">;
}

const SYSTEM = { role: "system", content: "You are a helpful assistant" };
const WEATHER_TOOL = {
  name: "weather",
  description: "Get weather information for a location",
  parameters: { type: "object", properties: { location: { type: "string", description: "the city" } }, required: ["location"] },
};
const NUMBER = (description: string) => ({ type: "integer", description });
const MATH_TOOLS = ["add", "multiply"].map((name) => ({
  name,
  description: `${name === "add" ? "Add" : "Multiply"} two numbers`,
  parameters: { type: "object", properties: { a: NUMBER("first number"), b: NUMBER("second number") }, required: ["a", "b"] },
}));

const TEXT_PARAMS = { model: "gemini-2.5-pro", max_tokens: 4000, messages: [SYSTEM, { role: "user", content: "Say hi in Portuguese" }] };
const WEATHER_PARAMS = {
  model: "gemini-2.5-flash",
  max_tokens: 4000,
  tools: [WEATHER_TOOL],
  tool_choice: "auto",
  messages: [SYSTEM, { role: "user", content: "What's the weather in Florence,Italy?" }],
};
const MATH_PARAMS = {
  model: "gemini-2.5-flash",
  max_tokens: 4000,
  tools: MATH_TOOLS,
  tool_choice: "auto",
  messages: [
    { role: "system", content: "You are a helpful assistant. Always use both add and multiply at the same time." },
    { role: "user", content: "Add and multiply the number 2 and 3" },
  ],
};

const GEMINI_STREAMS: GeminiCase[] = [
  // promptTokenCount 9, candidatesTokenCount 73, thoughtsTokenCount 778.
  {
    file: "gemini-text",
    location: "us-central1",
    model: "gemini-2.5-pro",
    params: TEXT_PARAMS,
    finish: "stop",
    usage: { input_tokens: 9, output_tokens: 851, reasoning_tokens: 778, ...GEMINI_ZERO },
    has: ["content"],
  },
  // 28 prompt, 5 candidates, 51 thoughts.
  {
    file: "gemini-tool-call",
    location: "us-central1",
    model: "gemini-2.5-flash",
    params: WEATHER_PARAMS,
    finish: "tool_calls",
    usage: { input_tokens: 28, output_tokens: 56, reasoning_tokens: 51, ...GEMINI_ZERO },
    has: ["signature", "tools"],
  },
  // 57 prompt, 10 candidates, 42 thoughts.
  {
    file: "gemini-multi-tool",
    location: "us-central1",
    model: "gemini-2.5-flash",
    params: MATH_PARAMS,
    finish: "tool_calls",
    usage: { input_tokens: 57, output_tokens: 52, reasoning_tokens: 42, ...GEMINI_ZERO },
    has: ["signature", "tools"],
  },
  // Global endpoint; 5 prompt, 1 candidate, 100 thoughts; the text part itself is signed.
  {
    file: "gemini-flex-global",
    location: "global",
    model: "gemini-3-flash-preview",
    finish: "stop",
    params: { model: "gemini-3-flash-preview", messages: [{ role: "user", content: "Reply with exactly: OK" }] },
    usage: { input_tokens: 5, output_tokens: 101, reasoning_tokens: 100, ...GEMINI_ZERO },
    has: ["content", "signature"],
  },
];

function catalogPrice(id: string): Json | undefined {
  const file = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "src", "catalog", "models.json"), "utf8")) as Json;
  const models = file.providers.vertex.models as Json[];
  return models.find((m) => m.id === id || (m.aliases ?? []).includes(id))?.price ?? undefined;
}

function expectBearer(server: ReplayServer, index: number, token = TOKEN): void {
  const request = server.requests[index]!;
  expect(request.headers.authorization).toBe(`Bearer ${token}`);
}

describe("vertex: where Gemini 3 preview models are served", () => {
  // Vertex "Get started with Gemini 3": gemini-3-flash-preview and gemini-3.1-pro-preview are served only at
  // location=global (rule gemini-3-preview-global); a request that names no location goes there, not to us-central1.
  test("no location given: gemini-3-flash-preview goes to global; a given location still wins", async () => {
    const cassette = await recording("gemini-flex-global");
    const params = { model: "gemini-3-flash-preview", messages: [{ role: "user", content: "Reply with exactly: OK" }] };
    await withReplay(
      single(cassette, 0),
      async (server) => {
        const result = await streamChat(createHarness(), "g3", "vertex", { ...base(server.url, { location: undefined }), ...params });
        expect(result.error).toBeUndefined();
        expect(server.requests[0]!.path).toBe(geminiPath("global", "gemini-3-flash-preview"));
      },
      LOOSE,
    );
    await withReplay(
      single(cassette, 0),
      async (server) => {
        await streamChat(createHarness(), "g3b", "vertex", { ...base(server.url, { location: "europe-west4" }), ...params });
        expect(server.requests[0]!.path).toBe(geminiPath("europe-west4", "gemini-3-flash-preview"));
      },
      LOOSE,
    );
  });
});

describe("vertex replay: Gemini streams", () => {
  test.each(GEMINI_STREAMS)("$file: text, tool calls, signatures, finish, usage, the request sent", async ({ file, location, model, params, usage, finish, has }) => {
    const cassette = await recording(file);
    const it = interaction(cassette, 0);
    const expected = recordedGemini(it);
    if (has.includes("content")) expect(expected.content).not.toBe("");
    if (has.includes("signature")) expect(expected.signatures.length).toBeGreaterThan(0);
    if (has.includes("tools")) expect(expected.calls.length).toBeGreaterThan(0);

    const harness = createHarness();
    await withReplay(
      single(cassette, 0),
      async (server) => {
        const result = await streamChat(harness, file, "vertex", { ...base(server.url, { location }), ...params });
        expect(result.error).toBeUndefined();
        expect(result.retries).toEqual([]);
        expect(result.content).toBe(expected.content);
        expect(result.reasoning).toBe(expected.thoughts);
        expect(result.signatures).toEqual(expected.signatures);
        expect(asRecordedCalls(result.toolCalls, expected.calls)).toEqual(expected.calls);
        expect(new Set(result.toolCalls.map((call) => call.id)).size).toBe(result.toolCalls.length);
        for (const call of result.toolCalls) expect(call.id).not.toBe("");
        // A call's signature travels as a reasoning chunk right before that call's first delta.
        const lines = result.lines.map((line) => line.data as Json);
        const firstDelta = lines.findIndex((d) => d.type === "tool_call_delta");
        if (firstDelta !== -1 && expected.signatures.length > 0) {
          expect(lines[firstDelta - 1]).toEqual({ type: "reasoning", content: "", signature: expected.signatures[0] });
        }

        const done = result.done!;
        expect(done.finish_reason).toBe(finish);
        expect(done.raw_finish_reason).toBe(expected.finishReason);
        expect(done.model).toBe(expected.modelVersion);
        expect(done.usage).toEqual(usage);
        const price = catalogPrice(model);
        expect(price).toBeDefined();
        expect(done.cost.input).toBeCloseTo((usage.input_tokens * price!.input) / 1e6, 12);
        expect(done.cost.output).toBeCloseTo((usage.output_tokens * price!.output) / 1e6, 12);

        expect(server.requests.length).toBe(1);
        const sent = server.requests[0]!;
        expect(sent.method).toBe("POST");
        expect(sent.path).toBe(geminiPath(location, model));
        expect(new URLSearchParams(sent.path.split("?")[1]).get("alt")).toBe("sse");
        expectBearer(server, 0);
        expect(sent.headers["x-goog-user-project"]).toBeUndefined();
        expect(sent.headers["content-type"]).toContain("application/json");
        // What the recorded client (Google's genai SDK) sent for the same conversation.
        const body = JSON.parse(sent.body) as Json;
        const recorded = it.request.body as Json;
        expect(body.contents).toEqual(recorded.contents);
        if (recorded.systemInstruction !== undefined) expect(body.systemInstruction.parts).toEqual(recorded.systemInstruction.parts);
        if (recorded.toolConfig !== undefined) expect(body.toolConfig).toEqual(recorded.toolConfig);
        if (recorded.generationConfig?.maxOutputTokens !== undefined) expect(body.generationConfig.maxOutputTokens).toBe(recorded.generationConfig.maxOutputTokens);
        if (recorded.tools !== undefined) {
          const names = (tools: Json[]) => tools.flatMap((t) => (t.functionDeclarations ?? []).map((d: Json) => d.name));
          expect(names(body.tools)).toEqual(names(recorded.tools));
        }
        expect(body.model).toBeUndefined();
        expect(body.stream).toBeUndefined();
      },
      LOOSE,
    );
  });

  test.each([
    // Turn 2 usage: 89 prompt, 12 candidates; 115 prompt, 24 candidates (no thoughts).
    { file: "gemini-tool-call", params: WEATHER_PARAMS, results: ["40 C"], usage: { input_tokens: 89, output_tokens: 12, reasoning_tokens: 0, ...GEMINI_ZERO } },
    { file: "gemini-multi-tool", params: MATH_PARAMS, results: ["5", "6"], usage: { input_tokens: 115, output_tokens: 24, reasoning_tokens: 0, ...GEMINI_ZERO } },
  ])("$file: handing back what turn 1 streamed (signatures included) makes the recorded model turn; turn 2 streams", async ({ file, params, results, usage }) => {
    const cassette = await recording(file);
    const second = interaction(cassette, 1);
    const harness = createHarness();
    await withReplay(
      cassette,
      async (server) => {
        const turn1 = await streamChat(harness, "t1", "vertex", { ...base(server.url), ...params });
        expect(turn1.done?.finish_reason).toBe("tool_calls");
        // Signatures come back as signed reasoning parts right before the call they sign, as the stream delivered them.
        const assistant: Json[] = [];
        const dataLines = turn1.lines.map((line) => line.data as Json);
        for (const data of dataLines) {
          if (data.type === "reasoning" && data.signature !== undefined) assistant.push({ type: "reasoning", text: "", signature: data.signature });
          if (data.type === "tool_call") assistant.push({ type: "tool_call", ...data.tool_call });
        }
        const toolResults = turn1.toolCalls.map((call: ToolCallOut, i: number) => ({ type: "tool_result", tool_call_id: call.id, content: results[i]! }));
        const turn2 = await streamChat(harness, "t2", "vertex", {
          ...base(server.url),
          ...params,
          messages: [...params.messages, { role: "assistant", content: assistant }, { role: "tool", content: toolResults }],
        });
        expect(turn2.error).toBeUndefined();
        expect(turn2.content).toBe(recordedGemini(second).content);
        expect(turn2.done?.finish_reason).toBe("stop");
        expect(turn2.done?.usage).toEqual(usage);

        const sent = sentBody(server, 1);
        const recorded = second.request.body as Json;
        expect(sent.contents.length).toBe(recorded.contents.length);
        expect(sent.contents[1]).toEqual(recorded.contents[1]);
        // Fantasy wraps results as {result}; we use the documented {output}. The pairing is by name either way.
        expect(sent.contents[2].parts.map((p: Json) => p.functionResponse.name)).toEqual(recorded.contents[2].parts.map((p: Json) => p.functionResponse.name));
        expect(sent.contents[2].parts.map((p: Json) => p.functionResponse.response.output)).toEqual(results);
      },
      LOOSE,
    );
  });

  test("thought parts stream as reasoning text, before the answer (a thought part edited into gemini-text)", async () => {
    const cassette = await recording("gemini-text");
    const it = interaction(cassette, 0);
    const thought = {
      candidates: [{ content: { role: "model", parts: [{ text: "The user wants a greeting.", thought: true }] } }],
      usageMetadata: { trafficType: "ON_DEMAND" },
      modelVersion: "gemini-2.5-pro",
    };
    const edited: Cassette = { ...cassette, interactions: [{ ...it, body: [chunkStep(`data: ${JSON.stringify(thought)}\r\n\r\n`), ...it.body] }] };
    const harness = createHarness();
    await withReplay(
      edited,
      async (server) => {
        const result = await streamChat(harness, "th", "vertex", { ...base(server.url), ...TEXT_PARAMS });
        expect(result.reasoning).toBe("The user wants a greeting.");
        expect(result.content).toBe(recordedGemini(it).content);
        const types = result.lines.map((line) => line.data.type);
        expect(types.indexOf("reasoning")).toBeLessThan(types.indexOf("content"));
      },
      LOOSE,
    );
  });

  test("a quota project (GOOGLE_CLOUD_QUOTA_PROJECT) travels as x-goog-user-project", async () => {
    const harness = createHarness({ env: { GOOGLE_CLOUD_QUOTA_PROJECT: "billing-project" } });
    await withReplay(
      single(await recording("gemini-text"), 0),
      async (server) => {
        const result = await streamChat(harness, "q", "vertex", { ...base(server.url), ...TEXT_PARAMS });
        expect(result.error).toBeUndefined();
        expect(server.requests[0]!.headers["x-goog-user-project"]).toBe("billing-project");
        expectBearer(server, 0);
      },
      LOOSE,
    );
  });
});

// ---------------------------------------------------------------------------
// Claude on Vertex.

function claudeExpected(it: Interaction): { content: string; calls: ToolCallOut[]; stop: string | undefined } {
  let content = "";
  let stop: string | undefined;
  const calls = new Map<number, ToolCallOut>();
  for (const { data } of recordedEvents(it)) {
    if (data.type === "content_block_start" && data.content_block.type === "tool_use")
      calls.set(data.index, { id: data.content_block.id, name: data.content_block.name, arguments: "" });
    if (data.type === "content_block_delta" && data.delta.type === "text_delta") content += data.delta.text;
    if (data.type === "content_block_delta" && data.delta.type === "input_json_delta") calls.get(data.index)!.arguments += data.delta.partial_json;
    if (data.type === "message_delta") stop = data.delta.stop_reason;
  }
  return { content, calls: [...calls.values()], stop };
}

const CLAUDE = "claude-3-7-sonnet@20250219";

describe("vertex replay: Claude streams (:streamRawPredict)", () => {
  test.each([
    // message_start input 16 (no cache), message_delta output 16.
    {
      file: "claude-text",
      turn: 0,
      params: { max_tokens: 4000, messages: [SYSTEM, { role: "user", content: "Say hi in Portuguese" }] },
      finish: "stop",
      usage: { input_tokens: 16, output_tokens: 16 },
    },
    // input 394, output 76; stop_reason tool_use.
    {
      file: "claude-tool-call",
      turn: 0,
      params: { max_tokens: 4000, tools: [WEATHER_TOOL], tool_choice: "auto", messages: [SYSTEM, { role: "user", content: "What's the weather in Florence,Italy?" }] },
      finish: "tool_calls",
      usage: { input_tokens: 394, output_tokens: 76 },
    },
  ])("$file: Anthropic mapping, Vertex path and body (anthropic_version, stream, no model)", async ({ file, turn, params, finish, usage }) => {
    const cassette = await recording(file);
    const it = interaction(cassette, turn);
    const expected = claudeExpected(it);
    expect(expected.content).not.toBe("");
    const harness = createHarness();
    await withReplay(
      single(cassette, turn),
      async (server) => {
        const result = await streamChat(harness, file, "vertex", { ...base(server.url), model: CLAUDE, ...params });
        expect(result.error).toBeUndefined();
        expect(result.content).toBe(expected.content);
        expect(result.toolCalls).toEqual(expected.calls.map((c) => ({ ...c, arguments: c.arguments === "" ? "{}" : c.arguments })));
        expect(result.done?.finish_reason).toBe(finish);
        expect(result.done?.raw_finish_reason).toBe(expected.stop);
        expect(result.done?.usage).toEqual({ ...usage, ...USAGE_ZERO, ...CLAUDE_ESTIMATED });
        expect(result.done?.model).toBe("claude-3-7-sonnet-20250219");

        const sent = server.requests[0]!;
        expect(sent.method).toBe("POST");
        expect(sent.path).toBe(claudePath(CLAUDE));
        expectBearer(server, 0);
        const body = JSON.parse(sent.body) as Json;
        expect(body.anthropic_version).toBe("vertex-2023-10-16");
        expect(body.stream).toBe(true);
        expect("model" in body).toBe(false);
        const recorded = it.request.body as Json;
        expect(body.anthropic_version).toBe(recorded.anthropic_version);
        expect(body.messages).toEqual(recorded.messages);
        expect(body.system).toEqual(recorded.system);
        expect(body.max_tokens).toBe(recorded.max_tokens);
        if (recorded.tools !== undefined) expect(body.tools).toEqual(recorded.tools);
      },
      LOOSE,
    );
  });

  test("claude-tool-call: handing the call back makes the recorded turn-2 messages", async () => {
    const cassette = await recording("claude-tool-call");
    const second = interaction(cassette, 1);
    const params = {
      model: CLAUDE,
      max_tokens: 4000,
      tools: [WEATHER_TOOL],
      tool_choice: "auto",
      messages: [SYSTEM, { role: "user", content: "What's the weather in Florence,Italy?" }],
    };
    const harness = createHarness();
    await withReplay(
      cassette,
      async (server) => {
        const turn1 = await streamChat(harness, "c1", "vertex", { ...base(server.url), ...params });
        const assistant = [{ type: "text", text: turn1.content }, ...turn1.toolCalls.map((call) => ({ type: "tool_call", ...call }))];
        const results = turn1.toolCalls.map((call) => ({ type: "tool_result", tool_call_id: call.id, content: [{ type: "text", text: "40 C" }] }));
        const turn2 = await streamChat(harness, "c2", "vertex", {
          ...base(server.url),
          ...params,
          messages: [...params.messages, { role: "assistant", content: assistant }, { role: "tool", content: results }],
        });
        expect(turn2.content).toBe(claudeExpected(second).content);
        // input 484, output 65.
        expect(turn2.done?.usage).toEqual({ input_tokens: 484, output_tokens: 65, ...USAGE_ZERO, ...CLAUDE_ESTIMATED });
        expect(sentBody(server, 1).messages).toEqual((second.request.body as Json).messages);
      },
      LOOSE,
    );
  });
});

// ---------------------------------------------------------------------------
// Credentials.

describe("vertex replay: credential sources", () => {
  test("a service-account key: JWT exchanged at the key's loopback token_uri, the minted token arrives as Bearer; project from the key", async () => {
    const endpoint = await startTokenEndpoint();
    try {
      const key = serviceAccountJson(testKey(0), endpoint.tokenUri);
      register(endpoint, key, testKey(0).publicPem, "ya29.fake.minted.for.service.account");
      const harness = createHarness({ now: () => T0 });
      await withReplay(
        single(await recording("gemini-text"), 0),
        async (server) => {
          const { project: _project, credentials: _credentials, ...rest } = base(server.url);
          const result = await streamChat(harness, "sa", "vertex", { ...rest, ...TEXT_PARAMS, credentials: { service_account: key } });
          expect(result.error).toBeUndefined();
          expect(result.content).toBe(recordedGemini(interaction(await recording("gemini-text"), 0)).content);
          expect(endpoint.verified.length).toBe(1);
          expect(endpoint.verified[0]!.claims.iss).toBe(key.client_email);
          expect(server.requests[0]!.path).toBe(geminiPath("us-central1", "gemini-2.5-pro", undefined, "key-project"));
          expectBearer(server, 0, "ya29.fake.minted.for.service.account");
          const written = everythingWritten(harness);
          expect(written).not.toContain("ya29.fake.minted.for.service.account");
          expect(written).not.toContain("PRIVATE KEY");
        },
        LOOSE,
      );
    } finally {
      await endpoint.close();
    }
  });

  test("a service-account token Vertex rejects (401): invalidated, minted again, retried once", async () => {
    const endpoint = await startTokenEndpoint();
    try {
      const key = serviceAccountJson(testKey(0), endpoint.tokenUri);
      register(endpoint, key, testKey(0).publicPem, "ya29.minted-again");
      const harness = createHarness({ now: () => T0 });
      const cassettes = [await recording("error-401"), single(await recording("gemini-text"), 0)];
      await withReplay(
        cassettes,
        async (server) => {
          const result = await streamChat(harness, "sa401", "vertex", { ...base(server.url), ...TEXT_PARAMS, credentials: { service_account: key } });
          expect(result.error).toBeUndefined();
          expect(result.retries.length).toBe(1);
          expect(endpoint.verified.length).toBe(2);
          expect(server.requests.length).toBe(2);
        },
        LOOSE,
      );
    } finally {
      await endpoint.close();
    }
  });

  test("gcloud ADC (authorized_user): the recorded refresh-token grant replays exactly, then Model Armor blocks the prompt -> content_filter", async () => {
    const cassette = await recording("model-armor-blocked");
    const [grant, blocked] = [interaction(cassette, 0), interaction(cassette, 1)];
    expect(grant.request.path).toBe("/token");
    const answer = recordedJson(grant);
    const armor = recordedJson(blocked);
    expect(armor.promptFeedback.blockReason).toBe("MODEL_ARMOR");
    expect(armor.candidates).toBeUndefined();
    // The recording is the non-streaming generateContent: the same JSON, framed as the one SSE event a stream would carry.
    const streamed: Interaction = {
      ...blocked,
      response: { status: 200, headers: { "content-type": "text/event-stream" } },
      body: [chunkStep(`data: ${bodyText(blocked)}\r\n\r\n`)],
    };
    await withReplay(
      { ...cassette, interactions: [grant, streamed] },
      async (server) => {
        const adc = { type: "authorized_user", client_id: "scrubbed", client_secret: "scrubbed", refresh_token: "scrubbed", token_uri: `${server.url}/token` };
        const harness = createHarness({
          home: "/home/test",
          files: memoryFiles({ "/home/test/.config/gcloud/application_default_credentials.json": JSON.stringify(adc) }),
        });
        const result = await streamChat(harness, "armor", "vertex", {
          base_url: server.url,
          project: PROJECT,
          location: "europe-west4",
          model: "gemini-2.5-flash",
          messages: [{ role: "user", content: (blocked.request.body as Json).contents[0].parts[0].text }],
        });
        expect(server.requests.length).toBe(2);
        const sentGrant = server.requests[0]!;
        expect(sentGrant.method).toBe("POST");
        expect(sentGrant.path).toBe("/token");
        const form = new URLSearchParams(sentGrant.body);
        const recordedForm = new URLSearchParams(String(grant.request.body));
        expect([...form.entries()].sort()).toEqual([...recordedForm.entries()].sort());
        expect(server.requests[1]!.path).toBe(geminiPath("europe-west4", "gemini-2.5-flash"));
        expectBearer(server, 1, answer.access_token);

        expect(result.error).toBeUndefined();
        expect(result.content).toBe("");
        expect(result.done?.finish_reason).toBe("content_filter");
        expect(result.done?.raw_finish_reason).toBe("MODEL_ARMOR");
        expect(result.done?.model).toBe("gemini-2.5-flash");
      },
      LOOSE,
    );
  });
});

// ---------------------------------------------------------------------------
// Errors.

describe("vertex replay: errors", () => {
  test("401 UNAUTHENTICATED with a token the caller gave: final at once (asking again would send the same token)", async () => {
    const c = await recording("error-401");
    const harness = createHarness();
    // A second copy stays unplayed: there is no other token to try.
    await withReplay(
      [c, c],
      async (server) => {
        const result = await streamChat(harness, "e401", "vertex", { ...base(server.url), ...TEXT_PARAMS });
        expect(result.retries.length).toBe(0);
        expect(server.requests.length).toBe(1);
        expectBearer(server, 0);
        expect(result.error).toMatchObject({ code: "AUTH_FAILED", status: 401, retryable: false, partial: false });
        expect(result.error!.message).toContain("invalid authentication credentials");
        expect(everythingWritten(harness)).not.toContain(TOKEN);
      },
      LOOSE,
    );
  });

  test.each([
    { file: "error-403", model: "gemini-2.5-pro", code: "AUTH_FAILED", status: 403, text: "aiplatform.endpoints.predict" },
    { file: "model-not-found-404", model: "gemini-9.9-pro", code: "NOT_FOUND", status: 404, text: "gemini-9.9-pro" },
  ])("$file -> $code, not retried", async ({ file, model, code, status, text }) => {
    const harness = createHarness();
    await withReplay(await recording(file), async (server) => {
      const result = await streamChat(harness, file, "vertex", { ...base(server.url), ...TEXT_PARAMS, model });
      expect(result.error).toMatchObject({ code, status, retryable: false, partial: false });
      expect(result.error!.message).toContain(text);
      expect(result.retries).toEqual([]);
      expect(server.requests.length).toBe(1);
      expect(server.requests[0]!.path).toBe(geminiPath("us-central1", model));
    });
  });

  test("429 RESOURCE_EXHAUSTED with RetryInfo 34.4s: a retry chunk with that delay, then the answer", async () => {
    const cassette = await recording("rate-limit-429-then-success");
    const recorded = recordedJson(interaction(cassette, 0));
    expect(recorded.error.details.find((d: Json) => d["@type"].endsWith("RetryInfo")).retryDelay).toBe("34.4s");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "e429", "vertex", { ...base(server.url), ...TEXT_PARAMS });
      expect(result.retries).toEqual([expect.objectContaining({ type: "retry", attempt: 1, delay_ms: 34400 })]);
      expect(harness.sleeps).toContain(34400);
      expect(result.error).toBeUndefined();
      expect(result.content).toBe(recordedGemini(interaction(cassette, 1)).content);
      expect(server.requests.length).toBe(2);
      for (const request of server.requests) expect(request.path).toBe(geminiPath("us-central1", "gemini-2.5-pro"));
    });
  });

  test("503 UNAVAILABLE: OVERLOADED, retryable, retried up to the limit", async () => {
    const c = await recording("unavailable-503");
    const harness = createHarness();
    await withReplay([c, c, c], async (server) => {
      const result = await streamChat(harness, "e503", "vertex", { ...base(server.url), ...TEXT_PARAMS });
      expect(result.retries.length).toBe(2);
      expect(server.requests.length).toBe(3);
      expect(result.error).toMatchObject({ code: "OVERLOADED", status: 503, retryable: true, partial: false });
    });
  });

  test("a stream that ends without finishReason: STREAM_ERROR, partial, the text so far kept", async () => {
    const cassette = await recording("truncated");
    const it = interaction(cassette, 0);
    expect(recordedGemini(it).finishReason).toBeUndefined();
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "trunc", "vertex", { ...base(server.url), ...TEXT_PARAMS });
      expect(result.content).toBe(recordedGemini(it).content);
      expect(result.content).not.toBe("");
      expect(result.error).toMatchObject({ code: "STREAM_ERROR", partial: true });
    });
  });
});

// ---------------------------------------------------------------------------
// count_tokens and list_models.

describe("vertex replay: count_tokens", () => {
  test("Gemini: :countTokens with contents and systemInstruction only -> the recorded totalTokens, method api", async () => {
    const cassette = await recording("count-tokens");
    const it = interaction(cassette, 0);
    const total = recordedJson(it).totalTokens;
    expect(total).toBe(13);
    const harness = createHarness();
    await withReplay(
      single(cassette, 0),
      async (server) => {
        const line = only(
          await harness.run({
            id: "ct",
            action: "count_tokens",
            provider: "vertex",
            params: {
              ...base(server.url, { location: "global" }),
              model: "gemini-2.5-flash",
              messages: [
                { role: "system", content: "You are a helpful chatbot." },
                { role: "user", content: "What is the capital of France?" },
              ],
            },
          }),
          "count_tokens",
        );
        expect(line.data).toEqual({ input_tokens: total, exact: true, method: "api" });
        const sent = server.requests[0]!;
        expect(sent.path).toBe(geminiPath("global", "gemini-2.5-flash", "countTokens"));
        expectBearer(server, 0);
        const body = sentBody(server);
        const recorded = it.request.body as Json;
        expect(body.contents).toEqual(recorded.contents);
        expect(body.systemInstruction.parts).toEqual(recorded.systemInstruction.parts);
        expect(body.generationConfig).toBeUndefined();
      },
      LOOSE,
    );
  });

  test("Claude: count-tokens:rawPredict with the model in the body -> input_tokens, method api", async () => {
    const cassette = await recording("claude-count-tokens");
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const line = only(
        await harness.run({
          id: "cc",
          action: "count_tokens",
          provider: "vertex",
          params: { ...base(server.url), model: CLAUDE, max_tokens: 4000, messages: [SYSTEM, { role: "user", content: "Say hi in Portuguese" }] },
        }),
        "count_tokens",
      );
      expect(line.data).toEqual({ input_tokens: recordedJson(it).input_tokens, exact: true, method: "api" });
      expect(server.requests[0]!.path).toBe(claudePath("count-tokens", "rawPredict"));
      const body = sentBody(server);
      const recorded = it.request.body as Json;
      expect(body).toEqual(recorded);
    });
  });

  test("503 from :countTokens: an estimate instead of an error", async () => {
    const c = await recording("unavailable-503");
    const harness = createHarness();
    await withReplay(
      [c, c, c],
      async (server) => {
        const line = only(await harness.run({ id: "ce", action: "count_tokens", provider: "vertex", params: { ...base(server.url), ...TEXT_PARAMS } }), "count_tokens");
        expect(line.success).toBe(true);
        expect(line.data).toMatchObject({ exact: false, method: "estimate" });
        expect(line.data.input_tokens).toBeGreaterThan(0);
        expect(server.requests.length).toBeGreaterThan(0);
        for (const request of server.requests) expect(request.path).toBe(geminiPath("us-central1", "gemini-2.5-pro", "countTokens"));
      },
      LOOSE,
    );
  });
});

describe("vertex replay: list_models", () => {
  const catalog = (JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "src", "catalog", "models.json"), "utf8")) as Json).providers.vertex.models as Json[];
  const claudeIds = catalog.filter((m) => String(m.id).startsWith("claude")).map((m) => m.id as string);

  test("Gemini ids from the paged publisher listing (catalog prices where known) plus Claude from the catalog", async () => {
    const cassette = await recording("models");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const line = only(await harness.run({ id: "lm", action: "list_models", provider: "vertex", params: base(server.url) }), "list_models");
      const models = line.data as Json[];
      const ids = models.map((m) => m.id);
      expect(ids).toEqual(["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.0-flash-001", ...claudeIds]);
      const byId = new Map(models.map((m) => [m.id, m]));
      expect(byId.get("gemini-2.5-pro")!.cost).toMatchObject({ input: catalogPrice("gemini-2.5-pro")!.input, output: catalogPrice("gemini-2.5-pro")!.output });
      expect(byId.get("gemini-2.0-flash-001")!.cost).toBeNull();
      expect(server.requests.map((r) => r.path)).toEqual([
        "/v1beta1/publishers/google/models?pageSize=200",
        "/v1beta1/publishers/google/models?pageSize=200&pageToken=page-2-token",
      ]);
      expectBearer(server, 0);
      expectBearer(server, 1);
    });
  });

  test.each([
    { what: "no credentials anywhere", params: (url: string) => ({ base_url: url, project: PROJECT }) },
    { what: "credentials but no project", params: (url: string) => ({ base_url: url, credentials: { access_token: TOKEN } }) },
  ])("$what: the catalog alone, no request", async ({ params }) => {
    const harness = createHarness({ env: { METADATA_SERVER_DETECTION: "none" } });
    const url = await closedPortUrl();
    const line = only(await harness.run({ id: "lc", action: "list_models", provider: "vertex", params: params(url) }), "list_models");
    expect(line.success).toBe(true);
    expect((line.data as Json[]).map((m) => m.id)).toEqual(catalog.map((m) => m.id));
    for (const model of line.data as Json[]) expect(model.source).toBe("catalog");
  });
});

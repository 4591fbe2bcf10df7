/**
 * End-to-end replay of every recordings/bedrock cassette through the real
 * Server in this process, with real fetch over loopback. Params are rebuilt
 * from the recorded Converse request bodies, so what we send can be compared
 * with what boto3 sent; expectations about the answer are read from the
 * recorded event-stream bytes with the AWS SDK's own codec
 * (@smithy/eventstream-codec), never with src/decode or the Converse mapper.
 * SigV4 signatures are re-derived with @smithy/signature-v4 (aws-oracle.ts).
 */
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createServer, type Server as TcpServer } from "node:net";
import { join } from "node:path";
import { BEDROCK_GEOGRAPHIES, findModel } from "../../src/catalog/catalog.ts";
import { profilePrefixForRegion } from "../../src/providers/bedrock.ts";
import { modelKey } from "../../src/rules/model-key.ts";
import { expectedAuthorization } from "../auth/aws-oracle.ts";
import { bodyBytes, loadCassette, type BodyStep, type Cassette, type Interaction } from "../support/cassette.ts";
import { createHarness, memoryFiles, type Harness, type Line } from "../support/in-process.ts";
import type { ReceivedRequest, ReplayServer } from "../support/replay-server.ts";
import { validateResponseLine } from "../support/wire-schema.ts";
import { everythingWritten, interaction, RECORDINGS, single, streamChat, withReplay, type Json, type ToolCallOut } from "./replay.ts";
import { AWS_SESSION_TOKEN_CANARY, AWS_SIGV4_CANARY } from "../support/canary.ts";

const REGION = "us-east-1";
/** The example keys of the AWS SigV4 documentation: not credentials of any account. */
const { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY } = AWS_SIGV4_CANARY;
const SIGV4 = { access_key_id: ACCESS_KEY_ID, secret_access_key: SECRET_ACCESS_KEY };
const BEARER = "bedrock-api-key-CANARYreplayFAKE0000000000000000";

function recording(name: string): Promise<Cassette> {
  return loadCassette(join(RECORDINGS, "bedrock", `${name}.ndjson`));
}

/** The model id a recorded converse-stream / count-tokens path names, percent-decoded. */
function pathModel(it: Interaction): string {
  const match = /^\/model\/([^/]+)\//.exec(it.request.path);
  if (!match) throw new Error(`not a /model/ path: ${it.request.path}`);
  return decodeURIComponent(match[1]!);
}

// ---------------------------------------------------------------------------
// What a recorded event stream says, read with the AWS SDK's codec.

const codec = new EventStreamCodec(toUtf8, fromUtf8);

interface Frame {
  headers: Record<string, string>;
  payload: Json;
}

/** Every whole message of the body (a trailing partial one is left out), in order. */
function frames(it: Interaction): Frame[] {
  const bytes = bodyBytes(it);
  const out: Frame[] = [];
  for (let at = 0; at + 4 <= bytes.length; ) {
    const total = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);
    if (at + total > bytes.length) break;
    const message = codec.decode(bytes.subarray(at, at + total));
    const headers = Object.fromEntries(Object.entries(message.headers).map(([name, header]) => [name, String(header.value)]));
    out.push({ headers, payload: JSON.parse(toUtf8(message.body)) as Json });
    at += total;
  }
  return out;
}

interface Expected {
  content: string;
  reasoning: string;
  signatures: string[];
  redacted: string[];
  toolCalls: ToolCallOut[];
  stopReason: string | undefined;
  usage: Json | undefined;
}

/**
 * ConverseStreamOutput per the API reference: text and reasoning arrive as
 * contentBlockDelta; a client tool call opens with contentBlockStart.toolUse
 * (a `server_tool_use` one runs at Bedrock and is not the editor's) and its
 * input arrives as JSON text fragments.
 */
function expectedFrom(it: Interaction): Expected {
  const out: Expected = { content: "", reasoning: "", signatures: [], redacted: [], toolCalls: [], stopReason: undefined, usage: undefined };
  const tools = new Map<number, ToolCallOut>();
  for (const { headers, payload } of frames(it)) {
    if (headers[":message-type"] !== "event") continue;
    switch (headers[":event-type"]) {
      case "contentBlockStart": {
        const use = payload.start?.toolUse;
        if (use !== undefined && use.type !== "server_tool_use") tools.set(payload.contentBlockIndex, { id: use.toolUseId, name: use.name, arguments: "" });
        break;
      }
      case "contentBlockDelta": {
        const delta = payload.delta;
        if (typeof delta.text === "string") out.content += delta.text;
        const reasoning = delta.reasoningContent;
        if (reasoning?.text !== undefined) out.reasoning += reasoning.text;
        if (reasoning?.signature !== undefined) out.signatures.push(reasoning.signature);
        if (reasoning?.redactedContent !== undefined) out.redacted.push(reasoning.redactedContent);
        const call = tools.get(payload.contentBlockIndex);
        if (delta.toolUse !== undefined && call !== undefined) call.arguments += delta.toolUse.input;
        break;
      }
      case "messageStop":
        out.stopReason = payload.stopReason;
        break;
      case "metadata":
        out.usage = payload.usage;
        break;
    }
  }
  out.toolCalls = [...tools.values()].map((call) => ({ ...call, arguments: call.arguments === "" ? "{}" : call.arguments }));
  return out;
}

/** Converse stopReason → wire finish_reason (PROTOCOL.md vocabulary). */
const FINISH: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  tool_use: "tool_calls",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  guardrail_intervened: "content_filter",
  content_filtered: "content_filter",
};

// ---------------------------------------------------------------------------
// Recorded Converse request body → our ChatParams.

interface Rebuilt {
  params: Json;
  /** Request keys our ChatParams cannot express (document blocks, systemTool, outputConfig, cachePoint). */
  dropped: string[];
}

function converseParams(body: Json): Rebuilt {
  const dropped = new Set<string>();
  const messages: Json[] = [];
  const system = (body.system ?? []) as Json[];
  if (system.some((block) => block.text === undefined)) dropped.add("system");
  const systemText = system.filter((block) => block.text !== undefined);
  if (systemText.length === 1) messages.push({ role: "system", content: systemText[0]!.text });
  else if (systemText.length > 1) messages.push({ role: "system", content: systemText.map((block) => ({ type: "text", text: block.text })) });

  for (const message of body.messages as Json[]) {
    const blocks = message.content as Json[];
    if (message.role === "assistant") {
      const parts = blocks.map((block): Json => {
        if (block.text !== undefined) return { type: "text", text: block.text };
        if (block.toolUse !== undefined) return { type: "tool_call", id: block.toolUse.toolUseId, name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input) };
        const reasoning = block.reasoningContent;
        if (reasoning?.reasoningText !== undefined) return { type: "reasoning", text: reasoning.reasoningText.text, signature: reasoning.reasoningText.signature };
        if (reasoning?.redactedContent !== undefined) return { type: "reasoning", text: "", redacted: reasoning.redactedContent };
        throw new Error(`cannot rebuild assistant block ${Object.keys(block).join()}`);
      });
      messages.push({ role: "assistant", content: parts });
      continue;
    }
    const results = blocks.filter((block) => block.toolResult !== undefined);
    if (results.length > 0) {
      messages.push({
        role: "tool",
        content: results.map(({ toolResult }) => ({
          type: "tool_result",
          tool_call_id: toolResult.toolUseId,
          content: (toolResult.content as Json[]).map((inner) => ({ type: "text", text: inner.text })),
          ...(toolResult.status === "error" && { is_error: true }),
        })),
      });
    }
    const rest = blocks.filter((block) => block.toolResult === undefined);
    if (rest.some((block) => block.text === undefined)) dropped.add("messages");
    const texts = rest.filter((block) => block.text !== undefined);
    if (texts.length > 0) messages.push({ role: "user", content: texts.map((block) => ({ type: "text", text: block.text })) });
  }

  const params: Json = { messages };
  const inference = (body.inferenceConfig ?? {}) as Json;
  if (inference.maxTokens !== undefined) params.max_tokens = inference.maxTokens;
  if (inference.temperature !== undefined) params.temperature = inference.temperature;
  if (inference.topP !== undefined) params.top_p = inference.topP;
  if (inference.stopSequences !== undefined) params.stop = inference.stopSequences;

  const toolConfig = body.toolConfig as Json | undefined;
  if (toolConfig !== undefined) {
    const entries = toolConfig.tools as Json[];
    if (entries.some((entry) => entry.toolSpec === undefined)) dropped.add("toolConfig"); // systemTool, cachePoint
    params.tools = entries
      .filter((entry) => entry.toolSpec !== undefined)
      .map(({ toolSpec }) => ({ name: toolSpec.name, ...(toolSpec.description !== undefined && { description: toolSpec.description }), parameters: toolSpec.inputSchema.json }));
    const choice = toolConfig.toolChoice as Json | undefined;
    if (choice?.auto !== undefined) params.tool_choice = "auto";
    if (choice?.any !== undefined) params.tool_choice = "required";
    if (choice?.tool !== undefined) params.tool_choice = { name: choice.tool.name };
  }
  const thinking = body.additionalModelRequestFields?.thinking;
  if (thinking?.type === "enabled") params.reasoning = { budget_tokens: thinking.budget_tokens };
  for (const key of Object.keys(body)) {
    if (!["messages", "system", "inferenceConfig", "toolConfig", "additionalModelRequestFields"].includes(key)) dropped.add(key);
  }
  return { params, dropped: [...dropped] };
}

/**
 * The parts of a Converse body both sides must agree on. boto3 (pydantic-ai)
 * sends `system: []` and `inferenceConfig: {}` where there is nothing to say,
 * and `status: "success"` on every tool result; the API reads a missing
 * system/inferenceConfig the same, and a result without status as a success.
 */
function comparable(body: Json, keys: string[]): Json {
  const out: Json = {};
  for (const key of keys) {
    const value = body[key];
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    out[key] = value;
  }
  if (out.messages !== undefined) {
    out.messages = (out.messages as Json[]).map((message) => ({
      ...message,
      content: (message.content as Json[]).map((block) => {
        if (block.toolResult?.status !== "success") return block;
        const { status: _status, ...rest } = block.toolResult;
        return { toolResult: rest };
      }),
    }));
  }
  return out;
}

const COMPARED = ["messages", "system", "inferenceConfig", "toolConfig", "additionalModelRequestFields"];

function paramsFor(it: Interaction, base_url: string, extra: Json = {}): Json {
  return { model: pathModel(it), ...converseParams(it.request.body as Json).params, base_url, region: REGION, credentials: SIGV4, ...extra };
}

// ---------------------------------------------------------------------------
// What the replay server received.

function received(server: ReplayServer, index: number): ReceivedRequest {
  const request = server.requests[index];
  if (request === undefined) throw new Error(`the replay server received no request #${index}`);
  return request;
}

const SIGV4_PREFIX = new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/(\\d{8})/${REGION}/bedrock/aws4_request, SignedHeaders=`);

/** A SigV4 request the AWS SDK's signer, given the same secret and date, signs the same way. */
async function expectSigned(server: ReplayServer, index: number): Promise<void> {
  const request = received(server, index);
  const authorization = request.headers.authorization ?? "";
  const prefix = SIGV4_PREFIX.exec(authorization);
  expect(prefix).not.toBeNull();
  const amzDate = request.headers["x-amz-date"];
  expect(amzDate).toMatch(/^\d{8}T\d{6}Z$/);
  expect(prefix![1]).toBe(amzDate!.slice(0, 8));
  const { expected, region, service } = await expectedAuthorization(
    { method: request.method, url: `${server.url}${request.path}`, headers: request.headers, body: request.body },
    { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
  );
  expect([region, service]).toEqual([REGION, "bedrock"]);
  expect(authorization).toBe(expected);
}

/** `/model/<id>/<operation>` with the id percent-encoded as one segment: `:` travels as %3A. */
function modelPath(model: string, operation: string): string {
  return `/model/${model.replaceAll(":", "%3A").replaceAll("/", "%2F")}/${operation}`;
}

interface CatalogEntryData {
  id: string;
  price: { input?: number | null; output?: number | null; cache_read?: number | null; cache_write?: number | null; geographic_uplift?: number } | null;
}

/**
 * The catalog's data (not its code): the bedrock entry of models.json with
 * this id, else, for a cross-region profile id (`us.amazon.nova-micro-v1:0`),
 * the entry of the model behind it, as the catalog documents: a geographic
 * profile (not `global.`) at its prices × the entry's `geographic_uplift`.
 */
function catalogData(id: string): CatalogEntryData | undefined {
  const file = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "src", "catalog", "models.json"), "utf8")) as {
    providers: Record<string, { models: Array<CatalogEntryData & { aliases?: string[] }> }>;
  };
  const find = (key: string) => file.providers.bedrock!.models.find((model) => model.id === key || (model.aliases ?? []).includes(key));
  const profile = /^(us|eu|apac|global|jp|au)\.(.+)$/.exec(id);
  const exact = find(id);
  if (exact !== undefined || profile === null) return exact;
  const base = find(profile[2]!);
  const uplift = base?.price?.geographic_uplift;
  if (base?.price == null || uplift === undefined || profile[1] === "global") return base;
  // Per million tokens, to the micro-dollar (3 × 1.1 is 3.3, not 3.3000000000000003).
  const price: NonNullable<CatalogEntryData["price"]> = {};
  for (const field of ["input", "output", "cache_read", "cache_write"] as const) {
    const value = base.price[field];
    if (value !== undefined) price[field] = value === null ? null : Math.round(value * uplift * 1e6) / 1e6;
  }
  return { ...base, price };
}

function onlyLine(lines: Line[], action: "list_models" | "count_tokens" | "authenticate"): Line {
  expect(lines.length).toBe(1);
  const line = lines[0]!;
  validateResponseLine(JSON.stringify(line), action);
  return line;
}

// ---------------------------------------------------------------------------

interface StreamCase {
  file: string;
  turn: number;
  /** Wire usage worked out by hand from the recorded metadata event (input = inputTokens + cache read + cache write). */
  usage: { input_tokens: number; output_tokens: number; cache_read_tokens: number; cache_write_tokens: number };
  /** What the recording must contain, so a broken expectation reader cannot pass vacuously. */
  has: Array<"content" | "reasoning" | "signature" | "redacted" | "tools">;
  /** Request keys not compared, and why. */
  skip?: Record<string, string>;
}

const THINKING_BUDGET = "Claude needs maxTokens above the thinking budget, so we send one; boto3's inferenceConfig was empty";

const STREAMS: StreamCase[] = [
  { file: "text", turn: 0, usage: { input_tokens: 13, output_tokens: 82, cache_read_tokens: 0, cache_write_tokens: 0 }, has: ["content"] },
  { file: "claude-text", turn: 0, usage: { input_tokens: 210, output_tokens: 18, cache_read_tokens: 0, cache_write_tokens: 0 }, has: ["content"] },
  { file: "tool-call", turn: 0, usage: { input_tokens: 471, output_tokens: 91, cache_read_tokens: 0, cache_write_tokens: 0 }, has: ["content", "tools"] },
  { file: "tool-call", turn: 1, usage: { input_tokens: 577, output_tokens: 18, cache_read_tokens: 0, cache_write_tokens: 0 }, has: ["content"] },
  {
    file: "thinking",
    turn: 0,
    usage: { input_tokens: 36, output_tokens: 73, cache_read_tokens: 0, cache_write_tokens: 0 },
    has: ["content", "reasoning", "signature"],
    skip: { inferenceConfig: THINKING_BUDGET },
  },
  {
    file: "redacted-thinking",
    turn: 0,
    usage: { input_tokens: 92, output_tokens: 253, cache_read_tokens: 0, cache_write_tokens: 0 },
    has: ["content", "redacted"],
    skip: { inferenceConfig: THINKING_BUDGET },
  },
  { file: "reasoning-gpt-oss", turn: 0, usage: { input_tokens: 70, output_tokens: 43, cache_read_tokens: 0, cache_write_tokens: 0 }, has: ["content", "reasoning"] },
  { file: "server-tool", turn: 0, usage: { input_tokens: 1002, output_tokens: 59, cache_read_tokens: 0, cache_write_tokens: 0 }, has: ["tools"] },
  // metadata.usage: inputTokens 2, cacheWriteInputTokens 1322, then cacheReadInputTokens 1322; outputTokens 5.
  { file: "cache-write-then-read", turn: 0, usage: { input_tokens: 1324, output_tokens: 5, cache_read_tokens: 0, cache_write_tokens: 1322 }, has: ["content"] },
  { file: "cache-write-then-read", turn: 1, usage: { input_tokens: 1324, output_tokens: 5, cache_read_tokens: 1322, cache_write_tokens: 0 }, has: ["content"] },
];

describe("bedrock replay: streams", () => {
  test.each(STREAMS)("$file turn $turn: chunks, finish, usage, cost, the signed request sent", async ({ file, turn, usage, has, skip = {} }) => {
    const cassette = await recording(file);
    const it = interaction(cassette, turn);
    const expected = expectedFrom(it);
    if (has.includes("content")) expect(expected.content).not.toBe("");
    if (has.includes("reasoning")) expect(expected.reasoning).not.toBe("");
    if (has.includes("signature")) expect(expected.signatures.length).toBeGreaterThan(0);
    if (has.includes("redacted")) expect(expected.redacted.length).toBeGreaterThan(0);
    if (has.includes("tools")) expect(expected.toolCalls.length).toBeGreaterThan(0);
    const model = pathModel(it);

    const harness = createHarness();
    await withReplay(single(cassette, turn), async (server) => {
      const result = await streamChat(harness, `${file}-${turn}`, "bedrock", paramsFor(it, server.url));

      expect(result.error).toBeUndefined();
      expect(result.retries).toEqual([]);
      expect(result.content).toBe(expected.content);
      expect(result.reasoning).toBe(expected.reasoning);
      expect(result.signatures).toEqual(expected.signatures);
      expect(result.redacted).toEqual(expected.redacted);
      expect(result.toolCalls).toEqual(expected.toolCalls);
      expected.toolCalls.forEach((call, index) => {
        expect(result.deltas.find((delta) => delta.index === index)).toMatchObject({ index, id: call.id, name: call.name });
      });

      const done = result.done!;
      expect(done.finish_reason).toBe(FINISH[expected.stopReason!]!);
      expect(done.raw_finish_reason).toBe(expected.stopReason);
      expect(done.model).toBe(model);
      // Bedrock does not break reasoning tokens out of outputTokens: that figure is ours.
      expect(done.usage).toEqual({ ...usage, reasoning_tokens: 0, estimated: ["reasoning_tokens"] });
      const price = catalogData(model)?.price;
      if (price === undefined || price === null) {
        expect(done.cost).toBeNull();
      } else {
        const uncached = usage.input_tokens - usage.cache_read_tokens - usage.cache_write_tokens;
        expect(done.cost.input).toBeCloseTo((uncached * price.input!) / 1e6, 12);
        expect(done.cost.output).toBeCloseTo((usage.output_tokens * price.output!) / 1e6, 12);
        expect(done.cost.cache_read).toBeCloseTo((usage.cache_read_tokens * (price.cache_read ?? 0)) / 1e6, 12);
        expect(done.cost.cache_write).toBeCloseTo((usage.cache_write_tokens * (price.cache_write ?? 0)) / 1e6, 12);
      }

      expect(server.requests.length).toBe(1);
      const sent = received(server, 0);
      expect(sent.method).toBe("POST");
      expect(sent.path).toBe(modelPath(model, "converse-stream"));
      expect(sent.path).toBe(it.request.path);
      expect(sent.headers["content-type"]).toContain("application/json");
      await expectSigned(server, 0);

      const { dropped } = converseParams(it.request.body as Json);
      const keys = COMPARED.filter((key) => !dropped.includes(key) && skip[key] === undefined);
      expect(comparable(JSON.parse(sent.body) as Json, keys)).toEqual(comparable(it.request.body as Json, keys));
    });
  });

  test("tool-call: handing back what turn 1 streamed makes the recorded turn-2 messages", async () => {
    const cassette = await recording("tool-call");
    const [first, second] = [interaction(cassette, 0), interaction(cassette, 1)];
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const turn1Params = paramsFor(first, server.url);
      const turn1 = await streamChat(harness, "turn1", "bedrock", turn1Params);
      expect(turn1.done?.finish_reason).toBe("tool_calls");
      const assistant: Json[] = [{ type: "text", text: turn1.content }, ...turn1.toolCalls.map((call) => ({ type: "tool_call", ...call }))];
      const results = converseParams(second.request.body as Json).params.messages.filter((m: Json) => m.role === "tool");
      const turn2 = await streamChat(harness, "turn2", "bedrock", { ...turn1Params, messages: [...turn1Params.messages, { role: "assistant", content: assistant }, ...results] });
      expect(turn2.done?.finish_reason).toBe("stop");
      expect(comparable(JSON.parse(received(server, 1).body) as Json, ["messages"])).toEqual(comparable(second.request.body as Json, ["messages"]));
    });
  });

  test("a Bedrock API key: Authorization Bearer, no SigV4 headers, the key never echoed", async () => {
    const cassette = await recording("text");
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "bearer", "bedrock", paramsFor(it, server.url, { credentials: { bearer_token: BEARER } }));
      expect(result.content).toBe(expectedFrom(it).content);
      const sent = received(server, 0);
      expect(sent.headers.authorization).toBe(`Bearer ${BEARER}`);
      expect(sent.headers["x-amz-date"]).toBeUndefined();
      expect(sent.headers["x-amz-security-token"]).toBeUndefined();
      expect(sent.path).toBe(it.request.path);
      expect(everythingWritten(harness)).not.toContain(BEARER);
    });
  });

  test("a session token is sent as x-amz-security-token and signed", async () => {
    const cassette = await recording("text");
    const it = interaction(cassette, 0);
    const token = AWS_SESSION_TOKEN_CANARY;
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "session", "bedrock", paramsFor(it, server.url, { credentials: { ...SIGV4, session_token: token } }));
      expect(result.done).toBeDefined();
      const sent = received(server, 0);
      expect(sent.headers["x-amz-security-token"]).toBe(token);
      expect(sent.headers.authorization).toContain("x-amz-security-token");
      const { expected } = await expectedAuthorization(
        { method: sent.method, url: `${server.url}${sent.path}`, headers: sent.headers, body: sent.body },
        { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, sessionToken: token },
      );
      expect(sent.headers.authorization).toBe(expected);
    });
  });
});

// ---------------------------------------------------------------------------

describe("bedrock replay: errors", () => {
  test.each([
    { file: "error-403-access-denied", code: "AUTH_FAILED", status: 403, provider_type: "AccessDeniedException", request_id: "replay00-0000-4000-8000-fake00000403" },
    { file: "error-403-unrecognized-client", code: "AUTH_FAILED", status: 403, provider_type: "UnrecognizedClientException", request_id: "replay00-0000-4000-8000-fake00000431" },
    // The recorder dropped x-amzn-ErrorType: the 400 and the message decide.
    { file: "error-400", code: "NOT_FOUND", status: 400, provider_type: undefined, request_id: undefined },
  ])("$file → $code, not retryable, no retry, one request", async ({ file, code, status, provider_type, request_id }) => {
    const cassette = await recording(file);
    const it = interaction(cassette, 0);
    const recordedMessage = JSON.parse(new TextDecoder().decode(bodyBytes(it))).message as string;
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, file, "bedrock", paramsFor(it, server.url));
      expect(result.lines.length).toBe(1);
      expect(result.error).toMatchObject({ code, status, retryable: false, partial: false });
      expect(result.error!.provider_type).toBe(provider_type);
      expect(result.error!.request_id).toBe(request_id);
      expect(result.error!.message).toContain(recordedMessage);
      expect(server.requests.length).toBe(1);
      expect(harness.sleeps).toEqual([]);
      expect(everythingWritten(harness)).not.toContain(SECRET_ACCESS_KEY);
    });
  });

  test("429 ThrottlingException then success: one retry chunk, a freshly signed second attempt, the whole answer", async () => {
    const cassette = await recording("throttling-429-then-success");
    const limited = interaction(cassette, 0);
    expect(limited.response.headers["retry-after"]).toBeUndefined(); // Bedrock sends none: our backoff decides
    const expected = expectedFrom(interaction(cassette, 1));
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "rl", "bedrock", paramsFor(limited, server.url));
      // Full jitter with the harness's random() = 0.5 over 500 ms.
      expect(result.retries).toEqual([{ type: "retry", attempt: 1, delay_ms: 250, reason: expect.stringContaining("RATE_LIMITED") }]);
      expect(result.retries[0]!.reason).toContain("Too many tokens");
      expect(harness.sleeps).toEqual([250]);
      expect(result.lines[0]!.data.type).toBe("retry");
      expect(result.content).toBe(expected.content);
      expect(result.done?.usage).toMatchObject({ input_tokens: 13, output_tokens: 82 });
      expect(server.requests.length).toBe(2);
      expect(received(server, 1).body).toBe(received(server, 0).body);
      await expectSigned(server, 0);
      await expectSigned(server, 1);
    });
  });

  test("503 ServiceUnavailableException every time: retried twice, then OVERLOADED, retryable", async () => {
    const unavailable = await recording("unavailable-503");
    const harness = createHarness();
    await withReplay([unavailable, unavailable, unavailable], async (server) => {
      const result = await streamChat(harness, "503", "bedrock", paramsFor(interaction(unavailable, 0), server.url));
      expect(server.requests.length).toBe(3);
      expect(result.retries.map((r) => [r.attempt, r.delay_ms])).toEqual([
        [1, 250],
        [2, 500],
      ]);
      expect(result.error).toMatchObject({
        code: "OVERLOADED",
        status: 503,
        retryable: true,
        partial: false,
        provider_type: "ServiceUnavailableException",
        request_id: "replay00-0000-4000-8000-fake00000503",
      });
      expect(result.error!.message).toContain("Bedrock is unable to process your request.");
      expect(result.error!.usage.output_tokens).toBe(0);
    });
  });

  test("throttlingException frame after some text: RATE_LIMITED, partial, text kept, usage on the line, no retry", async () => {
    const cassette = await recording("midstream-throttling");
    const it = interaction(cassette, 0);
    const events = frames(it);
    const exception = events[events.length - 1]!;
    expect(exception.headers).toMatchObject({ ":message-type": "exception", ":exception-type": "throttlingException" });
    const expected = expectedFrom(it);
    expect(expected.content).toBe("The capital of France is Paris. Paris is not only the capital city but also the most");
    const text = await recording("text");
    const harness = createHarness();
    // A full answer waits behind the broken one: a wrong retry would fetch it.
    await withReplay([cassette, text], async (server) => {
      const result = await streamChat(harness, "mid", "bedrock", paramsFor(it, server.url));
      expect(result.content).toBe(expected.content);
      expect(result.retries).toEqual([]);
      expect(server.requests.length).toBe(1);
      expect(result.error).toMatchObject({ code: "RATE_LIMITED", retryable: true, partial: true, provider_type: "throttlingException" });
      expect(result.error!.message).toContain(exception.payload.message);
      // Bedrock reports usage only in the final metadata event, which never came: every figure is ours.
      const usage = result.error!.usage;
      expect(usage.estimated).toEqual(expect.arrayContaining(["input_tokens", "output_tokens"]));
      expect(usage.input_tokens).toBeGreaterThan(0);
      expect(usage.output_tokens).toBeGreaterThan(0);
      expect(result.error!.cost).not.toBeNull();
    });
  });

  test("a stream cut inside a message → STREAM_ERROR, partial, the whole messages before it kept", async () => {
    const cassette = await recording("truncated");
    const it = interaction(cassette, 0);
    const expected = expectedFrom(it);
    expect(expected.content).toBe("The capital of France is Paris. Paris is not");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "cut", "bedrock", paramsFor(it, server.url));
      expect(result.content).toBe(expected.content);
      expect(result.error).toMatchObject({ code: "STREAM_ERROR", partial: true });
      expect(result.retries).toEqual([]);
      expect(server.requests.length).toBe(1);
    });
  });

  /** The text cassette with one payload byte of message `index` flipped (its CRC no longer holds). */
  async function corrupted(index: number): Promise<{ cassette: Cassette; before: string }> {
    const text = await recording("text");
    const it = interaction(text, 0);
    const body: BodyStep[] = it.body.map((step, i) => {
      if (i !== index || !("chunk" in step)) return step;
      const bytes = step.chunk.slice();
      const at = bytes.length - 10; // inside the payload, before the 4-byte message CRC
      bytes[at] = bytes[at]! ^ 0x01;
      return { chunk: bytes };
    });
    const before = expectedFrom({ ...it, body: it.body.slice(0, index) }).content;
    return { cassette: { ...text, interactions: [{ ...it, body }] }, before };
  }

  test("one corrupted byte after some text → STREAM_ERROR (checksum), partial, the text before it kept", async () => {
    const { cassette, before } = await corrupted(3);
    expect(before).not.toBe("");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "crc", "bedrock", paramsFor(interaction(cassette, 0), server.url));
      expect(result.content).toBe(before);
      expect(result.error).toMatchObject({ code: "STREAM_ERROR", partial: true });
      expect(result.error!.message).toContain("checksum");
      expect(server.requests.length).toBe(1);
    });
  });

  test("one corrupted byte in the first message → STREAM_ERROR, not partial, not retried", async () => {
    const { cassette, before } = await corrupted(0);
    expect(before).toBe("");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "crc0", "bedrock", paramsFor(interaction(cassette, 0), server.url));
      expect(result.lines.length).toBe(1);
      expect(result.error).toMatchObject({ code: "STREAM_ERROR", partial: false, retryable: false });
      expect(server.requests.length).toBe(1);
    });
  });
});

// ---------------------------------------------------------------------------

describe("bedrock replay: inference-profile recovery", () => {
  test("a bare id that needs a profile: one retry chunk naming the us. id, the second request at the us. path, the answer streamed", async () => {
    const cassette = await recording("inference-profile-retry");
    const [refused, answered] = [interaction(cassette, 0), interaction(cassette, 1)];
    const bare = "anthropic.claude-3-5-sonnet-20241022-v2:0";
    expect(pathModel(refused)).toBe(bare);
    const expected = expectedFrom(answered);
    expect(expected.content).not.toBe("");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "profile", "bedrock", paramsFor(refused, server.url));
      expect(result.retries.length).toBe(1);
      expect(result.retries[0]).toMatchObject({ type: "retry", attempt: 1, delay_ms: 0 });
      expect(result.retries[0]!.reason).toContain(`us.${bare}`);
      expect(harness.sleeps).toEqual([]);
      expect(result.content).toBe(expected.content);
      expect(result.done?.finish_reason).toBe("stop");
      expect(result.done?.usage).toMatchObject({ input_tokens: 210, output_tokens: 18 });
      // The profile answered: the done line names it (ConverseStream itself never names a model).
      expect(result.done?.model).toBe(`us.${bare}`);
      expect(server.requests.map((r) => r.path)).toEqual([modelPath(bare, "converse-stream"), modelPath(`us.${bare}`, "converse-stream")]);
      expect(received(server, 1).body).toBe(received(server, 0).body);
      await expectSigned(server, 0);
      await expectSigned(server, 1);
    });
  });

  test("in eu-west-1 the retry uses the eu. profile, and the eu. profile's price (10 % above the base model's) is charged", async () => {
    const cassette = await recording("inference-profile-retry");
    const base = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    const eu = `eu.${base}`;
    const [basePrice, euPrice] = [catalogData(base)!.price!, catalogData(eu)!.price!];
    expect(euPrice.input).toBeGreaterThan(basePrice.input!); // the catalog lists the profile itself
    const harness = createHarness();
    await withReplay(
      cassette,
      async (server) => {
        const result = await streamChat(harness, "eu", "bedrock", paramsFor(interaction(cassette, 0), server.url, { model: base, region: "eu-west-1" }));
        expect(result.retries.length).toBe(1);
        expect(result.retries[0]!.reason).toContain(eu);
        expect(server.requests.map((r) => r.path)).toEqual([modelPath(base, "converse-stream"), modelPath(eu, "converse-stream")]);
        expect(received(server, 1).headers.authorization).toContain("/eu-west-1/bedrock/aws4_request");
        const done = result.done!;
        expect(done.model).toBe(eu);
        expect(done.cost.input).toBeCloseTo((210 * euPrice.input!) / 1e6, 12);
        expect(done.cost.output).toBeCloseTo((18 * euPrice.output!) / 1e6, 12);
      },
      { strictPath: false },
    ); // the recorded refusal and paths name Claude 3.5 Sonnet v2 in us-east-1
  });

  test("an id that already names a profile is not prefixed again: the refusal is the answer", async () => {
    const cassette = await recording("inference-profile-retry");
    const refused = interaction(cassette, 0);
    const profiled = {
      ...cassette,
      interactions: [{ ...refused, request: { ...refused.request, path: modelPath("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "converse-stream") } }],
    };
    const harness = createHarness();
    await withReplay(profiled, async (server) => {
      const result = await streamChat(harness, "no-loop", "bedrock", paramsFor(refused, server.url, { model: "us.anthropic.claude-3-5-sonnet-20241022-v2:0" }));
      expect(result.retries).toEqual([]);
      expect(result.error).toMatchObject({ code: "INVALID_PARAMS", status: 400, retryable: false });
      expect(server.requests.length).toBe(1);
    });
  });
});

// ---------------------------------------------------------------------------

describe("bedrock replay: list_models", () => {
  test("foundation models with on-demand throughput, then active inference profiles, merged with the catalog", async () => {
    const cassette = await recording("models");
    const body = (index: number) => JSON.parse(new TextDecoder().decode(bodyBytes(interaction(cassette, index)))) as Json;
    const onDemand = (body(0).modelSummaries as Json[]).filter((m) => (m.inferenceTypesSupported as string[]).includes("ON_DEMAND")).map((m) => m.modelId as string);
    const profiles = (body(1).inferenceProfileSummaries as Json[]).filter((p) => p.status === "ACTIVE").map((p) => p.inferenceProfileId as string);
    // The recording lists profile-only models too; they must not appear under their bare ids.
    expect(onDemand).not.toContain("anthropic.claude-3-5-sonnet-20241022-v2:0");
    const expectedIds = [...onDemand, ...profiles];

    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const line = onlyLine(
        await harness.run({ id: "m", action: "list_models", provider: "bedrock", params: { base_url: server.url, region: REGION, credentials: SIGV4 } }),
        "list_models",
      );
      expect(line.success).toBe(true);
      const models = line.data as Json[];
      expect(models.map((m) => m.id)).toEqual(expectedIds);
      let known = 0;
      for (const model of models) {
        expect(model.provider).toBe("bedrock");
        const entry = catalogData(model.id);
        if (entry === undefined) {
          expect(model.source).toBe("api");
          expect(model.cost).toBeNull();
        } else {
          known++;
          expect(model.source).toBe("both");
          expect(model.cost.input).toBe(entry.price!.input);
          expect(model.cost.output).toBe(entry.price!.output);
        }
      }
      expect(known).toBeGreaterThan(0);
      expect(known).toBeLessThan(models.length);
      expect(server.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`)).toEqual(["GET /foundation-models", "GET /inference-profiles"]);
      await expectSigned(server, 0);
      await expectSigned(server, 1);
    });
  });

  test("without any AWS credentials: the catalog listing, and no request at all", async () => {
    const cassette = await recording("models");
    const harness = createHarness({ env: { AWS_EC2_METADATA_DISABLED: "true" } });
    await withReplay(cassette, async (server) => {
      const line = onlyLine(await harness.run({ id: "m", action: "list_models", provider: "bedrock", params: { base_url: server.url, region: REGION } }), "list_models");
      const models = line.data as Json[];
      expect(models.length).toBeGreaterThan(0);
      for (const model of models) expect(model.source).toBe("catalog");
      expect(server.requests.length).toBe(0);
    });
  });
});

// ---------------------------------------------------------------------------

describe("bedrock replay: count_tokens", () => {
  test("the CountTokens reply: method api, exact; we send the converse form to the %3A path", async () => {
    const cassette = await recording("count-tokens");
    const it = interaction(cassette, 0);
    // The recording's own request is the invokeModel form; its Anthropic body says what was counted.
    const invoked = JSON.parse(Buffer.from((it.request.body as Json).input.invokeModel.body, "base64").toString("utf8")) as Json;
    expect(invoked.system).toBe("You are helpful.");
    const prompt = invoked.messages[0].content[0].text as string;
    const model = pathModel(it);
    const harness = createHarness();
    await withReplay(
      cassette,
      async (server) => {
        const line = onlyLine(
          await harness.run({
            id: "n",
            action: "count_tokens",
            provider: "bedrock",
            params: {
              model,
              messages: [
                { role: "system", content: invoked.system },
                { role: "user", content: prompt },
              ],
              base_url: server.url,
              region: REGION,
              credentials: SIGV4,
            },
          }),
          "count_tokens",
        );
        expect(line).toEqual({ id: "n", success: true, data: { input_tokens: 18, exact: true, method: "api" } });
        const sent = received(server, 0);
        expect(sent.method).toBe("POST");
        expect(sent.path).toBe(modelPath(model, "count-tokens"));
        expect(JSON.parse(sent.body)).toEqual({ input: { converse: { messages: [{ role: "user", content: [{ text: prompt }] }], system: [{ text: invoked.system }] } } });
        await expectSigned(server, 0);
      },
      { strictPath: false },
    ); // the recorded path has a raw ':'
  });

  test.each([
    { model: "anthropic.claude-sonnet-4-20250514-v1:0" },
    // CountTokens takes the foundation model, so a profile id is counted under its model.
    { model: "us.anthropic.claude-sonnet-4-20250514-v1:0" },
  ])("converse form with tools ($model): exactly the recorded request, 375 tokens", async ({ model }) => {
    const cassette = await recording("count-tokens-converse");
    const it = interaction(cassette, 0);
    const recorded = (it.request.body as Json).input.converse as Json;
    const { params } = converseParams(recorded);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const line = onlyLine(
        await harness.run({ id: "n", action: "count_tokens", provider: "bedrock", params: { ...params, model, base_url: server.url, region: REGION, credentials: SIGV4 } }),
        "count_tokens",
      );
      expect(line.data).toEqual({ input_tokens: 375, exact: true, method: "api" });
      const sent = JSON.parse(received(server, 0).body) as Json;
      expect(Object.keys(sent)).toEqual(["input"]);
      expect(Object.keys(sent.input)).toEqual(["converse"]);
      const keys = ["messages", "system", "toolConfig"];
      expect(comparable(sent.input.converse, keys)).toEqual(comparable(recorded, keys));
      // The counting endpoint takes no generation controls.
      expect(sent.input.converse.inferenceConfig).toBeUndefined();
    });
  });

  test.each([
    { what: "as recorded (no x-amzn-ErrorType)", header: undefined },
    { what: "with x-amzn-ErrorType ValidationException", header: "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/" },
  ])("a ValidationException from CountTokens ($what) → a local estimate, exact false", async ({ header }) => {
    const recorded = await recording("count-tokens-error");
    const it = interaction(recorded, 0);
    const cassette =
      header === undefined ? recorded : { ...recorded, interactions: [{ ...it, response: { ...it.response, headers: { ...it.response.headers, "x-amzn-errortype": header } } }] };
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const line = onlyLine(
        await harness.run({
          id: "n",
          action: "count_tokens",
          provider: "bedrock",
          params: { model: pathModel(it), messages: [{ role: "user", content: "hello" }], base_url: server.url, region: REGION, credentials: SIGV4 },
        }),
        "count_tokens",
      );
      expect(line.success).toBe(true);
      expect(line.data).toMatchObject({ exact: false, method: "estimate" });
      expect(line.data.input_tokens).toBeGreaterThan(0);
      expect(server.requests.length).toBe(1);
    });
  });
});

// ---------------------------------------------------------------------------

describe("bedrock replay: authenticate", () => {
  async function firstListing(): Promise<Cassette> {
    return single(await recording("models"), 0);
  }

  function storedFiles(harness: Harness): Map<string, string> {
    return (harness.deps.files as ReturnType<typeof memoryFiles>).files;
  }

  test("keys given in params.credentials are checked with a signed ListFoundationModels and stored", async () => {
    const harness = createHarness();
    await withReplay(await firstListing(), async (server) => {
      const line = onlyLine(
        await harness.run({ id: "a", action: "authenticate", provider: "bedrock", params: { base_url: server.url, region: REGION, credentials: SIGV4 } }),
        "authenticate",
      );
      expect(line).toEqual({ id: "a", success: true, data: { type: "authenticated", provider: "bedrock", stored: true } });
      expect(JSON.stringify(line)).not.toContain(SECRET_ACCESS_KEY);
      expect(received(server, 0).path.split("?")[0]).toBe("/foundation-models");
      await expectSigned(server, 0);
    });
    const stored = JSON.parse(storedFiles(harness).get(harness.deps.authFile)!) as Json;
    expect(stored.providers.bedrock).toEqual(SIGV4);
  });

  test("credentials from the environment are checked but nothing is stored", async () => {
    const harness = createHarness({ env: { AWS_ACCESS_KEY_ID: ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY } });
    await withReplay(await firstListing(), async (server) => {
      const line = onlyLine(await harness.run({ id: "a", action: "authenticate", provider: "bedrock", params: { base_url: server.url, region: REGION } }), "authenticate");
      expect(line).toEqual({ id: "a", success: true, data: { type: "authenticated", provider: "bedrock", stored: false } });
      await expectSigned(server, 0);
    });
    expect(storedFiles(harness).size).toBe(0);
  });

  test("rejected keys → AUTH_FAILED and nothing stored", async () => {
    const cassette = await recording("error-403-unrecognized-client");
    const harness = createHarness();
    // The recorded 403 answered converse-stream; the same refusal answers the key check's GET.
    await withReplay(
      cassette,
      async (server) => {
        const line = onlyLine(
          await harness.run({ id: "a", action: "authenticate", provider: "bedrock", params: { base_url: server.url, region: REGION, credentials: SIGV4 } }),
          "authenticate",
        );
        expect(line.success).toBe(false);
        expect(line.error).toMatchObject({ code: "AUTH_FAILED", status: 403, retryable: false, provider_type: "UnrecognizedClientException" });
        expect(server.requests.length).toBe(1);
        expect(server.requests[0]!.path.split("?")[0]).toBe("/foundation-models");
      },
      { strictPath: false },
    );
    expect(storedFiles(harness).size).toBe(0);
    expect(everythingWritten(harness)).not.toContain(SECRET_ACCESS_KEY);
  });
});

// ---------------------------------------------------------------------------

/**
 * The region goes into the host name, so it is checked against the region
 * shapes of the AWS partitions before anything is sent: a region like
 * `x@127.0.0.1:PORT/#` made `https://bedrock-runtime.x@127.0.0.1:PORT/#.amazonaws.com`,
 * which sent the signed request (or the Bedrock API key) to that port.
 */
describe("bedrock: the region is checked before it reaches a host name", () => {
  /** A TCP listener that only counts connections: whatever the protocol, nothing may reach it. */
  async function listener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
    let count = 0;
    const server: TcpServer = createServer((socket) => {
      count++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    return { port, connections: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  const MODEL = "anthropic.claude-haiku-4-5-20251001-v1:0";
  const messages = [{ role: "user", content: "Hi" }];
  const CONFIG = "/memory/aws-config";

  test.each<[string, (evil: string) => { params?: Json; env?: Record<string, string>; files?: Record<string, string> }, string]>([
    ["params.region", (evil) => ({ params: { region: evil } }), "params.region"],
    ["AWS_REGION", (evil) => ({ env: { AWS_REGION: evil } }), "AWS_REGION"],
    ["AWS_DEFAULT_REGION", (evil) => ({ env: { AWS_DEFAULT_REGION: evil } }), "AWS_DEFAULT_REGION"],
    [
      "the profile's region",
      (evil) => ({ env: { AWS_CONFIG_FILE: CONFIG, AWS_PROFILE: "work" }, files: { [CONFIG]: `[profile work]\nregion = ${evil}\n` } }),
      `region of AWS profile "work" in`,
    ],
  ])("%s = x@127.0.0.1:PORT/#: INVALID_REQUEST naming it, and no connection to that port", async (_name, setup, named) => {
    const target = await listener();
    try {
      const evil = `x@127.0.0.1:${target.port}/#`;
      const { params = {}, env = {}, files = {} } = setup(evil);
      const harness = createHarness({ env: { AWS_EC2_METADATA_DISABLED: "true", ...env }, files: memoryFiles(files) });
      for (const credentials of [{ bearer_token: BEARER }, SIGV4]) {
        const result = await streamChat(harness, `r-${credentials === SIGV4 ? "sigv4" : "bearer"}`, "bedrock", { model: MODEL, messages, credentials, ...params });
        expect(result.error).toMatchObject({ code: "INVALID_REQUEST", field: "params.region", retryable: false });
        expect(result.error!.message).toContain(named);
        expect(result.error!.message).toContain(JSON.stringify(evil));
      }
      const listing = onlyLine(await harness.run({ id: "l", action: "list_models", provider: "bedrock", params: { credentials: SIGV4, ...params } }), "list_models");
      expect(listing.error).toMatchObject({ code: "INVALID_REQUEST", field: "params.region" });
      const counted = onlyLine(
        await harness.run({ id: "c", action: "count_tokens", provider: "bedrock", params: { model: MODEL, messages, credentials: SIGV4, ...params } }),
        "count_tokens",
      );
      expect(counted.error).toMatchObject({ code: "INVALID_REQUEST", field: "params.region" });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(target.connections()).toBe(0);
    } finally {
      await target.close();
    }
  });

  /** Records the URL of every request and answers 403, so nothing leaves the process. */
  function recordingFetch(): { fetch: typeof fetch; urls: string[] } {
    const urls: string[] = [];
    const fake = (async (input: RequestInfo | URL) => {
      urls.push(input instanceof Request ? input.url : String(input));
      return new Response(JSON.stringify({ message: "no" }), { status: 403, headers: { "x-amzn-ErrorType": "AccessDeniedException" } });
    }) as typeof fetch;
    return { fetch: fake, urls };
  }

  test.each([
    ["us-east-1", "bedrock-runtime.us-east-1.amazonaws.com"],
    ["ap-southeast-7", "bedrock-runtime.ap-southeast-7.amazonaws.com"],
    ["mx-central-1", "bedrock-runtime.mx-central-1.amazonaws.com"],
    ["us-gov-west-1", "bedrock-runtime.us-gov-west-1.amazonaws.com"],
    ["cn-north-1", "bedrock-runtime.cn-north-1.amazonaws.com.cn"],
    ["eusc-de-east-1", "bedrock-runtime.eusc-de-east-1.amazonaws.eu"],
    ["us-iso-east-1", "bedrock-runtime.us-iso-east-1.c2s.ic.gov"],
    ["us-isob-east-1", "bedrock-runtime.us-isob-east-1.sc2s.sgov.gov"],
    ["eu-isoe-west-1", "bedrock-runtime.eu-isoe-west-1.cloud.adc-e.uk"],
    ["us-isof-south-1", "bedrock-runtime.us-isof-south-1.csp.hci.ic.gov"],
  ])("%s is a region: the request goes to %s", async (region, host) => {
    const recorder = recordingFetch();
    const harness = createHarness({ fetch: recorder.fetch });
    const result = await streamChat(harness, "ok", "bedrock", { model: MODEL, messages, region, credentials: SIGV4 });
    expect(result.error).toMatchObject({ code: "AUTH_FAILED" });
    expect(recorder.urls.map((url) => new URL(url).host)).toEqual([host]);
  });

  test.each([
    "us-east-1.example.com",
    "example.com/us-east-1",
    "US-EAST-1",
    "us-east-1 ",
    "us-east-1\n",
    "us_east_1",
    "us-east",
    "xx-east-1",
    "us-gov-west",
    "us-east-1a",
    "localhost",
  ])("%p is not a region", async (region) => {
    const recorder = recordingFetch();
    const harness = createHarness({ fetch: recorder.fetch });
    const result = await streamChat(harness, "bad", "bedrock", { model: MODEL, messages, region, credentials: SIGV4 });
    expect(result.error).toMatchObject({ code: "INVALID_REQUEST", field: "params.region" });
    expect(result.error!.message).toStartWith("params.region: ");
    expect(recorder.urls).toEqual([]);
  });

  test("a region from the environment is trimmed; one from the request is taken as given", async () => {
    const recorder = recordingFetch();
    const harness = createHarness({ fetch: recorder.fetch, env: { AWS_REGION: " eu-west-1\n" } });
    await streamChat(harness, "env", "bedrock", { model: MODEL, messages, credentials: SIGV4 });
    expect(recorder.urls.map((url) => new URL(url).host)).toEqual(["bedrock-runtime.eu-west-1.amazonaws.com"]);
  });
});

// ---------------------------------------------------------------------------

/** One geography list (catalog.ts) for pricing, the rules key and the provider; they used to disagree on us-gov. and ca. */
describe("bedrock: one list of inference-profile geographies", () => {
  const BASE = "anthropic.claude-sonnet-4-5-20250929-v1:0";

  test.each([...BEDROCK_GEOGRAPHIES])("%s.: the rules see the base model", (geography) => {
    expect(modelKey(`${geography}.${BASE}`)).toBe(modelKey(BASE));
  });

  test.each(BEDROCK_GEOGRAPHIES.filter((geography) => geography !== "us-gov"))("%s.: priced from the base model when the catalog does not list it", (geography) => {
    const model = findModel("bedrock", `${geography}.${BASE}`);
    expect(model).toBeDefined();
    expect(model!.price).not.toBeNull();
  });

  test("us-gov.: GovCloud has its own prices, so an unlisted profile is not priced from the commercial base", () => {
    expect(findModel("bedrock", `us-gov.${BASE}`)).toBeUndefined();
    expect(findModel("bedrock", BASE)).toBeDefined();
  });

  test("a geography on a geography is no model", () => {
    expect(findModel("bedrock", `us.eu.${BASE}`)).toBeUndefined();
  });

  test.each([
    ["us-east-1", "us"],
    ["us-west-2", "us"],
    ["ca-central-1", "us"],
    ["us-gov-west-1", "us-gov"],
    ["eu-central-1", "eu"],
    ["ap-northeast-1", "jp"],
    ["ap-southeast-2", "au"],
    ["ap-southeast-4", "au"],
    ["ap-south-1", "apac"],
    ["sa-east-1", "global"],
  ])("a bare id refused in %s is retried with the %s. profile, a listed geography", (region, geography) => {
    expect(profilePrefixForRegion(region)).toBe(geography as (typeof BEDROCK_GEOGRAPHIES)[number]);
    expect(BEDROCK_GEOGRAPHIES).toContain(profilePrefixForRegion(region));
  });

  test.each(["us-gov", "ca", "apac", "global"])("an id that already names a %s. profile is not prefixed again", async (geography) => {
    const cassette = await recording("inference-profile-retry");
    const refused = interaction(cassette, 0);
    const model = `${geography}.anthropic.claude-3-5-sonnet-20241022-v2:0`;
    const profiled = { ...cassette, interactions: [{ ...refused, request: { ...refused.request, path: modelPath(model, "converse-stream") } }] };
    const harness = createHarness();
    await withReplay(profiled, async (server) => {
      const result = await streamChat(harness, "no-loop", "bedrock", paramsFor(refused, server.url, { model }));
      expect(result.retries).toEqual([]);
      expect(result.error).toMatchObject({ code: "INVALID_PARAMS", status: 400 });
      expect(server.requests.length).toBe(1);
    });
  });
});

/**
 * End-to-end replay of every recordings/openai cassette through the real
 * Server in this process, with real fetch over loopback: Chat Completions
 * and Responses streams, errors, listing, counting, key checks. Params are
 * rebuilt from each recorded request body; expectations are read from the
 * recorded SSE by hand (test/providers/replay.ts).
 */
import { describe, expect, test } from "bun:test";
import type { BodyStep, Cassette, Interaction } from "../support/cassette.ts";
import { createHarness } from "../support/in-process.ts";
import {
  catalogData,
  chunkStep,
  editBody,
  everythingWritten,
  interaction,
  pick,
  readStream,
  recordedEvents,
  recordedJson,
  recordedResponses,
  recording,
  sentBody,
  single,
  stepIndex,
  stepText,
  streamChat,
  waitForLine,
  withReplay,
  type Json,
  type ToolCallOut,
} from "./replay.ts";

const KEY = "sk-proj-replay.test.key.not.a.canary";
/** The fake key recordings/openai/error-401.ndjson echoes in its error message. */
const CANARY = "sk-proj-CANARY.not.a.key.0000";

const v1 = (url: string): string => `${url}/v1`;

// ---------------------------------------------------------------------------
// Recorded request bodies → our ChatParams.

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return (content as Json[]).map((part) => part.text as string).join("\n\n");
}

function toolsOf(tools: Json[] | undefined, form: "chat" | "responses"): Json[] | undefined {
  if (tools === undefined || tools.length === 0) return undefined;
  return tools.map((tool) => {
    const fn = form === "chat" ? tool.function : tool;
    return { name: fn.name, ...(fn.description !== undefined && { description: fn.description }), parameters: fn.parameters };
  });
}

function toolChoiceOf(choice: unknown): unknown {
  if (choice === undefined || typeof choice === "string") return choice;
  const object = choice as Json;
  return { name: object.function?.name ?? object.name };
}

function chatParams(body: Json): Json {
  const messages = (body.messages as Json[]).map((m): Json => {
    switch (m.role) {
      case "system":
      case "developer":
        return { role: "system", content: textOf(m.content) };
      case "user":
        return { role: "user", content: typeof m.content === "string" ? m.content : (m.content as Json[]).map((p) => ({ type: "text", text: p.text })) };
      case "assistant": {
        if (m.tool_calls === undefined) return { role: "assistant", content: m.content ?? "" };
        const parts: Json[] = m.content ? [{ type: "text", text: m.content }] : [];
        for (const call of m.tool_calls as Json[]) parts.push({ type: "tool_call", id: call.id, name: call.function.name, arguments: call.function.arguments });
        return { role: "assistant", content: parts };
      }
      case "tool":
        return { role: "tool", content: [{ type: "tool_result", tool_call_id: m.tool_call_id, content: textOf(m.content) }] };
      default:
        throw new Error(`cannot rebuild a ${m.role} message`);
    }
  });
  const params: Json = { model: body.model, messages };
  const max = body.max_completion_tokens ?? body.max_tokens;
  if (max !== undefined) params.max_tokens = max;
  const tools = toolsOf(body.tools, "chat");
  if (tools !== undefined) params.tools = tools;
  if (body.tool_choice !== undefined) params.tool_choice = toolChoiceOf(body.tool_choice);
  if (body.reasoning_effort !== undefined) params.reasoning = { effort: body.reasoning_effort };
  return params;
}

function responsesParams(body: Json): Json {
  const messages: Json[] = [];
  if (typeof body.instructions === "string" && body.instructions !== "") messages.push({ role: "system", content: body.instructions });
  let assistant: Json[] | undefined;
  const flush = (): void => {
    if (assistant !== undefined) messages.push({ role: "assistant", content: assistant });
    assistant = undefined;
  };
  const input = typeof body.input === "string" ? [{ role: "user", content: body.input }] : (body.input as Json[]);
  for (const item of input) {
    const type = item.type ?? "message";
    if (type === "function_call") {
      (assistant ??= []).push({ type: "tool_call", id: item.call_id, name: item.name, arguments: item.arguments });
    } else if (type === "reasoning") {
      (assistant ??= []).push({ type: "reasoning", text: ((item.summary ?? []) as Json[]).map((s) => s.text).join("\n\n"), signature: item.encrypted_content });
    } else if (type === "message" && item.role === "assistant") {
      (assistant ??= []).push({ type: "text", text: textOf(item.content) });
    } else {
      flush();
      if (type === "function_call_output") {
        messages.push({ role: "tool", content: [{ type: "tool_result", tool_call_id: item.call_id, content: item.output }] });
      } else if (item.role === "developer" || item.role === "system") {
        messages.push({ role: "system", content: textOf(item.content) });
      } else {
        messages.push({ role: "user", content: typeof item.content === "string" ? item.content : (item.content as Json[]).map((p) => ({ type: "text", text: p.text })) });
      }
    }
  }
  flush();
  const params: Json = { model: body.model, messages };
  if (body.max_output_tokens != null) params.max_tokens = body.max_output_tokens;
  const tools = toolsOf(body.tools, "responses");
  if (tools !== undefined) params.tools = tools;
  if (body.tool_choice !== undefined) params.tool_choice = toolChoiceOf(body.tool_choice);
  if (body.reasoning?.effort != null) params.reasoning = { effort: body.reasoning.effort };
  return params;
}

/** Our ChatParams have no `strict`; the comparison leaves it out on both sides. */
function withoutStrict(tools: Json[] | undefined): Json[] | undefined {
  return tools?.map((tool) => {
    const copy = structuredClone(tool);
    delete copy.strict;
    if (copy.function) delete copy.function.strict;
    return copy;
  });
}

function expectSameChatRequest(sent: Json, recorded: Json): void {
  const keys = ["model", "messages", "max_completion_tokens", "tool_choice", "stream", "stream_options"];
  expect(pick(sent, keys)).toEqual(pick(recorded, keys));
  expect(withoutStrict(sent.tools)).toEqual(withoutStrict(recorded.tools));
}

/**
 * A Responses body in one canonical form, because equivalent spellings are
 * common: `{role, content: "text"}` vs `{type:"message", role, content:[{type:"input_text"}]}`,
 * and system text as `instructions` vs a `developer` input message.
 */
function canonicalResponses(body: Json): Json {
  const system: string[] = [];
  if (typeof body.instructions === "string" && body.instructions !== "") system.push(body.instructions);
  const input: Json[] = [];
  const items = typeof body.input === "string" ? [{ role: "user", content: body.input }] : (body.input as Json[]);
  for (const item of items) {
    const type = item.type ?? "message";
    if (type === "message") {
      if (item.role === "developer" || item.role === "system") {
        system.push(textOf(item.content));
        continue;
      }
      const partType = item.role === "assistant" ? "output_text" : "input_text";
      const content = typeof item.content === "string" ? [{ type: partType, text: item.content }] : (item.content as Json[]).map((p) => ({ type: p.type, text: p.text }));
      input.push({ type, role: item.role, content });
    } else if (type === "function_call") {
      input.push({ type, call_id: item.call_id, name: item.name, arguments: item.arguments });
    } else if (type === "function_call_output") {
      input.push({ type, call_id: item.call_id, output: item.output });
    } else {
      input.push({ type, encrypted_content: item.encrypted_content, summary: item.summary });
    }
  }
  return {
    model: body.model,
    system: system.join("\n\n"),
    input,
    tools: withoutStrict(body.tools) ?? [],
    tool_choice: body.tool_choice,
    effort: body.reasoning?.effort ?? undefined,
    include: body.include ?? [],
    stream: body.stream,
  };
}

// ---------------------------------------------------------------------------
// What a recorded stream spells, read by hand.

interface Expected {
  model: string;
  content: string;
  reasoning: string;
  signatures: string[];
  toolCalls: ToolCallOut[];
  finish: string;
}

function expectedChat(it: Interaction): Expected {
  const out: Expected = { model: "", content: "", reasoning: "", signatures: [], toolCalls: [], finish: "" };
  const calls = new Map<number, ToolCallOut>();
  for (const { data } of recordedEvents(it)) {
    if (data === "[DONE]") continue;
    if (out.model === "" && data.model) out.model = data.model;
    const choice = (data.choices as Json[]).find((c) => c.index === 0);
    if (choice === undefined) continue;
    if (typeof choice.delta?.content === "string") out.content += choice.delta.content;
    for (const call of (choice.delta?.tool_calls ?? []) as Json[]) {
      const known = calls.get(call.index) ?? { id: "", name: "", arguments: "" };
      if (call.id) known.id = call.id;
      if (call.function?.name) known.name = call.function.name;
      known.arguments += call.function?.arguments ?? "";
      calls.set(call.index, known);
    }
    if (choice.finish_reason) out.finish = { stop: "stop", tool_calls: "tool_calls", length: "length" }[choice.finish_reason as string]!;
  }
  out.toolCalls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, call]) => call);
  return out;
}

/** The shared reader of recorded Responses streams (replay.ts), with the finish a completed response implies. */
function expectedResponses(it: Interaction): Expected {
  const recorded = recordedResponses(it);
  const finish = recorded.status === undefined ? "" : recorded.toolCalls.length > 0 ? "tool_calls" : "stop";
  return { model: recorded.model, content: recorded.content, reasoning: recorded.reasoning, signatures: recorded.signatures, toolCalls: recorded.toolCalls, finish };
}

// ---------------------------------------------------------------------------

interface StreamCase {
  file: string;
  turn: number;
  dialect: "chat" | "responses";
  /** params.api to send; undefined tests the default choice for the model. */
  api?: "chat" | "responses";
  /** Usage read by hand from the recorded usage object. */
  input: number;
  output: number;
  reasoning: number;
  has: Array<"content" | "reasoning" | "signature" | "tools">;
}

const STREAMS: StreamCase[] = [
  { file: "chat-text", turn: 0, dialect: "chat", api: "chat", input: 19, output: 75, reasoning: 64, has: ["content"] },
  { file: "chat-tool-call", turn: 0, dialect: "chat", api: "chat", input: 145, output: 89, reasoning: 64, has: ["tools"] },
  { file: "chat-tool-call", turn: 1, dialect: "chat", api: "chat", input: 176, output: 228, reasoning: 192, has: ["content"] },
  // gpt-4o: Chat Completions is the default dialect.
  { file: "chat-parallel-tools", turn: 0, dialect: "chat", input: 364, output: 40, reasoning: 0, has: ["tools"] },
  { file: "chat-parallel-tools", turn: 1, dialect: "chat", input: 423, output: 15, reasoning: 0, has: ["tools"] },
  { file: "chat-parallel-tools", turn: 2, dialect: "chat", input: 448, output: 62, reasoning: 0, has: ["tools"] },
  // gpt-5: Responses is the default dialect for reasoning models.
  { file: "responses-text", turn: 0, dialect: "responses", input: 53, output: 469, reasoning: 448, has: ["signature", "tools"] },
  { file: "responses-tool-call", turn: 0, dialect: "responses", api: "responses", input: 255, output: 16, reasoning: 0, has: ["tools"] },
  { file: "responses-tool-call", turn: 1, dialect: "responses", api: "responses", input: 278, output: 9, reasoning: 0, has: ["content"] },
  { file: "responses-reasoning", turn: 0, dialect: "responses", input: 63, output: 121, reasoning: 64, has: ["reasoning", "signature", "tools"] },
  { file: "responses-reasoning", turn: 1, dialect: "responses", input: 92, output: 456, reasoning: 384, has: ["content", "reasoning", "signature"] },
];

function paramsFor(it: Interaction, dialect: "chat" | "responses", url: string, extra: Json = {}): Json {
  const body = it.request.body as Json;
  return { ...(dialect === "chat" ? chatParams(body) : responsesParams(body)), base_url: v1(url), credentials: { api_key: KEY }, ...extra };
}

describe("openai replay: streams", () => {
  test.each(STREAMS)("$file turn $turn: chunks, finish, usage, cost and the request sent", async ({ file, turn, dialect, api, input, output, reasoning, has }) => {
    const cassette = await recording("openai", file);
    const it = interaction(cassette, turn);
    const expected = dialect === "chat" ? expectedChat(it) : expectedResponses(it);
    if (has.includes("content")) expect(expected.content).not.toBe("");
    if (has.includes("reasoning")) expect(expected.reasoning).not.toBe("");
    if (has.includes("signature")) expect(expected.signatures.length).toBeGreaterThan(0);
    if (has.includes("tools")) expect(expected.toolCalls.length).toBeGreaterThan(0);

    const harness = createHarness();
    await withReplay(single(cassette, turn), async (server) => {
      const result = await streamChat(harness, `${file}-${turn}`, "openai", paramsFor(it, dialect, server.url, api === undefined ? {} : { api }));

      expect(result.error).toBeUndefined();
      expect(result.retries).toEqual([]);
      expect(result.content).toBe(expected.content);
      expect(result.reasoning).toBe(expected.reasoning);
      expect(result.signatures).toEqual(expected.signatures);
      expect(result.toolCalls).toEqual(expected.toolCalls);
      expected.toolCalls.forEach((call, index) => {
        expect(result.deltas.find((delta) => delta.index === index)).toMatchObject({ index, id: call.id, name: call.name });
      });

      const done = result.done!;
      expect(done.finish_reason).toBe(expected.finish);
      expect(done.model).toBe(expected.model);
      expect(done.usage).toEqual({
        input_tokens: input,
        output_tokens: output,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: reasoning,
        // These recordings predate cache_write_tokens in the usage details.
        estimated: ["cache_write_tokens"],
      });
      const price = catalogData("openai", expected.model)!.price!;
      expect(done.cost).not.toBeNull();
      expect(done.cost.input).toBeCloseTo((input * price.input!) / 1e6, 12);
      expect(done.cost.output).toBeCloseTo((output * price.output!) / 1e6, 12);

      expect(server.requests.length).toBe(1);
      const sent = server.requests[0]!;
      expect(sent.method).toBe("POST");
      expect(sent.path).toBe(dialect === "chat" ? "/v1/chat/completions" : "/v1/responses");
      expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(sent.headers["content-type"]).toContain("application/json");
      const recordedBody = it.request.body as Json;
      if (dialect === "chat") expectSameChatRequest(sentBody(server), recordedBody);
      else expect(canonicalResponses(sentBody(server))).toEqual(canonicalResponses(recordedBody));
    });
  });

  test.each([
    { file: "chat-tool-call", dialect: "chat" as const, api: "chat" as const },
    { file: "responses-reasoning", dialect: "responses" as const, api: undefined },
    { file: "responses-tool-call", dialect: "responses" as const, api: "responses" as const },
  ])("$file: handing back what turn 1 streamed makes the recorded turn-2 request", async ({ file, dialect, api }) => {
    const cassette = await recording("openai", file);
    const first = interaction(cassette, 0);
    const second = interaction(cassette, 1);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const turn1Params = paramsFor(first, dialect, server.url, api === undefined ? {} : { api });
      const turn1 = await streamChat(harness, "turn1", "openai", turn1Params);
      expect(turn1.done?.finish_reason).toBe("tool_calls");
      const assistant: Json[] = [];
      if (turn1.content !== "") assistant.push({ type: "text", text: turn1.content });
      for (const call of turn1.toolCalls) assistant.push({ type: "tool_call", ...call });
      const rebuilt = (dialect === "chat" ? chatParams(second.request.body as Json) : responsesParams(second.request.body as Json)).messages as Json[];
      // Recorded call ids → the ones we streamed, by position. They are the same except in responses-tool-call,
      // where pydantic-ai sent the item id (fc_…) as call_id; we hand back the item's call_id (call_…).
      const recordedIds = rebuilt
        .flatMap((m) => (m.role === "assistant" && Array.isArray(m.content) ? (m.content as Json[]) : []).filter((p) => p.type === "tool_call").map((p) => p.id as string))
        .slice(-turn1.toolCalls.length);
      const ids = new Map(recordedIds.map((id, i) => [id, turn1.toolCalls[i]!.id]));
      const results = rebuilt
        .filter((m) => m.role === "tool")
        .map((m) => ({ ...m, content: (m.content as Json[]).map((p) => ({ ...p, tool_call_id: ids.get(p.tool_call_id) ?? p.tool_call_id })) }));
      const turn2Params = { ...turn1Params, messages: [...turn1Params.messages, { role: "assistant", content: assistant }, ...results] };
      const turn2 = await streamChat(harness, "turn2", "openai", turn2Params);
      expect(turn2.done?.finish_reason).toBe("stop");
      let expectedText = JSON.stringify(second.request.body);
      for (const [from, to] of ids) expectedText = expectedText.split(from).join(to);
      const expectedBody = JSON.parse(expectedText) as Json;
      if (dialect === "chat") expect(sentBody(server, 1).messages).toEqual(expectedBody.messages);
      else expect(canonicalResponses(sentBody(server, 1)).input).toEqual(canonicalResponses(expectedBody).input);
    });
  });

  test("two streams at once: each request's lines stay whole and in order", async () => {
    const [chat, responses] = await Promise.all([recording("openai", "chat-text"), recording("openai", "responses-reasoning")]);
    const harness = createHarness();
    await withReplay(chat, (chatServer) =>
      withReplay(single(responses, 0), async (responsesServer) => {
        harness.server.handleLine(
          JSON.stringify({ id: 1, action: "stream_chat", provider: "openai", params: paramsFor(interaction(chat, 0), "chat", chatServer.url, { api: "chat" }) }),
        );
        harness.server.handleLine(
          JSON.stringify({ id: 2, action: "stream_chat", provider: "openai", params: paramsFor(interaction(responses, 0), "responses", responsesServer.url) }),
        );
        await harness.server.drain();
        const one = readStream(
          harness.lines.filter((line) => line.id === 1),
          1,
        );
        const two = readStream(
          harness.lines.filter((line) => line.id === 2),
          2,
        );
        expect(one.content).toBe(expectedChat(interaction(chat, 0)).content);
        expect(two.reasoning).toBe(expectedResponses(interaction(responses, 0)).reasoning);
        expect(two.toolCalls).toEqual(expectedResponses(interaction(responses, 0)).toolCalls);
        expect(harness.lines.length).toBe(one.lines.length + two.lines.length);
      }),
    );
  });
});

describe("openai replay: request headers", () => {
  test("params.headers are sent as given and win over the environment's organisation", async () => {
    const cassette = await recording("openai", "chat-text");
    const harness = createHarness({ env: { OPENAI_ORG_ID: "org-from-env", OPENAI_PROJECT_ID: "proj-from-env" } });
    await withReplay(cassette, async (server) => {
      const params = paramsFor(interaction(cassette, 0), "chat", server.url, { api: "chat", headers: { "x-custom": "1", "openai-organization": "org-from-params" } });
      const result = await streamChat(harness, "h", "openai", params);
      expect(result.done).toBeDefined();
      const headers = server.requests[0]!.headers;
      expect(headers["x-custom"]).toBe("1");
      expect(headers["openai-organization"]).toBe("org-from-params");
      expect(headers["openai-project"]).toBe("proj-from-env");
      expect(headers.authorization).toBe(`Bearer ${KEY}`);
    });
  });
});

// ---------------------------------------------------------------------------

describe("openai replay: errors", () => {
  test.each([
    { file: "chat-error-400", dialect: "chat" as const, api: "chat" as const, code: "INVALID_PARAMS", provider_type: "unsupported_value" },
    { file: "context-length-400", dialect: "chat" as const, api: undefined, code: "CONTEXT_LENGTH_EXCEEDED", provider_type: "context_length_exceeded" },
    { file: "responses-context-length-400", dialect: "responses" as const, api: undefined, code: "CONTEXT_LENGTH_EXCEEDED", provider_type: "context_length_exceeded" },
    // The recorded temperature -1 is refused by our own validation, so it is left out; the recorded 400 answers anyway.
    { file: "responses-error-400", dialect: "responses" as const, api: "responses" as const, code: "INVALID_PARAMS", provider_type: "decimal_below_min_value" },
  ])("$file → $code, not retryable, one request", async ({ file, dialect, api, code, provider_type }) => {
    const cassette = await recording("openai", file);
    const it = interaction(cassette, 0);
    const recordedMessage = (recordedJson(it).error as Json).message as string;
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, file, "openai", paramsFor(it, dialect, server.url, api === undefined ? {} : { api }));
      expect(result.lines.length).toBe(1);
      expect(result.error).toMatchObject({ code, status: 400, retryable: false, partial: false, provider_type });
      expect(result.error!.message).toContain(recordedMessage);
      expect(server.requests.length).toBe(1);
    });
  });

  test("401 echoing the key: AUTH_FAILED, no retry, and no trace of the key anywhere", async () => {
    const cassette = await recording("openai", "error-401");
    const it = interaction(cassette, 0);
    expect(JSON.stringify(recordedJson(it))).toContain(CANARY); // the recording really echoes it
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "401", "openai", paramsFor(it, "chat", server.url, { api: "chat", credentials: { api_key: CANARY } }));
      expect(result.lines.length).toBe(1);
      expect(result.error).toMatchObject({ code: "AUTH_FAILED", status: 401, retryable: false, partial: false, provider_type: "invalid_api_key" });
      expect(result.error!.message).toContain("Incorrect API key provided");
      expect(server.requests.length).toBe(1);
      expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${CANARY}`);
    });
    const written = everythingWritten(harness);
    expect(written).not.toContain(CANARY);
    expect(written.toLowerCase()).not.toContain("canary");
    expect(written).not.toContain("sk-proj-");
  });

  test("429 then success: one retry chunk with retry-after-ms (not retry-after), then the whole answer", async () => {
    const cassette = await recording("openai", "rate-limit-429-then-success");
    const limited = interaction(cassette, 0);
    expect(limited.response.headers["retry-after-ms"]).toBe("644");
    expect(limited.response.headers["retry-after"]).toBe("1");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "rl", "openai", paramsFor(limited, "chat", server.url, { api: "chat" }));
      expect(result.retries).toEqual([{ type: "retry", attempt: 1, delay_ms: 644, reason: expect.stringContaining("RATE_LIMITED") }]);
      expect(harness.sleeps).toEqual([644]);
      expect(result.content).toBe(expectedChat(interaction(cassette, 1)).content);
      expect(result.done?.usage).toMatchObject({ input_tokens: 19, output_tokens: 75 });
      expect(server.requests.length).toBe(2);
    });
  });

  test.each([
    { file: "server-error-500", code: "PROVIDER_ERROR", status: 500 },
    { file: "overloaded-503", code: "OVERLOADED", status: 503 },
  ])("$file every time: retried max_retries (2) times, then $code, retryable", async ({ file, code, status }) => {
    const failing = await recording("openai", file);
    const harness = createHarness();
    await withReplay([failing, failing, failing], async (server) => {
      const result = await streamChat(harness, file, "openai", paramsFor(interaction(failing, 0), "chat", server.url, { api: "chat" }));
      expect(server.requests.length).toBe(3);
      expect(result.retries.map((r) => r.attempt)).toEqual([1, 2]);
      // Full jitter with the harness's random() = 0.5 over 500 ms × 2^attempt.
      expect(harness.sleeps).toEqual([250, 500]);
      expect(result.error).toMatchObject({ code, status, retryable: true, partial: false });
      expect(result.error!.usage.estimated).toEqual(expect.arrayContaining(["input_tokens", "output_tokens"]));
    });
  });

  test("500 then the text stream: one retry, then the full answer", async () => {
    const [failing, text] = await Promise.all([recording("openai", "server-error-500"), recording("openai", "chat-text")]);
    const harness = createHarness();
    await withReplay([failing, text], async (server) => {
      const result = await streamChat(harness, "500-ok", "openai", paramsFor(interaction(text, 0), "chat", server.url, { api: "chat" }));
      expect(result.retries.length).toBe(1);
      expect(result.content).toBe(expectedChat(interaction(text, 0)).content);
      expect(result.done?.finish_reason).toBe("stop");
    });
  });

  test("Responses `error` event before any content (insufficient_quota): RATE_LIMITED, not retried, usage estimated", async () => {
    const cassette = await recording("openai", "responses-midstream-error");
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "quota", "openai", paramsFor(it, "responses", server.url));
      expect(result.lines.length).toBe(1);
      expect(result.error).toMatchObject({ code: "RATE_LIMITED", retryable: false, partial: false, provider_type: "insufficient_quota" });
      expect(result.error!.message).toContain("You exceeded your current quota");
      expect(result.error!.usage.estimated).toEqual(expect.arrayContaining(["input_tokens", "output_tokens"]));
      expect(server.requests.length).toBe(1);
    });
  });

  // `together`: the error arrives in the same network read as the text before it, as happens under load.
  test.each([{ together: false }, { together: true }])("in-stream server error after content (same read: $together): partial, content kept, NO retry", async ({ together }) => {
    const [text, failing] = await Promise.all([recording("openai", "chat-text"), recording("openai", "server-error-500")]);
    // The recorded 500 body, delivered as a Chat stream chunk after the first text delta.
    const errorEvent = `data: ${JSON.stringify(recordedJson(interaction(failing, 0)))}\n\n`;
    const broken = editBody(text, 0, (body) => {
      const at = stepIndex(body, (t) => t.includes('"content":"Olá"'));
      const tail = together ? [chunkStep(stepText(body[at]!) + errorEvent)] : [body[at]!, chunkStep(errorEvent)];
      return [...body.slice(0, at), ...tail];
    });
    const harness = createHarness();
    // A full answer waits behind the broken one: a wrong retry would fetch it.
    await withReplay([broken, text], async (server) => {
      const result = await streamChat(harness, "mid", "openai", paramsFor(interaction(text, 0), "chat", server.url, { api: "chat" }));
      expect(result.retries).toEqual([]);
      expect(server.requests.length).toBe(1);
      expect(result.content).toBe("Olá");
      expect(result.error).toMatchObject({ code: "PROVIDER_ERROR", retryable: true, partial: true });
      expect(result.error!.usage.estimated).toEqual(expect.arrayContaining(["input_tokens", "output_tokens"]));
      expect(result.error!.usage.output_tokens).toBeGreaterThan(0);
    });
  });
});

// ---------------------------------------------------------------------------

function isDone(text: string): boolean {
  return text.trim() === "data: [DONE]";
}

async function chatTextWithAfterFirstContent(steps: BodyStep[]): Promise<Cassette> {
  const text = await recording("openai", "chat-text");
  return editBody(text, 0, (body) => {
    const at = stepIndex(body, (t) => t.includes('"content":"Olá"'));
    return [...body.slice(0, at + 1), ...steps, ...body.slice(at + 1)];
  });
}

describe("openai replay: broken streams", () => {
  test("Chat stream without [DONE] → STREAM_ERROR, partial, all content kept", async () => {
    const text = await recording("openai", "chat-text");
    const truncated = editBody(text, 0, (body) => body.filter((step) => !isDone(stepText(step))));
    expect(interaction(truncated, 0).body.length).toBe(interaction(text, 0).body.length - 1);
    const harness = createHarness();
    await withReplay(truncated, async (server) => {
      const result = await streamChat(harness, "trunc", "openai", paramsFor(interaction(text, 0), "chat", server.url, { api: "chat" }));
      expect(result.content).toBe(expectedChat(interaction(text, 0)).content);
      expect(result.error).toMatchObject({ code: "STREAM_ERROR", partial: true });
      expect(server.requests.length).toBe(1);
    });
  });

  test("Responses stream without response.completed → STREAM_ERROR, partial", async () => {
    const cassette = await recording("openai", "responses-tool-call");
    const truncated = editBody(cassette, 1, (body) => body.filter((step) => !stepText(step).includes('"type":"response.completed"')));
    expect(interaction(truncated, 0).body.length).toBe(interaction(cassette, 1).body.length - 1);
    const harness = createHarness();
    await withReplay(truncated, async (server) => {
      const result = await streamChat(harness, "trunc-r", "openai", paramsFor(interaction(cassette, 1), "responses", server.url, { api: "responses" }));
      expect(result.content).toBe(expectedResponses(interaction(cassette, 1)).content);
      expect(result.error).toMatchObject({ code: "STREAM_ERROR", partial: true });
    });
  });

  test("connection reset mid-body → NETWORK_ERROR, partial, the text before it kept", async () => {
    const reset = await chatTextWithAfterFirstContent([{ abort: "reset" }]);
    const harness = createHarness();
    await withReplay(reset, async (server) => {
      const result = await streamChat(harness, "reset", "openai", paramsFor(interaction(reset, 0), "chat", server.url, { api: "chat" }));
      expect(result.content).toBe("Olá");
      expect(result.error).toMatchObject({ code: "NETWORK_ERROR", partial: true });
      expect(server.requests.length).toBe(1);
    });
  });

  test("a body that stalls after content → TIMEOUT (idle), retryable, partial, within a second", async () => {
    const stalled = await chatTextWithAfterFirstContent([{ stall_ms: 2000 }]);
    const harness = createHarness();
    await withReplay(stalled, async (server) => {
      const started = Date.now();
      const result = await streamChat(harness, "stall", "openai", paramsFor(interaction(stalled, 0), "chat", server.url, { api: "chat", timeouts: { idle_ms: 300 } }));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(result.content).toBe("Olá");
      expect(result.error).toMatchObject({ code: "TIMEOUT", retryable: true, partial: true });
    });
  });

  test("`: ping` comments are not progress: comments for longer than idle_ms after content → TIMEOUT", async () => {
    const pings: BodyStep[] = [];
    for (let i = 0; i < 12; i++) pings.push({ stall_ms: 100 }, chunkStep(": ping\n\n"));
    const cassette = await chatTextWithAfterFirstContent(pings);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const started = Date.now();
      const result = await streamChat(harness, "ping", "openai", paramsFor(interaction(cassette, 0), "chat", server.url, { api: "chat", timeouts: { idle_ms: 300 } }));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(result.error).toMatchObject({ code: "TIMEOUT", partial: true });
    });
  });

  test("reasoning summary deltas 200 ms apart keep an idle_ms of 300 from firing", async () => {
    const cassette = await recording("openai", "responses-reasoning");
    let spaced = 0;
    const paced = editBody(cassette, 0, (body) =>
      body.flatMap((step) => {
        if (spaced < 4 && stepText(step).includes('"type":"response.reasoning_summary_text.delta"')) {
          spaced++;
          return [{ stall_ms: 200 }, step];
        }
        return [step];
      }),
    );
    expect(spaced).toBe(4);
    const harness = createHarness();
    await withReplay(paced, async (server) => {
      const result = await streamChat(harness, "slow-think", "openai", paramsFor(interaction(cassette, 0), "responses", server.url, { timeouts: { idle_ms: 300 } }));
      expect(result.error).toBeUndefined();
      expect(result.reasoning).toBe(expectedResponses(interaction(cassette, 0)).reasoning);
    });
  });
});

describe("openai replay: cancel", () => {
  test("cancel during a stalled stream: {cancelled:true}, then exactly one CANCELLED line with usage", async () => {
    const stalled = await chatTextWithAfterFirstContent([{ stall_ms: 2000 }]);
    const harness = createHarness();
    await withReplay(stalled, async (server) => {
      harness.server.handleLine(
        JSON.stringify({ id: 7, action: "stream_chat", provider: "openai", params: paramsFor(interaction(stalled, 0), "chat", server.url, { api: "chat" }) }),
      );
      await waitForLine(harness, (line) => line.id === 7 && line.data?.type === "content");
      const cancelled = await harness.run({ id: 8, action: "cancel", params: { id: 7 } });
      expect(cancelled).toEqual([{ id: 8, success: true, data: { cancelled: true } }]);
      const result = readStream(
        harness.lines.filter((line) => line.id === 7),
        7,
      );
      expect(result.content).toBe("Olá");
      expect(result.error).toMatchObject({ code: "CANCELLED", partial: true, retryable: false });
      // Chat reports usage only at the end: everything on this line is ours.
      expect(result.error!.usage.estimated).toEqual(expect.arrayContaining(["input_tokens", "output_tokens"]));
      expect(result.error!.usage.input_tokens).toBeGreaterThan(0);
      expect(result.error!.usage.output_tokens).toBeGreaterThan(0);
      expect(result.error!.cost).not.toBeNull();
    });
  });
});

// ---------------------------------------------------------------------------

describe("openai replay: list_models", () => {
  test("chat models of the live listing, merged with the catalog; embeddings, audio and images left out", async () => {
    const cassette = await recording("openai", "models");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({ id: "m", action: "list_models", provider: "openai", params: { base_url: v1(server.url), credentials: { api_key: KEY } } });
      expect(line?.success).toBe(true);
      const models = line!.data as Json[];
      // Recorded ids: gpt-5, gpt-5-mini, gpt-4o, o3, text-embedding-3-small, whisper-1, dall-e-3 and a fine-tuned gpt-4o-mini.
      expect(models.map((m) => m.id)).toEqual(["ft:gpt-4o-mini-2024-07-18:acme-fake::AbCdEf12", "gpt-4o", "gpt-5", "gpt-5-mini", "o3"]);
      for (const model of models) {
        const known = catalogData("openai", model.id);
        if (known === undefined) {
          expect(model.source).toBe("api");
          expect(model.cost).toBeNull();
        } else {
          expect(model.source).toBe("both");
          expect(model.cost.input).toBe(known.price!.input);
          expect(model.cost.output).toBe(known.price!.output);
        }
      }
      const sent = server.requests[0]!;
      expect(sent.method).toBe("GET");
      expect(sent.path).toBe("/v1/models");
      expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    });
  });

  test("without credentials: the catalog listing, and no request at all", async () => {
    const cassette = await recording("openai", "models");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({ id: "m", action: "list_models", provider: "openai", params: { base_url: v1(server.url) } });
      const models = line!.data as Json[];
      expect(models.map((m) => m.id)).toContain("gpt-5");
      for (const model of models) expect(model.source).toBe("catalog");
      expect(server.requests.length).toBe(0);
    });
  });
});

describe("openai replay: count_tokens", () => {
  // The local tokenizer against what OpenAI counted for the same request: a Chat stream's usage,
  // a non-streaming Chat answer's usage, and the Responses counting endpoint.
  test.each([
    {
      file: "chat-text",
      turn: 0,
      form: "chat" as const,
      recorded: (it: Interaction) => recordedEvents(it).find((e) => e.data !== "[DONE]" && e.data.usage)!.data.usage.prompt_tokens,
      expected: 19,
    },
    { file: "chat-prompt-cache", turn: 0, form: "chat" as const, recorded: (it: Interaction) => recordedJson(it).usage.prompt_tokens, expected: 4020 },
    { file: "chat-prompt-cache", turn: 1, form: "chat" as const, recorded: (it: Interaction) => recordedJson(it).usage.prompt_tokens, expected: 4020 },
    { file: "responses-count-tokens", turn: 0, form: "responses" as const, recorded: (it: Interaction) => recordedJson(it).input_tokens, expected: 16 },
  ])("$file turn $turn: method tokenizer, exact, equal to the recorded count, without a request", async ({ file, turn, form, recorded, expected }) => {
    const cassette = await recording("openai", file);
    const it = interaction(cassette, turn);
    expect(recorded(it)).toBe(expected);
    const body = it.request.body as Json;
    // Counted as the API it was recorded on: gpt-5 would go to Responses unless `api` says Chat.
    const params = form === "chat" ? { ...chatParams(body), api: "chat" } : responsesParams(body);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({ id: "n", action: "count_tokens", provider: "openai", params: { ...params, base_url: v1(server.url), credentials: { api_key: KEY } } });
      expect(line).toEqual({ id: "n", success: true, data: { input_tokens: expected, exact: true, method: "tokenizer" } });
      expect(server.requests.length).toBe(0);
    });
  });
});

describe("openai replay: authenticate and logout", () => {
  test("a key the models endpoint accepts is stored; logout removes it", async () => {
    const cassette = await recording("openai", "models");
    const harness = createHarness();
    const files = harness.deps.files as unknown as { files: Map<string, string> };
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({ id: "a", action: "authenticate", provider: "openai", params: { base_url: v1(server.url), credentials: { api_key: KEY } } });
      expect(line).toEqual({ id: "a", success: true, data: { type: "authenticated", provider: "openai", stored: true } });
      expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    });
    expect((JSON.parse(files.files.get(harness.deps.authFile)!) as Json).providers.openai).toEqual({ api_key: KEY });
    const [out] = await harness.run({ id: "l", action: "logout", provider: "openai" });
    expect(out).toEqual({ id: "l", success: true, data: { provider: "openai", removed: true } });
    expect((JSON.parse(files.files.get(harness.deps.authFile)!) as Json).providers.openai).toBeUndefined();
  });

  test("the canary key rejected with a 401 that echoes it → AUTH_FAILED, nothing stored, no trace of the key", async () => {
    const cassette = await recording("openai", "error-401");
    const harness = createHarness();
    const files = harness.deps.files as unknown as { files: Map<string, string> };
    // The recorded 401 answered a chat request; the same refusal answers the key check's GET /models.
    await withReplay(
      cassette,
      async (server) => {
        const [line] = await harness.run({ id: "a", action: "authenticate", provider: "openai", params: { base_url: v1(server.url), credentials: { api_key: CANARY } } });
        expect(line?.success).toBe(false);
        expect(line!.error).toMatchObject({ code: "AUTH_FAILED", status: 401, retryable: false });
        expect(server.requests.length).toBe(1);
        expect(server.requests[0]!.path).toBe("/v1/models");
      },
      { strictPath: false },
    );
    expect(files.files.size).toBe(0);
    expect(everythingWritten(harness).toLowerCase()).not.toContain("canary");
  });
});

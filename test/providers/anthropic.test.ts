/**
 * End-to-end replay of every recordings/anthropic cassette through the real
 * Server in this process, with real fetch over loopback. Each request's
 * params are rebuilt from the recorded request body, so what we send can be
 * compared with what the recorded client sent; expectations about the answer
 * are read from the recorded SSE by hand (test/providers/replay.ts).
 */
import { describe, expect, test } from "bun:test";
import type { BodyStep, Cassette, Interaction } from "../support/cassette.ts";
import { createHarness } from "../support/in-process.ts";
import {
  catalogData,
  chunkStep,
  closedPortUrl,
  editBody,
  everythingWritten,
  interaction,
  pick,
  readStream,
  recordedMessages,
  recordedJson,
  recording,
  sentBody,
  single,
  stepIndex,
  stepText,
  streamChat,
  waitForLine,
  withReplay,
  type Json,
} from "./replay.ts";

const KEY = "sk-ant-CANARYkeyForReplayTests0000000000000000-AAAA";

// ---------------------------------------------------------------------------
// Recorded Anthropic request body → our ChatParams.

interface Rebuilt {
  params: Json;
  /** Request body keys our ChatParams cannot express (server tools, output_config, ...). */
  dropped: string[];
}

function partsOf(content: unknown): Json[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : (content as Json[]);
}

function toolResultContent(content: unknown): unknown {
  if (typeof content === "string" || content === undefined) return content ?? "";
  return (content as Json[]).map((block) => ({ type: "text", text: block.text }));
}

function anthropicParams(body: Json): Rebuilt {
  const dropped: string[] = [];
  const messages: Json[] = [];
  if (body.system !== undefined) {
    messages.push({
      role: "system",
      content: typeof body.system === "string" ? body.system : (body.system as Json[]).map((b) => ({ type: "text", text: b.text })),
    });
  }
  for (const message of body.messages as Json[]) {
    if (message.role === "assistant") {
      const parts = partsOf(message.content).map((block): Json => {
        switch (block.type) {
          case "text":
            return { type: "text", text: block.text };
          case "thinking":
            return { type: "reasoning", text: block.thinking, signature: block.signature };
          case "redacted_thinking":
            return { type: "reasoning", text: "", redacted: block.data };
          case "tool_use":
            return { type: "tool_call", id: block.id, name: block.name, arguments: JSON.stringify(block.input) };
          default:
            throw new Error(`cannot rebuild assistant block ${block.type}`);
        }
      });
      messages.push({ role: "assistant", content: parts });
      continue;
    }
    if (typeof message.content === "string") {
      messages.push({ role: "user", content: message.content });
      continue;
    }
    const blocks = message.content as Json[];
    const results = blocks.filter((b) => b.type === "tool_result");
    const rest = blocks.filter((b) => b.type !== "tool_result");
    if (results.length > 0) {
      messages.push({
        role: "tool",
        content: results.map((b) => ({
          type: "tool_result",
          tool_call_id: b.tool_use_id,
          content: toolResultContent(b.content),
          ...(b.is_error !== undefined && { is_error: b.is_error }),
        })),
      });
    }
    if (rest.length > 0) {
      messages.push({
        role: "user",
        content: rest.map((b) => {
          if (b.type !== "text") throw new Error(`cannot rebuild user block ${b.type}`);
          return { type: "text", text: b.text };
        }),
      });
    }
  }
  const params: Json = { model: body.model, messages };
  if (body.max_tokens !== undefined) params.max_tokens = body.max_tokens;
  const tools = (body.tools ?? []) as Json[];
  if (tools.some((tool) => tool.type !== undefined)) {
    dropped.push("tools", "tool_choice"); // server tools (code_execution_...) have no ChatParams form
  } else if (tools.length > 0) {
    params.tools = tools.map((tool) => ({
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: tool.input_schema,
    }));
  }
  if (body.tool_choice !== undefined && !dropped.includes("tool_choice")) {
    const choice = body.tool_choice as Json;
    params.tool_choice = { auto: "auto", any: "required", none: "none" }[choice.type as string] ?? { name: choice.name };
  }
  if (body.thinking?.type === "enabled") params.reasoning = { budget_tokens: body.thinking.budget_tokens };
  for (const key of ["output_config", "cache_control"]) if (body[key] !== undefined) dropped.push(key);
  return { params, dropped };
}

/** The request fields compared with the recording (tool_choice separately: we never send disable_parallel_tool_use). */
const COMPARED = ["model", "max_tokens", "system", "messages", "tools", "thinking"];

function expectSameRequest(sent: Json, recorded: Json, dropped: string[]): void {
  const keys = COMPARED.filter((key) => !dropped.includes(key));
  expect(pick(sent, keys)).toEqual(pick(recorded, keys));
  if (recorded.tool_choice !== undefined && !dropped.includes("tool_choice")) expect(sent.tool_choice?.type).toBe(recorded.tool_choice.type);
  expect(sent.stream).toBe(true);
}

function paramsFor(it: Interaction, base_url: string, extra: Json = {}): Json {
  return { ...anthropicParams(it.request.body as Json).params, base_url, credentials: { api_key: KEY }, ...extra };
}

// ---------------------------------------------------------------------------
const FINISH: Record<string, string> = { end_turn: "stop", stop_sequence: "stop", tool_use: "tool_calls", max_tokens: "length" };

// ---------------------------------------------------------------------------

interface StreamCase {
  file: string;
  turn: number;
  /** Wire usage read by hand from the recorded message_start / message_delta (cache figures are 0 in all of them). */
  input: number;
  output: number;
  /** What the recording must contain, so a broken expectation reader cannot pass vacuously. */
  has: Array<"content" | "reasoning" | "signature" | "redacted" | "tools">;
}

const STREAMS: StreamCase[] = [
  { file: "text", turn: 0, input: 16, output: 38, has: ["content"] },
  { file: "tool-call", turn: 0, input: 394, output: 67, has: ["content", "tools"] },
  { file: "tool-call", turn: 1, input: 476, output: 46, has: ["content"] },
  { file: "multi-tool", turn: 0, input: 502, output: 137, has: ["content", "tools"] },
  { file: "multi-tool", turn: 1, input: 700, output: 31, has: ["content"] },
  { file: "thinking", turn: 0, input: 43, output: 282, has: ["content", "reasoning", "signature"] },
  { file: "thinking-tool", turn: 0, input: 424, output: 119, has: ["reasoning", "signature", "tools"] },
  { file: "thinking-tool", turn: 1, input: 558, output: 51, has: ["content"] },
  { file: "redacted-thinking", turn: 0, input: 92, output: 189, has: ["content", "redacted"] },
  // message_delta restates input cumulatively (2293 at message_start, 4714 after the server tool ran).
  { file: "server-tool", turn: 0, input: 4714, output: 304, has: ["content", "reasoning", "signature"] },
];

describe("anthropic replay: streams", () => {
  test.each(STREAMS)("$file turn $turn: chunks, finish, usage, cost and the request sent", async ({ file, turn, input, output, has }) => {
    const cassette = await recording("anthropic", file);
    const it = interaction(cassette, turn);
    const expected = recordedMessages(it);
    if (has.includes("content")) expect(expected.content).not.toBe("");
    if (has.includes("reasoning")) expect(expected.reasoning).not.toBe("");
    if (has.includes("signature")) expect(expected.signatures.length).toBeGreaterThan(0);
    if (has.includes("redacted")) expect(expected.redacted.length).toBeGreaterThan(0);
    if (has.includes("tools")) expect(expected.toolCalls.length).toBeGreaterThan(0);

    const harness = createHarness();
    const { dropped } = anthropicParams(it.request.body as Json);
    await withReplay(single(cassette, turn), async (server) => {
      const result = await streamChat(harness, `${file}-${turn}`, "anthropic", paramsFor(it, server.url));

      expect(result.error).toBeUndefined();
      expect(result.retries).toEqual([]);
      expect(result.content).toBe(expected.content);
      expect(result.reasoning).toBe(expected.reasoning);
      expect(result.signatures).toEqual(expected.signatures);
      expect(result.redacted).toEqual(expected.redacted);
      expect(result.toolCalls).toEqual(expected.toolCalls);
      // Dense tool indices in the order the calls started, id and name on the first delta.
      expected.toolCalls.forEach((call, index) => {
        const first = result.deltas.find((delta) => delta.index === index);
        expect(first).toMatchObject({ index, id: call.id, name: call.name });
      });

      const done = result.done!;
      expect(done.finish_reason).toBe(FINISH[expected.stopReason!]!);
      expect(done.raw_finish_reason).toBe(expected.stopReason);
      expect(done.model).toBe(expected.model);
      expect(done.usage).toEqual({
        input_tokens: input,
        output_tokens: output,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: 0,
        // Anthropic never breaks out thinking tokens, so that figure is ours (0).
        estimated: ["reasoning_tokens"],
      });
      expect(done.cost).not.toBeNull();
      const price = catalogData("anthropic", expected.model)!.price!;
      expect(done.cost.input).toBeCloseTo((input * price.input!) / 1e6, 12);
      expect(done.cost.output).toBeCloseTo((output * price.output!) / 1e6, 12);
      expect(done.cost.total).toBeCloseTo(done.cost.input + done.cost.output + done.cost.cache_read + done.cost.cache_write, 12);

      expect(server.requests.length).toBe(1);
      const sent = server.requests[0]!;
      expect(sent.method).toBe("POST");
      expect(sent.path).toBe("/v1/messages");
      expect(sent.headers["x-api-key"]).toBe(KEY);
      expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
      expect(sent.headers["content-type"]).toContain("application/json");
      expect(sent.headers.authorization).toBeUndefined();
      expectSameRequest(sentBody(server), it.request.body as Json, dropped);
    });
  });

  test.each([{ file: "tool-call" }, { file: "multi-tool" }, { file: "thinking-tool" }])(
    "$file: handing back what turn 1 streamed makes exactly the recorded turn-2 request",
    async ({ file }) => {
      const cassette = await recording("anthropic", file);
      const first = interaction(cassette, 0);
      const second = interaction(cassette, 1);
      const harness = createHarness();
      await withReplay(cassette, async (server) => {
        const turn1Params = paramsFor(first, server.url);
        const turn1 = await streamChat(harness, "turn1", "anthropic", turn1Params);
        expect(turn1.done?.finish_reason).toBe("tool_calls");

        // What an editor keeps from turn 1: signed reasoning, text, the tool calls.
        const assistant: Json[] = [];
        if (turn1.reasoning !== "") assistant.push({ type: "reasoning", text: turn1.reasoning, signature: turn1.signatures.join("") });
        if (turn1.content !== "") assistant.push({ type: "text", text: turn1.content });
        for (const call of turn1.toolCalls) assistant.push({ type: "tool_call", ...call });
        // The tool outputs are the editor's own; take them from the recorded turn 2.
        const recordedResults = anthropicParams(second.request.body as Json).params.messages.filter((m: Json) => m.role === "tool");
        const turn2Params = { ...turn1Params, messages: [...turn1Params.messages, { role: "assistant", content: assistant }, ...recordedResults] };

        const turn2 = await streamChat(harness, "turn2", "anthropic", turn2Params);
        expect(turn2.done?.finish_reason).toBe("stop");
        expect(sentBody(server, 1).messages).toEqual((second.request.body as Json).messages);
      });
    },
  );
});

describe("anthropic replay: request headers", () => {
  test("params.headers are sent as given and are not overwritten by ours", async () => {
    const cassette = await recording("anthropic", "text");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const params = paramsFor(interaction(cassette, 0), server.url, { headers: { "x-custom": "1", "anthropic-version": "2099-01-01" } });
      const result = await streamChat(harness, "h", "anthropic", params);
      expect(result.done).toBeDefined();
      const headers = server.requests[0]!.headers;
      expect(headers["x-custom"]).toBe("1");
      expect(headers["anthropic-version"]).toBe("2099-01-01");
      expect(headers["x-api-key"]).toBe(KEY);
    });
  });
});

// ---------------------------------------------------------------------------

describe("anthropic replay: errors", () => {
  test.each([
    { file: "error-401", code: "AUTH_FAILED", status: 401, provider_type: "authentication_error", request_id: "req_011CReplayAuth401FakeId0" },
    { file: "error-400", code: "INVALID_PARAMS", status: 400, provider_type: "invalid_request_error", request_id: "req_011Ca7jT9AHpgXgdv8igm4z9" },
    { file: "context-length-400", code: "CONTEXT_LENGTH_EXCEEDED", status: 400, provider_type: "invalid_request_error", request_id: "req_011CWdepJvA2D819tdYYq4h7" },
  ])("$file → $code, not retryable, no retry, one request", async ({ file, code, status, provider_type, request_id }) => {
    const cassette = await recording("anthropic", file);
    const it = interaction(cassette, 0);
    const recordedMessage = (recordedJson(it).error as Json).message as string;
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, file, "anthropic", paramsFor(it, server.url));
      expect(result.lines.length).toBe(1);
      expect(result.error).toMatchObject({ code, status, retryable: false, partial: false, provider_type, request_id });
      expect(result.error!.message).toContain(recordedMessage);
      expect(server.requests.length).toBe(1);
      expect(harness.sleeps).toEqual([]);
      expect(everythingWritten(harness)).not.toContain(KEY);
      expect(everythingWritten(harness)).not.toContain("CANARY");
    });
  });

  test("429 then success: one retry chunk with the recorded retry-after, then the whole answer", async () => {
    const cassette = await recording("anthropic", "rate-limit-429-then-success");
    const limited = interaction(cassette, 0);
    expect(limited.response.headers["retry-after"]).toBe("1"); // seconds
    const expected = recordedMessages(interaction(cassette, 1));
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "rl", "anthropic", paramsFor(limited, server.url));
      expect(result.retries).toEqual([{ type: "retry", attempt: 1, delay_ms: 1000, reason: expect.stringContaining("RATE_LIMITED") }]);
      expect(harness.sleeps).toEqual([1000]);
      expect(result.lines[0]!.data.type).toBe("retry");
      expect(result.content).toBe(expected.content);
      expect(result.done?.usage).toMatchObject({ input_tokens: 16, output_tokens: 38 });
      expect(server.requests.length).toBe(2);
      expect(server.requests[1]!.body).toBe(server.requests[0]!.body);
    });
  });

  test("529 overloaded every time: retried max_retries (2) times, then OVERLOADED, retryable", async () => {
    const overloaded = await recording("anthropic", "overloaded-529");
    const harness = createHarness();
    // One recorded 529 answers each of the three attempts.
    await withReplay([overloaded, overloaded, overloaded], async (server) => {
      const result = await streamChat(harness, "ov", "anthropic", paramsFor(interaction(overloaded, 0), server.url));
      expect(server.requests.length).toBe(3);
      expect(result.retries.map((r) => r.attempt)).toEqual([1, 2]);
      // No retry-after header: full jitter with the harness's random() = 0.5 over 500 ms × 2^attempt.
      expect(result.retries.map((r) => r.delay_ms)).toEqual([250, 500]);
      expect(harness.sleeps).toEqual([250, 500]);
      expect(result.error).toMatchObject({ code: "OVERLOADED", status: 529, retryable: true, partial: false, provider_type: "overloaded_error" });
      // Nothing was generated: both figures are our estimates.
      expect(result.error!.usage.estimated).toEqual(expect.arrayContaining(["input_tokens", "output_tokens"]));
      expect(result.error!.usage.output_tokens).toBe(0);
    });
  });

  test("529 with max_retries 0: one attempt, no retry chunk", async () => {
    const overloaded = await recording("anthropic", "overloaded-529");
    const harness = createHarness();
    await withReplay(overloaded, async (server) => {
      const result = await streamChat(harness, "ov0", "anthropic", paramsFor(interaction(overloaded, 0), server.url, { max_retries: 0 }));
      expect(server.requests.length).toBe(1);
      expect(result.retries).toEqual([]);
      expect(result.error).toMatchObject({ code: "OVERLOADED", retryable: true });
    });
  });

  test("529 then the text stream: one retry, then the full answer", async () => {
    const [overloaded, text] = await Promise.all([recording("anthropic", "overloaded-529"), recording("anthropic", "text")]);
    const harness = createHarness();
    await withReplay([overloaded, text], async (server) => {
      const result = await streamChat(harness, "ov-ok", "anthropic", paramsFor(interaction(text, 0), server.url));
      expect(result.retries.length).toBe(1);
      expect(result.content).toBe(recordedMessages(interaction(text, 0)).content);
      expect(result.done?.finish_reason).toBe("stop");
    });
  });

  // `together`: the error event arrives in the same network read as the last text delta, as happens under load.
  test.each([{ together: false }, { together: true }])(
    "overloaded error event after content (same read: $together): partial error, content kept, usage on the line, no retry",
    async ({ together }) => {
      const recorded = await recording("anthropic", "midstream-overloaded");
      const it = interaction(recorded, 0);
      const expected = recordedMessages(it);
      expect(expected.content).toBe("Olá! (That's \"hi");
      const cassette = together
        ? editBody(recorded, 0, (body) => {
            const last = body.length - 1;
            expect(stepText(body[last]!)).toContain("overloaded_error");
            return [...body.slice(0, last - 1), chunkStep(stepText(body[last - 1]!) + stepText(body[last]!))];
          })
        : recorded;
      const text = await recording("anthropic", "text");
      const harness = createHarness();
      // A full answer waits behind the broken one: a wrong retry would fetch it.
      await withReplay([cassette, text], async (server) => {
        // resume: false: this is the partial failure itself; resuming it is test/actions/resume.test.ts.
        const result = await streamChat(harness, "mid", "anthropic", paramsFor(it, server.url, { resume: false }));
        expect(result.content).toBe(expected.content);
        expect(result.retries).toEqual([]);
        expect(server.requests.length).toBe(1);
        expect(result.error).toMatchObject({ code: "OVERLOADED", retryable: true, partial: true, provider_type: "overloaded_error" });
        const usage = result.error!.usage;
        expect(usage.input_tokens).toBe(16); // message_start
        // message_start's output_tokens (5) is a running count from before the text arrived; the total is ours.
        expect(usage.estimated).toContain("output_tokens");
        expect(usage.estimated).not.toContain("input_tokens");
        expect(usage.output_tokens).toBeGreaterThan(5);
        expect(result.error!.cost).not.toBeNull();
      });
    },
  );
});

// ---------------------------------------------------------------------------

function isEvent(type: string): (text: string) => boolean {
  return (text) => text.includes(`"type":"${type}"`) || text.includes(`"type": "${type}"`);
}

/** The text cassette with `steps` inserted right after its first text_delta. */
async function textWithAfterFirstDelta(steps: BodyStep[]): Promise<Cassette> {
  const text = await recording("anthropic", "text");
  return editBody(text, 0, (body) => {
    const at = stepIndex(body, (t) => t.includes('"text_delta"'));
    return [...body.slice(0, at + 1), ...steps, ...body.slice(at + 1)];
  });
}

function firstDeltaText(cassette: Cassette): string {
  const step = interaction(cassette, 0).body.find((s) => stepText(s).includes('"text_delta"'))!;
  return JSON.parse(stepText(step).split("data:")[1]!).delta.text as string;
}

// The partial failures below opt out of resuming (resume: false); resuming them is test/actions/resume.test.ts.
describe("anthropic replay: broken streams", () => {
  test("stream without message_stop → STREAM_ERROR, partial, every text delta kept", async () => {
    const text = await recording("anthropic", "text");
    const truncated = editBody(text, 0, (body) => body.filter((step) => !isEvent("message_stop")(stepText(step))));
    expect(interaction(truncated, 0).body.length).toBe(interaction(text, 0).body.length - 1);
    const harness = createHarness();
    await withReplay(truncated, async (server) => {
      const result = await streamChat(harness, "trunc", "anthropic", paramsFor(interaction(text, 0), server.url, { resume: false }));
      expect(result.content).toBe(recordedMessages(interaction(text, 0)).content);
      expect(result.error).toMatchObject({ code: "STREAM_ERROR", partial: true });
      expect(result.retries).toEqual([]);
      expect(server.requests.length).toBe(1);
    });
  });

  test("connection reset mid-body → NETWORK_ERROR, partial, the text before it kept", async () => {
    const text = await recording("anthropic", "text");
    const reset = editBody(text, 0, (body) => {
      const at = stepIndex(body, (t) => t.includes('"text_delta"'));
      return [...body.slice(0, at + 2), { abort: "reset" }];
    });
    const kept = interaction(reset, 0);
    const harness = createHarness();
    await withReplay(reset, async (server) => {
      const result = await streamChat(harness, "reset", "anthropic", paramsFor(interaction(text, 0), server.url, { resume: false }));
      expect(result.content).toBe(recordedMessages(kept).content);
      expect(result.content).not.toBe("");
      expect(result.error).toMatchObject({ code: "NETWORK_ERROR", partial: true });
      expect(server.requests.length).toBe(1);
    });
  });

  test("a body that stalls after content → TIMEOUT (idle), retryable, partial, within a second", async () => {
    const stalled = await textWithAfterFirstDelta([{ stall_ms: 2000 }]);
    const harness = createHarness();
    await withReplay(stalled, async (server) => {
      const started = Date.now();
      const result = await streamChat(harness, "stall", "anthropic", paramsFor(interaction(stalled, 0), server.url, { timeouts: { idle_ms: 300 }, resume: false }));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(result.content).toBe(firstDeltaText(stalled));
      expect(result.error).toMatchObject({ code: "TIMEOUT", retryable: true, partial: true });
      expect(result.error!.message).toContain("idle");
      expect(server.requests.length).toBe(1);
    });
  });

  test("a stall before any content is retried: TIMEOUT, retry chunk, then the whole answer", async () => {
    const text = await recording("anthropic", "text");
    const stalled = editBody(text, 0, (body) => [{ stall_ms: 2000 }, ...body]);
    const harness = createHarness();
    await withReplay([stalled, text], async (server) => {
      const result = await streamChat(harness, "stall0", "anthropic", paramsFor(interaction(text, 0), server.url, { timeouts: { first_content_ms: 300 } }));
      expect(result.retries.length).toBe(1);
      expect(result.retries[0]!.reason).toContain("TIMEOUT");
      expect(result.content).toBe(recordedMessages(interaction(text, 0)).content);
      expect(server.requests.length).toBe(2);
    });
  });

  test("ping events are not progress: pings for longer than idle_ms after content → TIMEOUT", async () => {
    const ping = chunkStep('event: ping\ndata: {"type": "ping"}\n\n');
    const pings: BodyStep[] = [];
    for (let i = 0; i < 12; i++) pings.push({ stall_ms: 100 }, ping);
    const cassette = await textWithAfterFirstDelta(pings);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const started = Date.now();
      const result = await streamChat(harness, "ping", "anthropic", paramsFor(interaction(cassette, 0), server.url, { timeouts: { idle_ms: 300 }, resume: false }));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(result.error).toMatchObject({ code: "TIMEOUT", partial: true });
    });
  });

  test("thinking deltas 200 ms apart keep an idle_ms of 300 from firing", async () => {
    const thinking = await recording("anthropic", "thinking");
    let spaced = 0;
    const paced = editBody(thinking, 0, (body) =>
      body.flatMap((step) => {
        if (spaced < 4 && stepText(step).includes('"thinking_delta"')) {
          spaced++;
          return [{ stall_ms: 200 }, step];
        }
        return [step];
      }),
    );
    expect(spaced).toBe(4);
    const harness = createHarness();
    await withReplay(paced, async (server) => {
      const result = await streamChat(harness, "slow-think", "anthropic", paramsFor(interaction(thinking, 0), server.url, { timeouts: { idle_ms: 300 } }));
      expect(result.error).toBeUndefined();
      expect(result.reasoning).toBe(recordedMessages(interaction(thinking, 0)).reasoning);
      expect(result.done?.finish_reason).toBe("stop");
    });
  });
});

describe("anthropic replay: cancel", () => {
  test("cancel during a stalled stream: {cancelled:true}, then exactly one CANCELLED line with usage", async () => {
    const stalled = await textWithAfterFirstDelta([{ stall_ms: 2000 }]);
    const harness = createHarness();
    await withReplay(stalled, async (server) => {
      harness.server.handleLine(JSON.stringify({ id: "s", action: "stream_chat", provider: "anthropic", params: paramsFor(interaction(stalled, 0), server.url) }));
      await waitForLine(harness, (line) => line.id === "s" && line.data?.type === "content");
      const started = Date.now();
      const cancelLines = await harness.run({ id: "c", action: "cancel", params: { id: "s" } });
      expect(Date.now() - started).toBeLessThan(500);
      expect(cancelLines).toEqual([{ id: "c", success: true, data: { cancelled: true } }]);

      const result = readStream(
        harness.lines.filter((line) => line.id === "s"),
        "s",
      );
      expect(result.content).toBe(firstDeltaText(stalled));
      expect(result.error).toMatchObject({ code: "CANCELLED", partial: true, retryable: false });
      expect(result.error!.usage.input_tokens).toBe(16); // from message_start
      expect(result.error!.usage.estimated).toContain("output_tokens");
      expect(result.error!.usage.output_tokens).toBeGreaterThan(5); // message_start's 5, plus the text after it
      expect(result.error!.cost).not.toBeNull();
    });
  });

  test("cancel of an unknown id answers {cancelled:false}", async () => {
    const harness = createHarness();
    expect(await harness.run({ id: "c", action: "cancel", params: { id: "nope" } })).toEqual([{ id: "c", success: true, data: { cancelled: false } }]);
  });
});

// ---------------------------------------------------------------------------

describe("anthropic replay: list_models", () => {
  test("live listing merged with the catalog: known ids priced, source both, live limits", async () => {
    const cassette = await recording("anthropic", "models");
    const live = recordedJson(interaction(cassette, 0)).data as Json[];
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({ id: "m", action: "list_models", provider: "anthropic", params: { base_url: server.url, credentials: { api_key: KEY } } });
      expect(line?.success).toBe(true);
      const models = line!.data as Json[];
      expect(models.map((m) => m.id)).toEqual(live.map((m) => m.id));
      for (const [i, model] of models.entries()) {
        const recorded = live[i]!;
        const known = catalogData("anthropic", recorded.id);
        expect(known).toBeDefined(); // every model in this recording is in the catalog
        expect(model.source).toBe("both");
        expect(model.provider).toBe("anthropic");
        expect(model.context_length).toBe(recorded.max_input_tokens);
        expect(model.max_output).toBe(recorded.max_tokens);
        expect(model.cost.input).toBe(known!.price!.input);
        expect(model.cost.output).toBe(known!.price!.output);
      }
      expect(server.requests.length).toBe(1);
      const sent = server.requests[0]!;
      expect(sent.method).toBe("GET");
      expect(sent.path.split("?")[0]).toBe("/v1/models");
      expect(sent.headers["x-api-key"]).toBe(KEY);
      expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    });
  });

  test("without credentials: the catalog listing, and no request at all", async () => {
    const cassette = await recording("anthropic", "models");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({ id: "m", action: "list_models", provider: "anthropic", params: { base_url: server.url } });
      const models = line!.data as Json[];
      expect(models.length).toBeGreaterThan(0);
      for (const model of models) expect(model.source).toBe("catalog");
      expect(models.map((m) => m.id)).toContain("claude-sonnet-5");
      expect(server.requests.length).toBe(0);
    });
  });
});

describe("anthropic replay: count_tokens", () => {
  test("the counting endpoint's figure: method api, exact", async () => {
    const cassette = await recording("anthropic", "count-tokens");
    const it = interaction(cassette, 0);
    const recorded = recordedJson(it).input_tokens as number;
    expect(recorded).toBe(1114);
    const { params } = anthropicParams(it.request.body as Json);
    const harness = createHarness();
    await withReplay(single(cassette, 0), async (server) => {
      const [line] = await harness.run({ id: "n", action: "count_tokens", provider: "anthropic", params: { ...params, base_url: server.url, credentials: { api_key: KEY } } });
      expect(line).toEqual({ id: "n", success: true, data: { input_tokens: 1114, exact: true, method: "api" } });
      const sent = server.requests[0]!;
      expect(sent.method).toBe("POST");
      expect(sent.path).toBe("/v1/messages/count_tokens");
      expect(sent.headers["x-api-key"]).toBe(KEY);
      const body = JSON.parse(sent.body) as Json;
      const recordedBody = it.request.body as Json;
      expect(pick(body, ["model", "messages"])).toEqual(pick(recordedBody, ["model", "messages"]));
      expect(body.system).toEqual([{ type: "text", text: recordedBody.system }]);
      // The counting endpoint rejects generation controls.
      expect(body.max_tokens).toBeUndefined();
      expect(body.stream).toBeUndefined();
    });
  });

  test("the recorded 404 (a model the endpoint does not know) → the local estimate, exact false, logged", async () => {
    const cassette = await recording("anthropic", "count-tokens-404");
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({
        id: "n",
        action: "count_tokens",
        provider: "anthropic",
        params: { ...anthropicParams(it.request.body as Json).params, base_url: server.url, credentials: { api_key: KEY } },
      });
      // Provider first, local second (issue 15): the editor needs a count to decide whether a conversation fits.
      expect(line).toMatchObject({ success: true, data: { exact: false, method: "estimate" } });
      expect(line!.data.input_tokens).toBeGreaterThan(0);
      expect(server.requests.length).toBe(1);
      expect(harness.logs.some((log) => log.includes("anthropic count_tokens unavailable"))).toBe(true);
    });
  });

  test("unreachable endpoint → an estimate, exact false", async () => {
    const url = await closedPortUrl();
    const harness = createHarness();
    const [line] = await harness.run({
      id: "n",
      action: "count_tokens",
      provider: "anthropic",
      params: { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hello there" }], base_url: url, credentials: { api_key: KEY } },
    });
    expect(line?.success).toBe(true);
    expect(line!.data).toMatchObject({ exact: false, method: "estimate" });
    expect(line!.data.input_tokens).toBeGreaterThan(0);
  });
});

describe("anthropic replay: authenticate and logout", () => {
  test("a key the models endpoint accepts is stored; logout removes it", async () => {
    const cassette = await recording("anthropic", "models");
    const harness = createHarness();
    const files = harness.deps.files as unknown as { files: Map<string, string> };
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({ id: "a", action: "authenticate", provider: "anthropic", params: { base_url: server.url, credentials: { api_key: KEY } } });
      expect(line).toEqual({ id: "a", success: true, data: { type: "authenticated", provider: "anthropic", stored: true } });
      expect(JSON.stringify(line)).not.toContain(KEY);
      const sent = server.requests[0]!;
      expect(sent.method).toBe("GET");
      expect(sent.path.split("?")[0]).toBe("/v1/models");
      expect(sent.headers["x-api-key"]).toBe(KEY);
    });
    const stored = JSON.parse(files.files.get(harness.deps.authFile)!) as Json;
    expect(stored.providers.anthropic).toEqual({ api_key: KEY });

    const [out] = await harness.run({ id: "l", action: "logout", provider: "anthropic" });
    expect(out).toEqual({ id: "l", success: true, data: { provider: "anthropic", removed: true } });
    expect((JSON.parse(files.files.get(harness.deps.authFile)!) as Json).providers.anthropic).toBeUndefined();
  });

  test("a rejected key → AUTH_FAILED and nothing stored", async () => {
    const cassette = await recording("anthropic", "error-401");
    const harness = createHarness();
    const files = harness.deps.files as unknown as { files: Map<string, string> };
    // The recorded 401 answered POST /v1/messages; the same refusal answers the key check's GET.
    await withReplay(
      cassette,
      async (server) => {
        const [line] = await harness.run({ id: "a", action: "authenticate", provider: "anthropic", params: { base_url: server.url, credentials: { api_key: KEY } } });
        expect(line?.success).toBe(false);
        expect(line!.error).toMatchObject({ code: "AUTH_FAILED", status: 401, retryable: false });
        expect(server.requests.length).toBe(1);
        expect(server.requests[0]!.path.split("?")[0]).toBe("/v1/models");
      },
      { strictPath: false },
    );
    expect(files.files.size).toBe(0);
    expect(everythingWritten(harness)).not.toContain(KEY);
  });
});

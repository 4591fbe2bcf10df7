/**
 * Differential test against the official `@anthropic-ai/sdk`: every streaming
 * turn of the Anthropic cassettes is replayed once to the SDK's
 * `messages.stream(...).finalMessage()` and once through our server
 * in-process, and what the editor would end up with must agree: text,
 * thinking text, signatures, redacted blocks, tool calls, finish reason,
 * usage and model.
 *
 * The expected side is derived from the SDK's accumulated Message by rules
 * written here (the PROTOCOL.md usage semantics and a finish-reason table),
 * never from our own mappers.
 *
 * Besides the cassettes: three recorded streams kept as format fixtures
 * (output-only usage delta, claude-3-7 thinking, server-side compaction) and
 * one hand-written stream for an accumulation rule no recording exercises.
 */
import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadCassette, type Cassette, type Interaction } from "../support/cassette.ts";
import { createHarness, terminalOf, type Line } from "../support/in-process.ts";
import { startReplayServer } from "../support/replay-server.ts";

const RECORDINGS = join(import.meta.dir, "../../recordings/anthropic");
const CASSETTES = ["text", "tool-call", "multi-tool", "thinking", "thinking-tool", "redacted-thinking", "server-tool"];
const API_KEY = "sk-ant-test-differential";

/**
 * Anthropic stop_reason → wire finish_reason, per PROTOCOL.md's vocabulary.
 * `pause_turn` is not a finished answer (the caller must resend to continue),
 * so it is `other`; an unknown future reason is `other` too.
 */
const FINISH: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "refusal",
  pause_turn: "other",
};

interface Outcome {
  model: string;
  text: string;
  reasoning: string;
  signatures: string[];
  redacted: string[];
  toolCalls: { id: string; name: string; input: unknown }[];
  finish_reason: string;
  usage: { input_tokens: number; output_tokens: number; cache_read_tokens: number; cache_write_tokens: number; reasoning_tokens: number };
}

type SdkMessage = Anthropic.Message | Anthropic.Beta.BetaMessage;

/** What the SDK's accumulated message means in wire terms. */
function fromSdk(message: SdkMessage): Outcome {
  const blocks: { type: string; [key: string]: any }[] = message.content;
  const u = message.usage;
  let input = (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
  let cacheWrite = u.cache_creation_input_tokens ?? 0;
  let cacheRead = u.cache_read_input_tokens ?? 0;
  let output = u.output_tokens;
  // The SDK documents that "a `compaction` entry's tokens are not included in
  // the top-level `usage` fields"; they were processed and billed, so the
  // wire's totals count them (PROTOCOL.md: input is all input processed).
  const iterations = "iterations" in u ? (u.iterations ?? []) : [];
  for (const step of iterations) {
    if (step.type !== "compaction") continue;
    input += step.input_tokens + step.cache_creation_input_tokens + step.cache_read_input_tokens;
    cacheWrite += step.cache_creation_input_tokens;
    cacheRead += step.cache_read_input_tokens;
    output += step.output_tokens;
  }
  return {
    model: message.model,
    text: blocks.flatMap((b) => (b.type === "text" ? [b.text as string] : [])).join(""),
    reasoning: blocks.flatMap((b) => (b.type === "thinking" ? [b.thinking as string] : [])).join(""),
    signatures: blocks.flatMap((b) => (b.type === "thinking" && b.signature !== "" ? [b.signature as string] : [])),
    redacted: blocks.flatMap((b) => (b.type === "redacted_thinking" ? [b.data as string] : [])),
    // Only client tools: server_tool_use blocks run at Anthropic and are not the editor's to execute.
    toolCalls: blocks.flatMap((b) => (b.type === "tool_use" ? [{ id: b.id as string, name: b.name as string, input: b.input }] : [])),
    finish_reason: FINISH[message.stop_reason ?? ""] ?? "other",
    usage: {
      // PROTOCOL.md: input counts everything processed, cache reads and writes included.
      input_tokens: input,
      output_tokens: output,
      cache_read_tokens: cacheRead,
      cache_write_tokens: cacheWrite,
      reasoning_tokens: u.output_tokens_details?.thinking_tokens ?? 0,
    },
  };
}

/** What an editor reading our lines ends up with. */
function fromOurs(lines: Line[]): Outcome {
  const chunks = lines.filter((l) => l.streaming).map((l) => l.data as Record<string, any>);
  const reasoning = chunks.filter((c) => c.type === "reasoning");
  const done = terminalOf(lines);
  if (!done.success) throw new Error(`our server failed: ${JSON.stringify(done.error)}`);
  const { estimated: _estimated, ...usage } = done.data.usage;
  return {
    model: done.data.model,
    text: chunks
      .filter((c) => c.type === "content")
      .map((c) => c.content)
      .join(""),
    reasoning: reasoning.map((c) => c.content).join(""),
    signatures: reasoning.flatMap((c) => (c.signature === undefined ? [] : [c.signature])),
    redacted: reasoning.flatMap((c) => (c.redacted === undefined ? [] : [c.redacted])),
    toolCalls: chunks.filter((c) => c.type === "tool_call").map((c) => ({ id: c.tool_call.id, name: c.tool_call.name, input: JSON.parse(c.tool_call.arguments) })),
    finish_reason: done.data.finish_reason,
    usage,
  };
}

function isStream(it: Interaction): boolean {
  return it.response.status === 200 && (it.response.headers["content-type"] ?? "").startsWith("text/event-stream");
}

function requestModel(it: Interaction): string {
  const body = it.request.body as { model?: unknown } | undefined;
  return typeof body?.model === "string" ? body.model : "claude-sonnet-4-5";
}

interface Turn {
  name: string;
  cassette: Cassette;
  interaction: Interaction;
  /** Read with `client.beta.messages.stream`, whose usage keeps `iterations`. */
  beta?: boolean;
}

const turns: Turn[] = [];
for (const name of CASSETTES) {
  const cassette = await loadCassette(join(RECORDINGS, `${name}.ndjson`));
  const streams = cassette.interactions.filter(isStream);
  streams.forEach((interaction, i) => {
    turns.push({ name: streams.length > 1 ? `${name} turn ${i + 1}` : name, cassette, interaction });
  });
}

/** A one-interaction cassette answering with `sse`, one chunk per event as the recordings are cut. */
function sseCassette(scenario: string, provenance: Record<string, unknown>, sse: string): Cassette {
  return {
    scenario,
    provenance,
    interactions: [
      {
        request: { method: "POST", path: "/v1/messages" },
        response: { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" } },
        body: sse.split(/(?<=\n\n)/).map((event) => ({ chunk: new TextEncoder().encode(event) })),
      },
    ],
  };
}

// Recorded streams already in the project as format fixtures (provenance:
// test/fixtures/anthropic/PROVENANCE.md) that cover what the cassettes do not.
const FIXTURES = join(import.meta.dir, "../fixtures/anthropic");
const FIXTURE_TURNS: { name: string; file: string; beta?: boolean }[] = [
  // message_delta usage with only output_tokens: input figures stand from message_start.
  { name: "fixture codecompanion tools (output-only message_delta usage)", file: "codecompanion/anthropic_tools_streaming.sse" },
  { name: "fixture codecompanion reasoning", file: "codecompanion/anthropic_reasoning_streaming.sse" },
  // Server-side compaction: the beta client keeps usage.iterations, which the rule below needs.
  { name: "fixture pydantic-ai compaction (usage.iterations)", file: "pydantic-ai/test_anthropic_compaction_usage_with_cache_streaming.interaction0.sse", beta: true },
];
for (const { name, file, beta } of FIXTURE_TURNS) {
  const cassette = sseCassette(name, { fixture: `test/fixtures/anthropic/${file}` }, await readFile(join(FIXTURES, file), "utf8"));
  turns.push({ name, cassette, interaction: cassette.interactions[0]!, ...(beta && { beta }) });
}

/** SSE text of a hand-written stream: `[event, payload]` pairs. */
function sse(events: [string, Record<string, unknown>][]): string {
  return events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`).join("");
}

// Hand-written streams for accumulation rules no recording exercises. Not
// provider output: each exists to pin one rule the SDK states in code.
const SYNTHETIC: { name: string; sse: string }[] = [
  {
    // MessageStream: message_delta counters "are cumulative whole-message
    // totals that are omitted when they don't apply, so overwrite when present
    // and never add". A delta restating input_tokens without the cache figures
    // leaves the message_start cache figures standing.
    name: "synthetic: message_delta restates input_tokens without cache figures",
    sse: sse([
      [
        "message_start",
        {
          message: {
            id: "msg_synthetic",
            type: "message",
            role: "assistant",
            model: "claude-sonnet-4-5",
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 10, cache_creation_input_tokens: 20, cache_read_input_tokens: 300, output_tokens: 1 },
          },
        },
      ],
      ["content_block_start", { index: 0, content_block: { type: "text", text: "" } }],
      ["content_block_delta", { index: 0, delta: { type: "text_delta", text: "Hi" } }],
      ["content_block_stop", { index: 0 }],
      ["message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { input_tokens: 10, output_tokens: 5 } }],
      ["message_stop", {}],
    ]),
  },
];
for (const { name, sse: text } of SYNTHETIC) {
  const cassette = sseCassette(name, { synthetic: "hand-written in this test" }, text);
  turns.push({ name, cassette, interaction: cassette.interactions[0]! });
}

async function replayBoth(turn: Turn): Promise<{ sdk: SdkMessage; ours: Line[]; paths: string[] }> {
  // The same recorded answer twice: first to the SDK, then to us.
  const server = await startReplayServer({ ...turn.cassette, interactions: [turn.interaction, turn.interaction] });
  try {
    const model = requestModel(turn.interaction);
    const client = new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
    // The replay answers the recorded stream whatever is asked. The SDK gets a
    // model name its deprecation table cannot know, so it prints no warning.
    const request = { model: "claude-replayed", max_tokens: 1024, messages: [{ role: "user" as const, content: "hi" }] };
    const sdk = turn.beta ? await client.beta.messages.stream(request).finalMessage() : await client.messages.stream(request).finalMessage();
    const harness = createHarness();
    const ours = await harness.run({
      id: "diff",
      action: "stream_chat",
      provider: "anthropic",
      params: {
        model,
        max_tokens: 1024,
        messages: [{ role: "user", content: "hi" }],
        base_url: server.url,
        credentials: { api_key: API_KEY },
        max_retries: 0,
      },
    });
    return { sdk, ours, paths: server.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`) };
  } finally {
    await server.close();
  }
}

describe("differential: @anthropic-ai/sdk vs our server on recorded streams", () => {
  test("every listed cassette has at least one streaming turn", () => {
    for (const name of CASSETTES) expect(turns.some((t) => t.name === name || t.name.startsWith(`${name} turn`))).toBe(true);
  });

  test.each(turns.map((t) => [t.name, t] as const))("%s", async (_name, turn) => {
    const { sdk, ours, paths } = await replayBoth(turn);
    // Both clients really hit the recorded endpoint (a 599 mismatch would have failed both).
    expect(paths).toEqual(["POST /v1/messages", "POST /v1/messages"]);
    const expected = fromSdk(sdk);
    const actual = fromOurs(ours);
    expect(actual).toEqual(expected);
    // Figures the provider reported are exact, not estimates; only thinking
    // tokens may be missing (Anthropic reports them on newer models only).
    const estimated: string[] = terminalOf(ours).data.usage.estimated;
    expect(estimated).toEqual(sdk.usage.output_tokens_details?.thinking_tokens === undefined ? ["reasoning_tokens"] : []);
  });
});

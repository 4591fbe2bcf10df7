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
 */
import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, test } from "bun:test";
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

/** What the SDK's accumulated message means in wire terms. */
function fromSdk(message: Anthropic.Message): Outcome {
  const blocks = message.content;
  const u = message.usage;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  const cacheRead = u.cache_read_input_tokens ?? 0;
  return {
    model: message.model,
    text: blocks.flatMap((b) => (b.type === "text" ? [b.text] : [])).join(""),
    reasoning: blocks.flatMap((b) => (b.type === "thinking" ? [b.thinking] : [])).join(""),
    signatures: blocks.flatMap((b) => (b.type === "thinking" && b.signature !== "" ? [b.signature] : [])),
    redacted: blocks.flatMap((b) => (b.type === "redacted_thinking" ? [b.data] : [])),
    // Only client tools: server_tool_use blocks run at Anthropic and are not the editor's to execute.
    toolCalls: blocks.flatMap((b) => (b.type === "tool_use" ? [{ id: b.id, name: b.name, input: b.input }] : [])),
    finish_reason: FINISH[message.stop_reason ?? ""] ?? "other",
    usage: {
      // PROTOCOL.md: input counts everything processed, cache reads and writes included.
      input_tokens: u.input_tokens + cacheWrite + cacheRead,
      output_tokens: u.output_tokens,
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
    text: chunks.filter((c) => c.type === "content").map((c) => c.content).join(""),
    reasoning: reasoning.map((c) => c.content).join(""),
    signatures: reasoning.flatMap((c) => (c.signature === undefined ? [] : [c.signature])),
    redacted: reasoning.flatMap((c) => (c.redacted === undefined ? [] : [c.redacted])),
    toolCalls: chunks
      .filter((c) => c.type === "tool_call")
      .map((c) => ({ id: c.tool_call.id, name: c.tool_call.name, input: JSON.parse(c.tool_call.arguments) })),
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
}

const turns: Turn[] = [];
for (const name of CASSETTES) {
  const cassette = await loadCassette(join(RECORDINGS, `${name}.ndjson`));
  const streams = cassette.interactions.filter(isStream);
  streams.forEach((interaction, i) => turns.push({ name: streams.length > 1 ? `${name} turn ${i + 1}` : name, cassette, interaction }));
}

async function replayBoth(turn: Turn): Promise<{ sdk: Anthropic.Message; ours: Line[]; paths: string[] }> {
  // The same recorded answer twice: first to the SDK, then to us.
  const server = await startReplayServer({ ...turn.cassette, interactions: [turn.interaction, turn.interaction] });
  try {
    const model = requestModel(turn.interaction);
    const client = new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
    const sdk = await client.messages
      .stream({ model, max_tokens: 1024, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
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
    if (process.env.DUMP) console.log(turn.name, JSON.stringify(expected, (k, v) => (typeof v === "string" && v.length > 60 ? v.slice(0, 60) + "…" : v)));
    const actual = fromOurs(ours);
    expect(actual).toEqual(expected);
    // Figures the provider reported are exact, not estimates; only thinking
    // tokens may be missing (Anthropic reports them on newer models only).
    const estimated: string[] = terminalOf(ours).data.usage.estimated;
    expect(estimated).toEqual(sdk.usage.output_tokens_details?.thinking_tokens === undefined ? ["reasoning_tokens"] : []);
  });
});

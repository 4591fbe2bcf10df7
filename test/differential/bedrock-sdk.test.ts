/**
 * Differential test against the official `@aws-sdk/client-bedrock-runtime`:
 * every streaming turn of the Bedrock cassettes is replayed once to the SDK's
 * `ConverseStreamCommand` and once through our server in-process, and what
 * the editor would end up with must agree: text, reasoning text, signatures,
 * redacted blocks, tool calls, finish reason and usage.
 *
 * The expected side is accumulated from the SDK's typed `stream` events by
 * rules written here (PROTOCOL.md's usage semantics and a finish-reason
 * table), never from our own mappers.
 *
 * The SDK speaks HTTP/2 by default (NodeHttp2Handler); the replay server is
 * HTTP/1.1, so the SDK gets its own HTTP/1.1 handler. Nothing else changes.
 */
import { BedrockRuntimeClient, ConverseStreamCommand, type ConverseStreamOutput, type StopReason, type TokenUsage } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadCassette, type Cassette, type Interaction } from "../support/cassette.ts";
import { createHarness, terminalOf, type Line } from "../support/in-process.ts";
import { startReplayServer } from "../support/replay-server.ts";
import { AWS_SIGV4_CANARY } from "../support/canary.ts";

const RECORDINGS = join(import.meta.dir, "../../recordings/bedrock");
/** Every cassette with a 200 event stream of its own (the hand-written error scenarios reuse these bytes). */
const CASSETTES = ["text", "claude-text", "tool-call", "thinking", "redacted-thinking", "reasoning-gpt-oss", "server-tool", "cache-write-then-read"];
const REGION = "us-east-1";
/** The example keys of the AWS SigV4 documentation. */
const CREDENTIALS = AWS_SIGV4_CANARY;

/**
 * Converse StopReason → wire finish_reason, per PROTOCOL.md's vocabulary.
 * Malformed output / tool use have no better wire name than `other`; an
 * unknown future reason is `other` too.
 */
const FINISH: Record<StopReason, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  guardrail_intervened: "content_filter",
  content_filtered: "content_filter",
  malformed_model_output: "other",
  malformed_tool_use: "other",
};

interface Outcome {
  text: string;
  reasoning: string;
  signatures: string[];
  redacted: string[];
  toolCalls: { id: string; name: string; input: unknown }[];
  finish_reason: string;
  usage: { input_tokens: number; output_tokens: number; cache_read_tokens: number; cache_write_tokens: number; reasoning_tokens: number };
}

/** What the SDK's event sequence means in wire terms. */
function fromSdk(events: ConverseStreamOutput[]): Outcome {
  const out: Outcome = {
    text: "",
    reasoning: "",
    signatures: [],
    redacted: [],
    toolCalls: [],
    finish_reason: "other",
    usage: { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 },
  };
  const tools = new Map<number, { id: string; name: string; input: string }>();
  let usage: TokenUsage | undefined;
  for (const event of events) {
    const start = event.contentBlockStart;
    // A `server_tool_use` block runs at Bedrock (Nova's code interpreter): not a call for the editor.
    if (start?.start?.toolUse !== undefined && start.start.toolUse.type !== "server_tool_use") {
      tools.set(start.contentBlockIndex!, { id: start.start.toolUse.toolUseId!, name: start.start.toolUse.name!, input: "" });
    }
    const delta = event.contentBlockDelta;
    if (delta?.delta !== undefined) {
      const d = delta.delta;
      if (d.text !== undefined) out.text += d.text;
      if (d.toolUse !== undefined) {
        const call = tools.get(delta.contentBlockIndex!);
        if (call !== undefined) call.input += d.toolUse.input ?? "";
      }
      const reasoning = d.reasoningContent;
      if (reasoning?.text !== undefined) out.reasoning += reasoning.text;
      if (reasoning?.signature !== undefined) out.signatures.push(reasoning.signature);
      // The SDK decodes the blob; the wire carries it as the base64 it came in.
      if (reasoning?.redactedContent !== undefined) out.redacted.push(Buffer.from(reasoning.redactedContent).toString("base64"));
    }
    if (event.messageStop?.stopReason !== undefined) out.finish_reason = FINISH[event.messageStop.stopReason] ?? "other";
    if (event.metadata?.usage !== undefined) usage = event.metadata.usage;
  }
  out.toolCalls = [...tools.values()].map((call) => ({ id: call.id, name: call.name, input: JSON.parse(call.input === "" ? "{}" : call.input) }));
  if (usage !== undefined) {
    const read = usage.cacheReadInputTokens ?? 0;
    const written = usage.cacheWriteInputTokens ?? 0;
    out.usage = {
      // PROTOCOL.md: input counts everything processed, cache reads and writes included.
      input_tokens: (usage.inputTokens ?? 0) + read + written,
      output_tokens: usage.outputTokens ?? 0,
      cache_read_tokens: read,
      cache_write_tokens: written,
      // Converse does not break reasoning out of outputTokens.
      reasoning_tokens: 0,
    };
  }
  return out;
}

/** What an editor reading our lines ends up with. */
function fromOurs(lines: Line[]): Outcome {
  const chunks = lines.filter((l) => l.streaming).map((l) => l.data as Record<string, any>);
  const reasoning = chunks.filter((c) => c.type === "reasoning");
  const done = terminalOf(lines);
  if (!done.success) throw new Error(`our server failed: ${JSON.stringify(done.error)}`);
  const { estimated: _estimated, ...usage } = done.data.usage;
  return {
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

function modelOf(it: Interaction): string {
  return decodeURIComponent(/^\/model\/([^/]+)\//.exec(it.request.path)![1]!);
}

function isStream(it: Interaction): boolean {
  return it.response.status === 200 && (it.response.headers["content-type"] ?? "").startsWith("application/vnd.amazon.eventstream");
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
  streams.forEach((interaction, i) => {
    turns.push({ name: streams.length > 1 ? `${name} turn ${i + 1}` : name, cassette, interaction });
  });
}

function sdkClient(endpoint: string): BedrockRuntimeClient {
  return new BedrockRuntimeClient({ region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
}

function oursParams(model: string, base_url: string): Record<string, unknown> {
  return {
    model,
    messages: [{ role: "user", content: "hi" }],
    base_url,
    region: REGION,
    credentials: { access_key_id: CREDENTIALS.accessKeyId, secret_access_key: CREDENTIALS.secretAccessKey },
    max_retries: 0,
  };
}

async function replayBoth(turn: Turn): Promise<{ sdk: ConverseStreamOutput[]; ours: Line[]; paths: string[] }> {
  // The same recorded answer twice: first to the SDK, then to us.
  const server = await startReplayServer({ ...turn.cassette, interactions: [turn.interaction, turn.interaction] });
  try {
    const modelId = modelOf(turn.interaction);
    const response = await sdkClient(server.url).send(new ConverseStreamCommand({ modelId, messages: [{ role: "user", content: [{ text: "hi" }] }] }));
    const sdk: ConverseStreamOutput[] = [];
    for await (const event of response.stream!) sdk.push(event);
    const ours = await createHarness().run({ id: "diff", action: "stream_chat", provider: "bedrock", params: oursParams(modelId, server.url) });
    return { sdk, ours, paths: server.requests.map((r) => `${r.method} ${r.path}`) };
  } finally {
    await server.close();
  }
}

describe("differential: @aws-sdk/client-bedrock-runtime vs our server on recorded ConverseStream bodies", () => {
  test("every listed cassette has at least one streaming turn", () => {
    for (const name of CASSETTES) expect(turns.some((t) => t.name === name || t.name.startsWith(`${name} turn`))).toBe(true);
  });

  test.each(turns.map((t) => [t.name, t] as const))("%s", async (_name, turn) => {
    const { sdk, ours, paths } = await replayBoth(turn);
    // Both clients hit the recorded path (a 599 mismatch would have failed both).
    expect(paths).toEqual([`POST ${turn.interaction.request.path}`, `POST ${turn.interaction.request.path}`]);
    expect(sdk.some((event) => event.metadata !== undefined)).toBe(true);
    expect(fromOurs(ours)).toEqual(fromSdk(sdk));
    // Every figure Bedrock reported is exact; only reasoning tokens are ours.
    expect(terminalOf(ours).data.usage.estimated).toEqual(["reasoning_tokens"]);
  });

  test("an in-stream throttlingException: the same text before it, and the SDK's exception is our RATE_LIMITED", async () => {
    const cassette = await loadCassette(join(RECORDINGS, "midstream-throttling.ndjson"));
    const it = cassette.interactions[0]!;
    const server = await startReplayServer({ ...cassette, interactions: [it, it] });
    try {
      const modelId = modelOf(it);
      const response = await sdkClient(server.url).send(new ConverseStreamCommand({ modelId, messages: [{ role: "user", content: [{ text: "hi" }] }] }));
      let sdkText = "";
      let thrown: unknown;
      try {
        for await (const event of response.stream!) sdkText += event.contentBlockDelta?.delta?.text ?? "";
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      const sdkError = thrown as Error;
      expect(sdkError.name).toBe("ThrottlingException");

      const ours = await createHarness().run({ id: "diff", action: "stream_chat", provider: "bedrock", params: oursParams(modelId, server.url) });
      const terminal = terminalOf(ours);
      const text = ours
        .filter((l) => l.streaming && l.data.type === "content")
        .map((l) => l.data.content)
        .join("");
      expect(sdkText).not.toBe("");
      expect(text).toBe(sdkText);
      expect(terminal.success).toBe(false);
      expect(terminal.error).toMatchObject({ code: "RATE_LIMITED", partial: true });
      expect(String(terminal.error.provider_type).toLowerCase()).toBe(sdkError.name.toLowerCase());
      expect(terminal.error.message).toContain(sdkError.message);
    } finally {
      await server.close();
    }
  });
});

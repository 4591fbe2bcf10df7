/**
 * Claude adaptive thinking (Claude 4.6+ / 5), replayed through the real
 * Server and the Anthropic provider over loopback: the two display modes of
 * a streamed thinking block (summarized text + signature, or a signature
 * alone), and token counting with adaptive thinking and a forced tool.
 *
 * Every expected value is read here from the recorded SSE / JSON bodies
 * (never from src/formats); the usage figures were read by hand from the
 * recorded message_start / message_delta and written into the cases. The
 * request *bodies* are not compared with the recorded ones (the request
 * encoder is being rewritten); only path, method and headers are checked.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadCassette, type Cassette, type Interaction } from "../support/cassette.ts";
import { createHarness } from "../support/in-process.ts";
import {
  catalogData,
  everythingWritten,
  interaction,
  RECORDINGS,
  recordedEvents,
  recordedJson,
  sentBody,
  single,
  streamChat,
  withReplay,
  type Json,
} from "./replay.ts";

const KEY = "sk-ant-adaptiveReplayKey0000000000000000-AAAA";

function recording(name: string): Promise<Cassette> {
  return loadCassette(join(RECORDINGS, "anthropic", `${name}.ndjson`));
}

/** The user's text of a recorded Messages request (one user message, text blocks). */
function recordedPrompt(it: Interaction): string {
  const [message] = (it.request.body as Json).messages as Json[];
  return typeof message!.content === "string" ? message!.content : (message!.content as Json[]).map((block) => block.text).join("");
}

// ---------------------------------------------------------------------------
// What a recorded stream spells, read by hand from its SSE events.

interface Expected {
  model: string;
  /** Content blocks in the order they started. */
  blocks: string[];
  thinking: string;
  /** signature_delta values, in order. */
  signatures: string[];
  /** How many thinking_delta events carried text. */
  thinkingDeltas: number;
  text: string;
  stopReason: string | undefined;
}

function expectedFrom(it: Interaction): Expected {
  const out: Expected = { model: "", blocks: [], thinking: "", signatures: [], thinkingDeltas: 0, text: "", stopReason: undefined };
  for (const { event, data } of recordedEvents(it)) {
    // Anthropic names each event twice (`event:` line and `type`); a mismatch means the framing was rebuilt wrongly.
    expect(event).toBe(data.type);
    switch (data.type) {
      case "message_start":
        out.model = data.message.model;
        break;
      case "content_block_start":
        out.blocks.push(data.content_block.type);
        if (data.content_block.type === "thinking") out.thinking += data.content_block.thinking;
        if (data.content_block.type === "text") out.text += data.content_block.text;
        break;
      case "content_block_delta":
        if (data.delta.type === "thinking_delta") {
          out.thinking += data.delta.thinking;
          if (data.delta.thinking !== "") out.thinkingDeltas += 1;
        }
        if (data.delta.type === "signature_delta") out.signatures.push(data.delta.signature);
        if (data.delta.type === "text_delta") out.text += data.delta.text;
        break;
      case "message_delta":
        out.stopReason = data.delta.stop_reason;
        break;
    }
  }
  return out;
}

interface AdaptiveCase {
  file: string;
  /** From message_start (input) and message_delta (output, output_tokens_details.thinking_tokens). */
  input: number;
  output: number;
  thinkingTokens: number;
  /** Summary deltas in the recording: 0 when the thinking block carries only its signature. */
  thinkingDeltas: number;
}

const CASES: AdaptiveCase[] = [
  { file: "adaptive-summarized", input: 47, output: 373, thinkingTokens: 62, thinkingDeltas: 4 },
  { file: "adaptive-omitted", input: 47, output: 496, thinkingTokens: 62, thinkingDeltas: 0 },
];

describe("anthropic adaptive thinking replay: streams", () => {
  test.each(CASES)("$file: reasoning, signature, text, finish, usage with thinking tokens, cost", async ({ file, input, output, thinkingTokens, thinkingDeltas }) => {
    const cassette = await recording(file);
    const it = interaction(cassette, 0);
    const expected = expectedFrom(it);
    // What the recording must hold, so a broken reader cannot pass vacuously.
    expect(expected.blocks).toEqual(["thinking", "text"]);
    expect(expected.signatures.length).toBe(1);
    expect(expected.thinkingDeltas).toBe(thinkingDeltas);
    expect(expected.text).not.toBe("");
    expect(expected.model).toBe("claude-sonnet-5");

    const harness = createHarness();
    await withReplay(single(cassette, 0), async (server) => {
      const result = await streamChat(harness, file, "anthropic", {
        model: "claude-sonnet-5",
        max_tokens: 2000,
        messages: [{ role: "user", content: recordedPrompt(it) }],
        reasoning: { effort: "high" },
        base_url: server.url,
        credentials: { api_key: KEY },
      });

      expect(result.error).toBeUndefined();
      expect(result.retries).toEqual([]);
      expect(result.reasoning).toBe(expected.thinking);
      expect(result.signatures).toEqual(expected.signatures);
      expect(result.redacted).toEqual([]);
      expect(result.content).toBe(expected.text);
      expect(result.toolCalls).toEqual([]);

      // The thinking block comes first in the recording: every reasoning chunk precedes the first content chunk.
      const data = result.lines.map((line) => line.data as Json);
      const firstContent = data.findIndex((d) => d.type === "content");
      const lastReasoning = data.map((d) => d.type).lastIndexOf("reasoning");
      expect(firstContent).toBeGreaterThan(-1);
      expect(lastReasoning).toBeGreaterThan(-1);
      expect(lastReasoning).toBeLessThan(firstContent);
      // The signature arrives on a reasoning chunk; with display omitted that chunk is all there is of the block.
      const signed = data.filter((d) => d.type === "reasoning" && d.signature !== undefined);
      expect(signed.map((d) => d.signature)).toEqual(expected.signatures);
      if (thinkingDeltas === 0) {
        expect(data.filter((d) => d.type === "reasoning")).toEqual([{ type: "reasoning", content: "", signature: expected.signatures[0] }]);
      }

      const done = result.done!;
      expect(done.finish_reason).toBe("stop");
      expect(done.raw_finish_reason).toBe(expected.stopReason);
      expect(expected.stopReason).toBe("end_turn");
      expect(done.model).toBe(expected.model);
      // Anthropic now breaks thinking out (output_tokens_details.thinking_tokens), so nothing is our estimate.
      expect(done.usage).toEqual({
        input_tokens: input,
        output_tokens: output,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: thinkingTokens,
        estimated: [],
      });
      const price = catalogData("anthropic", expected.model)!.price!;
      expect(done.cost.input).toBeCloseTo((input * price.input!) / 1e6, 12);
      expect(done.cost.output).toBeCloseTo((output * price.output!) / 1e6, 12);
      expect(done.cost.total).toBeCloseTo(done.cost.input + done.cost.output, 12);

      expect(server.requests.length).toBe(1);
      const sent = server.requests[0]!;
      expect(sent.method).toBe("POST");
      expect(sent.path).toBe("/v1/messages");
      expect(sent.headers["x-api-key"]).toBe(KEY);
      expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
      expect(sentBody(server).model).toBe("claude-sonnet-5");
      expect(sentBody(server).stream).toBe(true);
      expect(everythingWritten(harness)).not.toContain(KEY);
    });
  });

  test("the signature-only block read in network pieces that cut events (and the signature) in the middle: same chunks", async () => {
    const cassette = await recording("adaptive-omitted");
    const it = interaction(cassette, 0);
    const expected = expectedFrom(it);
    const whole = concat(it);
    const signatureAt = new TextDecoder().decode(whole).indexOf(expected.signatures[0]!.slice(0, 40));
    expect(signatureAt).toBeGreaterThan(0);
    const cuts = [0, 7, signatureAt + 13, signatureAt + 200, whole.length - 5, whole.length];
    const body = cuts.slice(1).map((end, i) => ({ chunk: whole.slice(cuts[i]!, end) }));
    const harness = createHarness();
    await withReplay({ ...cassette, interactions: [{ ...it, body }] }, async (server) => {
      const result = await streamChat(harness, "split", "anthropic", {
        model: "claude-sonnet-5",
        max_tokens: 2000,
        messages: [{ role: "user", content: recordedPrompt(it) }],
        base_url: server.url,
        credentials: { api_key: KEY },
      });
      expect(result.error).toBeUndefined();
      expect(result.signatures).toEqual(expected.signatures);
      expect(result.reasoning).toBe("");
      expect(result.content).toBe(expected.text);
      expect(result.done?.usage.reasoning_tokens).toBe(62);
    });
  });
});

function concat(it: Interaction): Uint8Array {
  const parts = it.body.flatMap((step) => ("chunk" in step ? [step.chunk] : []));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// ---------------------------------------------------------------------------

describe("anthropic adaptive thinking replay: count_tokens", () => {
  test("Opus 4.6 with adaptive thinking and a forced tool: the counting endpoint's figure, method api", async () => {
    const cassette = await recording("count-tokens-adaptive");
    const it = interaction(cassette, 0);
    const recordedBody = it.request.body as Json;
    // The recording: thinking adaptive, tool_choice any, one tool; the endpoint answered 671.
    expect(recordedBody.thinking).toEqual({ type: "adaptive" });
    expect(recordedBody.tool_choice).toEqual({ type: "any" });
    const counted = recordedJson(it).input_tokens as number;
    expect(counted).toBe(671);
    const [tool] = recordedBody.tools as Json[];

    const harness = createHarness();
    await withReplay(single(cassette, 0), async (server) => {
      const [line] = await harness.run({
        id: "n",
        action: "count_tokens",
        provider: "anthropic",
        params: {
          model: recordedBody.model,
          messages: [{ role: "user", content: recordedPrompt(it) }],
          tools: [{ name: tool!.name, description: tool!.description, parameters: tool!.input_schema }],
          tool_choice: "required",
          reasoning: { effort: "high" },
          base_url: server.url,
          credentials: { api_key: KEY },
        },
      });
      expect(line).toEqual({ id: "n", success: true, data: { input_tokens: counted, exact: true, method: "api" } });
      expect(server.requests.length).toBe(1);
      const sent = server.requests[0]!;
      expect(sent.method).toBe("POST");
      expect(sent.path).toBe("/v1/messages/count_tokens");
      expect(sent.headers["x-api-key"]).toBe(KEY);
      expect(sentBody(server).model).toBe("claude-opus-4-6");
    });
  });
});

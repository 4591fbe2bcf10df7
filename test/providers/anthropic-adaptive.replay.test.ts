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
import { bodyBytes, type Interaction } from "../support/cassette.ts";
import { createHarness } from "../support/in-process.ts";
import {
  expectCatalogCost,
  expectSentOnce,
  expectStreamed,
  everythingWritten,
  interaction,
  recordedJson,
  recordedMessages,
  recording,
  single,
  streamChat,
  uncachedUsage,
  withReplay,
  type Json,
} from "./replay.ts";

const KEY = "sk-ant-adaptiveReplayKey0000000000000000-AAAA";
const MODEL = "claude-sonnet-5";

/** The user's text of a recorded Messages request (one user message, text blocks). */
function recordedPrompt(it: Interaction): string {
  const [message] = (it.request.body as Json).messages as Json[];
  return typeof message!.content === "string" ? message!.content : (message!.content as Json[]).map((block) => block.text).join("");
}

/** Our params for the recorded Sonnet 5 question. */
function sonnetParams(it: Interaction, url: string, extra: Json = {}): Json {
  return { model: MODEL, max_tokens: 2000, messages: [{ role: "user", content: recordedPrompt(it) }], ...extra, base_url: url, credentials: { api_key: KEY } };
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
    const cassette = await recording("anthropic", file);
    const it = interaction(cassette, 0);
    const expected = recordedMessages(it);
    // What the recording must hold, so a broken reader cannot pass vacuously.
    expect(expected.blocks).toEqual(["thinking", "text"]);
    expect(expected.signatures.length).toBe(1);
    expect(expected.thinkingDeltas).toBe(thinkingDeltas);
    expect(expected.content).not.toBe("");
    expect(expected.model).toBe(MODEL);

    const harness = createHarness();
    await withReplay(single(cassette, 0), async (server) => {
      const result = await streamChat(harness, file, "anthropic", sonnetParams(it, server.url, { reasoning: { effort: "high" } }));
      // No tool calls and no redacted blocks: the recording's blocks are one thinking and one text.
      expectStreamed(result, expected);

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
      expect(done.usage).toEqual(uncachedUsage(input, output, thinkingTokens));
      expectCatalogCost(done.cost, "anthropic", expected.model, input, output);
      expect(done.cost.total).toBeCloseTo(done.cost.input + done.cost.output, 12);

      expectSentOnce(server, "/v1/messages", { "x-api-key": KEY, "anthropic-version": "2023-06-01" }, { model: MODEL, stream: true });
      expect(everythingWritten(harness)).not.toContain(KEY);
    });
  });

  test("the signature-only block read in network pieces that cut events (and the signature) in the middle: same chunks", async () => {
    const cassette = await recording("anthropic", "adaptive-omitted");
    const it = interaction(cassette, 0);
    const expected = recordedMessages(it);
    const whole = bodyBytes(it);
    const signatureAt = new TextDecoder().decode(whole).indexOf(expected.signatures[0]!.slice(0, 40));
    expect(signatureAt).toBeGreaterThan(0);
    const cuts = [0, 7, signatureAt + 13, signatureAt + 200, whole.length - 5, whole.length];
    const body = cuts.slice(1).map((end, i) => ({ chunk: whole.slice(cuts[i]!, end) }));
    const harness = createHarness();
    await withReplay({ ...cassette, interactions: [{ ...it, body }] }, async (server) => {
      const result = await streamChat(harness, "split", "anthropic", sonnetParams(it, server.url));
      expect(result.error).toBeUndefined();
      expect(result.signatures).toEqual(expected.signatures);
      expect(result.reasoning).toBe("");
      expect(result.content).toBe(expected.content);
      expect(result.done?.usage.reasoning_tokens).toBe(62);
    });
  });
});

// ---------------------------------------------------------------------------

describe("anthropic adaptive thinking replay: count_tokens", () => {
  test("Opus 4.6 with adaptive thinking and a forced tool: the counting endpoint's figure, method api", async () => {
    const cassette = await recording("anthropic", "count-tokens-adaptive");
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
      expectSentOnce(server, "/v1/messages/count_tokens", { "x-api-key": KEY }, { model: "claude-opus-4-6" });
    });
  });
});

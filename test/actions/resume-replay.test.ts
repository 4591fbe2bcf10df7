/**
 * Partial-response recovery end to end, through the real Server over
 * loopback: real recorded Anthropic, Bedrock (Claude) and Vertex (Claude)
 * streams are cut mid-body (reset, stall, missing terminal event, a
 * mid-stream error event), and the next interaction is the same recording
 * with the text before the cut left out, which is what the model sends when
 * it continues a prefill: message start, then the rest of the deltas. The
 * answer must be the recorded text exactly, with one `resumed` chunk at the
 * seam, the second request must carry the text so far as a trailing
 * assistant message, and usage must add up over both calls.
 *
 * Expected text and usage are read from the recordings by hand (the SSE
 * split in replay.ts, the AWS SDK's event-stream codec), never with
 * src/decode or the format mappers.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { loadCassette, type BodyStep, type Cassette, type Interaction } from "../support/cassette.ts";
import { createHarness } from "../support/in-process.ts";
import {
  catalogData,
  chunkStep,
  interaction,
  recordedEvents,
  recording,
  RECORDINGS,
  sentBody,
  stepText,
  streamChat,
  withReplay,
  type Json,
  type StreamResult,
} from "../providers/replay.ts";
import { AWS_SIGV4_CANARY } from "../support/canary.ts";

const ANTHROPIC_KEY = "sk-ant-CANARY.not.a.key.resume";
const MODEL = "claude-sonnet-4-20250514";

function anthropicParams(base_url: string, extra: Json = {}): Json {
  return {
    model: MODEL,
    messages: [
      { role: "system", content: "You are a helpful assistant" },
      { role: "user", content: "Say hi in Portuguese" },
    ],
    max_tokens: 4000,
    base_url,
    credentials: { api_key: ANTHROPIC_KEY },
    ...extra,
  };
}

const isTextDelta = (step: BodyStep): boolean => stepText(step).includes('"text_delta"');

/** The recorded text deltas of an SSE interaction, in order (read by hand). */
function sseDeltas(it: Interaction): string[] {
  return recordedEvents(it)
    .filter((e) => e.data?.delta?.type === "text_delta")
    .map((e) => e.data.delta.text as string);
}

/** Everything up to and including text delta `k` (0-based), then `tail`. */
function cutAfterDelta(steps: BodyStep[], k: number, tail: BodyStep[]): BodyStep[] {
  let seen = -1;
  const at = steps.findIndex((step) => isTextDelta(step) && ++seen === k);
  if (at === -1) throw new Error(`no text delta #${k}`);
  return [...steps.slice(0, at + 1), ...tail];
}

/** What the model sends when continuing after delta `k`: the events before the first delta, then deltas k+1 on. */
function continuationAfter(steps: BodyStep[], k: number): BodyStep[] {
  const first = steps.findIndex(isTextDelta);
  let seen = -1;
  const at = steps.findIndex((step) => isTextDelta(step) && ++seen === k);
  return [...steps.slice(0, first), ...steps.slice(at + 1)];
}

function cassetteOf(scenario: string, interactions: Interaction[]): Cassette {
  return { scenario, provenance: { derived_from: "recordings (see the test)" }, interactions };
}

/** The lines of a result split at its `resumed` chunks: the content before each seam and after the last. */
function segments(result: StreamResult): { texts: string[]; resumed: Json[] } {
  const texts = [""];
  const resumed: Json[] = [];
  for (const line of result.lines) {
    const data = line.data as Json | undefined;
    if (data?.type === "resumed") {
      resumed.push(data);
      texts.push("");
    } else if (data?.type === "content") {
      texts[texts.length - 1] += data.content as string;
    }
  }
  return { texts, resumed };
}

async function anthropicText(): Promise<Interaction> {
  return interaction(await recording("anthropic", "text"), 0);
}

describe("resume: Anthropic", () => {
  test("connection reset mid-body: one resumed chunk, then the rest of the answer, nothing repeated; prefill, max_tokens, usage and cost over both calls", async () => {
    const it = await anthropicText();
    const deltas = sseDeltas(it);
    expect(deltas.length).toBe(12);
    const cassette = cassetteOf("reset after delta 1, then the continuation", [
      { ...it, body: cutAfterDelta(it.body, 1, [{ abort: "reset" }]) },
      { ...it, body: continuationAfter(it.body, 1) },
    ]);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "reset", "anthropic", anthropicParams(server.url));
      expect(result.error).toBeUndefined();
      expect(result.content).toBe(deltas.join(""));
      const { texts, resumed } = segments(result);
      expect(texts).toEqual([deltas.slice(0, 2).join(""), deltas.slice(2).join("")]);
      expect(resumed).toEqual([{ type: "resumed", attempt: 1, reason: expect.stringContaining("NETWORK_ERROR") }]);
      expect(result.retries).toEqual([]);
      // Backoff as for a retry: full jitter with the harness's random 0.5 over the 500 ms base.
      expect(harness.sleeps).toEqual([250]);

      expect(server.requests.length).toBe(2);
      const first = sentBody(server, 0);
      const second = sentBody(server, 1);
      expect(second.messages).toEqual([...first.messages, { role: "assistant", content: [{ type: "text", text: "Olá! (That" }] }]);
      const { messages: _m1, max_tokens: max1, ...rest1 } = first;
      const { messages: _m2, max_tokens: max2, ...rest2 } = second;
      expect(rest2).toEqual(rest1);
      expect(max1).toBe(4000);

      // message_start says input 16 on both calls (the recording is reused); the second call's message_delta says output 38.
      const usage = result.done!.usage;
      expect(usage.input_tokens).toBe(32);
      const firstOutput = usage.output_tokens - 38;
      expect(firstOutput).toBeGreaterThan(5); // message_start's running 5 plus the two deltas
      expect(max2).toBe(4000 - firstOutput);
      expect(usage.estimated).toContain("output_tokens");
      expect(usage.estimated).not.toContain("input_tokens");
      const price = catalogData("anthropic", MODEL)!.price!;
      expect(result.done!.cost.input).toBeCloseTo((32 * price.input!) / 1e6, 12);
      expect(result.done!.cost.output).toBeCloseTo((usage.output_tokens * price.output!) / 1e6, 12);
      expect(result.done!.finish_reason).toBe("stop");
    });
  });

  // The recorded delta 4 is "\n\nYou". The first stream ends in "\n\n" (delta 4 split there), which a
  // prefill cannot carry; the model continues from the stripped text, with or without that whitespace.
  test.each([
    { name: "the continuation repeats the stripped whitespace", firstContinuationDelta: "\n\nYou" },
    { name: "the continuation repeats part of it", firstContinuationDelta: "\nYou" },
    { name: "the continuation starts with the next word", firstContinuationDelta: "You" },
  ])("trailing whitespace at the seam: $name → the text stays exact", async ({ firstContinuationDelta }) => {
    const it = await anthropicText();
    const deltas = sseDeltas(it);
    expect(deltas[4]).toBe("\n\nYou");
    const fourth = it.body.filter(isTextDelta)[4]!;
    const withText = (text: string): BodyStep => chunkStep(stepText(fourth).replace('"text":"\\n\\nYou"', `"text":${JSON.stringify(text)}`));
    expect(stepText(withText("X"))).toContain('"text":"X"');
    const broken = [...cutAfterDelta(it.body, 3, [withText("\n\n")]), { abort: "reset" } as const];
    const continuation = continuationAfter(it.body, 4);
    const firstDeltaAt = continuation.findIndex(isTextDelta);
    continuation.splice(firstDeltaAt, 0, withText(firstContinuationDelta));
    const harness = createHarness();
    await withReplay(
      cassetteOf("whitespace seam", [
        { ...it, body: broken },
        { ...it, body: continuation },
      ]),
      async (server) => {
        const result = await streamChat(harness, "ws", "anthropic", anthropicParams(server.url));
        expect(result.error).toBeUndefined();
        expect(result.content).toBe(deltas.join(""));
        expect(segments(result).texts[0]).toBe(`${deltas.slice(0, 4).join("")}\n\n`);
        // Anthropic rejects a final assistant message ending in whitespace.
        expect(sentBody(server, 1).messages.at(-1)).toEqual({ role: "assistant", content: [{ type: "text", text: 'Olá! (That\'s "hi" in Portuguese)' }] });
      },
    );
  });

  test("an overloaded_error event mid-stream (recordings/anthropic/midstream-overloaded) is resumed", async () => {
    const broken = interaction(await recording("anthropic", "midstream-overloaded"), 0);
    const brokenDeltas = sseDeltas(broken);
    expect(brokenDeltas).toEqual(["Olá! (", "That", "'s \"hi"]);
    const it = await anthropicText();
    const harness = createHarness();
    await withReplay(cassetteOf("overloaded event, then the continuation", [broken, { ...it, body: continuationAfter(it.body, 2) }]), async (server) => {
      const result = await streamChat(harness, "ovl", "anthropic", anthropicParams(server.url));
      expect(result.content).toBe(sseDeltas(it).join(""));
      const { resumed } = segments(result);
      expect(resumed.length).toBe(1);
      expect(resumed[0]!.reason).toContain("OVERLOADED");
      expect(sentBody(server, 1).messages.at(-1).content[0].text).toBe(brokenDeltas.join(""));
      expect(result.done!.usage.input_tokens).toBe(32);
    });
  });

  test.each([
    { name: "the idle timer fires on a stall after content (TIMEOUT)", tail: [{ stall_ms: 2000 }] as BodyStep[], reason: "TIMEOUT", extra: { timeouts: { idle_ms: 300 } } },
    { name: "the body ends cleanly without message_stop (STREAM_ERROR)", tail: [] as BodyStep[], reason: "STREAM_ERROR", extra: {} },
  ])("$name → resumed", async ({ tail, reason, extra }) => {
    const it = await anthropicText();
    const harness = createHarness();
    const cassette = cassetteOf(reason, [
      { ...it, body: cutAfterDelta(it.body, 0, tail) },
      { ...it, body: continuationAfter(it.body, 0) },
    ]);
    await withReplay(cassette, async (server) => {
      const started = Date.now();
      const result = await streamChat(harness, "t", "anthropic", anthropicParams(server.url, extra));
      expect(Date.now() - started).toBeLessThan(1500);
      expect(result.content).toBe(sseDeltas(it).join(""));
      expect(segments(result).resumed.map((r) => (r.reason as string).split(":")[0])).toEqual([reason]);
      expect(server.requests.length).toBe(2);
    });
  });

  test("at most two resumes: a third break ends the request partial, with every call's usage", async () => {
    const it = await anthropicText();
    const deltas = sseDeltas(it);
    // Each call adds one delta and breaks; a fourth, complete call waits behind them and must not be asked for.
    const cassette = cassetteOf("three breaks", [
      { ...it, body: cutAfterDelta(it.body, 0, [{ abort: "reset" }]) },
      { ...it, body: cutAfterDelta(continuationAfter(it.body, 0), 0, [{ abort: "reset" }]) },
      { ...it, body: cutAfterDelta(continuationAfter(it.body, 1), 0, [{ abort: "reset" }]) },
      { ...it, body: continuationAfter(it.body, 2) },
    ]);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "limit", "anthropic", anthropicParams(server.url));
      expect(server.requests.length).toBe(3);
      const { texts, resumed } = segments(result);
      expect(texts).toEqual(deltas.slice(0, 3));
      expect(resumed.map((r) => r.attempt)).toEqual([1, 2]);
      expect(result.error).toMatchObject({ code: "NETWORK_ERROR", partial: true });
      expect(result.error!.usage.input_tokens).toBe(48);
      expect(sentBody(server, 2).messages.at(-1).content[0].text).toBe(deltas.slice(0, 2).join(""));
    });
  });

  test("a resume call refused before any event (529) is not billed; the next resume continues", async () => {
    const it = await anthropicText();
    const refused = interaction(await recording("anthropic", "overloaded-529"), 0);
    expect(refused.response.status).toBe(529);
    const cassette = cassetteOf("reset, 529, continuation", [
      { ...it, body: cutAfterDelta(it.body, 1, [{ abort: "reset" }]) },
      refused,
      { ...it, body: continuationAfter(it.body, 1) },
    ]);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "529", "anthropic", anthropicParams(server.url));
      expect(result.content).toBe(sseDeltas(it).join(""));
      const { texts, resumed } = segments(result);
      expect(texts).toEqual([sseDeltas(it).slice(0, 2).join(""), "", sseDeltas(it).slice(2).join("")]);
      expect(resumed.map((r) => r.attempt)).toEqual([1, 2]);
      expect(resumed[1]!.reason).toContain("OVERLOADED");
      expect(sentBody(server, 2).messages).toEqual(sentBody(server, 1).messages);
      expect(result.done!.usage.input_tokens).toBe(32);
    });
  });

  // A full answer waits behind the broken one: a resume that should not happen would fetch it.
  test.each([
    { name: "resume: false", extra: { resume: false }, file: "text", cut: "text" },
    { name: "max_retries: 0", extra: { max_retries: 0 }, file: "text", cut: "text" },
    { name: "a tool call was already streaming", extra: {}, file: "tool-call", cut: "tool" },
    { name: "the request asks for reasoning (thinking)", extra: { reasoning: { budget_tokens: 1024 } }, file: "thinking", cut: "thinking" },
  ])("no resume when $name: the error stays partial and nothing is sent again", async ({ extra, file, cut }) => {
    const it = interaction(await recording("anthropic", file), 0);
    const marker = cut === "text" ? '"text_delta"' : cut === "tool" ? '"input_json_delta"' : '"thinking_delta"';
    const at = it.body.findIndex((step) => stepText(step).includes(marker));
    expect(at).toBeGreaterThan(-1);
    const broken = { ...it, body: [...it.body.slice(0, at + 2), { abort: "reset" } as const] };
    const harness = createHarness();
    await withReplay(cassetteOf("no resume", [broken, it]), async (server) => {
      const result = await streamChat(harness, "no", "anthropic", anthropicParams(server.url, extra));
      expect(server.requests.length).toBe(1);
      expect(segments(result).resumed).toEqual([]);
      expect(result.error).toMatchObject({ code: "NETWORK_ERROR", partial: true, retryable: true });
      expect(result.error!.usage).toBeDefined();
    });
  });
});

// ---------------------------------------------------------------------------
// Bedrock: Claude through ConverseStream (binary event-stream, one message per recorded chunk).

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const SIGV4 = { access_key_id: AWS_SIGV4_CANARY.accessKeyId, secret_access_key: AWS_SIGV4_CANARY.secretAccessKey };

function frameOf(step: BodyStep): { type: string; payload: Json } {
  if (!("chunk" in step)) throw new Error("not a chunk");
  const message = codec.decode(step.chunk);
  return { type: String(message.headers[":event-type"]?.value), payload: JSON.parse(toUtf8(message.body)) as Json };
}

describe("resume: Bedrock", () => {
  test("Claude (us.anthropic.…): reset mid-body, resumed with a Converse assistant prefill, text exact, usage over both calls", async () => {
    const it = interaction(await loadCassette(join(RECORDINGS, "bedrock", "claude-text.ndjson")), 0);
    const frames = it.body.map(frameOf);
    expect(frames.every((_, i) => "chunk" in it.body[i]!)).toBe(true);
    const deltaAt = frames.flatMap((frame, i) => (frame.type === "contentBlockDelta" ? [i] : []));
    const deltas = deltaAt.map((i) => frames[i]!.payload.delta.text as string);
    expect(deltas.length).toBe(5);
    const metadata = frames.find((frame) => frame.type === "metadata")!.payload.usage;
    const broken = { ...it, body: [...it.body.slice(0, deltaAt[1]! + 1), { abort: "reset" } as const] };
    const continuation = { ...it, body: [it.body[0]!, ...it.body.slice(deltaAt[1]! + 1)] };
    const model = decodeURIComponent(/^\/model\/([^/]+)\//.exec(it.request.path)![1]!);
    const harness = createHarness();
    await withReplay(cassetteOf("bedrock claude resume", [broken, continuation]), async (server) => {
      const result = await streamChat(harness, "br", "bedrock", {
        model,
        messages: [{ role: "user", content: "What is the capital of France? Give me the city name, country, and population." }],
        base_url: server.url,
        region: "us-east-1",
        credentials: SIGV4,
      });
      expect(result.error).toBeUndefined();
      expect(result.content).toBe(deltas.join(""));
      const { texts, resumed } = segments(result);
      expect(texts).toEqual([deltas.slice(0, 2).join(""), deltas.slice(2).join("")]);
      expect(resumed.length).toBe(1);
      expect(server.requests.length).toBe(2);
      expect(server.requests[1]!.path).toBe(server.requests[0]!.path);
      const first = sentBody(server, 0);
      const second = sentBody(server, 1);
      expect(second.messages).toEqual([...first.messages, { role: "assistant", content: [{ text: deltas.slice(0, 2).join("") }] }]);
      // ConverseStream reports usage only in the final metadata event: the broken call's figures are estimates.
      const usage = result.done!.usage;
      expect(usage.input_tokens).toBeGreaterThan(metadata.inputTokens);
      expect(usage.output_tokens).toBeGreaterThan(metadata.outputTokens);
      expect(usage.estimated).toEqual(expect.arrayContaining(["input_tokens", "output_tokens"]));
    });
  });

  test("a non-Claude model (Nova, recordings/bedrock/truncated) is not resumed", async () => {
    const truncated = interaction(await loadCassette(join(RECORDINGS, "bedrock", "truncated.ndjson")), 0);
    const full = interaction(await loadCassette(join(RECORDINGS, "bedrock", "text.ndjson")), 0);
    const harness = createHarness();
    await withReplay(cassetteOf("nova", [truncated, full]), async (server) => {
      const result = await streamChat(harness, "nova", "bedrock", {
        model: "us.amazon.nova-micro-v1:0",
        messages: [{ role: "user", content: "What is the capital of France?" }],
        base_url: server.url,
        region: "us-east-1",
        credentials: SIGV4,
      });
      expect(server.requests.length).toBe(1);
      expect(result.error).toMatchObject({ code: "STREAM_ERROR", partial: true });
    });
  });
});

// ---------------------------------------------------------------------------
// Vertex: Claude through :streamRawPredict (Anthropic SSE).

describe("resume: Vertex", () => {
  const vertexParams = (url: string, model: string): Json => ({
    model,
    messages: [{ role: "user", content: "Say hi in Portuguese" }],
    max_tokens: 4000,
    base_url: url,
    project: "test-project",
    location: "us-central1",
    credentials: { access_token: "ya29.fake.vertex.resume" },
  });

  test("Claude: reset mid-body, resumed with the prefill in the rawPredict body, text exact", async () => {
    const it = interaction(await loadCassette(join(RECORDINGS, "vertex", "claude-text.ndjson")), 0);
    const deltas = sseDeltas(it);
    const cassette = cassetteOf("vertex claude resume", [
      { ...it, body: cutAfterDelta(it.body, 2, [{ abort: "reset" }]) },
      { ...it, body: continuationAfter(it.body, 2) },
    ]);
    const harness = createHarness();
    await withReplay(
      cassette,
      async (server) => {
        const result = await streamChat(harness, "vx", "vertex", vertexParams(server.url, "claude-3-7-sonnet@20250219"));
        expect(result.error).toBeUndefined();
        expect(result.content).toBe(deltas.join(""));
        expect(segments(result).texts).toEqual([deltas.slice(0, 3).join(""), deltas.slice(3).join("")]);
        const second = sentBody(server, 1);
        expect(second.anthropic_version).toBe("vertex-2023-10-16");
        expect(second.messages.at(-1)).toEqual({ role: "assistant", content: [{ type: "text", text: "Olá! Como posso aju" }] });
        expect(result.done!.usage.input_tokens).toBe(32);
      },
      { strictPath: false },
    );
  });

  test("Gemini is not resumed", async () => {
    const it = interaction(await loadCassette(join(RECORDINGS, "vertex", "gemini-text.ndjson")), 0);
    const broken = { ...it, body: [it.body[0]!, { abort: "reset" } as const] };
    const harness = createHarness();
    await withReplay(
      cassetteOf("gemini", [broken, it]),
      async (server) => {
        const result = await streamChat(harness, "gm", "vertex", vertexParams(server.url, "gemini-2.5-pro"));
        expect(server.requests.length).toBe(1);
        expect(result.error).toMatchObject({ code: "NETWORK_ERROR", partial: true });
      },
      { strictPath: false },
    );
  });
});

describe("resume: other providers", () => {
  test("OpenAI Chat Completions is not resumed", async () => {
    const it = interaction(await recording("openai", "chat-text"), 0);
    const at = it.body.findIndex((step) => /"content":"[^"]/.test(stepText(step)));
    expect(at).toBeGreaterThan(-1);
    const broken = { ...it, body: [...it.body.slice(0, at + 1), { abort: "reset" } as const] };
    const harness = createHarness();
    await withReplay(cassetteOf("openai", [broken, it]), async (server) => {
      const body = it.request.body as Json;
      const result = await streamChat(harness, "oa", "openai", {
        model: body.model,
        api: "chat",
        messages: body.messages,
        base_url: `${server.url}/v1`,
        credentials: { api_key: "sk-proj-CANARY.not.a.key.resume" },
      });
      expect(server.requests.length).toBe(1);
      expect(result.error).toMatchObject({ partial: true });
    });
  });
});

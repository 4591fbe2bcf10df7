import { describe, expect, test } from "bun:test";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeBedrockEvent } from "../../src/decode/bedrock-payload.ts";
import { EventStreamDecoder } from "../../src/decode/event-stream.ts";
import type { EventStreamMessage, HeaderValue } from "../../src/decode/event-stream.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import type { ErrorCode } from "../../src/protocol/errors.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures");
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, path)));
const MODEL_STREAM = "bedrock/pydantic-ai/test_bedrock_model_stream.yaml.interaction0.body.bin";
const ITER_STREAM = "bedrock/pydantic-ai/test_bedrock_model_iter_stream.yaml.interaction0.body.bin";
const INVOKE_STREAM = "bedrock/fantasy/TestBedrockCommon__bedrock-anthropic-claude-haiku-4-5__tool_streaming.yaml.interaction0.body.bin";
const EXCEPTION_FRAME = "eventstream-vectors/aws_event_stream/bedrock_exception.bin";

function messagesOf(path: string): EventStreamMessage[] {
  const decoder = new EventStreamDecoder();
  const messages = decoder.feed(read(path));
  decoder.end();
  return messages;
}

/** Oracle frames for the same body: the smithy codec, splitting at each prelude's total_length. */
function smithyPayloads(path: string): { eventType: unknown; json: Record<string, unknown> }[] {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const body = read(path);
  const out: { eventType: unknown; json: Record<string, unknown> }[] = [];
  for (let pos = 0; pos < body.length; ) {
    const total = Buffer.from(body.subarray(pos, pos + 4)).readUInt32BE();
    const message = codec.decode(body.subarray(pos, pos + total));
    out.push({ eventType: message.headers[":event-type"]?.value, json: JSON.parse(Buffer.from(message.body).toString("utf8")) });
    pos += total;
  }
  return out;
}

const encoder = new TextEncoder();
function message(headers: Record<string, HeaderValue>, payload: string | Uint8Array): EventStreamMessage {
  return { headers, payload: typeof payload === "string" ? encoder.encode(payload) : payload };
}
const event = (eventType: string, payload: string | Uint8Array): EventStreamMessage =>
  message({ ":message-type": "event", ":event-type": eventType, ":content-type": "application/json" }, payload);
const exception = (type: string, payload: string): EventStreamMessage =>
  message({ ":message-type": "exception", ":exception-type": type, ":content-type": "application/json" }, payload);

function thrown(run: () => unknown): BridgeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError);
    return error as BridgeError;
  }
  throw new Error("expected a BridgeError, nothing was thrown");
}

describe("ConverseStream events", () => {
  test("type is :event-type, body the JSON payload without the padding field p", () => {
    const events = messagesOf(MODEL_STREAM).map(decodeBedrockEvent);
    expect(events[0]).toEqual({ type: "messageStart", body: { role: "assistant" }, invoke: false });
    expect(events.at(-1)).toEqual({
      type: "metadata",
      body: { metrics: { latencyMs: 522 }, usage: { inputTokens: 13, outputTokens: 82, serverToolUsage: {}, totalTokens: 95 } },
      invoke: false,
    });
    expect(events.map((e) => e.type)).toEqual([
      "messageStart",
      ...Array<string>(29).fill("contentBlockDelta"),
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
  });

  test("every body equals the oracle's JSON with p removed, and every recorded payload had a p", () => {
    for (const path of [MODEL_STREAM, ITER_STREAM]) {
      const oracle = smithyPayloads(path);
      const events = messagesOf(path).map(decodeBedrockEvent);
      expect(events.map((e) => e.type)).toEqual(oracle.map((o) => o.eventType as string));
      events.forEach((e, i) => {
        const { p, ...rest } = oracle[i]!.json;
        expect(typeof p).toBe("string");
        expect(e.body).toEqual(rest);
        expect("p" in e.body).toBe(false);
      });
    }
  });

  test("a tool-use block start keeps its structure", () => {
    const start = messagesOf(ITER_STREAM).map(decodeBedrockEvent).find((e) => e.type === "contentBlockStart");
    expect(start?.body).toEqual({
      contentBlockIndex: 1,
      start: { toolUse: { name: expect.any(String), toolUseId: expect.any(String) } },
    });
  });
});

describe("InvokeModelWithResponseStream chunk events", () => {
  test("the base64 bytes are unwrapped into the model's own event", () => {
    const events = messagesOf(INVOKE_STREAM).map(decodeBedrockEvent);
    expect(events.map((e) => e.type)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events.every((e) => e.invoke)).toBe(true);
    expect(events[8]!.body).toEqual({
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { output_tokens: 54 },
    });
    expect(events[9]!.body).toEqual({
      type: "message_stop",
      "amazon-bedrock-invocationMetrics": { inputTokenCount: 577, outputTokenCount: 54, invocationLatency: 1298, firstByteLatency: 1175 },
    });
    const arguments_ = events
      .filter((e) => e.type === "content_block_delta")
      .map((e) => (e.body["delta"] as { partial_json: string }).partial_json)
      .join("");
    expect(JSON.parse(arguments_)).toEqual({ location: "Florence, Italy" });
  });

  test("every inner event equals the oracle's base64-decoded JSON", () => {
    const oracle = smithyPayloads(INVOKE_STREAM);
    const events = messagesOf(INVOKE_STREAM).map(decodeBedrockEvent);
    expect(events).toHaveLength(oracle.length);
    events.forEach((e, i) => {
      expect(oracle[i]!.eventType).toBe("chunk");
      expect(e.body).toEqual(JSON.parse(Buffer.from(oracle[i]!.json["bytes"] as string, "base64").toString("utf8")));
    });
  });

  test("multi-byte UTF-8 inside the base64 survives", () => {
    const inner = { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "30°C — ünïcödé 🌡️" } };
    const payload = JSON.stringify({ bytes: Buffer.from(JSON.stringify(inner)).toString("base64"), p: "abc" });
    expect(decodeBedrockEvent(event("chunk", payload))).toEqual({ type: "content_block_delta", body: inner, invoke: true });
  });
});

describe("exception frames", () => {
  test("the recorded throttlingException frame (provenance unverified) → RATE_LIMITED, retryable", () => {
    const [frame] = messagesOf(EXCEPTION_FRAME);
    const error = thrown(() => decodeBedrockEvent(frame!));
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.retryable).toBe(true);
    expect(error.providerType).toBe("throttlingException");
    expect(error.message).toContain("Rate exceeded");
  });

  test.each<[string, string, ErrorCode, boolean]>([
    ["throttlingException", "Too many requests, please wait before trying again.", "RATE_LIMITED", true],
    ["serviceUnavailableException", "Service unavailable.", "OVERLOADED", true],
    ["modelNotReadyException", "Model is not ready.", "OVERLOADED", true],
    ["internalServerException", "Internal server error.", "PROVIDER_ERROR", true],
    ["modelStreamErrorException", "The model stream failed.", "PROVIDER_ERROR", true],
    ["modelTimeoutException", "Model timed out.", "TIMEOUT", true],
    ["validationException", "temperature: range: 0..1", "INVALID_PARAMS", false],
    ["validationException", "Input is too long for requested model.", "CONTEXT_LENGTH_EXCEEDED", false],
    ["validationException", "prompt is too long: 215000 tokens > 200000 maximum", "CONTEXT_LENGTH_EXCEEDED", false],
    ["validationException", "The model returned the following errors: input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000", "CONTEXT_LENGTH_EXCEEDED", false],
    ["validationException", "Too many input tokens. Max input tokens: 8192, request input token count: 9000", "CONTEXT_LENGTH_EXCEEDED", false],
    ["ValidationException", "This model's maximum context length is 8192 tokens.", "CONTEXT_LENGTH_EXCEEDED", false],
    ["accessDeniedException", "You don't have access to the model.", "AUTH_FAILED", false],
    ["resourceNotFoundException", "Model not found.", "NOT_FOUND", false],
    ["somethingNewException", "Surprise.", "PROVIDER_ERROR", false],
  ])("%s (%s) → %s, retryable %p", (type, text, code, retryable) => {
    const error = thrown(() => decodeBedrockEvent(exception(type, JSON.stringify({ message: text }))));
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.providerType).toBe(type);
    expect(error.message).toBe(`Bedrock ${type}: ${text}`);
  });

  test("a capitalised Message field is read too", () => {
    const error = thrown(() => decodeBedrockEvent(exception("validationException", '{"Message":"Input is too long for requested model."}')));
    expect(error.code).toBe("CONTEXT_LENGTH_EXCEEDED");
    expect(error.message).toBe("Bedrock validationException: Input is too long for requested model.");
  });

  test("an exception payload that is not JSON keeps the header's classification, with the text as message", () => {
    const error = thrown(() => decodeBedrockEvent(exception("throttlingException", "Rate exceeded")));
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.message).toContain("Rate exceeded");
  });

  test("an error frame (:error-code / :error-message, no payload) is classified the same way", () => {
    const frame = message({ ":message-type": "error", ":error-code": "internalServerException", ":error-message": "boom" }, "");
    const error = thrown(() => decodeBedrockEvent(frame));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.retryable).toBe(true);
    expect(error.providerType).toBe("internalServerException");
    expect(error.message).toContain("boom");
  });

  test("an exception frame without a type → PROVIDER_ERROR, not retryable", () => {
    const error = thrown(() => decodeBedrockEvent(message({ ":message-type": "exception" }, "")));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.retryable).toBe(false);
    expect(error.providerType).toBeUndefined();
  });
});

describe("malformed messages → STREAM_ERROR", () => {
  const b64 = (text: string): string => Buffer.from(text).toString("base64");
  test.each<[string, EventStreamMessage, RegExp]>([
    ["payload is not JSON", event("contentBlockDelta", "{not json"), /not valid JSON/],
    ["payload is a JSON array", event("contentBlockDelta", "[1,2]"), /not a JSON object/],
    ["payload is JSON null", event("messageStop", "null"), /not a JSON object/],
    ["payload is not UTF-8", event("messageStop", new Uint8Array([0x7b, 0xff, 0x7d])), /not valid UTF-8/],
    ["event without :event-type", message({ ":message-type": "event" }, "{}"), /no :event-type/],
    ["unknown :message-type", message({ ":message-type": "ping", ":event-type": "x" }, "{}"), /unexpected :message-type "ping"/],
    ["no :message-type", message({ ":event-type": "x" }, "{}"), /unexpected :message-type \(missing\)/],
    ["chunk without bytes", event("chunk", '{"p":"abc"}'), /no base64 `bytes`/],
    ["chunk bytes not base64", event("chunk", '{"bytes":"@@@"}'), /not valid base64/],
    ["chunk bytes not JSON", event("chunk", JSON.stringify({ bytes: b64("hello") })), /not valid JSON/],
    ["chunk JSON without type", event("chunk", JSON.stringify({ bytes: b64('{"index":0}') })), /without a string `type`/],
  ])("%s", (_, input, text) => {
    const error = thrown(() => decodeBedrockEvent(input));
    expect(error.code).toBe("STREAM_ERROR");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(text);
  });
});

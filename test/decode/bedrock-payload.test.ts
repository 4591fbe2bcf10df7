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
    expect(events[0]).toEqual({ type: "messageStart", body: { role: "assistant" } });
    expect(events.at(-1)).toEqual({
      type: "metadata",
      body: { metrics: { latencyMs: 522 }, usage: { inputTokens: 13, outputTokens: 82, serverToolUsage: {}, totalTokens: 95 } },
    });
    expect(events.map((e) => e.type)).toEqual(["messageStart", ...Array<string>(29).fill("contentBlockDelta"), "contentBlockStop", "messageStop", "metadata"]);
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
    const start = messagesOf(ITER_STREAM)
      .map(decodeBedrockEvent)
      .find((e) => e.type === "contentBlockStart");
    expect(start?.body).toEqual({
      contentBlockIndex: 1,
      start: { toolUse: { name: expect.any(String), toolUseId: expect.any(String) } },
    });
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
    [
      "validationException",
      "The model returned the following errors: input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000",
      "CONTEXT_LENGTH_EXCEEDED",
      false,
    ],
    ["validationException", "Too many input tokens. Max input tokens: 8192, request input token count: 9000", "CONTEXT_LENGTH_EXCEEDED", false],
    ["ValidationException", "This model's maximum context length is 8192 tokens.", "CONTEXT_LENGTH_EXCEEDED", false],
    ["accessDeniedException", "You don't have access to the model.", "AUTH_FAILED", false],
    ["resourceNotFoundException", "Model not found.", "NOT_FOUND", false],
    ["serviceQuotaExceededException", "Your request exceeds the service quota for your account.", "RATE_LIMITED", false],
    ["expiredTokenException", "The security token included in the request is expired", "AUTH_FAILED", false],
    ["modelErrorException", "The request failed due to an error while processing the model.", "PROVIDER_ERROR", false],
    ["constructor", "A name that is also an Object.prototype member.", "PROVIDER_ERROR", false],
    ["somethingNewException", "Surprise.", "PROVIDER_ERROR", false],
  ])("%s (%s) → %s, retryable %p", (type, text, code, retryable) => {
    const error = thrown(() => decodeBedrockEvent(exception(type, JSON.stringify({ message: text }))));
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.providerType).toBe(type);
    expect(error.message).toBe(`Bedrock ${type}: ${text}`);
  });

  test("a validationException asking for an inference profile is marked for the profile retry, as over HTTP", () => {
    const text =
      "Invocation of model ID anthropic.claude-sonnet-4-6 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.";
    const error = thrown(() => decodeBedrockEvent(exception("validationException", JSON.stringify({ message: text }))));
    expect(error.code).toBe("INVALID_PARAMS");
    expect(error.providerType).toBe("on_demand_not_supported");
    expect(error.message).toBe(`Bedrock validationException: ${text}`);
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
  test.each<[string, EventStreamMessage, RegExp]>([
    ["payload is not JSON", event("contentBlockDelta", "{not json"), /not valid JSON/],
    ["payload is a JSON array", event("contentBlockDelta", "[1,2]"), /not a JSON object/],
    ["payload is JSON null", event("messageStop", "null"), /not a JSON object/],
    ["payload is not UTF-8", event("messageStop", new Uint8Array([0x7b, 0xff, 0x7d])), /not valid UTF-8/],
    ["event without :event-type", message({ ":message-type": "event" }, "{}"), /no :event-type/],
    ["unknown :message-type", message({ ":message-type": "ping", ":event-type": "x" }, "{}"), /unexpected :message-type "ping"/],
    ["no :message-type", message({ ":event-type": "x" }, "{}"), /unexpected :message-type \(missing\)/],
  ])("%s", (_, input, text) => {
    const error = thrown(() => decodeBedrockEvent(input));
    expect(error.code).toBe("STREAM_ERROR");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(text);
  });
});

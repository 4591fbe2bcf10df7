/**
 * Reads the JSON inside Bedrock's ConverseStream event-stream messages, and
 * turns exception frames into classified BridgeErrors here: the frame's
 * headers carry the error type, which is gone once only JSON is passed on.
 * The exception table is the one HTTP answers use
 * (formats/bedrock-converse/errors.ts).
 */
import { BridgeError } from "../protocol/errors.ts";
import { classifyBedrockException, type BedrockVerdict } from "../formats/bedrock-converse/errors.ts";
import type { EventStreamMessage } from "./event-stream.ts";
import { isJsonObject } from "../protocol/json.ts";

/**
 * One decoded ConverseStream event: `type` is the `:event-type` header
 * (`messageStart`, `contentBlockDelta`, ..., `metadata`), `body` the JSON
 * payload (the member body) without Bedrock's random padding field `p`.
 */
export interface BedrockEvent {
  type: string;
  body: Record<string, unknown>;
}

/**
 * Decode one message. Throws the mapped BridgeError for an exception or
 * error frame, and `STREAM_ERROR` for a message that is not what Bedrock
 * sends (missing headers, a payload that is not a JSON object).
 */
export function decodeBedrockEvent(message: EventStreamMessage): BedrockEvent {
  const messageType = message.headers[":message-type"];
  if (messageType === "event") {
    const eventType = message.headers[":event-type"];
    if (typeof eventType !== "string") throw streamError("Bedrock event message has no :event-type header");
    const body = parseObject(utf8(message.payload, eventType), eventType);
    delete body["p"];
    return { type: eventType, body };
  }
  if (messageType === "exception" || messageType === "error") throw bedrockStreamException(message);
  throw streamError(`Bedrock message has unexpected :message-type ${describe(messageType)}`);
}

/**
 * An exception frame (`:exception-type`, JSON `{"message": ...}`) or an
 * error frame (`:error-code`, `:error-message`) as a BridgeError. The header
 * decides the code; the payload gives only the message, so a payload that is
 * not JSON is used as the message text instead of hiding the classification
 * behind a STREAM_ERROR.
 */
function bedrockStreamException(message: EventStreamMessage): BridgeError {
  const header = message.headers[":exception-type"] ?? message.headers[":error-code"];
  const exception = typeof header === "string" ? header : undefined;
  const text = exceptionMessage(message);
  // A frame names no HTTP status to fall back on: an unknown name is a provider error, not retried.
  const verdict: BedrockVerdict = (exception === undefined ? undefined : classifyBedrockException(exception, text)) ?? {
    code: "PROVIDER_ERROR",
    retryable: false,
  };
  const providerType = verdict.providerType ?? exception;
  return new BridgeError(
    verdict.code,
    `Bedrock ${exception ?? "error"}: ${text}`,
    providerType === undefined ? { retryable: verdict.retryable } : { retryable: verdict.retryable, providerType },
  );
}

const MAX_MESSAGE_CHARS = 2000;

function exceptionMessage(message: EventStreamMessage): string {
  let text = "";
  if (message.payload.length > 0) {
    text = new TextDecoder().decode(message.payload);
    try {
      const parsed: unknown = JSON.parse(text);
      if (isJsonObject(parsed)) {
        const field = parsed["message"] ?? parsed["Message"];
        if (typeof field === "string") text = field;
      }
    } catch {
      // Not JSON: the raw text is the best message there is (see bedrockStreamException).
    }
  }
  const header = message.headers[":error-message"];
  if (text === "" && typeof header === "string") text = header;
  if (text === "") text = "the provider reported an error in the stream";
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function utf8(bytes: Uint8Array, eventType: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch (error) {
    throw streamError(`Bedrock ${eventType} event payload is not valid UTF-8`, error);
  }
}

function parseObject(text: string, eventType: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw streamError(`Bedrock ${eventType} event payload is not valid JSON`, error);
  }
  if (!isJsonObject(value)) throw streamError(`Bedrock ${eventType} event payload is not a JSON object`);
  return value;
}

function describe(value: unknown): string {
  return value === undefined ? "(missing)" : (JSON.stringify(typeof value === "bigint" ? String(value) : value) ?? String(value));
}

function streamError(message: string, cause?: unknown): BridgeError {
  return new BridgeError("STREAM_ERROR", message, cause === undefined ? { retryable: false } : { retryable: false, cause });
}

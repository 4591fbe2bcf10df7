/**
 * Reads the JSON inside Bedrock's event-stream messages (provider-facts §6.3–6.5):
 * ConverseStream events, InvokeModelWithResponseStream `chunk` events (whose
 * base64 `bytes` hold one model-native stream event, e.g. Anthropic's), and
 * exception frames, which become classified BridgeErrors here — the frame's
 * headers carry the error type, which is gone once only JSON is passed on.
 */
import type { ErrorCode } from "../protocol/errors.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { EventStreamMessage } from "./event-stream.ts";

/**
 * One decoded Bedrock event.
 *
 * - ConverseStream: `type` is the `:event-type` header (`messageStart`,
 *   `contentBlockDelta`, ..., `metadata`), `body` the JSON payload (the
 *   member body), `invoke: false`.
 * - InvokeModelWithResponseStream (`:event-type` `chunk`): `body` is the
 *   JSON decoded from the base64 `bytes` field — the model's own stream
 *   event, for Claude an Anthropic Messages event — `type` is its `type`
 *   field (`message_start`, `content_block_delta`, ...), `invoke: true`.
 *
 * Bedrock's random padding field `p` is removed from the payload.
 */
export interface BedrockEvent {
  type: string;
  body: Record<string, unknown>;
  invoke: boolean;
}

/**
 * Decode one message. Throws the mapped BridgeError for an exception or
 * error frame, and `STREAM_ERROR` for a message that is not what Bedrock
 * sends (missing headers, a payload that is not a JSON object, a `chunk`
 * without a valid `bytes` field).
 */
export function decodeBedrockEvent(message: EventStreamMessage): BedrockEvent {
  const messageType = message.headers[":message-type"];
  if (messageType === "event") {
    const eventType = message.headers[":event-type"];
    if (typeof eventType !== "string") throw streamError("Bedrock event message has no :event-type header");
    const body = parseObject(utf8(message.payload, eventType), eventType);
    delete body["p"];
    if (eventType === "chunk") return unwrapChunk(body);
    return { type: eventType, body, invoke: false };
  }
  if (messageType === "exception" || messageType === "error") throw bedrockStreamException(message);
  throw streamError(`Bedrock message has unexpected :message-type ${describe(messageType)}`);
}

/** InvokeModelWithResponseStream: `{"bytes":"<base64 of one model stream event>"}`. */
function unwrapChunk(body: Record<string, unknown>): BedrockEvent {
  const encoded = body["bytes"];
  if (typeof encoded !== "string") throw streamError("Bedrock chunk event has no base64 `bytes` field");
  let raw: string;
  try {
    raw = atob(encoded);
  } catch (error) {
    throw streamError("Bedrock chunk event `bytes` is not valid base64", error);
  }
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  const inner = parseObject(utf8(bytes, "chunk"), "chunk");
  const type = inner["type"];
  if (typeof type !== "string") throw streamError("Bedrock chunk event holds JSON without a string `type`");
  return { type, body: inner, invoke: true };
}

interface Verdict {
  code: ErrorCode;
  retryable: boolean;
}

/**
 * Exception types as Bedrock Runtime names them in `:exception-type`
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html,
 * API_runtime_ResponseStream.html), looked up case-insensitively because the
 * HTTP error header spells the same names with a capital first letter.
 * modelNotReadyException: the model is being loaded; AWS SDKs retry it.
 */
const EXCEPTIONS: Record<string, Verdict> = {
  throttlingexception: { code: "RATE_LIMITED", retryable: true },
  serviceunavailableexception: { code: "OVERLOADED", retryable: true },
  modelnotreadyexception: { code: "OVERLOADED", retryable: true },
  internalserverexception: { code: "PROVIDER_ERROR", retryable: true },
  modelstreamerrorexception: { code: "PROVIDER_ERROR", retryable: true },
  modeltimeoutexception: { code: "TIMEOUT", retryable: true },
  validationexception: { code: "INVALID_PARAMS", retryable: false },
  accessdeniedexception: { code: "AUTH_FAILED", retryable: false },
  resourcenotfoundexception: { code: "NOT_FOUND", retryable: false },
};

// How Bedrock and the models behind it word an over-long input in a
// validationException: "Input is too long for requested model.",
// "prompt is too long: 215000 tokens > 200000 maximum", "input length and
// `max_tokens` exceed context limit: ...", "Too many input tokens. Max input
// tokens: 8192, ...", "This model's maximum context length is 8192 tokens".
const CONTEXT_PATTERNS: RegExp[] = [
  /input is too long/i,
  /prompt is too long/i,
  /exceeds? (the )?(model'?s? )?(maximum )?context/i,
  /exceed context limit/i,
  /context (window|length) (exceeded|limit)/i,
  /maximum context length/i,
  /too many input tokens/i,
];

/**
 * An exception frame (`:exception-type`, JSON `{"message": ...}`) or an
 * error frame (`:error-code`, `:error-message`) as a BridgeError. The header
 * decides the code; the payload gives only the message, so a payload that is
 * not JSON is used as the message text instead of hiding the classification
 * behind a STREAM_ERROR.
 */
function bedrockStreamException(message: EventStreamMessage): BridgeError {
  const exception = message.headers[":exception-type"] ?? message.headers[":error-code"];
  const providerType = typeof exception === "string" ? exception : undefined;
  const verdict = (providerType === undefined ? undefined : EXCEPTIONS[providerType.toLowerCase()]) ?? {
    code: "PROVIDER_ERROR",
    retryable: false,
  };
  const text = exceptionMessage(message);
  let code = verdict.code;
  if (code === "INVALID_PARAMS" && CONTEXT_PATTERNS.some((pattern) => pattern.test(text))) code = "CONTEXT_LENGTH_EXCEEDED";
  const fullText = `Bedrock ${providerType ?? "error"}: ${text}`;
  return new BridgeError(
    code,
    fullText,
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
      if (isObject(parsed)) {
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
  if (!isObject(value)) throw streamError(`Bedrock ${eventType} event payload is not a JSON object`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? "(missing)" : JSON.stringify(typeof value === "bigint" ? String(value) : value) ?? String(value);
}

function streamError(message: string, cause?: unknown): BridgeError {
  return new BridgeError("STREAM_ERROR", message, cause === undefined ? { retryable: false } : { retryable: false, cause });
}

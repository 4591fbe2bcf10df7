/**
 * Error classification for the Anthropic Messages dialect (Anthropic, Claude
 * on Bedrock, Claude on Vertex).
 *
 * Bodies are `{"type":"error","error":{"type","message"},"request_id"}`;
 * gateways and clouds in front of the API also answer with other JSON shapes
 * (`{"message":...}`, Google's `{"error":{"code","message","status"}}`), plain
 * text or HTML. Every shape is tolerated; what cannot be parsed still
 * classifies by status.
 *
 * The error `type` decides before the status, because Anthropic signals
 * overload as 529 (docs.anthropic.com/en/api/errors;
 * recordings/anthropic/overloaded-529.ndjson), reportedly also as 429 with
 * `overloaded_error` (third-party only: hivebook.wiki/wiki/anthropic-api-error-handling),
 * and inside a 200 stream (recordings/anthropic/midstream-overloaded.ndjson).
 *
 * Decisions:
 * - `billing_error` / 402 ("credit balance is too low") → RATE_LIMITED, not
 *   retryable. It is the same situation as OpenAI's `insufficient_quota`,
 *   which the OpenAI dialects report that way, so the editor sees one code for
 *   "out of credit" whatever the provider. AUTH_FAILED would send the user to
 *   re-enter a key that is fine.
 * - 413 `request_too_large` → CONTEXT_LENGTH_EXCEEDED: the request is too big
 *   to be accepted, and the remedy (shorten the conversation) is the same.
 * - `Retry-After` and friends are read by http/retry.ts, not here.
 */
import { BridgeError, type ErrorCode } from "../../protocol/errors.ts";
import type { ErrorResponse } from "../types.ts";
import { isRecord, parseJsonBody, describeBody, plainTextMessage } from "../json.ts";

/** What an Anthropic-style error carries, whatever envelope it came in. */
export interface AnthropicErrorFields {
  type?: string;
  message?: string;
  requestId?: string;
}

/** Parse an error body; `undefined` when it holds nothing usable (empty, HTML, not JSON). */
export function parseAnthropicErrorBody(body: string): AnthropicErrorFields | undefined {
  return readAnthropicErrorFields(parseJsonBody(body));
}

/** Pull the error fields out of a parsed error body or stream `error` event. */
export function readAnthropicErrorFields(value: unknown): AnthropicErrorFields | undefined {
  if (Array.isArray(value)) return value.length > 0 ? readAnthropicErrorFields(value[0]) : undefined;
  if (!isRecord(value)) return undefined;
  const inner = value["error"];
  const source = isRecord(inner) ? inner : value;
  const fields: AnthropicErrorFields = {};
  // Google-shaped bodies name the kind in `status` (e.g. RESOURCE_EXHAUSTED);
  // it is kept as the provider type, and classification falls back to the HTTP status.
  const type = str(source["type"]) ?? str(source["status"]);
  // The envelope's own `type` is just "error"; only the inner one names the kind.
  if (type !== undefined && !(source === value && type === "error")) fields.type = type;
  const message = str(source["message"]) ?? (typeof inner === "string" && inner !== "" ? inner : undefined);
  if (message !== undefined) fields.message = message;
  const requestId = str(value["request_id"]);
  if (requestId !== undefined) fields.requestId = requestId;
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** Classify a non-success HTTP answer. */
export function classifyAnthropicError(response: ErrorResponse): BridgeError {
  const fields = parseAnthropicErrorBody(response.body) ?? plainTextFields(response.body) ?? {};
  const requestId = fields.requestId ?? response.headers.get("request-id") ?? undefined;
  return buildAnthropicError(fields, response.status, requestId, describeBody(response.status, response.body));
}

/**
 * Classify an `event: error` that arrived inside a 200 stream. There is no
 * status to go on; the type decides, and an unknown type is a provider error.
 */
export function classifyAnthropicStreamError(payload: unknown): BridgeError {
  const fields = readAnthropicErrorFields(payload) ?? {};
  return buildAnthropicError(fields, undefined, fields.requestId, "the provider reported an error in the stream");
}

// Context-overflow wording of invalid_request_error messages, as Anthropic
// words them: "prompt is too long: 215000 tokens > 200000 maximum",
// "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, ...".
const CONTEXT_PATTERNS: RegExp[] = [
  /prompt is too long/i,
  /exceeds? (the )?(model'?s? )?(maximum )?context/i,
  /exceed context limit/i,
  /context (window|length) (exceeded|limit)/i,
  /input is too long/i,
];

// Before `billing_error` existed, running out of credit came as a 400
// invalid_request_error: "Your credit balance is too low to access the Anthropic API. ..."
const CREDIT_PATTERN = /credit balance is too low/i;

interface Verdict {
  code: ErrorCode;
  retryable: boolean;
}

function decide(type: string, message: string, status: number | undefined): Verdict {
  switch (type) {
    case "overloaded_error":
      return { code: "OVERLOADED", retryable: true };
    case "rate_limit_error":
      return { code: "RATE_LIMITED", retryable: true };
    case "billing_error":
      return { code: "RATE_LIMITED", retryable: false };
    case "authentication_error":
    case "permission_error":
      return { code: "AUTH_FAILED", retryable: false };
    case "not_found_error":
      return { code: "NOT_FOUND", retryable: false };
    case "timeout_error":
      return { code: "TIMEOUT", retryable: true };
    case "api_error":
      return { code: "PROVIDER_ERROR", retryable: true };
    case "request_too_large":
      return { code: "CONTEXT_LENGTH_EXCEEDED", retryable: false };
    case "invalid_request_error":
      if (CONTEXT_PATTERNS.some((p) => p.test(message))) return { code: "CONTEXT_LENGTH_EXCEEDED", retryable: false };
      if (CREDIT_PATTERN.test(message)) return { code: "RATE_LIMITED", retryable: false };
      // A 413 arrives typed `request_too_large`, but a proxy may retype it.
      if (status === 413) return { code: "CONTEXT_LENGTH_EXCEEDED", retryable: false };
      return { code: "INVALID_PARAMS", retryable: false };
  }
  return decideByStatus(message, status);
}

function decideByStatus(message: string, status: number | undefined): Verdict {
  if (status === undefined) return { code: "PROVIDER_ERROR", retryable: false };
  if (status === 401 || status === 403) return { code: "AUTH_FAILED", retryable: false };
  if (status === 402) return { code: "RATE_LIMITED", retryable: false };
  if (status === 404) return { code: "NOT_FOUND", retryable: false };
  if (status === 408 || status === 504) return { code: "TIMEOUT", retryable: true };
  if (status === 413) return { code: "CONTEXT_LENGTH_EXCEEDED", retryable: false };
  if (status === 429) return { code: "RATE_LIMITED", retryable: true };
  if (status === 529) return { code: "OVERLOADED", retryable: true };
  if (status >= 500) return { code: "PROVIDER_ERROR", retryable: true };
  // 409 (conflict) is retried by the Stainless SDKs ("Retry on lock timeouts": `shouldRetry` in
  // anthropics/anthropic-sdk-typescript and openai/openai-node src/client.ts).
  if (status === 409) return { code: "PROVIDER_ERROR", retryable: true };
  if (status >= 400) {
    if (CONTEXT_PATTERNS.some((p) => p.test(message))) return { code: "CONTEXT_LENGTH_EXCEEDED", retryable: false };
    return { code: "INVALID_PARAMS", retryable: false };
  }
  return { code: "PROVIDER_ERROR", retryable: false };
}

function buildAnthropicError(fields: AnthropicErrorFields, status: number | undefined, requestId: string | undefined, fallbackMessage: string): BridgeError {
  const verdict = decide(fields.type ?? "", fields.message ?? "", status);
  const detail = fields.message ?? fallbackMessage;
  return new BridgeError(verdict.code, `anthropic: ${detail}`, {
    retryable: verdict.retryable,
    ...(status === undefined ? {} : { status }),
    ...(fields.type === undefined ? {} : { providerType: fields.type }),
    ...(requestId === undefined ? {} : { requestId }),
  });
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function plainTextFields(body: string): AnthropicErrorFields | undefined {
  const message = plainTextMessage(body);
  return message === undefined ? undefined : { message };
}

/**
 * Error classification for both OpenAI dialects (Chat Completions and
 * Responses) as spoken by OpenAI, Azure OpenAI and GitHub Copilot.
 *
 * Bodies are `{"error":{"message","type","param","code"}}` on OpenAI; Azure
 * adds `innererror` / `content_filters` and sometimes sends APIM bodies
 * (`{"statusCode":401,"message":...}`); Copilot answers some failures in
 * plain text (`quota exceeded`); proxies answer with HTML. Every shape is
 * tolerated: what cannot be parsed still classifies by HTTP status.
 *
 * `providerType` is the error `code` when there is one (it is the specific
 * reason, e.g. `context_length_exceeded`), else the broader `type`
 * (`invalid_request_error`).
 */
import { BridgeError, type ErrorCode } from "../../protocol/errors.ts";
import type { ErrorResponse } from "../types.ts";
import { isRecord, parseJsonBody, describeBody, plainTextMessage } from "../json.ts";

/** The fields an OpenAI-style error carries, whatever envelope it came in. */
export interface OpenAIErrorFields {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
  /** Categories that fired in an Azure content filter, with their results. */
  filtered?: Record<string, unknown>;
}

/** Parse an error body; `undefined` when it holds nothing usable (empty, HTML, ...). */
export function parseOpenAIErrorBody(body: string): OpenAIErrorFields | undefined {
  return readOpenAIErrorFields(parseJsonBody(body));
}

/** Pull the error fields out of a parsed JSON value (body, stream chunk or `response.error`). */
export function readOpenAIErrorFields(value: unknown): OpenAIErrorFields | undefined {
  // Some gateways wrap the body in a one-element array.
  if (Array.isArray(value)) return value.length > 0 ? readOpenAIErrorFields(value[0]) : undefined;
  if (!isRecord(value)) return undefined;
  const inner = value["error"];
  if (typeof inner === "string") return { message: inner };
  const source = isRecord(inner) ? inner : value;
  const fields: OpenAIErrorFields = {};
  const message = stringField(source, "message");
  const type = stringField(source, "type");
  const code = stringField(source, "code");
  const param = stringField(source, "param");
  if (message !== undefined) fields.message = message;
  if (type !== undefined) fields.type = type;
  if (code !== undefined) fields.code = code;
  if (param !== undefined) fields.param = param;
  const filtered = azureFilteredCategories(source);
  if (filtered !== undefined) fields.filtered = filtered;
  if (Object.keys(fields).length === 0) return undefined;
  return fields;
}

/** Classify a non-success HTTP answer. */
export function classifyOpenAIError(response: ErrorResponse): BridgeError {
  const fields = parseOpenAIErrorBody(response.body) ?? plainTextFields(response.body) ?? {};
  // Without a message of its own (HTML, empty, `{}`), the status line and any
  // HTML <title> stand in, and take part in classification ("Service Unavailable").
  if (fields.message === undefined) fields.message = describeBody(response.status, response.body);
  const requestId = response.headers.get("x-request-id") ?? response.headers.get("apim-request-id") ?? undefined;
  return buildOpenAIError(fields, response.status, requestId, undefined);
}

/**
 * Classify an error that arrived inside a 200 stream (a Chat chunk with a
 * top-level `error`, a Responses `error` event's `error`, or `response.failed`'s
 * `response.error`). There is no HTTP status to go on, only the code.
 */
export function classifyOpenAIStreamError(error: unknown): BridgeError {
  const fields = readOpenAIErrorFields(error) ?? {};
  return buildOpenAIError(fields, undefined, undefined, "the provider reported an error in the stream");
}

// Context-overflow wording seen from OpenAI, Azure and compatible servers;
// checked only where the status allows it, because 429 token-per-minute
// messages also talk about "tokens".
const CONTEXT_PATTERNS: RegExp[] = [
  /maximum context length/i,
  /context[_ ]length[_ ]exceeded/i,
  /exceeds the context window/i,
  /reduce the length of the messages/i,
  /prompt is too long/i,
];

const QUOTA_PATTERN = /insufficient_quota|exceeded your current quota|quota exceeded/i;
const OVERLOAD_PATTERN = /overload|service unavailable|slow down/i;

interface Verdict {
  code: ErrorCode;
  retryable: boolean;
  message?: string;
}

function decide(fields: OpenAIErrorFields, status: number | undefined): Verdict {
  const code = fields.code ?? "";
  const type = fields.type ?? "";
  const message = fields.message ?? "";
  const all = `${code} ${type} ${message}`;

  if (code === "insufficient_quota" || type === "insufficient_quota" || QUOTA_PATTERN.test(message)) {
    // Out of credit or monthly allowance: waiting a few seconds will not help.
    return { code: "RATE_LIMITED", retryable: false };
  }
  if (code === "context_length_exceeded" || (status !== 429 && CONTEXT_PATTERNS.some((p) => p.test(message)))) {
    return { code: "CONTEXT_LENGTH_EXCEEDED", retryable: false };
  }
  if (code === "content_filter" || fields.filtered !== undefined) {
    const categories = Object.keys(fields.filtered ?? {});
    const list = categories.length > 0 ? categories.join(", ") : "unspecified categories";
    return {
      code: "INVALID_PARAMS",
      retryable: false,
      message: `prompt was blocked by Azure content filtering: ${list}${message === "" ? "" : ` (${message})`}`,
    };
  }
  if (status === 401 || status === 403) return { code: "AUTH_FAILED", retryable: false };
  if (status === 404 || code === "model_not_found" || code === "DeploymentNotFound") {
    return { code: "NOT_FOUND", retryable: false };
  }
  if (status === 429 || code === "rate_limit_exceeded" || type === "rate_limit_error") {
    return { code: "RATE_LIMITED", retryable: true };
  }
  if (status === 408 || status === 409) {
    // Request timeout / conflict on the provider side: the Stainless SDKs retry both.
    return { code: "PROVIDER_ERROR", retryable: true };
  }
  if (/overloaded/i.test(code) || /overloaded/i.test(type) || (status === 503 && OVERLOAD_PATTERN.test(all))) {
    return { code: "OVERLOADED", retryable: true };
  }
  if (status !== undefined && status >= 500) return { code: "PROVIDER_ERROR", retryable: true };
  if (status === undefined && (type === "server_error" || code === "server_error" || code === "internal_error")) {
    return { code: "PROVIDER_ERROR", retryable: true };
  }
  if (status !== undefined && status >= 400) return { code: "INVALID_PARAMS", retryable: false };
  if (status === undefined && (type === "invalid_request_error" || code.startsWith("invalid_"))) {
    return { code: "INVALID_PARAMS", retryable: false };
  }
  return { code: "PROVIDER_ERROR", retryable: false };
}

function buildOpenAIError(fields: OpenAIErrorFields, status: number | undefined, requestId: string | undefined, fallbackMessage: string | undefined): BridgeError {
  const verdict = decide(fields, status);
  const message = verdict.message ?? fields.message ?? fallbackMessage ?? "provider error";
  const providerType = fields.code ?? fields.type;
  return new BridgeError(verdict.code, message, {
    retryable: verdict.retryable,
    ...(status === undefined ? {} : { status }),
    ...(providerType === undefined ? {} : { providerType }),
    ...(requestId === undefined ? {} : { requestId }),
  });
}

/**
 * Categories that fired in an Azure content-filter error: chat puts them in
 * `innererror.content_filter_result`, Responses in `content_filters[].content_filter_results`.
 */
function azureFilteredCategories(error: Record<string, unknown>): Record<string, unknown> | undefined {
  const sources: unknown[] = [];
  const inner = error["innererror"];
  if (isRecord(inner)) sources.push(inner["content_filter_result"]);
  const list = error["content_filters"];
  if (Array.isArray(list)) for (const entry of list) if (isRecord(entry)) sources.push(entry["content_filter_results"]);
  const fired: Record<string, unknown> = {};
  for (const source of sources) Object.assign(fired, firedContentFilterCategories(source));
  return Object.keys(fired).length > 0 ? fired : undefined;
}

/**
 * From one Azure `content_filter_results` object, the categories whose
 * result says `filtered: true`, e.g. `{violence: {filtered: true, severity: "medium"}}`.
 */
export function firedContentFilterCategories(results: unknown): Record<string, unknown> {
  const fired: Record<string, unknown> = {};
  if (!isRecord(results)) return fired;
  for (const [category, result] of Object.entries(results)) {
    if (isRecord(result) && result["filtered"] === true) fired[category] = result;
  }
  return fired;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  if (typeof value === "string" && value !== "") return value;
  // Azure sends numeric codes ("429" or 429) in some envelopes.
  if (typeof value === "number") return String(value);
  return undefined;
}

function plainTextFields(body: string): OpenAIErrorFields | undefined {
  const message = plainTextMessage(body);
  return message === undefined ? undefined : { message };
}

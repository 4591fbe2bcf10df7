/**
 * Error classification for Gemini, on Vertex AI and on the Gemini API
 * (Google's error model, https://cloud.google.com/apis/design/errors; the
 * error cassettes in recordings/vertex/ and recordings/google/, e.g.
 * rate-limit-429-then-success.ndjson), and the `:countTokens` answer
 * reader. Every message starts with the provider that failed (`google:` or
 * `vertex:`): the dialect is shared, the failure is one provider's.
 *
 * Bodies are Google's `{"error":{"code","message","status","details"}}`,
 * sometimes wrapped in a one-element array (the non-SSE stream format, and
 * what gemini-cli users paste). `status` is the google.rpc code name, which
 * decides before the HTTP status; an empty, HTML or unparsable body still
 * classifies by the HTTP status.
 *
 * Decisions:
 * - `RESOURCE_EXHAUSTED` → RATE_LIMITED, retryable, with the wait from the
 *   `google.rpc.RetryInfo` detail (`"retryDelay": "34.4s"`) when present.
 *   Vertex also sends it for a whole quota ("exceeded your current quota");
 *   it stays retryable because the same status covers the per-minute limits
 *   and the retry policy caps long server delays anyway.
 * - `INVALID_ARGUMENT`, `FAILED_PRECONDITION` (e.g. billing not enabled) and
 *   `OUT_OF_RANGE` → INVALID_PARAMS, except an over-long prompt ("The input
 *   token count (1200293) exceeds the maximum number of tokens allowed
 *   (1048576).") → CONTEXT_LENGTH_EXCEEDED.
 * - `PERMISSION_DENIED` also covers "API not enabled for the project": still
 *   AUTH_FAILED, since the credentials cannot do what was asked.
 * - A rejected API key is AUTH_FAILED whatever the status: the Gemini API
 *   answers a wrong key with 400 `INVALID_ARGUMENT` ("API key not valid.
 *   Please pass a valid API key."), and only its `google.rpc.ErrorInfo`
 *   reason, `API_KEY_INVALID`, says what it is. Every `API_KEY_*` reason
 *   (invalid, or refused by the key's service, referrer, IP or app
 *   restrictions) is a key problem: googleapis/googleapis
 *   google/api/error_reason.proto.
 * - `ABORTED`, `CANCELLED` and `UNKNOWN` are the server giving up on this
 *   attempt → PROVIDER_ERROR, retryable.
 */
import { BridgeError, type ErrorCode } from "../../protocol/errors.ts";
import type { ErrorResponse } from "../types.ts";
import { isRecord, parseJsonBody, describeBody, plainTextMessage } from "../json.ts";

/** The providers that speak the Gemini dialect: the prefix of every message classified here. */
export type GeminiProvider = "google" | "vertex";

/** What a Google error envelope carries. */
export interface GeminiErrorFields {
  /** The google.rpc status name, e.g. `RESOURCE_EXHAUSTED`. */
  status?: string;
  /** The numeric `code` (an HTTP status). */
  code?: number;
  message?: string;
  /** From `google.rpc.RetryInfo.retryDelay`. */
  retryAfterMs?: number;
  /** `google.rpc.ErrorInfo.reason`, e.g. `API_KEY_INVALID`. */
  reason?: string;
}

/** Pull the error fields out of a parsed body or stream chunk; `undefined` when there is no `error` in it. */
export function readGeminiErrorFields(value: unknown): GeminiErrorFields | undefined {
  if (Array.isArray(value)) return value.length > 0 ? readGeminiErrorFields(value[0]) : undefined;
  if (!isRecord(value)) return undefined;
  const error = value["error"];
  if (typeof error === "string" && error !== "") return { message: error };
  if (!isRecord(error)) return undefined;
  const fields: GeminiErrorFields = {};
  const status = error["status"];
  if (typeof status === "string" && status !== "") fields.status = status;
  const code = error["code"];
  if (typeof code === "number" && Number.isFinite(code)) fields.code = code;
  const message = error["message"];
  if (typeof message === "string" && message !== "") fields.message = message;
  const delay = retryDelayMs(error["details"]);
  if (delay !== undefined) fields.retryAfterMs = delay;
  const reason = errorInfoReason(error["details"]);
  if (reason !== undefined) fields.reason = reason;
  return fields;
}

/** Classify a non-success HTTP answer from `provider`. */
export function classifyGeminiError(response: ErrorResponse, provider: GeminiProvider): BridgeError {
  const fields = readGeminiErrorFields(parseJsonBody(response.body)) ?? plainTextFields(response.body) ?? {};
  return create(provider, decide(fields, response.status), fields, response.status, describeBody(response.status, response.body));
}

/**
 * Classify an `{"error": ...}` object that arrived inside a 200 stream. The
 * envelope's own `code` stands in for the HTTP status it would have had; the
 * BridgeError carries no `status`, since the HTTP answer was a success.
 */
export function classifyGeminiStreamError(payload: unknown, provider: GeminiProvider): BridgeError {
  const fields = readGeminiErrorFields(payload) ?? {};
  return create(provider, decide(fields, fields.code), fields, undefined, "the provider reported an error in the stream");
}

/**
 * The token total of a `:countTokens` answer (`{totalTokens,
 * totalBillableCharacters, promptTokensDetails}`). A missing `totalTokens`
 * is 0: proto3 JSON omits zero values, which is what an empty prompt gives.
 */
export function parseGeminiCountTokens(json: unknown, provider: GeminiProvider): number {
  if (!isRecord(json)) throw new BridgeError("PROVIDER_ERROR", `${provider}: unexpected countTokens answer (not a JSON object)`);
  if (json["error"] !== undefined) throw classifyGeminiStreamError(json, provider);
  const total = json["totalTokens"];
  if (total === undefined) return 0;
  if (typeof total !== "number" || !Number.isInteger(total) || total < 0) {
    throw new BridgeError("PROVIDER_ERROR", `${provider}: unexpected countTokens totalTokens: ${JSON.stringify(total)}`);
  }
  return total;
}

// "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576)."
const CONTEXT_PATTERNS: RegExp[] = [/input token count.*exceeds the maximum/i, /exceeds the maximum number of tokens/i, /context (window|length) (exceeded|limit)/i];

interface Verdict {
  code: ErrorCode;
  retryable: boolean;
}

const BY_STATUS: Record<string, Verdict> = {
  PERMISSION_DENIED: { code: "AUTH_FAILED", retryable: false },
  UNAUTHENTICATED: { code: "AUTH_FAILED", retryable: false },
  NOT_FOUND: { code: "NOT_FOUND", retryable: false },
  RESOURCE_EXHAUSTED: { code: "RATE_LIMITED", retryable: true },
  UNAVAILABLE: { code: "OVERLOADED", retryable: true },
  INTERNAL: { code: "PROVIDER_ERROR", retryable: true },
  UNKNOWN: { code: "PROVIDER_ERROR", retryable: true },
  ABORTED: { code: "PROVIDER_ERROR", retryable: true },
  CANCELLED: { code: "PROVIDER_ERROR", retryable: true },
  DEADLINE_EXCEEDED: { code: "TIMEOUT", retryable: true },
};

const INVALID_STATUSES = new Set(["INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE"]);

function decide(fields: GeminiErrorFields, httpStatus: number | undefined): Verdict {
  const { status, message = "" } = fields;
  if (fields.reason?.startsWith("API_KEY_")) return { code: "AUTH_FAILED", retryable: false };
  if (status !== undefined) {
    if (INVALID_STATUSES.has(status)) return invalid(message);
    const known = BY_STATUS[status];
    if (known !== undefined) return known;
  }
  if (httpStatus === undefined) return { code: "PROVIDER_ERROR", retryable: false };
  if (httpStatus === 401 || httpStatus === 403) return { code: "AUTH_FAILED", retryable: false };
  if (httpStatus === 404) return { code: "NOT_FOUND", retryable: false };
  if (httpStatus === 408 || httpStatus === 504) return { code: "TIMEOUT", retryable: true };
  if (httpStatus === 413) return { code: "CONTEXT_LENGTH_EXCEEDED", retryable: false };
  if (httpStatus === 429) return { code: "RATE_LIMITED", retryable: true };
  if (httpStatus === 503) return { code: "OVERLOADED", retryable: true };
  if (httpStatus === 409 || httpStatus === 499 || httpStatus >= 500) return { code: "PROVIDER_ERROR", retryable: true };
  if (httpStatus >= 400) return invalid(message);
  return { code: "PROVIDER_ERROR", retryable: false };
}

function invalid(message: string): Verdict {
  if (CONTEXT_PATTERNS.some((pattern) => pattern.test(message))) return { code: "CONTEXT_LENGTH_EXCEEDED", retryable: false };
  return { code: "INVALID_PARAMS", retryable: false };
}

function create(provider: GeminiProvider, verdict: Verdict, fields: GeminiErrorFields, status: number | undefined, fallbackMessage: string): BridgeError {
  return new BridgeError(verdict.code, `${provider}: ${fields.message ?? fallbackMessage}`, {
    retryable: verdict.retryable,
    ...(status === undefined ? {} : { status }),
    ...(fields.status === undefined ? {} : { providerType: fields.status }),
    ...(fields.retryAfterMs === undefined ? {} : { retryAfterMs: fields.retryAfterMs }),
  });
}

const RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";

/** `reason` of the first `google.rpc.ErrorInfo` detail. */
function errorInfoReason(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (isRecord(detail) && detail["@type"] === ERROR_INFO && typeof detail["reason"] === "string" && detail["reason"] !== "") return detail["reason"];
  }
  return undefined;
}

/**
 * `retryDelay` of a RetryInfo detail in ms. JSON spells a
 * google.protobuf.Duration as `"34.4s"`; the `{seconds, nanos}` object form
 * is accepted too, in case a proxy re-encodes it.
 */
function retryDelayMs(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (!isRecord(detail) || detail["@type"] !== RETRY_INFO) continue;
    const delay = detail["retryDelay"];
    if (typeof delay === "string") {
      const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
      if (match?.[1] !== undefined) return Math.round(Number(match[1]) * 1000);
    } else if (isRecord(delay)) {
      const seconds = Number(delay["seconds"] ?? 0);
      const nanos = Number(delay["nanos"] ?? 0);
      if (Number.isFinite(seconds) && Number.isFinite(nanos)) return Math.round(seconds * 1000 + nanos / 1e6);
    }
  }
  return undefined;
}

function plainTextFields(body: string): GeminiErrorFields | undefined {
  const message = plainTextMessage(body);
  return message === undefined ? undefined : { message };
}

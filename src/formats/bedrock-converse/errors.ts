/**
 * Error classification for Bedrock: the one table of exception names, used
 * for Bedrock Runtime HTTP answers (here) and for the exception frames inside
 * a 200 stream (decode/bedrock-payload.ts, which has the frame's
 * `:exception-type` header and calls classifyBedrockException).
 *
 * The exception name comes from the `x-amzn-ErrorType` header
 * (`ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/`,
 * the part before `:`), else from a body `__type`
 * (`com.amazon.coral.service#ValidationException`, the part after `#`). The
 * body is `{"message": "..."}` (or `Message`). Recorders drop the header
 * (pydantic-ai test_bedrock_streaming_error has only the 400 and the body), so
 * the status alone must still classify.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html#API_runtime_ConverseStream_Errors
 *
 * Decisions:
 * - The exception name decides before the status: `ModelNotReadyException`
 *   comes as 429 but is the model loading (OVERLOADED), not a rate limit.
 * - `ExpiredTokenException` (and the other signature / token failures) →
 *   AUTH_FAILED, not retryable: a retry re-signs with the same expired
 *   credentials. Fresh ones need a user action (SSO login, new session).
 * - `ServiceQuotaExceededException` → RATE_LIMITED, not retryable: it is a
 *   quota (e.g. tokens per day), which waiting seconds does not restore.
 * - `ModelErrorException` (424, "an error while processing the model") →
 *   PROVIDER_ERROR, not retryable: the AWS SDKs do not retry it, and the same
 *   input tends to fail the same way. `ModelStreamErrorException` asks to be
 *   retried ("Retry your request"), so it is.
 * - A `ValidationException` (or an untyped 400) is INVALID_PARAMS, except:
 *   over-long input → CONTEXT_LENGTH_EXCEEDED; "The provided model identifier
 *   is invalid." → NOT_FOUND (an unknown model, which is what NOT_FOUND means
 *   on the wire); a model that needs an inference profile → INVALID_PARAMS
 *   with providerType `on_demand_not_supported`, which the provider tests with
 *   `isInferenceProfileRequired` to retry with a profile id.
 * - `Retry-After` is read by http/retry.ts, not here.
 */
import { BridgeError, type ErrorCode } from "../../protocol/errors.ts";
import type { ErrorResponse } from "../types.ts";

/** providerType of the "use an inference profile" ValidationException. */
export const ON_DEMAND_NOT_SUPPORTED = "on_demand_not_supported";

export interface BedrockVerdict {
  code: ErrorCode;
  retryable: boolean;
  /** Replaces the exception name as the error's providerType (the inference-profile case). */
  providerType?: string;
}
type Verdict = BedrockVerdict;

/**
 * Exception name → verdict. Keys lowercased: the HTTP header spells
 * `ThrottlingException`, stream frames `throttlingException`
 * (the stream's are throttling, serviceUnavailable, internalServer,
 * modelStreamError and validation:
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html).
 * modelNotReadyException: the model is being loaded; AWS SDKs retry it.
 */
export const BEDROCK_EXCEPTIONS: Readonly<Record<string, Verdict>> = {
  throttlingexception: { code: "RATE_LIMITED", retryable: true },
  servicequotaexceededexception: { code: "RATE_LIMITED", retryable: false },
  serviceunavailableexception: { code: "OVERLOADED", retryable: true },
  modelnotreadyexception: { code: "OVERLOADED", retryable: true },
  internalserverexception: { code: "PROVIDER_ERROR", retryable: true },
  modelstreamerrorexception: { code: "PROVIDER_ERROR", retryable: true },
  modelerrorexception: { code: "PROVIDER_ERROR", retryable: false },
  modeltimeoutexception: { code: "TIMEOUT", retryable: true },
  accessdeniedexception: { code: "AUTH_FAILED", retryable: false },
  unrecognizedclientexception: { code: "AUTH_FAILED", retryable: false },
  invalidsignatureexception: { code: "AUTH_FAILED", retryable: false },
  incompletesignatureexception: { code: "AUTH_FAILED", retryable: false },
  missingauthenticationtokenexception: { code: "AUTH_FAILED", retryable: false },
  expiredtokenexception: { code: "AUTH_FAILED", retryable: false },
  resourcenotfoundexception: { code: "NOT_FOUND", retryable: false },
};

// How Bedrock and the models behind it word an over-long input:
// "Input is too long for requested model." (Bedrock), "prompt is too long:
// 215000 tokens > 200000 maximum" and "input length and `max_tokens` exceed
// context limit: ..." (Claude), "Too many input tokens. Max input tokens:
// 8192, request input token count: 9279" (Titan/Nova), "too many total text
// bytes", "Malformed input request: expected maxLength: 50000, actual: 52611".
// Bare words such as "context" or "exceeds the maximum" are not enough: a
// max_tokens above the model's output cap is a parameter error, not overflow.
const CONTEXT_PATTERNS: RegExp[] = [
  /input is too long/i,
  /prompt is too long/i,
  /too many input tokens/i,
  /too many total text bytes/i,
  /exceeds? (the )?(model'?s? )?(maximum )?context/i,
  /exceed context limit/i,
  /context (window|length) (exceeded|limit)/i,
  /maximum context length/i,
  /input token count.*exceeds the maximum/i,
  /expected maxLength: \d+, actual: \d+/i,
];

// "Invocation of model ID anthropic.claude-sonnet-4-6 with on-demand
// throughput isn't supported. Retry your request with the ID or ARN of an
// inference profile that contains this model."
const ON_DEMAND_PATTERN = /on-demand throughput isn.?t supported|ID or ARN of an inference profile/i;

// Recorded (pydantic-ai test_bedrock_streaming_error): 400 "The provided model identifier is invalid."
const UNKNOWN_MODEL_PATTERN = /model identifier is invalid/i;

/** Classify a non-success Bedrock Runtime HTTP answer. */
export function classifyBedrockError(response: ErrorResponse): BridgeError {
  const parsed = parseBody(response.body);
  const exception = exceptionName(response.headers.get("x-amzn-errortype")) ?? exceptionName(parsed.type);
  const message = parsed.message ?? describe(response.status, response.body, exception);
  const verdict = decide(exception, message, response.status);
  const providerType = verdict.providerType ?? exception;
  const requestId = response.headers.get("x-amzn-requestid") ?? undefined;
  return new BridgeError(verdict.code, `bedrock: ${message}`, {
    retryable: verdict.retryable,
    status: response.status,
    ...(providerType === undefined ? {} : { providerType }),
    ...(requestId === undefined ? {} : { requestId }),
  });
}

/** True for the error that asks to call the model through an inference profile instead of its bare id. */
export function isInferenceProfileRequired(error: unknown): boolean {
  return error instanceof BridgeError && error.providerType === ON_DEMAND_NOT_SUPPORTED;
}

/** Temporary credentials that expired: the header spells it ExpiredTokenException, a stream frame expiredTokenException. */
export function isExpiredToken(error: unknown): boolean {
  return error instanceof BridgeError && error.providerType?.toLowerCase() === "expiredtokenexception";
}

/**
 * The verdict for an exception name (any case) and its message, from the one
 * table above; undefined for a name it does not know, which the caller
 * decides by what else it has (the HTTP status, or nothing in a stream).
 */
export function classifyBedrockException(exception: string, message: string): Verdict | undefined {
  const key = exception.toLowerCase();
  if (key === "validationexception") return decideValidation(message);
  return Object.hasOwn(BEDROCK_EXCEPTIONS, key) ? BEDROCK_EXCEPTIONS[key] : undefined;
}

function decide(exception: string | undefined, message: string, status: number): Verdict {
  return (exception === undefined ? undefined : classifyBedrockException(exception, message)) ?? decideByStatus(message, status);
}

function decideValidation(message: string): Verdict {
  if (ON_DEMAND_PATTERN.test(message)) {
    return { code: "INVALID_PARAMS", retryable: false, providerType: ON_DEMAND_NOT_SUPPORTED };
  }
  if (CONTEXT_PATTERNS.some((pattern) => pattern.test(message))) return { code: "CONTEXT_LENGTH_EXCEEDED", retryable: false };
  if (UNKNOWN_MODEL_PATTERN.test(message)) return { code: "NOT_FOUND", retryable: false };
  return { code: "INVALID_PARAMS", retryable: false };
}

function decideByStatus(message: string, status: number): Verdict {
  if (status === 400) return decideValidation(message);
  if (status === 401 || status === 403) return { code: "AUTH_FAILED", retryable: false };
  if (status === 404) return { code: "NOT_FOUND", retryable: false };
  if (status === 408 || status === 504) return { code: "TIMEOUT", retryable: true };
  if (status === 413) return { code: "CONTEXT_LENGTH_EXCEEDED", retryable: false };
  if (status === 424) return { code: "PROVIDER_ERROR", retryable: false };
  if (status === 429) return { code: "RATE_LIMITED", retryable: true };
  if (status === 503) return { code: "OVERLOADED", retryable: true };
  if (status >= 500) return { code: "PROVIDER_ERROR", retryable: true };
  if (status >= 400) return decideValidation(message);
  return { code: "PROVIDER_ERROR", retryable: false };
}

interface BodyFields {
  message?: string;
  type?: string;
}

/** `{"message"}` / `{"Message"}` with an optional `__type`; a short plain-text body is the message itself. */
function parseBody(body: string): BodyFields {
  const text = body.trim();
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's text or HTML page): what it says is used below, if anything.
    return text.startsWith("<") || text.length > 500 ? {} : { message: text };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  const object = parsed as Record<string, unknown>;
  const fields: BodyFields = {};
  const message = nonEmpty(object["message"]) ?? nonEmpty(object["Message"]);
  if (message !== undefined) fields.message = message;
  const type = nonEmpty(object["__type"]);
  if (type !== undefined) fields.type = type;
  return fields;
}

/** `ThrottlingException:http://…` → `ThrottlingException`; `com.amazon.coral.service#ValidationException` → `ValidationException`. */
function exceptionName(raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const name = raw
    .slice(raw.lastIndexOf("#") + 1)
    .split(":")[0]
    ?.trim();
  return name === undefined || name === "" ? undefined : name;
}

/** A message for an answer whose body had none (empty, HTML page). */
function describe(status: number, body: string, exception: string | undefined): string {
  if (exception !== undefined) return `${exception} (HTTP ${status})`;
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
  if (title !== undefined && title !== "") return `HTTP ${status}: ${title}`;
  return `HTTP ${status}`;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

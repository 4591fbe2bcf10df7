/**
 * Retry policy as data plus pure functions (no I/O, no clock), tested as one
 * table in test/http/retry.test.ts. A chat POST is safe to repeat only until
 * the first content chunk has been written; the caller enforces that
 * boundary, this module only decides "whether and how long".
 */
import { BridgeError } from "../protocol/errors.ts";

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking for a longer wait than this is not retried; its retry_after_ms reaches the caller instead. */
  maxServerDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  // Two retries like both official Stainless SDKs; the editor can raise it per request (params.max_retries).
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxServerDelayMs: 60_000,
};

export type RetryDecision = { retry: false } | { retry: true; delayMs: number; reason: string };

/**
 * `attempt` counts retries already made (0 before the first retry).
 * `random` is in [0, 1): full jitter, delay = random × min(max, base × 2^attempt),
 * unless the server named a delay, which is used as it is.
 */
export function decideRetry(attempt: number, error: BridgeError, policy: RetryPolicy, random: number): RetryDecision {
  if (!error.retryable || attempt >= policy.maxRetries) return { retry: false };
  const reason = describeRetryReason(error);
  if (error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > policy.maxServerDelayMs) return { retry: false };
    return { retry: true, delayMs: Math.max(0, Math.round(error.retryAfterMs)), reason };
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return { retry: true, delayMs: Math.round(random * ceiling), reason };
}

function describeRetryReason(error: BridgeError): string {
  const status = error.status !== undefined ? ` (HTTP ${error.status})` : "";
  return `${error.code}${status}: ${error.message}`;
}

/**
 * The server's advised wait, in ms: `retry-after-ms` (float ms) wins, then
 * `retry-after` as seconds or an HTTP date. `now` is the current time in ms
 * (for HTTP dates).
 *
 * Only a positive wait is advice. Zero, negative, a date already past or
 * an unparsable value say nothing: the next header is read, then our own
 * backoff applies. That is the Anthropic SDK's reading (@anthropic-ai/sdk
 * 0.137.0, src/client.ts `retryRequest`: a `retry-after-ms` of 0 lets
 * `retry-after` decide, and "zero/negative, a date in the past" fall back
 * to the default backoff). openai-node 7.57.0 (src/client.ts) retries at
 * once on `retry-after-ms: 0` and ignores `retry-after` then; we do not
 * follow it there: an immediate retry after a 429 or an overload is the
 * stampede backoff exists to prevent, and jitter costs at most 0.5 s.
 */
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value > 0) return value;
  }
  const after = headers.get("retry-after");
  if (after === null) return undefined;
  const trimmed = after.trim();
  const wait = /^\d+(\.\d+)?$/.test(trimmed) ? Number.parseFloat(trimmed) * 1000 : Date.parse(trimmed) - now;
  return Number.isFinite(wait) && wait > 0 ? wait : undefined;
}

/** `x-should-retry: true|false` overrides our own classification, as the Stainless SDKs do. */
export function parseShouldRetry(headers: Headers): boolean | undefined {
  const value = headers.get("x-should-retry");
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

/** Overlay what the response headers say about retrying onto a classified error. */
export function applyRetryHeaders(error: BridgeError, headers: Headers, now: number): BridgeError {
  const retryAfterMs = parseRetryAfter(headers, now);
  const shouldRetry = parseShouldRetry(headers);
  if (retryAfterMs === undefined && shouldRetry === undefined) return error;
  const copy = new BridgeError(error.code, error.message, {
    retryable: shouldRetry ?? error.retryable,
    ...(error.status !== undefined && { status: error.status }),
    ...((retryAfterMs ?? error.retryAfterMs) !== undefined && { retryAfterMs: (retryAfterMs ?? error.retryAfterMs) as number }),
    partial: error.partial,
    ...(error.providerType !== undefined && { providerType: error.providerType }),
    ...(error.requestId !== undefined && { requestId: error.requestId }),
    cause: error.cause ?? error,
  });
  return copy;
}

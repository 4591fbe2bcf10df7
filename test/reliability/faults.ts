/**
 * The fault table of the reliability matrix: each row is one fault, how
 * many attempts it hits, and what the retry policy (README "Reliability
 * defaults", src/http/retry.ts) and the wire contract say must come out.
 * Expectations are written from the policy, not read from the code:
 *
 * - before any content: network errors, timeouts, truncation, 408/409/429/5xx
 *   and overload are retried (default 2 retries, full jitter with random 0.5:
 *   250 ms then 500 ms; a server-named wait is used as it is, one over 60 s
 *   is not waited for);
 * - after content: never retried; the error says `partial: true`;
 * - corruption (bad JSON, bad frame CRC) is final;
 * - a stall ends in a retryable TIMEOUT once its timer runs out.
 */
import type { ErrorCode } from "../../src/protocol/errors.ts";
import type { FaultKind } from "./fault-server.ts";
import type { ProviderRow } from "./providers.ts";

/** Timer used by the stall cells; every other cell runs with generous timers so a busy CI machine cannot trip them. */
export const STALL_MS = 200;
export const RELAXED_MS = 5_000;
/** Slack over the computed deadline for a terminal line. */
export const MARGIN_MS = 1_000;

export interface Expectation {
  outcome: "done" | "error";
  /** One code, or the codes a fault may honestly produce (a reset mid-body reads as a network error or a cut stream). */
  code?: ErrorCode | ErrorCode[];
  retryable?: boolean;
  partial?: boolean;
  status?: number;
  retryAfterMs?: number;
  /** Requests the fault server must see (1 + retries). */
  attempts: number;
  /** Retry chunks written; default attempts − 1 (more when the deadline ends a retry wait). */
  retryChunks?: number;
  /** delay_ms of the retry chunks, in order (the harness draws random = 0.5). */
  delays?: number[];
  /** What the client shows: the whole answer, the text sent before the fault, or nothing. */
  content: "full" | "prefix" | "none";
  /** The terminal line arrives within this (plus MARGIN_MS). */
  deadlineMs: number;
}

export interface FaultCase {
  name: string;
  kind: FaultKind;
  /** Attempts that get the fault (default: all). */
  times?: number;
  error?: { status: number; headers?: Record<string, string> };
  stallTimers?: boolean;
  /** Cells where the fault has no meaning for the provider's framing are "n/a". */
  appliesTo?: (row: ProviderRow) => boolean;
  expect: (row: ProviderRow) => Expectation;
}

const RETRIES = 2;
const ALL = 1 + RETRIES;
const BACKOFF = [250, 500];
const QUICK = RELAXED_MS;

const sse = (row: ProviderRow): boolean => row.dialect.framing === "sse";
const eventStream = (row: ProviderRow): boolean => row.dialect.framing === "event-stream";

const storm = (code: ErrorCode, status: number): Expectation => ({
  outcome: "error",
  code,
  retryable: true,
  partial: false,
  status,
  attempts: ALL,
  delays: BACKOFF,
  content: "none",
  deadlineMs: QUICK,
});

export const FAULTS: FaultCase[] = [
  {
    name: "reset before headers (every attempt)",
    kind: "reset-before-headers",
    expect: () => ({ outcome: "error", code: "NETWORK_ERROR", retryable: true, partial: false, attempts: ALL, delays: BACKOFF, content: "none", deadlineMs: QUICK }),
  },
  {
    name: "reset before headers (once, then ok)",
    kind: "reset-before-headers",
    times: 1,
    expect: () => ({ outcome: "done", attempts: 2, delays: [250], content: "full", deadlineMs: QUICK }),
  },
  {
    name: "reset after headers, before content",
    kind: "reset-before-content",
    expect: () => ({
      outcome: "error",
      code: ["NETWORK_ERROR", "STREAM_ERROR"],
      retryable: true,
      partial: false,
      attempts: ALL,
      delays: BACKOFF,
      content: "none",
      deadlineMs: QUICK,
    }),
  },
  {
    name: "reset mid-body",
    kind: "reset-mid-body",
    expect: () => ({ outcome: "error", code: ["NETWORK_ERROR", "STREAM_ERROR"], retryable: true, partial: true, attempts: 1, content: "prefix", deadlineMs: QUICK }),
  },
  {
    name: "stall before headers (every attempt)",
    kind: "stall-before-headers",
    stallTimers: true,
    expect: () => ({ outcome: "error", code: "TIMEOUT", retryable: true, partial: false, attempts: ALL, delays: BACKOFF, content: "none", deadlineMs: ALL * STALL_MS }),
  },
  {
    name: "stall before first content (once, then ok)",
    kind: "stall-before-content",
    times: 1,
    stallTimers: true,
    expect: () => ({ outcome: "done", attempts: 2, delays: [250], content: "full", deadlineMs: STALL_MS }),
  },
  {
    name: "stall mid-body",
    kind: "stall-mid-body",
    stallTimers: true,
    expect: () => ({ outcome: "error", code: "TIMEOUT", retryable: true, partial: true, attempts: 1, content: "prefix", deadlineMs: STALL_MS }),
  },
  {
    name: "drip, one byte at a time",
    kind: "drip",
    expect: () => ({ outcome: "done", attempts: 1, content: "full", deadlineMs: QUICK }),
  },
  {
    name: "malformed SSE (junk lines)",
    kind: "malformed-sse",
    appliesTo: sse,
    // The SSE spec ignores lines without a known field; the answer is intact.
    expect: () => ({ outcome: "done", attempts: 1, content: "full", deadlineMs: QUICK }),
  },
  {
    name: "invalid JSON in the first event",
    kind: "invalid-json-first",
    expect: () => ({ outcome: "error", code: "STREAM_ERROR", retryable: false, partial: false, attempts: 1, content: "none", deadlineMs: QUICK }),
  },
  {
    name: "invalid JSON mid-stream",
    kind: "invalid-json-mid",
    expect: () => ({ outcome: "error", code: "STREAM_ERROR", retryable: false, partial: true, attempts: 1, content: "prefix", deadlineMs: QUICK }),
  },
  {
    name: "truncated body (event/frame cut)",
    kind: "truncated",
    expect: () => ({ outcome: "error", code: "STREAM_ERROR", retryable: true, partial: true, attempts: 1, content: "prefix", deadlineMs: QUICK }),
  },
  {
    name: "body ends before content (once, then ok)",
    kind: "truncated-before-content",
    times: 1,
    expect: () => ({ outcome: "done", attempts: 2, delays: [250], content: "full", deadlineMs: QUICK }),
  },
  {
    name: "corrupted frame (CRC)",
    kind: "corrupt-frame",
    appliesTo: eventStream,
    expect: () => ({ outcome: "error", code: "STREAM_ERROR", retryable: false, partial: true, attempts: 1, content: "prefix", deadlineMs: QUICK }),
  },
  {
    name: "oversized event or frame",
    kind: "oversized-event",
    // Refusing to buffer without bound is final; what was shown stays shown.
    expect: () => ({ outcome: "error", code: "STREAM_ERROR", retryable: false, partial: true, attempts: 1, content: "prefix", deadlineMs: QUICK }),
  },
  {
    name: "HTML page with 200 (captive portal)",
    kind: "html-200",
    // A page where a stream should be: one clear, final error on every provider (asking again gets the same page).
    expect: () => ({ outcome: "error", code: "STREAM_ERROR", retryable: false, partial: false, attempts: 1, content: "none", deadlineMs: QUICK }),
  },
  {
    name: "HTML 502 error page (every attempt)",
    kind: "html-502",
    expect: () => storm("PROVIDER_ERROR", 502),
  },
  {
    name: "50 MB error body (once, then ok)",
    kind: "huge-error-500",
    times: 1,
    expect: () => ({ outcome: "done", attempts: 2, delays: [250], content: "full", deadlineMs: QUICK }),
  },
  {
    name: "429 with retry-after: 2 (once, then ok)",
    kind: "status",
    times: 1,
    error: { status: 429, headers: { "retry-after": "2" } },
    expect: () => ({ outcome: "done", attempts: 2, delays: [2000], content: "full", deadlineMs: QUICK }),
  },
  {
    name: "429 without retry-after (every attempt)",
    kind: "status",
    error: { status: 429 },
    expect: () => storm("RATE_LIMITED", 429),
  },
  {
    name: "429 with retry-after: 120 (too long to wait)",
    kind: "status",
    error: { status: 429, headers: { "retry-after": "120" } },
    expect: () => ({
      outcome: "error",
      code: "RATE_LIMITED",
      retryable: true,
      partial: false,
      status: 429,
      retryAfterMs: 120_000,
      attempts: 1,
      content: "none",
      deadlineMs: QUICK,
    }),
  },
  {
    name: "500 storm (every attempt)",
    kind: "status",
    error: { status: 500 },
    expect: () => storm("PROVIDER_ERROR", 500),
  },
  {
    name: "500 with x-should-retry: false",
    kind: "status",
    error: { status: 500, headers: { "x-should-retry": "false" } },
    // The server's word overrides our classification, as in the Stainless SDKs.
    expect: () => ({ outcome: "error", code: "PROVIDER_ERROR", retryable: false, partial: false, status: 500, attempts: 1, content: "none", deadlineMs: QUICK }),
  },
  {
    name: "502 twice, then ok",
    kind: "status",
    times: 2,
    error: { status: 502 },
    expect: () => ({ outcome: "done", attempts: 3, delays: BACKOFF, content: "full", deadlineMs: QUICK }),
  },
  {
    name: "503 storm (every attempt)",
    kind: "status",
    error: { status: 503 },
    // Anthropic's API names overload with 529/overloaded_error; a 503 api_error is a plain server error there.
    expect: (row) => storm(row.id === "anthropic" ? "PROVIDER_ERROR" : "OVERLOADED", 503),
  },
  {
    name: "529 storm (every attempt)",
    kind: "status",
    error: { status: 529 },
    // 529 is Anthropic's overload status; elsewhere it is just a 5xx.
    expect: (row) => storm(row.id === "anthropic" ? "OVERLOADED" : "PROVIDER_ERROR", 529),
  },
];

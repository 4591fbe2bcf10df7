import { describe, expect, test } from "bun:test";
import { applyRetryHeaders, decideRetry, DEFAULT_RETRY_POLICY, parseRetryAfter, parseShouldRetry } from "../../src/http/retry.ts";
import { BridgeError } from "../../src/protocol/errors.ts";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const policy = DEFAULT_RETRY_POLICY; // maxRetries 2, base 500 ms, cap 8 s, server delays up to 60 s

function error(retryable: boolean, retryAfterMs?: number): BridgeError {
  return new BridgeError("RATE_LIMITED", "slow down", { retryable, status: 429, ...(retryAfterMs !== undefined && { retryAfterMs }) });
}

describe("decideRetry", () => {
  // attempt, retryable, server delay, random → expected
  const cases: Array<[string, number, boolean, number | undefined, number, { retry: false } | { delayMs: number }]> = [
    ["not retryable", 0, false, undefined, 0.5, { retry: false }],
    ["first retry, full jitter of 500 ms", 0, true, undefined, 0.5, { delayMs: 250 }],
    ["second retry, jitter of 1000 ms", 1, true, undefined, 0.5, { delayMs: 500 }],
    ["random 0 gives no wait", 1, true, undefined, 0, { delayMs: 0 }],
    ["random just under 1 stays under the ceiling", 1, true, undefined, 0.999, { delayMs: 999 }],
    ["attempts exhausted", 2, true, undefined, 0.5, { retry: false }],
    ["server delay used as is, no jitter", 0, true, 2000, 0.5, { delayMs: 2000 }],
    ["server delay of 0", 0, true, 0, 0.9, { delayMs: 0 }],
    ["server delay at the 60 s limit", 0, true, 60_000, 0.5, { delayMs: 60_000 }],
    ["server delay beyond 60 s is not waited out", 0, true, 60_001, 0.5, { retry: false }],
    ["server delay does not extend the attempt budget", 2, true, 100, 0.5, { retry: false }],
  ];
  for (const [name, attempt, retryable, after, random, expected] of cases) {
    test(name, () => {
      const decision = decideRetry(attempt, error(retryable, after), policy, random);
      if ("retry" in expected) expect(decision).toEqual({ retry: false });
      else {
        expect(decision.retry).toBe(true);
        if (decision.retry) {
          expect(decision.delayMs).toBe(expected.delayMs);
          expect(decision.reason).toContain("RATE_LIMITED (HTTP 429)");
        }
      }
    });
  }

  test("the backoff ceiling caps at 8 s however many attempts", () => {
    const many = { ...policy, maxRetries: 20 };
    const decision = decideRetry(10, error(true), many, 0.999999);
    expect(decision.retry && decision.delayMs).toBe(8000);
  });
});

describe("parseRetryAfter", () => {
  const cases: Array<[string, Record<string, string>, number | undefined]> = [
    ["no header", {}, undefined],
    ["seconds", { "retry-after": "2" }, 2000],
    ["fractional seconds", { "retry-after": "1.5" }, 1500],
    ["retry-after-ms wins over retry-after", { "retry-after-ms": "644", "retry-after": "20" }, 644],
    ["fractional ms", { "retry-after-ms": "12.5" }, 12.5],
    ["negative retry-after-ms falls back to retry-after", { "retry-after-ms": "-3", "retry-after": "4" }, 4000],
    ["HTTP date 30 s ahead", { "retry-after": "Tue, 24 Nov 2026 12:00:30 GMT" }, 30_000],
    ["garbage", { "retry-after": "soon" }, undefined],
    // Only a positive wait is advice (src/http/retry.ts cites the SDKs): 0, a past date, garbage let the next header or our backoff decide.
    ["retry-after-ms: 0 lets retry-after decide", { "retry-after-ms": "0", "retry-after": "2" }, 2000],
    ["retry-after-ms: 0 alone is no advice", { "retry-after-ms": "0" }, undefined],
    ["retry-after-ms: 0.0 is no advice either", { "retry-after-ms": "0.0" }, undefined],
    ["retry-after-ms just above 0 is advice", { "retry-after-ms": "0.5" }, 0.5],
    ["retry-after: 0 is no advice", { "retry-after": "0" }, undefined],
    ["HTTP date in the past is no advice", { "retry-after": "Tue, 24 Nov 2026 11:00:00 GMT" }, undefined],
    ["HTTP date now is no advice", { "retry-after": "Tue, 24 Nov 2026 12:00:00 GMT" }, undefined],
  ];
  for (const [name, headers, expected] of cases) {
    test(name, () => expect(parseRetryAfter(new Headers(headers), NOW)).toBe(expected));
  }
});

describe("a 429 answering retry-after-ms: 0", () => {
  // What a caller sees end to end: the header overlaid on the classified error, then the decision.
  const decide = (headers: Record<string, string>) => decideRetry(0, applyRetryHeaders(error(true), new Headers(headers), NOW), policy, 0.5);

  test("waits our jittered backoff (250 ms at random 0.5), not 0 ms", () => {
    expect(decide({ "retry-after-ms": "0" })).toMatchObject({ retry: true, delayMs: 250 });
  });

  test("with retry-after: 3 beside it, waits 3 s", () => {
    expect(decide({ "retry-after-ms": "0", "retry-after": "3" })).toMatchObject({ retry: true, delayMs: 3000 });
  });

  test("carries no retry_after_ms to the caller", () => {
    expect(applyRetryHeaders(error(true), new Headers({ "retry-after-ms": "0" }), NOW).retryAfterMs).toBeUndefined();
  });
});

describe("x-should-retry", () => {
  test.each([
    ["true", true],
    ["false", false],
    ["maybe", undefined],
  ] as const)("%s", (value, expected) => {
    expect(parseShouldRetry(new Headers({ "x-should-retry": value }))).toBe(expected);
  });

  test("overrides the dialect's classification both ways and keeps the rest", () => {
    const notRetryable = new BridgeError("INVALID_PARAMS", "bad", { status: 400, providerType: "invalid_request_error", requestId: "req_1" });
    const forced = applyRetryHeaders(notRetryable, new Headers({ "x-should-retry": "true", "retry-after": "3" }), NOW);
    expect([forced.retryable, forced.retryAfterMs, forced.code, forced.status, forced.providerType, forced.requestId]).toEqual([
      true,
      3000,
      "INVALID_PARAMS",
      400,
      "invalid_request_error",
      "req_1",
    ]);
    const refused = applyRetryHeaders(error(true), new Headers({ "x-should-retry": "false" }), NOW);
    expect(refused.retryable).toBe(false);
  });

  test("without retry headers the error is returned unchanged", () => {
    const original = error(true);
    expect(applyRetryHeaders(original, new Headers(), NOW)).toBe(original);
  });
});

/**
 * Non-streaming calls (model listings, token counts, key checks): one JSON
 * answer, the same classification and retry policy as chat, retried
 * silently since nothing has been written for them yet.
 */
import type { Deps } from "../deps.ts";
import { BridgeError } from "../protocol/errors.ts";
import { answerHost, BODY_LIMITS, readBodyText } from "./body.ts";
import { abortReason, sendRequest, type ErrorClassifier } from "./client.ts";
import { observingFetch, rateLimiterFor, rateLimitKey } from "./rate-limit.ts";
import { runAttempts } from "./attempts.ts";
import { DEFAULT_RETRY_POLICY, decideRetry } from "./retry.ts";
import { DEFAULT_TIMEOUTS } from "./watchdog.ts";

export interface FetchJsonOptions {
  /** Which size limit of src/http/body.ts the answer gets; default: a model listing's, the largest. */
  limit?: "listing" | "answer" | "credential";
  /** One attempt's timer, headers and body together. */
  timeoutMs?: number;
}

export async function fetchJson<T>(
  deps: Deps,
  buildRequest: () => Request,
  signal: AbortSignal,
  classify: ErrorClassifier,
  { limit = "listing", timeoutMs = DEFAULT_TIMEOUTS.headers_ms }: FetchJsonOptions = {},
): Promise<T> {
  // The attempts of this call, so that the queue does not hold a retry for the 429 it is retrying.
  const owner = {};
  return runAttempts({
    deps,
    signal,
    attempt: async () => {
      let attemptSignal = signal;
      try {
        const request = buildRequest();
        // Short calls wait out a rate-limit hold but take no place in the queue (src/http/rate-limit.ts); the wait is not the timer's.
        const lease = await rateLimiterFor(deps).pass(await rateLimitKey(request), signal, owner);
        attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
        const response = await sendRequest({ ...deps, fetch: observingFetch(deps.fetch, lease) }, request, attemptSignal, classify);
        let text: string;
        try {
          text = await readBodyText(response, BODY_LIMITS[limit], answerHost(response, request.url));
        } catch (error) {
          if (error instanceof BridgeError) throw error;
          throw abortReason(attemptSignal, error, "reading the response failed");
        }
        try {
          return JSON.parse(text) as T;
        } catch (error) {
          throw new BridgeError("PROVIDER_ERROR", `provider answered with invalid JSON: ${text.slice(0, 200)}`, { cause: error });
        }
      } catch (thrown) {
        throw timeoutOrSelf(thrown, attemptSignal, signal, timeoutMs);
      }
    },
    // Silent retries: nothing was written for these calls yet.
    decide: (error, n) => decideRetry(n, error, DEFAULT_RETRY_POLICY, deps.random()),
  });
}

/** AbortSignal.timeout aborts with a DOMException; say which timer it was in our own terms. */
function timeoutOrSelf(thrown: unknown, attemptSignal: AbortSignal, outer: AbortSignal, timeoutMs: number): BridgeError {
  if (outer.aborted) return abortReason(outer, thrown, "");
  if (attemptSignal.aborted) return new BridgeError("TIMEOUT", `no answer within ${timeoutMs} ms`, { retryable: true, cause: thrown });
  return thrown instanceof BridgeError ? thrown : abortReason(attemptSignal, thrown, "request failed");
}

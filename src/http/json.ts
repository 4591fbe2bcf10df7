/**
 * Non-streaming calls (model listings, token counts, key checks): one JSON
 * answer, the same classification and retry policy as chat, retried
 * silently since nothing has been written for them yet.
 */
import type { Deps } from "../deps.ts";
import { BridgeError } from "../protocol/errors.ts";
import { abortReason, sendRequest, type ErrorClassifier } from "./client.ts";
import { decideRetry, DEFAULT_RETRY_POLICY } from "./retry.ts";
import { DEFAULT_TIMEOUTS } from "./watchdog.ts";

export async function fetchJson<T>(
  deps: Deps,
  buildRequest: () => Request,
  signal: AbortSignal,
  classify: ErrorClassifier,
  timeoutMs = DEFAULT_TIMEOUTS.headers_ms,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const attemptSignal = AbortSignal.any([
      signal,
      AbortSignal.timeout(timeoutMs),
    ]);
    try {
      const response = await sendRequest(deps, buildRequest(), attemptSignal, classify);
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw abortReason(attemptSignal, error, "reading the response failed");
      }
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new BridgeError("PROVIDER_ERROR", `provider answered with invalid JSON: ${text.slice(0, 200)}`, { cause: error });
      }
    } catch (thrown) {
      const error = timeoutOrSelf(thrown, attemptSignal, signal, timeoutMs);
      const decision = signal.aborted ? ({ retry: false } as const) : decideRetry(attempt, error, DEFAULT_RETRY_POLICY, deps.random());
      if (!decision.retry) throw error;
      await deps.sleep(decision.delayMs, signal);
    }
  }
}

/** AbortSignal.timeout aborts with a DOMException; say which timer it was in our own terms. */
function timeoutOrSelf(thrown: unknown, attemptSignal: AbortSignal, outer: AbortSignal, timeoutMs: number): BridgeError {
  if (outer.aborted) return abortReason(outer, thrown, "");
  if (attemptSignal.aborted) return new BridgeError("TIMEOUT", `no answer within ${timeoutMs} ms`, { retryable: true, cause: thrown });
  return thrown instanceof BridgeError ? thrown : abortReason(attemptSignal, thrown, "request failed");
}

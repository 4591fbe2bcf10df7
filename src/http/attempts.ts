/**
 * The one loop that tries again: every place that repeats a failed attempt
 * (stream_chat's retries, recoveries and resumes; the non-streaming calls;
 * Copilot's renewal of a rejected token) gives what one attempt does and how
 * to decide after a failure. The loop converts the failure to a BridgeError,
 * waits where the decision says (a cancel during the wait ends it with the
 * cancel's reason), and reports the failure once, when it gives up.
 */
import type { Deps } from "../deps.ts";
import { type BridgeError, toBridgeError } from "../protocol/errors.ts";
import { abortReason } from "./client.ts";

export type AttemptDecision =
  | { retry: false }
  | {
      retry: true;
      /** Wait this long before the next attempt; absent: go on at once (a recovery that changed what is sent). */
      delayMs?: number;
      /** Said before the wait: a `retry` or `resumed` chunk, a log line, the bookkeeping of the next attempt. */
      announce?(): void | Promise<void>;
      /** Names the wait in a cancel's message. */
      waitName?: string;
    };

export interface Attempts<T> {
  deps: Pick<Deps, "sleep">;
  signal: AbortSignal;
  /** One attempt; `n` counts from 0. */
  attempt(n: number): Promise<T>;
  /** After attempt `n` failed: try again (after how long, saying what), or give up. Not asked once the signal aborted. */
  decide(error: BridgeError, n: number): AttemptDecision | Promise<AttemptDecision>;
  /** Told once, when the loop gives up (the attempt's error, or a cancel during a wait), before that error is thrown. */
  onGiveUp?(error: BridgeError): void;
}

export async function runAttempts<T>(options: Attempts<T>): Promise<T> {
  const { signal } = options;
  for (let n = 0; ; n++) {
    let error: BridgeError;
    try {
      return await options.attempt(n);
    } catch (thrown) {
      error = toBridgeError(thrown);
    }
    const decision: AttemptDecision = signal.aborted ? { retry: false } : await options.decide(error, n);
    if (!decision.retry) {
      options.onGiveUp?.(error);
      throw error;
    }
    await decision.announce?.();
    if (decision.delayMs === undefined) continue;
    try {
      await options.deps.sleep(decision.delayMs, signal);
    } catch (aborted) {
      const reason = abortReason(signal, aborted, decision.waitName ?? "retry wait");
      options.onGiveUp?.(reason);
      throw reason;
    }
  }
}

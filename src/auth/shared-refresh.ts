/**
 * Waiting on a credential refresh that several requests share: one caller's
 * cancellation ends its own wait, never the refresh the others still need.
 */
import { BridgeError } from "../protocol/errors.ts";

export function cancellationOf(signal: AbortSignal): BridgeError {
  const reason: unknown = signal.reason;
  return reason instanceof BridgeError ? reason : new BridgeError("CANCELLED", "request cancelled", { cause: reason });
}

export function awaitSharedRefresh<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancellationOf(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    // Always subscribed, so a refresh that fails after every caller left is still a handled rejection.
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

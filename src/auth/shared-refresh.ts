/**
 * Waiting on a credential refresh that several requests share: one caller's
 * cancellation ends its own wait, never the refresh the others still need.
 */
import { untilAborted } from "../protocol/abort.ts";
import { BridgeError } from "../protocol/errors.ts";

export function cancellationOf(signal: AbortSignal): BridgeError {
  const reason: unknown = signal.reason;
  return reason instanceof BridgeError ? reason : new BridgeError("CANCELLED", "request cancelled", { cause: reason });
}

export function awaitSharedRefresh<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return untilAborted(promise, signal, cancellationOf);
}

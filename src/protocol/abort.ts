/**
 * Waiting on a promise the caller does not own (a shared credential refresh, a file read that
 * cannot be stopped): the caller's abort ends its own wait, never the work itself.
 */

/** `promise`, unless `signal` aborts first: then the error `onAbort` makes of the signal. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, onAbort: (signal: AbortSignal) => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(onAbort(signal));
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
    // Always subscribed, so work that fails after every caller left is still a handled rejection.
    promise.then(
      (value) => {
        signal.removeEventListener("abort", abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", abort);
        reject(error);
      },
    );
  });
}

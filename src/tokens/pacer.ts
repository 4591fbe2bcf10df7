/**
 * Long synchronous work in slices: counting a 10 MB text or building a
 * 200k-entry rank table must not hold the event loop, or every other request
 * (a `ping`, a stream's next chunk) waits behind it.
 */

/** The longest run between two yields; a `ping` waits about this long at worst. */
export const SLICE_MS = 10;

/** A macrotask boundary: lets stdin's lines and other requests' I/O run. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export class Pacer {
  private sliceStart = performance.now();
  private readonly signal: AbortSignal | undefined;

  constructor(signal?: AbortSignal) {
    this.signal = signal;
  }

  /** Yields once the current slice is used up; ends with the signal's reason once it aborts. */
  async pace(): Promise<void> {
    if (performance.now() - this.sliceStart < SLICE_MS) return;
    await yieldToEventLoop();
    this.signal?.throwIfAborted();
    this.sliceStart = performance.now();
  }
}

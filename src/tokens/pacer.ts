/**
 * Long synchronous work in slices: counting a 10 MB text or building a
 * 200k-entry rank table must not hold the event loop, or every other request
 * (a `ping`, a stream's next chunk) waits behind it.
 */

/**
 * The longest run between two yields; a `ping` waits about this long at
 * worst. Each yield costs ~1.1 ms (Bun's setTimeout(0), measured: 200 in
 * 223 ms), so 10 ms slices spent 11 % of a long count idle; at 25 ms a
 * 10 MB count of random letters finishes in 1.9 s instead of 2.1 s and
 * pings during it are answered within 38 ms (npm run bench, section 5b).
 * A MessageChannel yield costs nothing but lets no timer or I/O run in Bun.
 */
const SLICE_MS = 25;

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

/**
 * The per-attempt timers: time to response headers, time from headers to
 * the first chunk, and the idle gap between progress events after that.
 * When one fires it aborts the attempt with a retryable TIMEOUT that names
 * the timer. Heartbeats (SSE comments, `ping` events) never reach `progress`,
 * so a stream that only pings is stalled; reasoning deltas do, so long
 * thinking is never cut.
 */
import { BridgeError } from "../protocol/errors.ts";
import type { TimeoutOverrides } from "../protocol/request.ts";

export interface Timeouts {
  headers_ms: number;
  first_content_ms: number;
  idle_ms: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  headers_ms: 120_000,
  // Reasoning models can think for minutes before their first visible token; hidden reasoning sends nothing.
  first_content_ms: 300_000,
  idle_ms: 120_000,
};

export function resolveTimeouts(overrides: TimeoutOverrides | undefined): Timeouts {
  return { ...DEFAULT_TIMEOUTS, ...overrides };
}

type Phase = "headers" | "first_content" | "idle";

export class Watchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private phase: Phase = "headers";

  private readonly controller: AbortController;
  private readonly timeouts: Timeouts;

  constructor(controller: AbortController, timeouts: Timeouts) {
    this.controller = controller;
    this.timeouts = timeouts;
  }

  /** Start waiting for response headers. */
  start(): void {
    this.arm("headers", this.timeouts.headers_ms);
  }

  /** Headers arrived: now waiting for the first chunk. */
  headersReceived(): void {
    this.arm("first_content", this.timeouts.first_content_ms);
  }

  /** Something other than a heartbeat arrived. */
  progress(isChunk: boolean): void {
    if (this.phase === "first_content" && !isChunk) return;
    this.arm("idle", this.timeouts.idle_ms);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(phase: Phase, ms: number): void {
    this.phase = phase;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const what = { headers: "response headers", first_content: "the first chunk", idle: "more output" }[phase];
      this.controller.abort(new BridgeError("TIMEOUT", `no ${what} within ${ms} ms (${phase}_ms timeout)`, { retryable: true }));
    }, ms);
  }
}

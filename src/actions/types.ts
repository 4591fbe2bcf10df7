import type { Deps } from "../deps.ts";
import type { Adjustment, Cost, ReportedUsage, WireChunk } from "../protocol/chunks.ts";
import type { Request } from "../protocol/request.ts";
import type { Provider } from "../providers/types.ts";

export interface ActionContext<R extends Request = Request> {
  request: R;
  deps: Deps;
  /** Aborted by cancel, by the request's overall timeout and by shutdown; its reason is a BridgeError. */
  signal: AbortSignal;
  providers: ReadonlyMap<string, Provider>;
  /** Write chunks for this request; resolves when stdout has taken them (backpressure). */
  emit(chunks: WireChunk[]): Promise<void>;
  /** Usage and cost to attach if the request ends in an error or a cancel. */
  setFailureUsage(usage: ReportedUsage, cost: Cost | null): void;
  /** What the model rules changed in the request, to attach if it ends in an error or a cancel. */
  setAdjustments(adjustments: Adjustment[]): void;
  /** Cancel another in-flight request (the `cancel` action). */
  cancel(id: string | number): boolean;
}

/** How a request ends when it does not end in an error. */
export type Outcome = { kind: "result"; data: unknown } | { kind: "done"; chunk: Extract<WireChunk, { type: "done" }> };

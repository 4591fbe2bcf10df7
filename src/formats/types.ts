/**
 * A dialect: how unified chat parameters become a provider's request body,
 * how the provider's decoded stream events become unified StreamEvents, and
 * how its error answers become BridgeErrors. Dialects are pure: no fetch, no
 * env, no clock. Providers (src/providers/) pick a dialect and add endpoint,
 * credentials and transport.
 */
import type { ShapedParams } from "../rules/types.ts";
import type { StreamEvent } from "../protocol/chunks.ts";
import type { BridgeError } from "../protocol/errors.ts";

/** A provider HTTP answer that was not a success, as the error classifiers see it. */
export interface ErrorResponse {
  status: number;
  /** The body text, already capped by the HTTP layer. */
  body: string;
  headers: Headers;
}

/**
 * A stateful, synchronous mapper for one response stream. Synchronous on
 * purpose: the caller feeds every event decoded from one network chunk and
 * writes the collected output once, instead of paying an async-generator
 * hop per event.
 */
export interface StreamMapper<E> {
  /** Map one decoded event, appending results to `out`. Throws a BridgeError for an in-stream error event. */
  map(event: E, out: StreamEvent[]): void;
}

export interface ChatFormat<E> {
  /** Params shaped by the model rules (src/rules/shape.ts) → provider JSON body (without transport concerns like `stream` flags the provider adds itself). */
  encodeRequest(params: ShapedParams): Record<string, unknown>;
  createMapper(): StreamMapper<E>;
  classifyError(response: ErrorResponse): BridgeError;
}

/**
 * The one shape every body decoder has for the chat pipeline: bytes in,
 * decoded events out, per network chunk. SSE events for most providers,
 * Bedrock events (event-stream frames, exceptions already thrown as
 * BridgeErrors) for Bedrock.
 */
import { decodeBedrockEvent, type BedrockEvent } from "./bedrock-payload.ts";
import { EventStreamDecoder } from "./event-stream.ts";
import type { SseEvent } from "./sse-event.ts";
import { SseDecoder } from "./sse.ts";

export interface StreamDecoder<E> {
  feed(chunk: Uint8Array): E[];
  /** End of body: events still pending, or a STREAM_ERROR for a truncated frame. */
  end(): E[];
}

export function createSseStreamDecoder(): StreamDecoder<SseEvent> {
  return new SseDecoder();
}

export function createBedrockStreamDecoder(): StreamDecoder<BedrockEvent> {
  const frames = new EventStreamDecoder();
  return {
    feed: (chunk) => frames.feed(chunk).map(decodeBedrockEvent),
    end: () => {
      frames.end();
      return [];
    },
  };
}

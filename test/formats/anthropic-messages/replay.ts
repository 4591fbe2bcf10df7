/**
 * Test support: recorded Anthropic SSE bodies → decoded events → mapper
 * output, and a digest of that output for assertions.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SseDecoder } from "../../../src/decode/sse.ts";
import type { SseEvent } from "../../../src/decode/sse-event.ts";
import { createAnthropicMapper } from "../../../src/formats/anthropic-messages/stream.ts";
import type { StreamEvent } from "../../../src/protocol/chunks.ts";

export { type Digest, digest, joinedArguments } from "../replay-shared.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/anthropic");

export function fixtureBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, path)));
}

export function fixtureText(path: string): string {
  return readFileSync(join(FIXTURES, path), "utf8");
}

/** Decode SSE bytes, fed in pieces of `chunkSize` bytes (whole when omitted). */
export function decodeSse(bytes: Uint8Array, chunkSize = bytes.length): SseEvent[] {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  for (let at = 0; at < bytes.length; at += Math.max(1, chunkSize)) {
    events.push(...decoder.feed(bytes.subarray(at, at + Math.max(1, chunkSize))));
  }
  events.push(...decoder.end());
  return events;
}

/** vercel/ai `.chunks.txt`: one `data:` payload per line, re-framed as named events. */
export function chunkLinesToEvents(text: string): SseEvent[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((data) => ({ event: (JSON.parse(data) as { type: string }).type, data }));
}

/** Run every event through one mapper, calling map() once per event as the action does. */
export function mapEvents(events: SseEvent[]): StreamEvent[] {
  const mapper = createAnthropicMapper();
  const out: StreamEvent[] = [];
  for (const event of events) mapper.map(event, out);
  return out;
}

export function mapFixture(path: string, chunkSize?: number): StreamEvent[] {
  return mapEvents(decodeSse(fixtureBytes(path), chunkSize));
}

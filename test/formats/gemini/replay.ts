/**
 * Test support: recorded Gemini bodies → decoded SSE events → mapper output,
 * and a digest of that output for assertions.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SseDecoder } from "../../../src/decode/sse.ts";
import type { SseEvent } from "../../../src/decode/sse-event.ts";
import { createGeminiMapper } from "../../../src/formats/gemini/stream.ts";
import type { StreamEvent } from "../../../src/protocol/chunks.ts";

export { type Digest, digest } from "../replay-shared.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/vertex");

export function fixtureBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, path)));
}

export function fixtureText(path: string): string {
  return readFileSync(join(FIXTURES, path), "utf8");
}

export function fixtureJson(path: string): unknown {
  return JSON.parse(fixtureText(path));
}

/** Decode SSE bytes fed as the given pieces (split points in bytes), then end the stream. */
export function decodeSse(bytes: Uint8Array, splits: number[] = []): SseEvent[] {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  let at = 0;
  for (const split of [...splits, bytes.length]) {
    events.push(...decoder.feed(bytes.subarray(at, split)));
    at = split;
  }
  events.push(...decoder.end());
  return events;
}

/** vercel/ai `.chunks.txt`: one `data:` payload per line, re-framed as one unnamed event each. */
export function chunkLinesToEvents(text: string): SseEvent[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((data) => ({ event: "message", data }));
}

/** A whole JSON answer (generateContent, not streamed) as the single SSE event the stream would carry. */
export function jsonAsEvent(value: unknown): SseEvent[] {
  return [{ event: "message", data: JSON.stringify(value) }];
}

/** Run every event through one mapper, calling map() once per event as the action does. */
export function mapEvents(events: SseEvent[]): StreamEvent[] {
  const mapper = createGeminiMapper();
  const out: StreamEvent[] = [];
  for (const event of events) mapper.map(event, out);
  return out;
}

/**
 * Test support: recorded ConverseStream bodies → the project's own
 * event-stream decoder and Bedrock payload reader → the Converse mapper.
 * The decoder is not mocked: these are the bytes Bedrock sent.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeBedrockEvent } from "../../../src/decode/bedrock-payload.ts";
import { EventStreamDecoder } from "../../../src/decode/event-stream.ts";
import { createConverseMapper } from "../../../src/formats/bedrock-converse/stream.ts";
import type { BedrockEvent } from "../../../src/formats/bedrock-converse/types.ts";
import type { StreamEvent } from "../../../src/protocol/chunks.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/bedrock/converse");

export function fixtureBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, path)));
}

export function fixtureText(path: string): string {
  return readFileSync(join(FIXTURES, path), "utf8");
}

export function fixtureJson(path: string): Record<string, unknown> {
  return JSON.parse(fixtureText(path)) as Record<string, unknown>;
}

/** Decode a recorded event-stream body, fed in pieces of `chunkSize` bytes (whole when omitted). */
export function decodeBody(bytes: Uint8Array, chunkSize = bytes.length): BedrockEvent[] {
  const decoder = new EventStreamDecoder();
  const events: BedrockEvent[] = [];
  const step = Math.max(1, chunkSize);
  for (let at = 0; at < bytes.length; at += step) {
    for (const message of decoder.feed(bytes.subarray(at, at + step))) events.push(decodeBedrockEvent(message));
  }
  decoder.end();
  return events;
}

/** vercel/ai `.chunks.txt` for Bedrock: one `{"<eventType>": <body>}` object per line. */
export function chunkLinesToEvents(text: string): BedrockEvent[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const entries = Object.entries(JSON.parse(line) as Record<string, Record<string, unknown>>);
      if (entries.length !== 1) throw new Error(`expected one event per line: ${line}`);
      const [type, body] = entries[0]!;
      return { type, body };
    });
}

/** Run every event through one mapper, calling map() once per event as the action does. */
export function mapEvents(events: BedrockEvent[]): StreamEvent[] {
  const mapper = createConverseMapper();
  const out: StreamEvent[] = [];
  for (const event of events) mapper.map(event, out);
  return out;
}

export function mapFixture(path: string, chunkSize?: number): StreamEvent[] {
  if (path.endsWith(".chunks.txt")) return mapEvents(chunkLinesToEvents(fixtureText(path)));
  return mapEvents(decodeBody(fixtureBytes(path), chunkSize));
}

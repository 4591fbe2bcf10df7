/**
 * Test support: recorded Anthropic SSE bodies → decoded events → mapper
 * output, and a digest of that output for assertions.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SseDecoder } from "../../../src/decode/sse.ts";
import type { SseEvent } from "../../../src/decode/sse-event.ts";
import { createAnthropicMapper } from "../../../src/formats/anthropic-messages/stream.ts";
import type { StreamEvent, ToolCall, Usage } from "../../../src/protocol/chunks.ts";

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

export interface Digest {
  model: string[];
  text: string;
  reasoning: string;
  signatures: string[];
  redacted: string[];
  toolCalls: ToolCall[];
  deltas: Extract<StreamEvent, { type: "tool_call_delta" }>[];
  /** Usage reports merged the way the protocol says: later figures replace earlier ones. */
  usage: Partial<Usage>;
  usageReports: number;
  finishes: Extract<StreamEvent, { type: "finish" }>[];
  ends: number;
  heartbeats: number;
}

export function digest(events: StreamEvent[]): Digest {
  const d: Digest = {
    model: [],
    text: "",
    reasoning: "",
    signatures: [],
    redacted: [],
    toolCalls: [],
    deltas: [],
    usage: {},
    usageReports: 0,
    finishes: [],
    ends: 0,
    heartbeats: 0,
  };
  for (const e of events) {
    switch (e.type) {
      case "model":
        d.model.push(e.model);
        break;
      case "content":
        d.text += e.content;
        break;
      case "reasoning":
        d.reasoning += e.content;
        if (e.signature !== undefined) d.signatures.push(e.signature);
        if (e.redacted !== undefined) d.redacted.push(e.redacted);
        break;
      case "tool_call":
        d.toolCalls.push(e.tool_call);
        break;
      case "tool_call_delta":
        d.deltas.push(e);
        break;
      case "usage":
        Object.assign(d.usage, e.usage);
        d.usageReports++;
        break;
      case "finish":
        d.finishes.push(e);
        break;
      case "end":
        d.ends++;
        break;
      case "heartbeat":
        d.heartbeats++;
        break;
      default:
        break;
    }
  }
  return d;
}

/** The arguments text the deltas of call `index` spell when joined. */
export function joinedArguments(d: Digest, index: number): string {
  return d.deltas
    .filter((delta) => delta.index === index)
    .map((delta) => delta.arguments_delta)
    .join("");
}

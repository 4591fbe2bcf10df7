/**
 * Test support: recorded Gemini bodies → decoded SSE events → mapper output,
 * and a digest of that output for assertions.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SseDecoder } from "../../../src/decode/sse.ts";
import type { SseEvent } from "../../../src/decode/sse-event.ts";
import { createGeminiMapper } from "../../../src/formats/gemini/stream.ts";
import type { StreamEvent, ToolCall, Usage } from "../../../src/protocol/chunks.ts";

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

export interface Digest {
  model: string[];
  text: string;
  reasoning: string;
  signatures: string[];
  toolCalls: ToolCall[];
  deltas: Extract<StreamEvent, { type: "tool_call_delta" }>[];
  /** Usage reports merged the way the protocol says: later figures replace earlier ones. */
  usage: Partial<Usage>;
  usageReports: number;
  finishes: Extract<StreamEvent, { type: "finish" }>[];
  ends: number;
  /** True when `end` is the last event. */
  endsLast: boolean;
}

export function digest(events: StreamEvent[]): Digest {
  const d: Digest = {
    model: [],
    text: "",
    reasoning: "",
    signatures: [],
    toolCalls: [],
    deltas: [],
    usage: {},
    usageReports: 0,
    finishes: [],
    ends: 0,
    endsLast: events[events.length - 1]?.type === "end",
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
      default:
        break;
    }
  }
  return d;
}

/**
 * Test support shared by the per-format replay helpers: a digest of a
 * mapper's output (what the stream tests assert on).
 */
import type { StreamEvent, ToolCall, Usage } from "../../src/protocol/chunks.ts";

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
  /** True when `end` is the last event. */
  endsLast: boolean;
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
    endsLast: events[events.length - 1]?.type === "end",
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

/**
 * Test support for the OpenAI dialect tests: read the recorded fixtures under
 * test/fixtures/, turn them into SSE events with the real decoder, run a
 * mapper over them and summarise what came out.
 */
import { SseDecoder } from "../../../src/decode/sse.ts";
import type { SseEvent } from "../../../src/decode/sse-event.ts";
import type { StreamEvent, ToolCall, Usage } from "../../../src/protocol/chunks.ts";
import type { StreamMapper } from "../../../src/formats/types.ts";

const FIXTURES = `${import.meta.dir}/../../fixtures`;

export async function fixtureText(path: string): Promise<string> {
  return await Bun.file(`${FIXTURES}/${path}`).text();
}

interface Interaction {
  request: { body?: string; parsed_body?: unknown };
  response: { body?: string | { string?: string }; parsed_body?: unknown; code?: number; status?: { code: number } };
}

async function interactions(path: string): Promise<Interaction[]> {
  const doc = Bun.YAML.parse(await fixtureText(path)) as { interactions: Interaction[] };
  return doc.interactions;
}

/** The raw response body of interaction `i` of a go-vcr (fantasy) or vcrpy (pydantic-ai) cassette. */
export async function cassetteBody(path: string, i: number): Promise<string> {
  const body = (await interactions(path))[i]?.response.body;
  const text = typeof body === "string" ? body : body?.string;
  if (text === undefined) throw new Error(`${path}#${i}: no text body`);
  return text;
}

/** The request body of interaction `i` (go-vcr keeps it as JSON text, vcrpy as parsed YAML). */
export async function cassetteRequest(path: string, i: number): Promise<Record<string, unknown>> {
  const request = (await interactions(path))[i]?.request;
  if (typeof request?.body === "string" && request.body !== "") return JSON.parse(request.body) as Record<string, unknown>;
  return request?.parsed_body as Record<string, unknown>;
}

/** A vcrpy error answer: status and the JSON body re-serialised from `parsed_body` (not byte-exact). */
export async function cassetteErrorAnswer(path: string, i = 0): Promise<{ status: number; body: string }> {
  const response = (await interactions(path))[i]?.response;
  const status = response?.status?.code ?? response?.code;
  if (status === undefined) throw new Error(`${path}#${i}: no status`);
  return { status, body: JSON.stringify(response?.parsed_body) };
}

/** Decode SSE text with the project's decoder, fed in one piece. */
export function decodeSse(text: string): SseEvent[] {
  const decoder = new SseDecoder();
  return [...decoder.feed(new TextEncoder().encode(text)), ...decoder.end()];
}

/** vercel/ai `.chunks.txt`: one `data:` payload per line, framing stripped upstream; rebuilt here. */
export function framePayloadLines(text: string, appendDone = false): string {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return lines.map((line) => `data: ${line}\n\n`).join("") + (appendDone ? "data: [DONE]\n\n" : "");
}

/** codecompanion stubs: SSE lines with the blank separators removed upstream; put back here. */
export function restoreBlankLines(text: string): string {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => `${line}\n\n`)
    .join("");
}

export function runMapper(mapper: StreamMapper<SseEvent>, events: SseEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const event of events) mapper.map(event, out);
  return out;
}

export interface Summary {
  content: string;
  reasoning: string;
  signatures: string[];
  deltas: Extract<StreamEvent, { type: "tool_call_delta" }>[];
  toolCalls: ToolCall[];
  /** Usage reports merged field by field, later ones winning (the ControlEvent contract). */
  usage: Partial<Usage>;
  finishes: Extract<StreamEvent, { type: "finish" }>[];
  models: string[];
  ends: number;
}

export function summarize(events: StreamEvent[]): Summary {
  const s: Summary = {
    content: "",
    reasoning: "",
    signatures: [],
    deltas: [],
    toolCalls: [],
    usage: {},
    finishes: [],
    models: [],
    ends: 0,
  };
  for (const e of events) {
    switch (e.type) {
      case "content":
        s.content += e.content;
        break;
      case "reasoning":
        s.reasoning += e.content;
        if (e.signature !== undefined) s.signatures.push(e.signature);
        break;
      case "tool_call_delta":
        s.deltas.push(e);
        break;
      case "tool_call":
        s.toolCalls.push(e.tool_call);
        break;
      case "usage":
        Object.assign(s.usage, e.usage);
        break;
      case "finish":
        s.finishes.push(e);
        break;
      case "model":
        s.models.push(e.model);
        break;
      case "end":
        s.ends++;
        break;
      default:
        break;
    }
  }
  return s;
}

/** Concatenated argument deltas per wire index, to check deltas and complete calls agree. */
export function argumentsFromDeltas(summary: Summary): string[] {
  const byIndex: string[] = [];
  for (const d of summary.deltas) byIndex[d.index] = (byIndex[d.index] ?? "") + d.arguments_delta;
  return byIndex;
}

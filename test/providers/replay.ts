/**
 * Shared support for the provider replay tests: load a cassette from
 * recordings/, edit its body steps, serve it over loopback, run requests
 * through the real Server, and read back one request's lines.
 *
 * Expectations are computed from the recordings with the small, independent
 * SSE split below (blank-line separated events, `data:` lines joined), never
 * with src/decode or the format mappers under test.
 */
import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bodyText, loadCassette, type BodyStep, type Cassette, type Interaction } from "../support/cassette.ts";
import type { Harness, Line } from "../support/in-process.ts";
import { startReplayServer, type ReplayOptions, type ReplayServer } from "../support/replay-server.ts";
import { validateResponseLine } from "../support/wire-schema.ts";

export const RECORDINGS = join(import.meta.dir, "..", "..", "recordings");

export type Json = Record<string, any>;

export function recording(provider: "anthropic" | "openai" | "vertex" | "copilot", name: string): Promise<Cassette> {
  return loadCassette(join(RECORDINGS, provider, `${name}.ndjson`));
}

export function interaction(cassette: Cassette, index: number): Interaction {
  const it = cassette.interactions[index];
  if (it === undefined) throw new Error(`${cassette.scenario}: no interaction #${index}`);
  return it;
}

/** The cassette reduced to one interaction, so one request can replay any turn. */
export function single(cassette: Cassette, index: number): Cassette {
  return { ...cassette, interactions: [interaction(cassette, index)] };
}

/** A copy of the cassette reduced to interaction `index`, with its body steps rewritten. */
export function editBody(cassette: Cassette, index: number, edit: (steps: BodyStep[]) => BodyStep[]): Cassette {
  const it = interaction(cassette, index);
  return { ...cassette, scenario: `${cassette.scenario} (edited)`, interactions: [{ ...it, body: edit([...it.body]) }] };
}

const utf8 = new TextDecoder();

export function stepText(step: BodyStep): string {
  return "chunk" in step ? utf8.decode(step.chunk) : "";
}

export function chunkStep(text: string): BodyStep {
  return { chunk: new TextEncoder().encode(text) };
}

/** Index of the first body step whose text matches. Throws when there is none, so an edit cannot silently miss. */
export function stepIndex(steps: BodyStep[], test: (text: string) => boolean, from = 0): number {
  for (let i = from; i < steps.length; i++) {
    const step = steps[i];
    if (step !== undefined && test(stepText(step))) return i;
  }
  throw new Error("no body step matches");
}

export interface RecordedEvent {
  event: string | undefined;
  /** The parsed `data` JSON, or the string itself when it is not JSON (`[DONE]`). */
  data: any;
}

/** The recorded SSE body of one interaction, split into events by hand. */
export function recordedEvents(it: Interaction): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  for (const block of bodyText(it).split(/\r?\n\r?\n/)) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length === 0) continue;
    const text = data.join("\n").trim();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // `[DONE]` and other non-JSON payloads stay strings.
    }
    events.push({ event, data: parsed });
  }
  return events;
}

/** The JSON body of a non-streaming recorded answer. */
export function recordedJson(it: Interaction): Json {
  return JSON.parse(bodyText(it)) as Json;
}

/** The data of a recorded stream whose events are named twice (`event:` line and `type`), as Anthropic's and the Responses API's are. */
function namedEvents(it: Interaction): Json[] {
  return recordedEvents(it).map(({ event, data }) => {
    // A mismatch means the framing was rebuilt wrongly.
    expect(event).toBe(data.type);
    return data as Json;
  });
}

/** What a recorded Anthropic Messages stream spells, read by hand from its SSE events. */
export interface RecordedMessages {
  model: string;
  /** Content block types in the order they started. */
  blocks: string[];
  content: string;
  reasoning: string;
  /** How many thinking_delta events carried text. */
  thinkingDeltas: number;
  /** signature_delta values, in order. */
  signatures: string[];
  redacted: string[];
  toolCalls: ToolCallOut[];
  stopReason: string | undefined;
}

export function recordedMessages(it: Interaction): RecordedMessages {
  const out: RecordedMessages = { model: "", blocks: [], content: "", reasoning: "", thinkingDeltas: 0, signatures: [], redacted: [], toolCalls: [], stopReason: undefined };
  const tools = new Map<number, ToolCallOut>();
  for (const data of namedEvents(it)) {
    switch (data.type) {
      case "message_start":
        out.model = data.message.model;
        break;
      case "content_block_start": {
        const block = data.content_block;
        out.blocks.push(block.type);
        if (block.type === "text") out.content += block.text;
        if (block.type === "thinking") out.reasoning += block.thinking;
        if (block.type === "redacted_thinking") out.redacted.push(block.data);
        if (block.type === "tool_use") tools.set(data.index, { id: block.id, name: block.name, arguments: "" });
        break;
      }
      case "content_block_delta": {
        const delta = data.delta;
        if (delta.type === "text_delta") out.content += delta.text;
        if (delta.type === "thinking_delta") {
          out.reasoning += delta.thinking;
          if (delta.thinking !== "") out.thinkingDeltas += 1;
        }
        if (delta.type === "signature_delta") out.signatures.push(delta.signature);
        // server_tool_use blocks stream input_json_delta too; only client tool_use blocks are ours.
        if (delta.type === "input_json_delta" && tools.has(data.index)) tools.get(data.index)!.arguments += delta.partial_json;
        break;
      }
      case "message_delta":
        out.stopReason = data.delta.stop_reason;
        break;
    }
  }
  out.toolCalls = [...tools.values()].map((call) => ({ ...call, arguments: call.arguments === "" ? "{}" : call.arguments }));
  return out;
}

/** What a recorded Responses API stream spells, read by hand from its SSE events. */
export interface RecordedResponses {
  /** The model as response.created names it (a dated snapshot). */
  model: string;
  /** `reasoning.effort` as the response echoes it. */
  effort: string | undefined;
  content: string;
  /** Summary text of reasoning items. */
  reasoning: string;
  /** encrypted_content of each reasoning item as output_item.done gives it (what must be handed back). */
  signatures: string[];
  /** encrypted_content as output_item.added first announced it. */
  announced: string[];
  toolCalls: ToolCallOut[];
  /** Phase of each message item, in order. */
  phases: Array<string | undefined>;
  status: string | undefined;
}

export function recordedResponses(it: Interaction): RecordedResponses {
  const out: RecordedResponses = { model: "", effort: undefined, content: "", reasoning: "", signatures: [], announced: [], toolCalls: [], phases: [], status: undefined };
  for (const data of namedEvents(it)) {
    switch (data.type) {
      case "response.created":
        out.model = data.response.model;
        out.effort = data.response.reasoning?.effort ?? undefined;
        break;
      case "response.output_item.added":
        if (data.item.type === "reasoning" && data.item.encrypted_content) out.announced.push(data.item.encrypted_content);
        if (data.item.type === "message") out.phases.push(data.item.phase);
        break;
      case "response.output_text.delta":
        out.content += data.delta;
        break;
      case "response.reasoning_summary_part.added":
        // The wire separates the summary parts of one reasoning item with a blank line.
        if (data.summary_index > 0) out.reasoning += "\n\n";
        break;
      case "response.reasoning_summary_text.delta":
        out.reasoning += data.delta;
        break;
      case "response.output_item.done":
        if (data.item.type === "function_call") out.toolCalls.push({ id: data.item.call_id, name: data.item.name, arguments: data.item.arguments });
        if (data.item.type === "reasoning" && data.item.encrypted_content) out.signatures.push(data.item.encrypted_content);
        break;
      case "response.completed":
        out.status = data.response.status;
        break;
    }
  }
  return out;
}

/** What a recorded Gemini stream (Gemini API or Vertex streamGenerateContent) spells, read by hand. */
export interface RecordedGemini {
  content: string;
  thoughts: string;
  signatures: string[];
  /** functionCall parts; `id` only where the recording has one (Gemini 3 sends it, 2.5 does not). */
  calls: Array<{ id?: string; name: string; args: Json }>;
  finishReason: string | undefined;
  modelVersion: string | undefined;
  /** The last usageMetadata of the stream (the Gemini API repeats running totals). */
  usage: Json | undefined;
}

export function recordedGemini(it: Interaction): RecordedGemini {
  const out: RecordedGemini = { content: "", thoughts: "", signatures: [], calls: [], finishReason: undefined, modelVersion: undefined, usage: undefined };
  for (const { data } of recordedEvents(it)) {
    out.modelVersion ??= data.modelVersion;
    if (data.usageMetadata !== undefined) out.usage = data.usageMetadata;
    const candidate = data.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.thoughtSignature !== undefined) out.signatures.push(part.thoughtSignature);
      const call = part.functionCall;
      if (call !== undefined) out.calls.push({ ...(call.id !== undefined && { id: call.id }), name: call.name, args: call.args });
      else if (part.thought === true) out.thoughts += part.text ?? "";
      else out.content += part.text ?? "";
    }
    if (candidate?.finishReason !== undefined) out.finishReason = candidate.finishReason;
  }
  return out;
}

/** Streamed tool calls in RecordedGemini's shape: the id is kept where the recording has one (it must
 * come through as sent); a 2.5 call has none, so the bridge mints one and it is not compared. */
export function asRecordedCalls(calls: ToolCallOut[], recorded: RecordedGemini["calls"]): RecordedGemini["calls"] {
  return calls.map((call, i) => ({ ...(recorded[i]?.id !== undefined && { id: call.id }), name: call.name, args: JSON.parse(call.arguments) as Json }));
}

export async function withReplay<T>(cassette: Cassette | Cassette[], run: (server: ReplayServer) => Promise<T>, options?: ReplayOptions): Promise<T> {
  const server = await startReplayServer(cassette, options);
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

/** A base URL nothing listens on: a server that was started and closed again. */
export async function closedPortUrl(): Promise<string> {
  const server = await startReplayServer({ scenario: "closed", provenance: {}, interactions: [] });
  await server.close();
  return server.url;
}

export interface ToolCallOut {
  id: string;
  name: string;
  arguments: string;
}

export interface StreamResult {
  /** This request's lines, in the order they were written. */
  lines: Line[];
  content: string;
  reasoning: string;
  signatures: string[];
  redacted: string[];
  toolCalls: ToolCallOut[];
  deltas: Json[];
  retries: Json[];
  terminal: Line;
  done: Json | undefined;
  error: Json | undefined;
}

const CONTENT_TYPES = new Set(["content", "reasoning", "tool_call_delta", "tool_call"]);

/**
 * Read one stream_chat answer and check what holds for every answer: every
 * line is this request's and valid on the wire, exactly one terminal line and
 * it comes last, retries only before the first content chunk, and each
 * tool_call restates what its deltas announced.
 */
export function readStream(all: Line[], id: string | number): StreamResult {
  const lines = all.filter((line) => line.id === id);
  expect(lines.length).toBe(all.length);
  for (const line of lines) validateResponseLine(JSON.stringify(line), "stream_chat");
  const terminals = lines.filter((line) => !line.streaming || line.data?.type === "done");
  expect(terminals.length).toBe(1);
  const terminal = terminals[0]!;
  expect(lines[lines.length - 1]).toBe(terminal);

  const result: StreamResult = {
    lines,
    content: "",
    reasoning: "",
    signatures: [],
    redacted: [],
    toolCalls: [],
    deltas: [],
    retries: [],
    terminal,
    done: terminal.success ? terminal.data : undefined,
    error: terminal.success ? undefined : terminal.error,
  };
  let sawContent = false;
  const announced = new Map<number, { id?: string; name?: string; args: string }>();
  for (const line of lines.slice(0, -1)) {
    const data = line.data as Json;
    if (data.type === "retry") {
      expect(sawContent).toBe(false);
      result.retries.push(data);
    }
    if (CONTENT_TYPES.has(data.type)) sawContent = true;
    switch (data.type) {
      case "content":
        result.content += data.content;
        break;
      case "reasoning":
        result.reasoning += data.content;
        if (data.signature !== undefined) result.signatures.push(data.signature);
        if (data.redacted !== undefined) result.redacted.push(data.redacted);
        break;
      case "tool_call_delta": {
        result.deltas.push(data);
        const call = announced.get(data.index) ?? { args: "" };
        if (data.id !== undefined) call.id = data.id;
        if (data.name !== undefined) call.name = data.name;
        call.args += data.arguments_delta;
        announced.set(data.index, call);
        break;
      }
      case "tool_call": {
        const index = result.toolCalls.length;
        result.toolCalls.push(data.tool_call);
        const call = announced.get(index);
        expect(call).toBeDefined();
        expect(data.tool_call.id).toBe(call?.id);
        expect(data.tool_call.name).toBe(call?.name);
        // "{}" stands in for a call whose arguments were never streamed.
        expect(data.tool_call.arguments).toBe(call?.args === "" ? "{}" : call?.args);
        break;
      }
    }
  }
  return result;
}

/** What a replayed answer must restate of its recording; `redacted` left out means none. */
export interface Streamed {
  content: string;
  reasoning: string;
  signatures: string[];
  redacted?: string[];
  toolCalls: ToolCallOut[];
}

/**
 * A replayed answer that went through: no error and no retry, the recording's
 * text, reasoning, signatures, redacted blocks and tool calls, and each call
 * announced (dense index, id and name) on its first delta.
 */
export function expectStreamed(result: StreamResult, expected: Streamed): void {
  expect(result.error).toBeUndefined();
  expect(result.retries).toEqual([]);
  expect(result.content).toBe(expected.content);
  expect(result.reasoning).toBe(expected.reasoning);
  expect(result.signatures).toEqual(expected.signatures);
  expect(result.redacted).toEqual(expected.redacted ?? []);
  expect(result.toolCalls).toEqual(expected.toolCalls);
  expected.toolCalls.forEach((call, index) => {
    expect(result.deltas.find((delta) => delta.index === index)).toMatchObject({ index, id: call.id, name: call.name });
  });
}

/** Wire usage of an answer that read and wrote no cache; `estimated` names the figures that are ours. */
export function uncachedUsage(input: number, output: number, reasoning: number, estimated: string[] = []): Json {
  return { input_tokens: input, output_tokens: output, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: reasoning, estimated };
}

/** Run one stream_chat request through the harness and read its answer. */
export async function streamChat(harness: Harness, id: string, provider: string, params: Json, timeout?: number): Promise<StreamResult> {
  const request: Json = { id, action: "stream_chat", provider, params };
  if (timeout !== undefined) request.timeout = timeout;
  return readStream(await harness.run(request), id);
}

/** Resolve once a line matching `test` has been written (polling; the harness has no events). */
export async function waitForLine(harness: Harness, test: (line: Line) => boolean, timeoutMs = 2000): Promise<Line> {
  const started = Date.now();
  for (;;) {
    const found = harness.lines.find(test);
    if (found !== undefined) return found;
    if (Date.now() - started > timeoutMs) throw new Error(`no matching line within ${timeoutMs} ms: ${JSON.stringify(harness.lines)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The parsed JSON body of a request the replay server received. */
export function sentBody(server: ReplayServer, index = 0): Json {
  const request = server.requests[index];
  if (request === undefined) throw new Error(`the replay server received no request #${index}`);
  return JSON.parse(request.body) as Json;
}

/** The replay server received one request: a POST to `path` with these header values and a JSON body holding `body`. */
export function expectSentOnce(server: ReplayServer, path: string, headers: Record<string, string>, body: Json = {}): void {
  expect(server.requests.length).toBe(1);
  const sent = server.requests[0]!;
  expect(sent.method).toBe("POST");
  expect(sent.path).toBe(path);
  expect(sent.headers).toMatchObject(headers);
  expect(sentBody(server)).toMatchObject(body);
}

/** `pick(o, keys)`: the listed keys of `o` that are present. */
export function pick(object: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const key of keys) if (key in object) out[key] = object[key];
  return out;
}

interface CatalogEntryData {
  id: string;
  aliases?: string[];
  price: { input?: number | null; output?: number | null; cache_read?: number | null; cache_write?: number | null } | null;
}

/** The catalog's data (not its code): the models.json entry that lists `id` as its id or alias. */
export function catalogData(provider: "anthropic" | "openai", id: string): CatalogEntryData | undefined {
  const file = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "src", "catalog", "models.json"), "utf8")) as {
    providers: Record<string, { models: CatalogEntryData[] }>;
  };
  return file.providers[provider]?.models.find((model) => model.id === id || (model.aliases ?? []).includes(id));
}

/** `cost` priced at the catalog's input and output prices of `model`. */
export function expectCatalogCost(cost: Json | null, provider: "anthropic" | "openai", model: string, input: number, output: number): void {
  expect(cost).not.toBeNull();
  const price = catalogData(provider, model)!.price!;
  expect(cost!.input).toBeCloseTo((input * price.input!) / 1e6, 12);
  expect(cost!.output).toBeCloseTo((output * price.output!) / 1e6, 12);
}

/** Every line the harness wrote plus its logs, as one string for secret searches. */
export function everythingWritten(harness: Harness): string {
  return [...harness.lines.map((line) => JSON.stringify(line)), ...harness.logs].join("\n");
}

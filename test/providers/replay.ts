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

export function recording(provider: "anthropic" | "openai", name: string): Promise<Cassette> {
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

export async function withReplay<T>(
  cassette: Cassette | Cassette[],
  run: (server: ReplayServer) => Promise<T>,
  options?: ReplayOptions,
): Promise<T> {
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

/** Every line the harness wrote plus its logs, as one string for secret searches. */
export function everythingWritten(harness: Harness): string {
  return [...harness.lines.map((line) => JSON.stringify(line)), ...harness.logs].join("\n");
}

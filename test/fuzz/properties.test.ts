/**
 * Property-based fuzzing (issue 6, part 4) of everything that reads bytes or
 * JSON we do not control: the request validator, the SSE and event-stream
 * decoders, the Bedrock payload reader and the dialect stream mappers. The
 * property is always the same: garbage in yields a typed BridgeError (or a
 * well-formed result), never a TypeError/RangeError and never a hang.
 *
 * Seeded and bounded so a failure reproduces and the file runs in seconds.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { EventStreamDecoder } from "../../src/decode/event-stream.ts";
import { decodeBedrockEvent } from "../../src/decode/bedrock-payload.ts";
import { SseDecoder } from "../../src/decode/sse.ts";
import type { SseEvent } from "../../src/decode/sse-event.ts";
import { createAnthropicMapper } from "../../src/formats/anthropic-messages/stream.ts";
import { createGeminiMapper } from "../../src/formats/gemini/stream.ts";
import { createOpenAIChatMapper } from "../../src/formats/openai-chat/stream.ts";
import { createOpenAIResponsesMapper } from "../../src/formats/openai-responses/stream.ts";
import type { StreamMapper } from "../../src/formats/types.ts";
import type { StreamEvent } from "../../src/protocol/chunks.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { validateRequest } from "../../src/protocol/request.ts";
import { validateRequestLine } from "../support/wire-schema.ts";

const RUNS = 300;
const params = (seed: number): fc.Parameters<unknown> => ({ seed, numRuns: RUNS });

/** Fails with the thrown value unless it is a BridgeError; returns it for further checks. */
function expectBridgeError(error: unknown): BridgeError {
  if (!(error instanceof BridgeError)) {
    throw new Error(`expected a BridgeError, got ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`);
  }
  return error;
}

// ---------------------------------------------------------------- validateRequest

const VALID_REQUESTS: unknown[] = [
  { id: 1, action: "ping", params: {} },
  { id: "a", action: "list_providers" },
  { id: "b", action: "list_models", provider: "openai", params: { base_url: "http://127.0.0.1:9", max_retries: 0 } },
  { id: 2, action: "calculate_cost", provider: "anthropic", params: { model: "claude-sonnet-4-5", usage: { input_tokens: 10, output_tokens: 5 } } },
  { id: 3, action: "count_tokens", provider: "openai", params: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] } },
  { id: "c", action: "cancel", params: { id: "x" } },
  {
    id: "d",
    action: "stream_chat",
    provider: "anthropic",
    timeout: 5000,
    params: {
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      temperature: 0.5,
      stop: ["x"],
      messages: [
        { role: "system", content: "be brief" },
        {
          role: "user",
          content: [
            { type: "text", text: "hi" },
            { type: "image", media_type: "image/png", data: "iVBORw0KGgo=" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "text", text: "calling" },
            { type: "tool_call", id: "t1", name: "f", arguments: '{"a":1}' },
          ],
        },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "t1", content: "ok" }] },
      ],
      tools: [{ name: "f", description: "d", parameters: { type: "object", properties: {} } }],
    },
  },
];

/** Every path (as keys) to an object member or array element inside `value`. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      out.push([...prefix, index], ...paths(item, [...prefix, index]));
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) out.push([...prefix, key], ...paths(item, [...prefix, key]));
  }
  return out;
}

type Mutation = { kind: "drop" } | { kind: "set"; value: unknown } | { kind: "add"; key: string; value: unknown };

function mutate(root: unknown, path: Array<string | number>, mutation: Mutation): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const target = parent[last];
  if (mutation.kind === "drop") {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (mutation.kind === "set") {
    parent[last] = mutation.value;
  } else if (typeof target === "object" && target !== null && !Array.isArray(target)) {
    (target as Record<string, unknown>)[mutation.key] = mutation.value;
  } else if (Array.isArray(target)) {
    target.push(mutation.value);
  } else {
    parent[last] = { [mutation.key]: mutation.value };
  }
  return copy;
}

const jsonValue = fc.jsonValue({ maxDepth: 4 });
const oddValue = fc.oneof(jsonValue, fc.constantFrom(0, -1, 1.5, 2 ** 53, -(2 ** 60), 1e308, "", "\u0000", "\ud800", [], {}, null, true, "__proto__"));
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: "drop" }),
  oddValue.map((value): Mutation => ({ kind: "set", value })),
  fc.record({
    kind: fc.constant("add" as const),
    key: fc.oneof(fc.constantFrom("type", "role", "content", "id", "text", "__proto__", "constructor", "extra"), fc.string({ maxLength: 8 })),
    value: oddValue,
  }),
);

const mutatedRequest = fc
  .integer({ min: 0, max: VALID_REQUESTS.length - 1 })
  .chain((index) => {
    const base = VALID_REQUESTS[index]!;
    const all = paths(base);
    return fc.tuple(fc.constant(base), fc.array(fc.tuple(fc.integer({ min: 0, max: all.length - 1 }), mutationArb), { minLength: 1, maxLength: 3 }));
  })
  .map(([base, steps]) => {
    let value: unknown = base;
    for (const [pathIndex, mutation] of steps) {
      const all = paths(value);
      if (all.length === 0) break;
      value = mutate(value, all[pathIndex % all.length]!, mutation);
    }
    return value;
  });

function checkValidator(value: unknown): void {
  let accepted: unknown;
  try {
    accepted = validateRequest(value);
  } catch (error) {
    const bridge = expectBridgeError(error);
    expect(bridge.code).toBe("INVALID_REQUEST");
    expect(typeof bridge.field).toBe("string");
    expect(bridge.field!.length).toBeGreaterThan(0);
    return;
  }
  expect(accepted).toBeDefined();
  // What the validator lets through, the published schema must accept too.
  validateRequestLine(JSON.stringify(value));
}

describe("validateRequest", () => {
  test('an unknown empty top-level key gets a non-empty field (found by fuzzing: field was "")', () => {
    let field: string | undefined;
    try {
      validateRequest({ "": {} });
    } catch (error) {
      field = expectBridgeError(error).field;
    }
    expect(field).toBeString();
    expect(field!.length).toBeGreaterThan(0);
  });

  test("the seed requests are valid (premise of the mutation test)", () => {
    for (const request of VALID_REQUESTS) {
      expect(() => validateRequest(request)).not.toThrow();
      expect(() => validateRequestLine(JSON.stringify(request))).not.toThrow();
    }
  });

  test("arbitrary JSON values: INVALID_REQUEST with a field, or schema-valid", () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), checkValidator), params(0x6001));
  });

  test("arbitrary objects shaped like requests: INVALID_REQUEST with a field, or schema-valid", () => {
    const envelope = fc.record(
      {
        id: fc.oneof(fc.string(), fc.integer(), fc.double(), oddValue),
        action: fc.oneof(
          fc.constantFrom("ping", "list_providers", "list_models", "stream_chat", "count_tokens", "calculate_cost", "authenticate", "logout", "cancel"),
          fc.string(),
        ),
        provider: fc.oneof(fc.constantFrom("openai", "anthropic", "bedrock"), oddValue),
        params: oddValue,
        timeout: oddValue,
      },
      { requiredKeys: ["id", "action"] },
    );
    fc.assert(fc.property(envelope, checkValidator), params(0x6002));
  });

  test("mutations of valid requests (drop / add / retype, deep into messages[].content[])", () => {
    fc.assert(fc.property(mutatedRequest, checkValidator), params(0x6003));
  });
});

// ---------------------------------------------------------------- SseDecoder

/** Splits `bytes` at the given cut points (any order, any range). */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    out.push(bytes.subarray(start, point));
    start = point;
  }
  out.push(bytes.subarray(start));
  return out;
}

const encoder = new TextEncoder();
// Random bytes rarely look like SSE; mixing in SSE-ish text reaches the field parser.
const sseBytes = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom("data:", "data: ", "event:", "id:", "retry:", ":", "\n", "\r", "\r\n", "\n\n", "\uFEFF", "id: \u0000", "retry: 99999999999999999999"),
        fc.string({ maxLength: 20, unit: "binary" }),
      ),
      { maxLength: 60 },
    )
    .map((parts) => encoder.encode(parts.join(""))),
);

function checkEvents(events: SseEvent[]): void {
  for (const event of events) {
    expect(typeof event.event).toBe("string");
    expect(typeof event.data).toBe("string");
    if (event.id !== undefined) expect(typeof event.id).toBe("string");
    if (event.retry !== undefined) expect(Number.isFinite(event.retry)).toBe(true);
  }
}

describe("SseDecoder", () => {
  test("random bytes, random chunking: never throws, events are strings", () => {
    fc.assert(
      fc.property(sseBytes, fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        const decoder = new SseDecoder();
        for (const piece of chunk(bytes, cuts)) checkEvents(decoder.feed(piece));
        checkEvents(decoder.end());
      }),
      params(0x6004),
    );
  });

  test("a small maxEventBytes: only STREAM_ERROR BridgeErrors", () => {
    fc.assert(
      fc.property(sseBytes, fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 1, max: 64 }), (bytes, cuts, max) => {
        const decoder = new SseDecoder({ maxEventBytes: max });
        try {
          for (const piece of chunk(bytes, cuts)) checkEvents(decoder.feed(piece));
          checkEvents(decoder.end());
        } catch (error) {
          expect(expectBridgeError(error).code).toBe("STREAM_ERROR");
        }
      }),
      params(0x6005),
    );
  });
});

// ---------------------------------------------------------------- EventStreamDecoder + decodeBedrockEvent

const BEDROCK_DIR = join(import.meta.dir, "..", "fixtures", "bedrock");
function bodies(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return bodies(path);
    return entry.name.endsWith(".body.bin") ? [path] : [];
  });
}
const BEDROCK_BODIES = bodies(BEDROCK_DIR).map((path) => new Uint8Array(readFileSync(path)));

/** Decodes a whole body; returns how many events came out. Throws whatever the decoders throw. */
function decodeAll(pieces: Uint8Array[], maxMessageBytes?: number): number {
  const decoder = new EventStreamDecoder(maxMessageBytes === undefined ? {} : { maxMessageBytes });
  let events = 0;
  for (const piece of pieces) {
    for (const message of decoder.feed(piece)) {
      const event = decodeBedrockEvent(message);
      expect(typeof event.type).toBe("string");
      expect(typeof event.body).toBe("object");
      events += 1;
    }
  }
  decoder.end();
  return events;
}

function checkEventStream(pieces: Uint8Array[], maxMessageBytes?: number): void {
  try {
    decodeAll(pieces, maxMessageBytes);
  } catch (error) {
    expectBridgeError(error);
  }
}

type ByteMutation =
  | { at: number; kind: "flip"; bit: number }
  | { at: number; kind: "set"; value: number }
  | { at: number; kind: "cut" }
  | { at: number; kind: "insert"; bytes: Uint8Array }
  | { at: number; kind: "delete"; length: number };

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ at: fc.nat(), kind: fc.constant("flip" as const), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ at: fc.nat(), kind: fc.constant("set" as const), value: fc.constantFrom(0, 0xff, 0x7f, 0x80, 7, 9) }),
  fc.record({ at: fc.nat(), kind: fc.constant("cut" as const) }),
  fc.record({ at: fc.nat(), kind: fc.constant("insert" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ at: fc.nat(), kind: fc.constant("delete" as const), length: fc.integer({ min: 1, max: 16 }) }),
);

function applyByteMutation(bytes: Uint8Array, mutation: ByteMutation): Uint8Array {
  const at = mutation.at % Math.max(bytes.length, 1);
  switch (mutation.kind) {
    case "flip": {
      const copy = bytes.slice();
      if (copy.length > 0) copy[at] = copy[at]! ^ (1 << mutation.bit);
      return copy;
    }
    case "set": {
      const copy = bytes.slice();
      if (copy.length > 0) copy[at] = mutation.value;
      return copy;
    }
    case "cut":
      return bytes.slice(0, at);
    case "insert": {
      const copy = new Uint8Array(bytes.length + mutation.bytes.length);
      copy.set(bytes.subarray(0, at));
      copy.set(mutation.bytes, at);
      copy.set(bytes.subarray(at), at + mutation.bytes.length);
      return copy;
    }
    case "delete": {
      const copy = new Uint8Array(bytes.length - Math.min(mutation.length, bytes.length - at));
      copy.set(bytes.subarray(0, at));
      copy.set(bytes.subarray(at + mutation.length), at);
      return copy;
    }
  }
}

describe("EventStreamDecoder + decodeBedrockEvent", () => {
  test("the real bodies decode cleanly (premise of the mutation test)", () => {
    expect(BEDROCK_BODIES.length).toBeGreaterThan(0);
    // A Bedrock stream can end in an exception frame, which is a BridgeError by design; every body here yields events.
    for (const body of BEDROCK_BODIES) {
      let events = 0;
      try {
        events = decodeAll([body]);
      } catch (error) {
        expectBridgeError(error);
        continue;
      }
      expect(events).toBeGreaterThan(0);
    }
  });

  test("random bytes, random chunking: only BridgeErrors", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.array(fc.nat(), { maxLength: 8 }), fc.option(fc.integer({ min: 16, max: 4096 })), (bytes, cuts, max) => {
        checkEventStream(chunk(bytes, cuts), max ?? undefined);
      }),
      params(0x6006),
    );
  });

  test("random preludes that pass their CRC (so length fields are believed): only BridgeErrors", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 256 }), (total, headers, rest) => {
        const prelude = new Uint8Array(12);
        const view = new DataView(prelude.buffer);
        view.setUint32(0, total);
        view.setUint32(4, headers);
        view.setUint32(8, crc32Reference(prelude.subarray(0, 8)));
        const bytes = new Uint8Array(12 + rest.length);
        bytes.set(prelude);
        bytes.set(rest, 12);
        checkEventStream([bytes]);
      }),
      params(0x6007),
    );
  });

  test("mutations of real bodies, random chunking: only BridgeErrors", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: BEDROCK_BODIES.length - 1 }),
        fc.array(byteMutation, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (index, mutations, cuts) => {
          let body: Uint8Array = BEDROCK_BODIES[index]!;
          for (const mutation of mutations) body = applyByteMutation(body, mutation);
          checkEventStream(chunk(body, cuts));
        },
      ),
      params(0x6008),
    );
  });
});

/** Independent CRC-32 (IEEE), bit by bit, so a fuzzed prelude can pass its checksum. */
function crc32Reference(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------- dialect mappers

const MAPPERS: Array<[string, () => StreamMapper<SseEvent>, string[]]> = [
  ["anthropic", createAnthropicMapper, ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop", "ping", "error"]],
  ["openai-chat", createOpenAIChatMapper, ["message"]],
  [
    "openai-responses",
    createOpenAIResponsesMapper,
    [
      "response.created",
      "response.output_item.added",
      "response.output_text.delta",
      "response.function_call_arguments.delta",
      "response.output_item.done",
      "response.completed",
      "response.failed",
      "error",
    ],
  ],
  ["gemini", createGeminiMapper, ["message"]],
];

// Field names the dialects read, so random objects reach past the first type check.
const KEYS = [
  "type",
  "index",
  "delta",
  "text",
  "content_block",
  "message",
  "usage",
  "choices",
  "content",
  "tool_calls",
  "function",
  "arguments",
  "name",
  "id",
  "finish_reason",
  "stop_reason",
  "candidates",
  "parts",
  "functionCall",
  "usageMetadata",
  "response",
  "item",
  "output_index",
  "error",
  "partial_json",
  "thinking",
  "role",
];
const dialectJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(...KEYS)),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 6 }),
  ),
})).value;

const sseEvent = (types: string[]): fc.Arbitrary<SseEvent> =>
  fc.record({
    event: fc.oneof(fc.constantFrom(...types), fc.string({ maxLength: 10 })),
    data: fc.oneof(
      dialectJson.map((value) => JSON.stringify(value) ?? "null"),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 40 }),
      fc.constantFrom("[DONE]", "", "{", "null"),
    ),
  });

describe("dialect mappers", () => {
  test.each(MAPPERS)("%s: random SseEvents throw only BridgeErrors", (_name, create, types) => {
    fc.assert(
      fc.property(fc.array(sseEvent(types), { minLength: 1, maxLength: 12 }), (events) => {
        const mapper = create();
        const out: StreamEvent[] = [];
        for (const event of events) {
          try {
            mapper.map(event, out);
          } catch (error) {
            expectBridgeError(error);
            return; // an in-stream error ends the stream
          }
        }
      }),
      params(0x6009),
    );
  });
});

import { describe, expect, test } from "bun:test";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import type { MessageHeaderValue } from "@smithy/types";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 as zlibCrc32 } from "node:zlib";
import { crc32 } from "../../src/decode/crc32.ts";
import { EventStreamDecoder } from "../../src/decode/event-stream.ts";
import type { EventStreamMessage, HeaderValue } from "../../src/decode/event-stream.ts";
import { BridgeError } from "../../src/protocol/errors.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures");
const VECTORS = join(FIXTURES, "eventstream-vectors", "aws-sdk-go-v2");
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

const BODIES = {
  model_stream: "bedrock/pydantic-ai/test_bedrock_model_stream.yaml.interaction0.body.bin",
  thinking_part_stream: "bedrock/pydantic-ai/test_bedrock_model_thinking_part_stream.yaml.interaction0.body.bin",
  iter_stream_0: "bedrock/pydantic-ai/test_bedrock_model_iter_stream.yaml.interaction0.body.bin",
  iter_stream_1: "bedrock/pydantic-ai/test_bedrock_model_iter_stream.yaml.interaction1.body.bin",
  invoke_tool_streaming: "bedrock/fantasy/TestBedrockCommon__bedrock-anthropic-claude-haiku-4-5__tool_streaming.yaml.interaction0.body.bin",
} as const;
const bodies = Object.entries(BODIES).map(([name, path]) => ({ name, bytes: read(join(FIXTURES, path)) }));

// ---------------------------------------------------------------------------
// Helpers

function decodeAll(chunks: Uint8Array[], options?: { maxMessageBytes: number }): EventStreamMessage[] {
  const decoder = new EventStreamDecoder(options);
  const messages: EventStreamMessage[] = [];
  for (const chunk of chunks) messages.push(...decoder.feed(chunk));
  decoder.end();
  return messages;
}

function splitAt(input: Uint8Array, offsets: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const at of offsets) {
    chunks.push(input.subarray(from, at));
    from = at;
  }
  chunks.push(input.subarray(from));
  return chunks;
}

/** Fresh copies, so no chunk shares memory with the fixture or another chunk. */
function copies(chunks: Uint8Array[]): Uint8Array[] {
  return chunks.map((chunk) => chunk.slice());
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Corrupt data is final; a body cut inside a message (a dropped connection) may succeed when asked again. */
function expectStreamError(error: unknown, message: RegExp): void {
  expect(error).toBeInstanceOf(BridgeError);
  const bridge = error as BridgeError;
  expect(bridge.code).toBe("STREAM_ERROR");
  expect(bridge.retryable).toBe(/ended inside a message/.test(bridge.message));
  expect(bridge.message).toMatch(message);
}

/** A comparable rendering of one header value: kind plus a canonical text. */
function renderValue(value: HeaderValue): string {
  if (typeof value === "boolean") return `boolean:${value}`;
  if (typeof value === "number") return `number:${value}`;
  if (typeof value === "bigint") return `bigint:${value}`;
  if (typeof value === "string") return `string:${value}`;
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString("hex")}`;
  if (value instanceof Date) return `timestamp:${value.getTime()}`;
  return `uuid:${value.uuid}`;
}

function render(messages: EventStreamMessage[]): string[] {
  return messages.map((message) => {
    const headers = Object.entries(message.headers).map(([name, value]) => `${name}=${renderValue(value)}`);
    return `${headers.join(" | ")} || ${Buffer.from(message.payload).toString("hex")}`;
  });
}

/** The same rendering of a smithy header value. */
function renderSmithy(header: MessageHeaderValue): string {
  switch (header.type) {
    case "boolean":
      return `boolean:${header.value}`;
    case "byte":
    case "short":
    case "integer":
      return `number:${header.value}`;
    case "long":
      return `bigint:${Buffer.from(header.value.bytes).readBigInt64BE()}`;
    case "binary":
      return `bytes:${Buffer.from(header.value).toString("hex")}`;
    case "string":
      return `string:${header.value}`;
    case "timestamp":
      return `timestamp:${header.value.getTime()}`;
    case "uuid":
      return `uuid:${header.value}`;
  }
}

/**
 * Oracle: frame boundaries read straight from each prelude's total_length,
 * each frame decoded (CRCs included) by @smithy/eventstream-codec, the AWS
 * SDK's own codec.
 */
const smithy = new EventStreamCodec(toUtf8, fromUtf8);
function oracle(body: Uint8Array): { rendered: string[]; ends: number[] } {
  const rendered: string[] = [];
  const ends: number[] = [];
  let pos = 0;
  while (pos < body.length) {
    const total = Buffer.from(body.subarray(pos, pos + 4)).readUInt32BE();
    const message = smithy.decode(body.subarray(pos, pos + total));
    const headers = Object.entries(message.headers).map(([name, value]) => `${name}=${renderSmithy(value)}`);
    rendered.push(`${headers.join(" | ")} || ${Buffer.from(message.body).toString("hex")}`);
    pos += total;
    ends.push(pos);
  }
  return { rendered, ends };
}

const expected = new Map(bodies.map((body) => [body.name, oracle(body.bytes)]));
const expectedOf = (name: string): { rendered: string[]; ends: number[] } => expected.get(name)!;

// Frames built by hand for the error cases, with zlib's CRC (not ours).
const u32 = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
function prelude(total: number, headersLength: number): Uint8Array {
  const first = new Uint8Array([...u32(total), ...u32(headersLength)]);
  return new Uint8Array([...first, ...u32(zlibCrc32(first))]);
}
function frame(headers: number[] | Uint8Array, payload: number[] | Uint8Array = []): Uint8Array {
  const total = 16 + headers.length + payload.length;
  const body = new Uint8Array([...prelude(total, headers.length), ...headers, ...payload]);
  return new Uint8Array([...body, ...u32(zlibCrc32(body))]);
}
const ascii = (text: string): number[] => Array.from(Buffer.from(text, "utf8"));
/** A string header (type 7). */
const stringHeader = (name: string, value: string): number[] => {
  const v = ascii(value);
  return [name.length, ...ascii(name), 7, v.length >> 8, v.length & 0xff, ...v];
};

// ---------------------------------------------------------------------------

describe("crc32", () => {
  test("the IEEE check value: crc32('123456789') = 0xCBF43926", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  test("agrees with zlib on any bytes, any range, and when continued in two parts", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const end = start + (b % (bytes.length - start + 1));
        const whole = zlibCrc32(bytes.subarray(start, end));
        expect(crc32(bytes, 0, start, end)).toBe(whole);
        const middle = start + ((end - start) >> 1);
        expect(crc32(bytes, crc32(bytes, 0, start, middle), middle, end)).toBe(whole);
      }),
      { seed: 0x5eed, numRuns: 200 },
    );
  });

  test("matches the CRCs recorded in the official vectors (signed int32 in their JSON)", () => {
    for (const name of ["all_headers", "empty_message", "int32_header", "payload_no_headers", "payload_one_str_header"]) {
      const encoded = read(join(VECTORS, "encoded/positive", name));
      const decoded = JSON.parse(readFileSync(join(VECTORS, "decoded/positive", name), "utf8"));
      expect(crc32(encoded, 0, 0, 8) | 0).toBe(decoded.prelude_crc);
      expect(crc32(encoded, 0, 0, encoded.length - 4) | 0).toBe(decoded.message_crc);
    }
  });
});

describe("official aws-sdk-go-v2 vectors", () => {
  interface DecodedHeader {
    name: string;
    type: number;
    value: boolean | number | string;
  }
  const positive = ["all_headers", "empty_message", "int32_header", "payload_no_headers", "payload_one_str_header"];

  /** The vector's JSON header value in our representation, per the type table. */
  function expectedValue(header: DecodedHeader): string {
    switch (header.type) {
      case 0:
      case 1:
        return `boolean:${header.value}`;
      case 2:
      case 3:
      case 4:
        return `number:${header.value}`;
      case 5:
        return `bigint:${header.value}`;
      case 6:
        return `bytes:${Buffer.from(header.value as string, "base64").toString("hex")}`;
      case 7:
        return `string:${Buffer.from(header.value as string, "base64").toString("utf8")}`;
      case 8:
        return `timestamp:${header.value}`;
      case 9:
        return `uuid:${Buffer.from(header.value as string, "base64")
          .toString("hex")
          .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5")}`;
      default:
        throw new Error(`vector uses header type ${header.type}`);
    }
  }

  test.each(positive)("%s decodes to the vector's description", (name) => {
    const encoded = read(join(VECTORS, "encoded/positive", name));
    const decoded = JSON.parse(readFileSync(join(VECTORS, "decoded/positive", name), "utf8"));
    const messages = decodeAll([encoded]);
    expect(messages).toHaveLength(1);
    const message = messages[0]!;
    expect(encoded.length).toBe(decoded.total_length);
    expect(message.payload.length).toBe(decoded.total_length - decoded.headers_length - 16);
    expect(Buffer.from(message.payload).toString("base64")).toBe(decoded.payload);
    const headers = decoded.headers as DecodedHeader[];
    expect(Object.keys(message.headers)).toEqual(headers.map((header) => header.name));
    expect(Object.values(message.headers).map(renderValue)).toEqual(headers.map(expectedValue));
  });

  test("all_headers: each wire type has its documented JavaScript type", () => {
    const [message] = decodeAll([read(join(VECTORS, "encoded/positive/all_headers"))]);
    const h = message!.headers;
    expect(h["event-type"]).toBe(40972);
    expect(h["content-type"]).toBe("application/json");
    expect(h["bool false"]).toBe(false);
    expect(h["bool true"]).toBe(true);
    expect(h["byte"]).toBe(-49);
    expect(h["byte buf"]).toEqual(new Uint8Array(Buffer.from("I'm a little teapot!")));
    expect(h["timestamp"]).toEqual(new Date(8675309));
    expect(h["int16"]).toBe(42);
    expect(h["int64"]).toBe(42424242n);
    expect(h["uuid"]).toEqual({ uuid: "01020304-0506-0708-090a-0b0c0d0e0f10" });
  });

  test.each(positive)("%s decodes the same fed one byte at a time", (name) => {
    const encoded = read(join(VECTORS, "encoded/positive", name));
    const bytewise = copies(
      splitAt(
        encoded,
        Array.from({ length: encoded.length - 1 }, (_, i) => i + 1),
      ),
    );
    expect(render(decodeAll(bytewise))).toEqual(render(decodeAll([encoded])));
  });

  const negative = ["corrupted_header_len", "corrupted_headers", "corrupted_length", "corrupted_payload"];

  test.each(negative)("%s fails with the vector's kind of checksum error", (name) => {
    const encoded = read(join(VECTORS, "encoded/negative", name));
    const want = readFileSync(join(VECTORS, "decoded/negative", name), "utf8").trim();
    const kind = want === "Prelude checksum mismatch" ? /prelude checksum mismatch/ : /message checksum mismatch/;
    expect(["Prelude checksum mismatch", "Message checksum mismatch"]).toContain(want);
    const decoder = new EventStreamDecoder();
    expectStreamError(
      thrown(() => {
        decoder.feed(encoded);
        decoder.end();
      }),
      kind,
    );
  });

  test.each(negative.filter((name) => name !== "corrupted_headers" && name !== "corrupted_payload"))(
    "%s is rejected on its 12th byte, before the announced length is awaited",
    (name) => {
      const encoded = read(join(VECTORS, "encoded/negative", name));
      const decoder = new EventStreamDecoder();
      for (let i = 0; i < 11; i++) expect(decoder.feed(encoded.subarray(i, i + 1))).toEqual([]);
      expectStreamError(
        thrown(() => decoder.feed(encoded.subarray(11, 12))),
        /prelude checksum mismatch/,
      );
    },
  );
});

describe("real Bedrock bodies", () => {
  test.each(bodies.map((body) => [body.name, body] as const))("%s: whole body gives the oracle's messages", (_, body) => {
    const decoder = new EventStreamDecoder();
    const messages = decoder.feed(body.bytes);
    decoder.end();
    expect(render(messages)).toEqual(expectedOf(body.name).rendered);
    // Several messages completed by one chunk come back from one feed; lying
    // inside that chunk, their payloads are views, not copies.
    expect(messages.length).toBeGreaterThan(5);
    for (const message of messages) expect(message.payload.buffer).toBe(body.bytes.buffer);
  });

  // The ConverseStream events (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html),
  // in the order this recording has them.
  test("the :event-type sequence of the thinking stream: messageStart, deltas, contentBlockStop per block, messageStop, metadata", () => {
    const messages = decodeAll([read(join(FIXTURES, BODIES.thinking_part_stream))]);
    const types = messages.map((message) => message.headers[":event-type"]);
    expect(types).toEqual([
      "messageStart",
      ...Array<string>(15).fill("contentBlockDelta"), // 14 reasoning text deltas + 1 signature delta
      "contentBlockStop",
      ...Array<string>(5).fill("contentBlockDelta"),
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    for (const message of messages) {
      expect(message.headers[":message-type"]).toBe("event");
      expect(message.headers[":content-type"]).toBe("application/json");
    }
  });

  test("InvokeModel stream: every message is a `chunk` event", () => {
    const messages = decodeAll([read(join(FIXTURES, BODIES.invoke_tool_streaming))]);
    expect(messages.map((message) => message.headers[":event-type"])).toEqual(Array<string>(10).fill("chunk"));
  });

  test("split into two chunks at every offset (small body)", () => {
    const body = bodies.find((b) => b.name === "iter_stream_1")!;
    const want = expectedOf(body.name).rendered;
    for (let at = 0; at <= body.bytes.length; at++) {
      expect(render(decodeAll(copies(splitAt(body.bytes, [at]))))).toEqual(want);
    }
  });

  test.each(bodies.map((body) => [body.name, body] as const))("%s: one byte at a time", (_, body) => {
    const offsets = Array.from({ length: body.bytes.length - 1 }, (_, i) => i + 1);
    expect(render(decodeAll(copies(splitAt(body.bytes, offsets))))).toEqual(expectedOf(body.name).rendered);
  });

  test("seeded random re-chunking of every body gives the oracle's messages", () => {
    const arbitrary = fc
      .constantFrom(...bodies)
      .chain((body) => fc.tuple(fc.constant(body), fc.uniqueArray(fc.integer({ min: 1, max: body.bytes.length - 1 }), { maxLength: 40 })));
    fc.assert(
      fc.property(arbitrary, ([body, offsets]) => {
        const chunks = copies(
          splitAt(
            body.bytes,
            offsets.sort((a, b) => a - b),
          ),
        );
        expect(render(decodeAll(chunks))).toEqual(expectedOf(body.name).rendered);
      }),
      { seed: 0xb3d70c, numRuns: 100 },
    );
  });

  test("a payload assembled from several chunks does not alias the chunks", () => {
    const body = bodies.find((b) => b.name === "iter_stream_1")!;
    // 15-byte chunks: no message (≥ 16 bytes) fits inside one, so every one is assembled.
    const offsets = Array.from({ length: Math.floor((body.bytes.length - 1) / 15) }, (_, i) => (i + 1) * 15);
    const chunks = copies(splitAt(body.bytes, offsets));
    const messages = decodeAll(chunks);
    for (const chunk of chunks) chunk.fill(0);
    expect(render(messages)).toEqual(expectedOf(body.name).rendered);
  });
});

describe("truncation and corruption", () => {
  test("a body cut anywhere: whole messages before the cut, then end() fails unless the cut is on a boundary", () => {
    const body = bodies.find((b) => b.name === "iter_stream_1")!;
    const { rendered, ends } = expectedOf(body.name);
    for (let cut = 0; cut < body.bytes.length; cut++) {
      const decoder = new EventStreamDecoder();
      const messages = decoder.feed(body.bytes.subarray(0, cut));
      const complete = ends.filter((end) => end <= cut).length;
      expect(render(messages)).toEqual(rendered.slice(0, complete));
      if (cut === 0 || ends.includes(cut)) {
        decoder.end();
      } else {
        expectStreamError(
          thrown(() => decoder.end()),
          /ended inside a message/,
        );
      }
    }
  });

  test("any corrupted byte of a real body fails with STREAM_ERROR after the intact messages before it", () => {
    const arbitrary = fc.constantFrom(...bodies).chain((body) =>
      fc.record({
        body: fc.constant(body),
        at: fc.integer({ min: 0, max: body.bytes.length - 1 }),
        flip: fc.integer({ min: 1, max: 255 }),
        offsets: fc.uniqueArray(fc.integer({ min: 1, max: body.bytes.length - 1 }), { maxLength: 8 }),
      }),
    );
    fc.assert(
      fc.property(arbitrary, ({ body, at, flip, offsets }) => {
        const corrupt = body.bytes.slice();
        corrupt[at]! ^= flip;
        const { rendered, ends } = expectedOf(body.name);
        const decoder = new EventStreamDecoder();
        const messages: EventStreamMessage[] = [];
        const error = thrown(() => {
          for (const chunk of splitAt(
            corrupt,
            offsets.sort((a, b) => a - b),
          ))
            messages.push(...decoder.feed(chunk));
          decoder.end();
        });
        expectStreamError(error, /checksum mismatch|length|exceeds|ended inside/);
        expect(render(messages)).toEqual(rendered.slice(0, ends.filter((end) => end <= at).length));
      }),
      { seed: 0xc022, numRuns: 150 },
    );
  });

  test("an error after valid messages in the same chunk is deferred to the next call, then sticks", () => {
    const body = bodies.find((b) => b.name === "iter_stream_1")!;
    const { rendered } = expectedOf(body.name);
    const corrupt = body.bytes.slice();
    corrupt[corrupt.length - 1]! ^= 1; // the last message's CRC
    const decoder = new EventStreamDecoder();
    expect(render(decoder.feed(corrupt))).toEqual(rendered.slice(0, -1));
    const first = thrown(() => decoder.end());
    expectStreamError(first, /message checksum mismatch/);
    expect(thrown(() => decoder.feed(body.bytes))).toBe(first);
    expect(thrown(() => decoder.end())).toBe(first);
  });

  test("end() on a message boundary succeeds and the decoder can decode a new stream", () => {
    const body = bodies.find((b) => b.name === "iter_stream_1")!;
    const decoder = new EventStreamDecoder();
    decoder.feed(body.bytes);
    decoder.end();
    decoder.end();
    expect(render(decoder.feed(body.bytes))).toEqual(expectedOf(body.name).rendered);
    decoder.end();
  });
});

describe("limits and malformed frames", () => {
  test.each([
    ["total_length below the 16-byte minimum", prelude(12, 0), /shorter than the 16-byte framing/],
    ["headers_length larger than the message leaves room for", prelude(20, 8), /headers length 8 does not fit/],
    ["headers over 128 KiB", prelude(16 + 131073, 131073), /exceeds the 131072-byte limit/],
    ["a message over the default maximum", prelude(16 * 1024 * 1024 + 128 * 1024 + 17, 0), /exceeds maxMessageBytes/],
  ])("%s is rejected from the prelude alone", (_, bytes, message) => {
    const decoder = new EventStreamDecoder();
    expectStreamError(
      thrown(() => decoder.feed(bytes)),
      message,
    );
  });

  test("headers of exactly 128 KiB and a message of exactly the default maximum are accepted as far as the prelude", () => {
    for (const bytes of [prelude(16 + 131072, 131072), prelude(16 * 1024 * 1024 + 128 * 1024 + 16, 131072)]) {
      const decoder = new EventStreamDecoder();
      expect(decoder.feed(bytes)).toEqual([]);
      expectStreamError(
        thrown(() => decoder.end()),
        /ended inside a message/,
      );
    }
  });

  test("maxMessageBytes is configurable and checked before the body arrives", () => {
    const body = bodies.find((b) => b.name === "iter_stream_1")!;
    const first = Buffer.from(body.bytes.subarray(0, 4)).readUInt32BE();
    const tight = new EventStreamDecoder({ maxMessageBytes: first - 1 });
    expectStreamError(
      thrown(() => tight.feed(body.bytes.subarray(0, 12))),
      new RegExp(`message of ${first} bytes exceeds maxMessageBytes \\(${first - 1}\\)`),
    );
    const largest = Math.max(...expectedOf(body.name).ends.map((end, i, ends) => end - (ends[i - 1] ?? 0)));
    expect(render(decodeAll([body.bytes], { maxMessageBytes: largest }))).toEqual(expectedOf(body.name).rendered);
  });

  test.each([0, 15, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("maxMessageBytes %p is a programming error (INTERNAL)", (max) => {
    const error = thrown(() => new EventStreamDecoder({ maxMessageBytes: max }));
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).code).toBe("INTERNAL");
  });

  test.each([
    ["unknown header value type", [4, ...ascii("abcd"), 10], /"abcd" has unknown value type 10/],
    ["header name running past the headers", [9, ...ascii("abcd")], /header name runs past/],
    ["header without its type byte", [4, ...ascii("abcd")], /"abcd" type runs past/],
    ["string value longer than the headers", [1, ...ascii("s"), 7, 0, 9, ...ascii("abc")], /"s" value runs past/],
    ["string length cut off", [1, ...ascii("s"), 7, 0], /"s" length runs past/],
    ["int64 value cut off", [1, ...ascii("n"), 5, 0, 0, 0, 0], /"n" value runs past/],
    ["uuid value cut off", [1, ...ascii("u"), 9, ...Array<number>(15).fill(1)], /"u" value runs past/],
    ["duplicate header name", [...stringHeader(":event-type", "a"), ...stringHeader(":event-type", "b")], /repeats header ":event-type"/],
    ["invalid UTF-8 in a header name", [2, 0xc3, 0x28, 0], /not valid UTF-8/],
  ])("%s → STREAM_ERROR", (_, headers, message) => {
    expectStreamError(
      thrown(() => decodeAll([frame(headers)])),
      message,
    );
  });

  test("header values at the edges of their types", () => {
    const int64 = (n: bigint): number[] => Array.from(Buffer.from(new BigInt64Array([n]).buffer).reverse());
    const headers = [
      ...[1, ...ascii("a"), 2, 0x80], // int8 -128
      ...[1, ...ascii("b"), 3, 0x80, 0x00], // int16 -32768
      ...[1, ...ascii("c"), 4, 0xff, 0xff, 0xff, 0xff], // int32 -1
      ...[1, ...ascii("d"), 5, ...int64(-(2n ** 63n))],
      ...[1, ...ascii("e"), 5, ...int64(2n ** 53n + 1n)],
      ...[1, ...ascii("f"), 8, ...int64(-1000n)],
      ...[1, ...ascii("g"), 6, 0, 0],
      ...[1, ...ascii("h"), 7, 0, 5, ...ascii("é€")], // 2 + 3 UTF-8 bytes
      ...[1, ...ascii("i"), 9, ...Array.from({ length: 16 }, (_, i) => 0xf0 + i)],
      ...[9, ...ascii("__proto__"), 0],
      ...[0, 7, 0, 0], // an empty name
    ];
    const [message] = decodeAll([frame(headers, [1, 2, 3])]);
    expect(Object.entries(message!.headers).map(([name, value]) => `${name}=${renderValue(value)}`)).toEqual([
      "a=number:-128",
      "b=number:-32768",
      "c=number:-1",
      `d=bigint:${-(2n ** 63n)}`,
      `e=bigint:${2n ** 53n + 1n}`,
      "f=timestamp:-1000",
      "g=bytes:",
      "h=string:é€",
      "i=uuid:f0f1f2f3-f4f5-f6f7-f8f9-fafbfcfdfeff",
      "__proto__=boolean:true",
      "=string:",
    ]);
    expect(Object.getPrototypeOf(message!.headers)).toBeNull();
    expect(Array.from(message!.payload)).toEqual([1, 2, 3]);
  });

  test("repeated header texts stay exact: values whose byte hashes collide, and more distinct values than the decoder caches", () => {
    // "oeowqa" and "qxaaab" collide under the decoder's 32-bit hash of short
    // ASCII texts (found by search), so a cache trusting the hash alone would
    // return the first for the second.
    const decoder = new EventStreamDecoder();
    const values = ["oeowqa", "qxaaab", "oeowqa", ...Array.from({ length: 600 }, (_, i) => `value-${i}`), "qxaaab", "value-599"];
    const frames = values.map((value) => frame(stringHeader("h", value)));
    const decoded = frames.flatMap((bytes) => decoder.feed(bytes));
    decoder.end();
    expect(decoded.map((message) => message.headers["h"])).toEqual(values);
  });

  test("a frame built here by hand decodes the same as the smithy codec decodes it", () => {
    const bytes = frame([...stringHeader(":message-type", "event"), ...stringHeader(":event-type", "x")], ascii('{"a":1}'));
    const message = smithy.decode(bytes);
    expect(render(decodeAll([bytes]))).toEqual([
      `${Object.entries(message.headers)
        .map(([name, value]) => `${name}=${renderSmithy(value)}`)
        .join(" | ")} || ${Buffer.from(message.body).toString("hex")}`,
    ]);
  });
});

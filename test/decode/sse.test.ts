import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { SseDecoder } from "../../src/decode/sse.ts";
import type { SseEvent } from "../../src/decode/sse-event.ts";
import { BridgeError } from "../../src/protocol/errors.ts";

const encoder = new TextEncoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);

interface Parsed {
  events: SseEvent[];
  comments: number;
}

function decodeChunks(chunks: Uint8Array[], maxEventBytes?: number): Parsed {
  const decoder = new SseDecoder(maxEventBytes === undefined ? {} : { maxEventBytes });
  const events: SseEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.feed(chunk));
  events.push(...decoder.end());
  return { events, comments: decoder.comments };
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

function byteByByte(input: Uint8Array): Uint8Array[] {
  return Array.from(input, (_, i) => input.subarray(i, i + 1));
}

/**
 * Independent oracle: the WHATWG algorithm read literally — decode the whole
 * body at once, split with a regex, keep the data buffer as one string with
 * "\n" appended per line and strip the last "\n" at dispatch.
 */
function referenceParse(input: Uint8Array): Parsed {
  let text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(input);
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // what follows the last line end is not a line; the spec discards it
  const events: SseEvent[] = [];
  let comments = 0;
  let data = "";
  let type = "";
  let lastId = "";
  let retry: number | undefined;
  for (const line of lines) {
    if (line === "") {
      if (data !== "") {
        const event: SseEvent = { event: type === "" ? "message" : type, data: data.slice(0, -1) };
        if (lastId !== "") event.id = lastId;
        if (retry !== undefined) event.retry = retry;
        events.push(event);
      }
      data = "";
      type = "";
      retry = undefined;
      continue;
    }
    if (line.startsWith(":")) {
      comments++;
      continue;
    }
    const match = /^([^:]*)(?::(.*))?$/s.exec(line);
    if (match === null) throw new Error("unreachable: the pattern matches every line");
    const name = match[1] ?? "";
    let value = match[2] ?? "";
    if (value.startsWith(" ")) value = value.slice(1);
    if (name === "data") data += `${value}\n`;
    else if (name === "event") type = value;
    else if (name === "id" && !value.includes("\0")) lastId = value;
    else if (name === "retry" && /^[0-9]+$/.test(value)) retry = Number(value);
  }
  return { events, comments };
}

function msg(data: string, extra: Partial<SseEvent> = {}): SseEvent {
  return { event: "message", data, ...extra };
}

describe("WHATWG event stream interpretation", () => {
  const cases: { name: string; input: string; events: SseEvent[]; comments?: number }[] = [
    { name: "LF line ends", input: "data: a\n\n", events: [msg("a")] },
    { name: "CR line ends", input: "data: a\r\r", events: [msg("a")] },
    { name: "CRLF line ends", input: "data: a\r\n\r\n", events: [msg("a")] },
    {
      name: "mixed line ends",
      input: "data: a\rdata: b\ndata: c\r\n\r\nevent: x\r\ndata: d\n\r",
      events: [msg("a\nb\nc"), { event: "x", data: "d" }],
    },
    { name: "CRLF is one line end, the LF after it a blank line", input: "data: a\r\n\ndata: b\n\n", events: [msg("a"), msg("b")] },
    { name: "LF then CR are two line ends", input: "data: a\n\rdata: b\n\n", events: [msg("a"), msg("b")] },
    { name: "CR CR LF: line end, then a CRLF blank line", input: "data: a\r\r\ndata: b\n\n", events: [msg("a"), msg("b")] },
    { name: "leading BOM skipped", input: "\uFEFFdata: a\n\n", events: [msg("a")] },
    {
      name: "only the first BOM is skipped (the second makes an unknown field)",
      input: "\uFEFF\uFEFFdata: a\n\ndata: b\n\n",
      events: [msg("b")],
    },
    { name: "a BOM after the start is not skipped", input: "data: a\n\n\uFEFFdata: b\n\n", events: [msg("a")] },
    { name: "comments counted, not dispatched", input: ": hi\n:\n: \ndata: x\n\n", events: [msg("x")], comments: 3 },
    { name: "comment-only stream", input: ": ping\n\n: ping\n\n", events: [], comments: 2 },
    { name: "comment inside an event", input: "data: a\n: keep-alive\ndata: b\n\n", events: [msg("a\nb")], comments: 1 },
    { name: "multi-line data", input: "data: a\ndata: b\ndata: c\n\n", events: [msg("a\nb\nc")] },
    { name: "data without the space", input: "data:a\n\n", events: [msg("a")] },
    { name: "only one leading space removed", input: "data:  a \n\n", events: [msg(" a ")] },
    { name: "a tab is not removed", input: "data:\ta\n\n", events: [msg("\ta")] },
    { name: "value keeps later colons", input: "data: a: b:c\n\n", events: [msg("a: b:c")] },
    { name: 'empty data value dispatches ""', input: "data:\n\n", events: [msg("")] },
    { name: 'data with a lone space dispatches ""', input: "data: \n\n", events: [msg("")] },
    { name: "field without colon: data", input: "data\n\n", events: [msg("")] },
    { name: "two empty data lines give one LF", input: "data\ndata\n\n", events: [msg("\n")] },
    { name: "no data, no event", input: "event: x\n\nid: 1\n\nretry: 5\n\n\n\n", events: [] },
    { name: "named event", input: "event: ping\ndata: {}\n\n", events: [{ event: "ping", data: "{}" }] },
    { name: "last event field wins", input: "event: a\nevent: b\ndata: 1\n\n", events: [{ event: "b", data: "1" }] },
    { name: "event type resets after dispatch", input: "event: a\ndata: 1\n\ndata: 2\n\n", events: [{ event: "a", data: "1" }, msg("2")] },
    { name: "event type resets after a block without data", input: "event: a\n\ndata: 1\n\n", events: [msg("1")] },
    { name: "empty event type means message", input: "event:\ndata: 1\n\n", events: [msg("1")] },
    { name: "field without colon: event", input: "event\ndata: 1\n\n", events: [msg("1")] },
    // WHATWG: a line with no colon is a field with the empty value, so a bare `event` sets the type to "": a reset.
    { name: "a bare event line resets the type set before it", input: "event: x\nevent\ndata: 1\n\n", events: [msg("1")] },
    { name: "a bare event line, then a new type", input: "event: x\nevent\nevent: y\ndata: 1\n\n", events: [{ event: "y", data: "1" }] },
    { name: "id persists across events", input: "id: 7\ndata: a\n\ndata: b\n\n", events: [msg("a", { id: "7" }), msg("b", { id: "7" })] },
    { name: "id from a block without data persists", input: "id: 1\n\ndata: a\n\n", events: [msg("a", { id: "1" })] },
    { name: "id keeps extra spaces", input: "id:  x\ndata: a\n\n", events: [msg("a", { id: " x" })] },
    { name: "empty id clears it", input: "id: 1\ndata: a\n\nid\ndata: b\n\n", events: [msg("a", { id: "1" }), msg("b")] },
    {
      name: "id containing NUL is ignored",
      input: "id: 1\ndata: a\n\nid: 2\u0000x\ndata: b\n\n",
      events: [msg("a", { id: "1" }), msg("b", { id: "1" })],
    },
    { name: "retry digits", input: "retry: 3000\ndata: a\n\n", events: [msg("a", { retry: 3000 })] },
    { name: "retry zero", input: "retry:0\ndata: a\n\n", events: [msg("a", { retry: 0 })] },
    ...["30a", "-1", "1.5", " 10", "", "1e3", "٣"].map((value) => ({
      name: `retry ${JSON.stringify(value)} ignored`,
      input: `retry: ${value}\ndata: a\n\n`,
      events: [msg("a")],
    })),
    { name: "retry belongs to its event", input: "retry: 5\ndata: a\n\ndata: b\n\n", events: [msg("a", { retry: 5 }), msg("b")] },
    { name: "retry in a block without data is dropped", input: "retry: 5\n\ndata: a\n\n", events: [msg("a")] },
    { name: "unknown field ignored", input: "foo: bar\ndata: a\nbaz\n\n", events: [msg("a")] },
    { name: "field names are case-sensitive", input: "Data: a\nEVENT: x\n\n", events: [] },
    { name: "space before colon makes another field", input: "data : a\n\n", events: [] },
    { name: "final event without blank line dropped (LF)", input: "data: a\n\ndata: b\n", events: [msg("a")] },
    { name: "final event without any line end dropped", input: "data: a\n\ndata: b", events: [msg("a")] },
    { name: "unterminated final comment is not a line", input: "data: a\n\n: bye", events: [msg("a")], comments: 0 },
    { name: "NUL in data is kept", input: "data: a\u0000b\n\n", events: [msg("a\u0000b")] },
    { name: "U+2028 is not a line end", input: "data: a\u2028b\n\n", events: [msg("a\u2028b")] },
    { name: "multi-byte text", input: "event: café\ndata: 日本 🎉\n\n", events: [{ event: "café", data: "日本 🎉" }] },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const input = bytes(c.input);
      const expected: Parsed = { events: c.events, comments: c.comments ?? 0 };
      expect(decodeChunks([input])).toStrictEqual(expected);
      expect(decodeChunks(byteByByte(input))).toStrictEqual(expected);
      // The oracle is checked against the same hand-written table, so neither can drift.
      expect(referenceParse(input)).toStrictEqual(expected);
    });
  }

  const byteCases: { name: string; input: number[]; events: SseEvent[] }[] = [
    { name: "invalid byte becomes U+FFFD", input: [...bytes("data: "), 0xff, ...bytes(" x\n\n")], events: [msg("\uFFFD x")] },
    { name: "truncated sequence before LF becomes one U+FFFD", input: [...bytes("data: "), 0xe6, 0x97, ...bytes("\n\n")], events: [msg("\uFFFD")] },
    { name: "lone continuation byte", input: [...bytes("data: a"), 0x80, ...bytes("b\n\n")], events: [msg("a\uFFFDb")] },
    { name: "truncated sequence at end of stream does not throw", input: [...bytes("data: a\n\ndata: "), 0xe6, 0x97], events: [msg("a")] },
  ];
  for (const c of byteCases) {
    test(c.name, () => {
      const input = Uint8Array.from(c.input);
      expect(decodeChunks([input]).events).toStrictEqual(c.events);
      expect(decodeChunks(byteByByte(input)).events).toStrictEqual(c.events);
    });
  }
});

describe("chunk seams", () => {
  const seamCases: { name: string; chunks: string[]; events: SseEvent[] }[] = [
    // If the LF were a line end of its own, "a" would be dispatched alone.
    { name: "CR at chunk end, LF at next chunk start", chunks: ["data: a\r", "\ndata: b\r\n\r\n"], events: [msg("a\nb")] },
    { name: "CR at chunk end, empty chunk, then LF", chunks: ["data: a\r", "", "\ndata: b\n\n"], events: [msg("a\nb")] },
    { name: "CR at chunk end, CR at next start", chunks: ["data: a\r", "\rdata: b\n\n"], events: [msg("a"), msg("b")] },
    { name: "CR at chunk end, then a CRLF blank line", chunks: ["data: a\r", "\r\n"], events: [msg("a")] },
    { name: "blank line arrives alone", chunks: ["data: a\n", "\n"], events: [msg("a")] },
    { name: "field name split", chunks: ["da", "ta: a\n\n"], events: [msg("a")] },
    { name: "split right after the colon", chunks: ["data:", " a\n\n"], events: [msg("a")] },
  ];
  for (const c of seamCases) {
    test(c.name, () => {
      expect(decodeChunks(c.chunks.map(bytes)).events).toStrictEqual(c.events);
    });
  }

  test("feed returns the events each chunk completes", () => {
    const decoder = new SseDecoder();
    expect(decoder.feed(bytes("event: a\ndata: 1"))).toStrictEqual([]);
    expect(decoder.feed(bytes("\n\ndata: 2\n\ndata: 3\n"))).toStrictEqual([{ event: "a", data: "1" }, msg("2")]);
    expect(decoder.feed(bytes(": ping\n"))).toStrictEqual([]);
    expect(decoder.comments).toBe(1);
    expect(decoder.feed(bytes("\n"))).toStrictEqual([msg("3")]);
    expect(decoder.end()).toStrictEqual([]);
  });

  test("end() discards a pending event and resets for a new stream", () => {
    const decoder = new SseDecoder();
    expect(decoder.feed(bytes("id: 9\ndata: a\n\ndata: partial\n"))).toStrictEqual([msg("a", { id: "9" })]);
    expect(decoder.end()).toStrictEqual([]);
    // A new stream: no pending data, no last event id, and a BOM is skipped again.
    expect(decoder.feed(bytes("\uFEFFdata: b\n\n"))).toStrictEqual([msg("b")]);
  });

  // Multi-byte characters (2, 3 and 4 bytes, a skin-tone sequence), a BOM, CR, LF and CRLF.
  const SEAM_STREAM = "\uFEFFevent: café\r\ndata: 日本\r\ndata:🎉 é\r\n\r\n: heartbeat\r\nid: ü-1\rdata: 👍🏽\n\r\nretry: 250\r\ndata: last\r\n\r\n";
  const SEAM_EXPECTED: Parsed = {
    events: [{ event: "café", data: "日本\n🎉 é" }, msg("👍🏽", { id: "ü-1" }), msg("last", { id: "ü-1", retry: 250 })],
    comments: 1,
  };
  const seamBytes = bytes(SEAM_STREAM);

  test("fixed multi-byte stream fed whole and byte by byte", () => {
    expect(decodeChunks([seamBytes])).toStrictEqual(SEAM_EXPECTED);
    expect(decodeChunks(byteByByte(seamBytes))).toStrictEqual(SEAM_EXPECTED);
  });

  test("split into 2 chunks at every byte offset", () => {
    for (let i = 0; i <= seamBytes.length; i++) {
      const got = decodeChunks(splitAt(seamBytes, [i]));
      if (!Bun.deepEquals(got, SEAM_EXPECTED, true)) expect({ offset: i, got }).toStrictEqual({ offset: i, got: SEAM_EXPECTED });
    }
  });

  test("split into 3 chunks at every offset pair", () => {
    let pairs = 0;
    for (let i = 0; i <= seamBytes.length; i++) {
      for (let j = i; j <= seamBytes.length; j++) {
        const got = decodeChunks(splitAt(seamBytes, [i, j]));
        if (!Bun.deepEquals(got, SEAM_EXPECTED, true)) expect({ offsets: [i, j], got }).toStrictEqual({ offsets: [i, j], got: SEAM_EXPECTED });
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(3000);
  });
});

describe("real provider shapes", () => {
  // Excerpt (events 2-4 and the last 3, byte-exact) of charmbracelet/fantasy
  // providertests/testdata/TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml
  // (commit caf105e7e146, snapshot HEAD f6d4d1e3022229bd6e77717416336bf50e1693ad), Apache-2.0,
  // © Charmbracelet, Inc.; recorded against the live API. Note the padding spaces after the JSON.
  const ANTHROPIC =
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}            }\n\n' +
    'event: ping\ndata: {"type": "ping"}\n\n' +
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Olá! ("}         }\n\n' +
    'event: content_block_stop\ndata: {"type":"content_block_stop","index":0            }\n\n' +
    'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":16,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":38}            }\n\n' +
    'event: message_stop\ndata: {"type":"message_stop"       }\n\n';

  // Events 1 and 3 (of 3), byte-exact, of charmbracelet/fantasy
  // providertests/testdata/TestGoogleCommon/vertex-gemini-2-5-pro/simple_streaming.yaml
  // (commit caf105e7e146), Apache-2.0, © Charmbracelet, Inc. Vertex separates events with CRLF CRLF.
  const VERTEX =
    'data: {"candidates": [{"content": {"role": "model","parts": [{"text": "Of course!\\n\\n"}]}}],"usageMetadata": {"trafficType": "ON_DEMAND"},"modelVersion": "gemini-2.5-pro","createTime": "2026-03-12T18:06:15.185613Z","responseId": "lwCzaY2qC5zr_dQPkszy8QI"}\r\n\r\n' +
    'data: {"candidates": [{"content": {"role": "model","parts": [{"text": " all the time"}]},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 9,"candidatesTokenCount": 73,"totalTokenCount": 860,"trafficType": "ON_DEMAND","promptTokensDetails": [{"modality": "TEXT","tokenCount": 9}],"candidatesTokensDetails": [{"modality": "TEXT","tokenCount": 73}],"thoughtsTokenCount": 778},"modelVersion": "gemini-2.5-pro","createTime": "2026-03-12T18:06:15.185613Z","responseId": "lwCzaY2qC5zr_dQPkszy8QI"}\r\n\r\n';

  // The last 2 events, byte-exact, of charmbracelet/fantasy
  // providertests/testdata/TestOpenAICommon/openai-gpt-5/simple_streaming.yaml
  // (commit 4816e035e355), Apache-2.0, © Charmbracelet, Inc.
  const OPENAI =
    'data: {"id":"chatcmpl-DuLddZr4DRHJOM0r9PiSog78i9fIY","object":"chat.completion.chunk","created":1782321917,"model":"gpt-5-2025-08-07","service_tier":"default","system_fingerprint":null,"choices":[],"usage":{"prompt_tokens":19,"completion_tokens":75,"total_tokens":94,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":64,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"obfuscation":"haKPyvbhUp"}\n\n' +
    "data: [DONE]\n\n";

  function checkAllSplits(stream: string, expected: Parsed): void {
    const input = bytes(stream);
    for (let i = 0; i <= input.length; i++) {
      const got = decodeChunks(splitAt(input, [i]));
      if (!Bun.deepEquals(got, expected, true)) expect({ offset: i, got }).toStrictEqual({ offset: i, got: expected });
    }
  }

  test("Anthropic: named events, padded JSON kept verbatim", () => {
    const { events } = decodeChunks([bytes(ANTHROPIC)]);
    expect(events.map((e) => e.event)).toEqual(["content_block_start", "ping", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    expect(events[0]?.data).toBe('{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}            }');
    expect(events[5]?.data).toBe('{"type":"message_stop"       }');
    expect(JSON.parse(events[2]?.data ?? "").delta.text).toBe("Olá! (");
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    checkAllSplits(ANTHROPIC, { events, comments: 0 });
  });

  test("Vertex: CRLF CRLF separators", () => {
    const { events } = decodeChunks([bytes(VERTEX)]);
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.event === "message" && !e.data.includes("\r"))).toBe(true);
    expect(JSON.parse(events[0]?.data ?? "").candidates[0].content.parts[0].text).toBe("Of course!\n\n");
    expect(JSON.parse(events[1]?.data ?? "").candidates[0].finishReason).toBe("STOP");
    checkAllSplits(VERTEX, { events, comments: 0 });
  });

  test("OpenAI: data: [DONE] is an ordinary message event", () => {
    const { events } = decodeChunks([bytes(OPENAI)]);
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[0]?.data ?? "").usage.total_tokens).toBe(94);
    expect(events[1]).toStrictEqual(msg("[DONE]"));
    checkAllSplits(OPENAI, { events, comments: 0 });
  });
});

describe("property: any chunking equals one-shot equals the reference", () => {
  const eol = fc.constantFrom("\n", "\r", "\r\n");
  const unit = fc.oneof(fc.constantFrom("a", " ", ":", "é", "日", "本", "🎉", "\u0000", "\uFEFF", "1"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));
  const value = fc.oneof(
    fc.string({ unit, maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, "")),
    fc.integer({ min: 0, max: 99999 }).map(String),
  );
  const line = fc.tuple(fc.constantFrom("data", "data", "event", "id", "retry", ":", "foo", ""), fc.constantFrom(":", ": ", ""), value).map(([name, sep, v]) => name + sep + v);
  const terminatedLine = fc.tuple(line, eol).map(([l, e]) => l + e);
  const block = fc.tuple(fc.array(terminatedLine, { maxLength: 6 }), eol).map(([lines, e]) => lines.join("") + e);
  const structuredStream = fc
    .tuple(fc.boolean(), fc.array(block, { maxLength: 8 }), fc.array(terminatedLine, { maxLength: 2 }), fc.option(line, { nil: undefined }))
    .map(([bom, blocks, unfinished, tail]) => bytes((bom ? "\uFEFF" : "") + blocks.join("") + unfinished.join("") + (tail ?? "")));

  // Raw bytes biased toward syntax and broken UTF-8, to reach paths the structured generator cannot.
  const token = fc.oneof(
    fc.constantFrom(
      ...["data", "event", "id", "retry", ":", " ", "\r", "\n", "\r\n", "\u0000", "x", "é", "日本", "🎉", "42", "\uFEFF"].map(bytes),
      Uint8Array.of(0xff),
      Uint8Array.of(0xc3),
      Uint8Array.of(0xe6, 0x97),
      Uint8Array.of(0x80),
    ),
    fc.uint8Array({ maxLength: 4 }),
  );
  const rawStream = fc.array(token, { maxLength: 80 }).map((parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  });
  const cuts = fc.array(fc.nat({ max: 10_000 }), { maxLength: 12 });

  function check(input: Uint8Array, rawCuts: number[]): void {
    const offsets = rawCuts.map((c) => c % (input.length + 1)).sort((a, b) => a - b);
    const whole = decodeChunks([input]);
    expect(decodeChunks(splitAt(input, offsets))).toStrictEqual(whole);
    expect(whole).toStrictEqual(referenceParse(input));
  }

  test("structured random events", () => {
    fc.assert(fc.property(structuredStream, cuts, check), { seed: 20260702, numRuns: 200 });
  });

  test("raw random bytes", () => {
    fc.assert(fc.property(rawStream, cuts, check), { seed: 4242, numRuns: 200 });
  });
});

describe("bounded memory", () => {
  function expectStreamError(run: () => unknown): void {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BridgeError);
    const error = caught as BridgeError;
    expect(error.code).toBe("STREAM_ERROR");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("maxEventBytes (100)");
  }

  test("a terminated line longer than the limit throws", () => {
    expectStreamError(() => new SseDecoder({ maxEventBytes: 100 }).feed(bytes(`data: ${"x".repeat(95)}\n\n`)));
  });

  test("a long comment line throws too", () => {
    expectStreamError(() => new SseDecoder({ maxEventBytes: 100 }).feed(bytes(`:${"x".repeat(100)}\n`)));
  });

  test("an unterminated line throws as soon as it passes the limit", () => {
    const decoder = new SseDecoder({ maxEventBytes: 100 });
    const line = bytes(`data: ${"x".repeat(200)}`);
    for (let i = 0; i < 100; i++) expect(decoder.feed(line.subarray(i, i + 1))).toStrictEqual([]);
    expectStreamError(() => decoder.feed(line.subarray(100, 101)));
  });

  test("a line exactly at the limit works", () => {
    const data = "x".repeat(94);
    expect(decodeChunks([bytes(`data: ${data}\n\n`)], 100).events).toStrictEqual([msg(data)]);
    expect(decodeChunks(byteByByte(bytes(`data: ${data}\n\n`)), 100).events).toStrictEqual([msg(data)]);
  });

  test("event data accumulated over lines is bounded", () => {
    const a = "a".repeat(50);
    const b = "b".repeat(49);
    // 50 + "\n" + 49 = 100: at the limit.
    expect(decodeChunks([bytes(`data: ${a}\ndata: ${b}\n\n`)], 100).events).toStrictEqual([msg(`${a}\n${b}`)]);
    expectStreamError(() => new SseDecoder({ maxEventBytes: 100 }).feed(bytes(`data: ${a}\ndata: ${b}b\n\n`)));
  });

  test("the bound is per event, not per stream", () => {
    const one = `data: ${"x".repeat(90)}\n\n`;
    const { events } = decodeChunks([bytes(one.repeat(50))], 100);
    expect(events).toHaveLength(50);
  });

  test("default limit is 16 MiB", () => {
    const decoder = new SseDecoder();
    const mib = new Uint8Array(1024 * 1024).fill(0x78);
    for (let i = 0; i < 16; i++) decoder.feed(mib);
    let caught: unknown;
    try {
      decoder.feed(Uint8Array.of(0x78));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BridgeError);
    expect((caught as BridgeError).code).toBe("STREAM_ERROR");
  });

  test("a non-positive limit is rejected", () => {
    expect(() => new SseDecoder({ maxEventBytes: 0 })).toThrow(BridgeError);
  });
});

import { describe, expect, test } from "bun:test";
import { BridgeError } from "../../src/protocol/errors.ts";
import { encodeChunk, encodeError, encodeResult, errorBody, escapeLineBreaks } from "../../src/protocol/lines.ts";

/** Every character Python's str.splitlines breaks at (its documentation's table); the rest of the readers split at fewer. */
const SPLITLINES = ["\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"];
const LINE_END = new RegExp(`[${SPLITLINES.join("")}]`);

// Characters some line readers split on (Python's str.splitlines, editors); the wire README promises them escaped.
const TRICKY = `a${SPLITLINES.join("b")}c\r\nd\ud83d\ude00g`;

describe("response lines stay one line whatever the content", () => {
  const cases: Array<[string, string, (parsed: any) => unknown]> = [
    ["chunk", encodeChunk("r", { type: "content", content: TRICKY }), (parsed) => parsed.data.content],
    ["result", encodeResult(1, { text: TRICKY }), (parsed) => parsed.data.text],
    ["error", encodeError(null, errorBody(new BridgeError("PROVIDER_ERROR", TRICKY))), (parsed) => parsed.error.message],
  ];
  test.each(cases)("%s", (_name, line, text) => {
    expect(line.endsWith("\n")).toBe(true);
    const body = line.slice(0, -1);
    expect(body).not.toMatch(LINE_END);
    expect(body).toContain("\\u2028");
    expect(body).toContain("\\u2029");
    expect(body).toContain("\\u0085");
    expect(text(JSON.parse(body))).toBe(TRICKY);
  });

  test.each(SPLITLINES.map((c) => [`U+${c.charCodeAt(0).toString(16).padStart(4, "0")}`, c]))("%s alone, in a key and in a value", (_name, c) => {
    const line = encodeResult(`id${c}`, { [`k${c}`]: [`v${c}`, c.repeat(3)] });
    expect(line.slice(0, -1)).not.toMatch(LINE_END);
    expect(JSON.parse(line)).toEqual({ id: `id${c}`, success: true, data: { [`k${c}`]: [`v${c}`, c.repeat(3)] } });
  });

  test("escapeLineBreaks leaves a text without them as it is, and escapes every one", () => {
    expect(escapeLineBreaks('{"a":"b"}')).toBe('{"a":"b"}');
    expect(escapeLineBreaks('"\u0085\u2028\u2029\u0085"')).toBe('"\\u0085\\u2028\\u2029\\u0085"');
  });
});

describe("lone surrogates become U+FFFD, so strict JSON parsers accept every line", () => {
  test.each([
    ["high alone", "a\ud83d", "a\ufffd"],
    ["low alone", "\ude00b", "\ufffdb"],
    ["reversed pair", "\ude00\ud83d", "\ufffd\ufffd"],
    ["a pair stays", "x\ud83d\ude00y", "x😀y"],
    ["pair then lone high", "\ud83d\ude00\ud83d", "😀\ufffd"],
  ])("%s", (_name, content, expected) => {
    const body = encodeChunk(1, { type: "content", content }).slice(0, -1);
    expect(body).not.toMatch(/\\ud[89a-f]/i);
    expect(JSON.parse(body).data.content).toBe(expected);
  });

  test("in nested results and error messages too", () => {
    expect(JSON.parse(encodeResult(1, { models: [{ name: "m\ud800" }] })).data.models[0].name).toBe("m\ufffd");
    expect(JSON.parse(encodeError(null, errorBody(new BridgeError("PROVIDER_ERROR", "bad \udfff")))).error.message).toBe("bad \ufffd");
  });
});

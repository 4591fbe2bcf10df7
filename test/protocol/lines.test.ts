import { describe, expect, test } from "bun:test";
import { BridgeError } from "../../src/protocol/errors.ts";
import { encodeChunk, encodeError, encodeResult, errorBody } from "../../src/protocol/lines.ts";

// Characters some line readers split on (Python's str.splitlines, editors); the wire README promises them escaped.
const TRICKY = "a\u2028b\u2029c\nd\re\u0085f\ud83d\ude00g";

describe("response lines stay one line whatever the content", () => {
  const cases: Array<[string, string, (parsed: any) => unknown]> = [
    ["chunk", encodeChunk("r", { type: "content", content: TRICKY }), (parsed) => parsed.data.content],
    ["result", encodeResult(1, { text: TRICKY }), (parsed) => parsed.data.text],
    ["error", encodeError(null, errorBody(new BridgeError("PROVIDER_ERROR", TRICKY))), (parsed) => parsed.error.message],
  ];
  test.each(cases)("%s", (_name, line, text) => {
    expect(line.endsWith("\n")).toBe(true);
    const body = line.slice(0, -1);
    expect(body).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(body).toContain("\\u2028");
    expect(body).toContain("\\u2029");
    expect(text(JSON.parse(body))).toBe(TRICKY);
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

/**
 * validateRequest on the inputs JSON allows but a request must not carry
 * (issue 16, item 9): ids that cannot be echoed unchanged, numbers JSON.parse
 * turns into infinities, nesting deep enough to exhaust a recursive walk, and
 * header names and values fetch would refuse later.
 */
import { describe, expect, test } from "bun:test";
import { BridgeError } from "../../src/protocol/errors.ts";
import { MAX_NESTING, readId, validateRequest } from "../../src/protocol/request.ts";

function refusal(line: string): BridgeError {
  try {
    validateRequest(JSON.parse(line));
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error(`accepted: ${line.slice(0, 200)}`);
}

function expectRefused(line: string, field: string, message: RegExp): void {
  const error = refusal(line);
  expect(error.code).toBe("INVALID_REQUEST");
  expect(error.field).toBe(field);
  expect(error.message).toStartWith(`${field}: `);
  expect(error.message).toMatch(message);
}

describe("ids with a lone surrogate are refused, not turned into U+FFFD", () => {
  test.each([
    ["high alone", '"\\ud800"'],
    ["low alone", '"a\\udfff"'],
    ["reversed pair", '"\\ude00\\ud83d"'],
  ])("%s", (_name, id) => {
    const line = `{"id":${id},"action":"ping"}`;
    expect(readId(JSON.parse(line))).toBeNull();
    expectRefused(line, "id", /lone UTF-16 surrogate/);
  });

  test("a well-formed pair is an ordinary id", () => {
    const line = '{"id":"\\ud83d\\ude00","action":"ping"}';
    expect(readId(JSON.parse(line))).toBe("😀");
    expect(validateRequest(JSON.parse(line)).id).toBe("😀");
  });

  test("cancel refuses one as its target", () => {
    expectRefused('{"id":1,"action":"cancel","params":{"id":"\\udc00"}}', "params.id", /lone UTF-16 surrogate/);
  });
});

describe("numbers beyond the double range", () => {
  test.each([
    ["timeout", '{"id":1,"action":"ping","timeout":1e400}', "timeout"],
    ["negative", '{"id":1,"action":"ping","timeout":-1e400}', "timeout"],
    ["a param", '{"id":1,"action":"stream_chat","provider":"openai","params":{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":1e999}}', "params.temperature"],
  ])("%s: named as too large, not as 'must be a number, got a number'", (_name, line, field) => {
    expectRefused(line, field, /finite number .* too large to represent \(-?Infinity\)/);
    expect(refusal(line).message).not.toContain("got a number");
  });
});

describe(`nesting deeper than ${MAX_NESTING} arrays and objects`, () => {
  const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
  const toolResults = (depth: number): string => {
    let content = '"x"';
    for (let i = 0; i < depth; i++) content = `[{"type":"tool_result","tool_call_id":"c","content":${content}}]`;
    return content;
  };
  const chat = (extra: string): string =>
    `{"id":"deep","action":"count_tokens","provider":"openai","params":{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]${extra}}}`;

  test("right at the limit is accepted", () => {
    // request → params → tools → [0] → parameters: depth 5, then the nested objects.
    expect(() => validateRequest(JSON.parse(chat(`,"tools":[{"name":"t","parameters":${nested(MAX_NESTING - 4)}}]`)))).not.toThrow();
  });

  test("one level more is refused, naming the tool", () => {
    expectRefused(
      chat(`,"tools":[{"name":"t","parameters":${nested(MAX_NESTING - 3)}}]`),
      "params.tools[0]",
      new RegExp(`nested more than ${MAX_NESTING} .* \\(at params\\.tools\\[0\\]\\.parameters\\.a\\.a\\.a\\.a…\\)`),
    );
  });

  test("tool results inside tool results, 100,000 deep: a precise refusal, not a stack overflow", () => {
    const line = chat("").replace('"content":"x"', `"content":${toolResults(100_000)}`);
    expectRefused(line, "params.messages[0]", /nested more than 256 arrays and objects deep/);
  });

  test("an envelope field, a million arrays deep", () => {
    expectRefused(`{"id":1,"action":"ping","x":${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}`, "x[0]", /nested more than/);
  });
});

describe("params.headers: names and values fetch would refuse", () => {
  const list = (headers: Record<string, unknown>): string => JSON.stringify({ id: 1, action: "list_models", provider: "openai", params: { headers } });

  test.each([
    ["a line feed", { "x-a": "a\nb" }, "params.headers.x-a", /U\+000A at offset 1 is a line break or NUL/],
    ["a carriage return", { "x-a": "\r" }, "params.headers.x-a", /U\+000D/],
    ["a NUL", { "x-a": "a\u0000" }, "params.headers.x-a", /U\+0000/],
    ["beyond Latin-1", { "x-a": "price €" }, "params.headers.x-a", /U\+20AC at offset 6 is a character outside Latin-1/],
    ["U+2028", { "x-a": "a\u2028" }, "params.headers.x-a", /U\+2028/],
    ["a name with a space", { "x a": "v" }, "params.headers.x a", /"x a" is not a valid HTTP header name/],
    ["a name with a colon", { "x:a": "v" }, "params.headers.x:a", /not a valid HTTP header name/],
    ["an empty name", { "": "v" }, "params.headers.", /"" is not a valid HTTP header name/],
    ["a value not a string", { "x-a": 1 }, "params.headers.x-a", /must be a string/],
  ])("%s", (_name, headers, field, message) => {
    expectRefused(list(headers), field, message);
  });

  test("refresh_catalog headers too", () => {
    expectRefused(JSON.stringify({ id: 1, action: "refresh_catalog", params: { headers: { a: "\n" } } }), "params.headers.a", /line break/);
  });

  test("what fetch accepts passes: Latin-1, tabs, outer spaces, every token character", () => {
    const headers = { "x-a": "café\tvalue ", "!#$%&'*+-.^_`|~09AZaz": "", "x-b": "\u00ff" };
    expect(() => validateRequest(JSON.parse(list(headers)))).not.toThrow();
    expect(() => new Headers(headers)).not.toThrow();
  });
});

describe("provider_data on reasoning and tool_call parts: a JSON object, size-bounded", () => {
  const chat = (part: Record<string, unknown>): string =>
    JSON.stringify({ id: 1, action: "stream_chat", provider: "openrouter", params: { model: "m", messages: [{ role: "assistant", content: [part] }] } });
  const reasoning = (provider_data: unknown) => ({ type: "reasoning", text: "t", provider_data });
  const call = (provider_data: unknown) => ({ type: "tool_call", id: "c", name: "n", arguments: "{}", provider_data });

  test.each([
    ["a string on a reasoning part", reasoning("opaque"), /must be an object .*got a string/],
    ["an array on a reasoning part", reasoning([{ type: "reasoning.text" }]), /must be an object .*got an array/],
    ["null on a tool_call part", call(null), /must be an object .*got null/],
    ["a number on a tool_call part", call(1), /got a number/],
    ["more than 64 KiB", call({ extra_content: { google: { thought_signature: "s".repeat(64 * 1024) } } }), /bytes of JSON, more than the 65536 allowed/],
  ])("%s", (_name, part, message) => {
    expectRefused(chat(part), "params.messages[0].content[0].provider_data", message);
  });

  test("objects within the bound pass, on both parts", () => {
    validateRequest(JSON.parse(chat(reasoning({ reasoning_details: [{ type: "reasoning.text", text: "t", index: 0 }] }))));
    validateRequest(JSON.parse(chat(call({ extra_content: { google: { thought_signature: "s".repeat(60 * 1024) } } }))));
  });

  test("other parts still refuse it", () => {
    expectRefused(chat({ type: "text", text: "t", provider_data: {} }), "params.messages[0].content[0].provider_data", /unknown/);
  });
});

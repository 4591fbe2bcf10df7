import { describe, expect, test } from "bun:test";
import { WireChecker } from "./wire-checker.ts";

function checker(): { wire: WireChecker; reported: string[] } {
  const reported: string[] = [];
  return { wire: new WireChecker((message) => void reported.push(message)), reported };
}

const ping = JSON.stringify({ id: 1, action: "ping" });
const listModels = JSON.stringify({ id: 1, action: "list_models", provider: "openai" });

describe("requests", () => {
  test("a valid request passes", () => {
    expect(() => checker().wire.request(ping)).not.toThrow();
  });

  test.each([
    ["not JSON", "{nope"],
    ["unknown envelope field", JSON.stringify({ id: 1, action: "ping", extra: true })],
    ["bad param", JSON.stringify({ id: 1, action: "stream_chat", provider: "openai", params: { model: "m", messages: [] } })],
  ])("%s throws at the send call", (_name, line) => {
    expect(() => checker().wire.request(line)).toThrow(/request line/);
  });

  test("{invalid: true} lets a bad line through", () => {
    expect(() => checker().wire.request("{nope", { invalid: true })).not.toThrow();
  });

  test("{invalid: true} on a line the schema accepts throws: the test's premise is wrong", () => {
    expect(() => checker().wire.request(ping, { invalid: true })).toThrow(/schema accepts it/);
  });
});

describe("responses", () => {
  test('an escaped backslash before "u" is not a surrogate escape', () => {
    const { wire, reported } = checker();
    wire.request(ping);
    wire.response('{"id":1,"success":true,"data":{"version":"\\\\ud83d","protocol":1}}');
    expect(reported).toEqual([]);
  });

  test("a valid line is not reported", () => {
    const { wire, reported } = checker();
    wire.request(ping);
    wire.response(JSON.stringify({ id: 1, success: true, data: { version: "0.1.0", protocol: 1 } }));
    expect(reported).toEqual([]);
    expect(wire.violations).toEqual([]);
  });

  test.each([
    ["unknown field", JSON.stringify({ id: 1, success: true, data: { version: "0.1.0", protocol: 1 }, extra: 1 })],
    ["unknown error code", JSON.stringify({ id: 1, success: false, error: { code: "OOPS", message: "m", retryable: false, partial: false } })],
    ["not JSON", "{"],
    ["lone surrogate escape", '{"id":1,"success":true,"data":{"version":"a\\ud83d","protocol":1}}'],
    ["lone surrogate escape after an escaped backslash", '{"id":1,"success":true,"data":{"version":"\\\\\\udc00","protocol":1}}'],
    ["raw U+2028 in a string", `{"id":1,"success":true,"data":{"version":"a\u2028b","protocol":1}}`],
    ["raw U+0085 in a string", `{"id":1,"success":true,"data":{"version":"a\u0085b","protocol":1}}`],
  ])("%s is reported", (_name, line) => {
    const { wire, reported } = checker();
    wire.response(line);
    expect(reported).toHaveLength(1);
    expect(wire.violations).toEqual(reported);
  });

  test("a result is checked against the action that asked for it", () => {
    const { wire, reported } = checker();
    wire.request(listModels);
    // A valid ping result, but request 1 was list_models.
    wire.response(JSON.stringify({ id: 1, success: true, data: { version: "0.1.0", protocol: 1 } }));
    expect(reported[0]).toContain("not a list_models result");
  });

  test("a chunk the action does not stream is reported", () => {
    const { wire, reported } = checker();
    wire.request(ping);
    wire.response(JSON.stringify({ id: 1, success: true, streaming: true, data: { type: "content", content: "x" } }));
    expect(reported[0]).toContain("ping does not stream");
  });

  test("once a request has ended, its id may be reused for another action", () => {
    const { wire, reported } = checker();
    wire.request(ping);
    wire.response(JSON.stringify({ id: 1, success: true, data: { version: "0.1.0", protocol: 1 } }));
    wire.request(listModels);
    wire.response(JSON.stringify({ id: 1, success: true, data: [] }));
    expect(reported).toEqual([]);
  });

  test("an id in flight for two actions is checked without an action", () => {
    const { wire, reported } = checker();
    wire.request(ping);
    wire.request(listModels);
    wire.response(JSON.stringify({ id: 1, success: true, data: { version: "0.1.0", protocol: 1 } }));
    expect(reported).toEqual([]);
  });
});

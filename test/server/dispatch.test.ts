import { describe, expect, test } from "bun:test";
import { createHarness, terminalOf } from "../support/in-process.ts";
import { validateResponseLine } from "../support/wire-schema.ts";

describe("invalid lines name the offending field and keep the id when readable", () => {
  const cases: Array<[string, string, string | number | null, string]> = [
    ["not JSON", "{nope", null, "request"],
    ["JSON but not an object", "[1,2]", null, "request"],
    ["missing id", JSON.stringify({ action: "ping" }), null, "id"],
    ["empty id", JSON.stringify({ id: "", action: "ping" }), null, "id"],
    ["fractional id", JSON.stringify({ id: 1.5, action: "ping" }), null, "id"],
    ["unknown action", JSON.stringify({ id: 7, action: "explode" }), 7, "action"],
    ["unknown envelope field", JSON.stringify({ id: "a", action: "ping", extra: 1 }), "a", "extra"],
    ["missing provider", JSON.stringify({ id: "b", action: "stream_chat", params: { model: "m", messages: [] } }), "b", "provider"],
    ["timeout not a number", JSON.stringify({ id: "c", action: "ping", timeout: "10" }), "c", "timeout"],
    ["params not an object", JSON.stringify({ id: "d", action: "list_models", provider: "openai", params: [] }), "d", "params"],
    ["missing model", JSON.stringify({ id: "e", action: "stream_chat", provider: "openai", params: { messages: [] } }), "e", "params.model"],
    [
      "bad role",
      JSON.stringify({ id: "f", action: "stream_chat", provider: "openai", params: { model: "m", messages: [{ role: "robot", content: "x" }] } }),
      "f",
      "params.messages[0].role",
    ],
    [
      "bad part type",
      JSON.stringify({ id: "g", action: "stream_chat", provider: "openai", params: { model: "m", messages: [{ role: "user", content: [{ type: "video" }] }] } }),
      "g",
      "params.messages[0].content[0].type",
    ],
    [
      "unknown param",
      JSON.stringify({ id: "h", action: "stream_chat", provider: "openai", params: { model: "m", messages: [{ role: "user", content: "x" }], temprature: 1 } }),
      "h",
      "params.temprature",
    ],
    [
      "temperature out of range",
      JSON.stringify({ id: "i", action: "stream_chat", provider: "openai", params: { model: "m", messages: [{ role: "user", content: "x" }], temperature: 3 } }),
      "i",
      "params.temperature",
    ],
    ["base_url not http", JSON.stringify({ id: "j", action: "list_models", provider: "openai", params: { base_url: "file:///etc/passwd" } }), "j", "params.base_url"],
    ["header value not a string", JSON.stringify({ id: "k", action: "list_models", provider: "openai", params: { headers: { "x-a": 1 } } }), "k", "params.headers.x-a"],
    ["cancel without id", JSON.stringify({ id: "l", action: "cancel", params: {} }), "l", "params.id"],
  ];
  for (const [name, line, id, field] of cases) {
    test(name, async () => {
      const harness = createHarness();
      const lines = await harness.run(line, { invalid: true });
      expect(lines).toHaveLength(1);
      const only = lines[0]!;
      validateResponseLine(JSON.stringify(only));
      expect(only.id).toBe(id);
      expect(only.error.code).toBe("INVALID_REQUEST");
      expect(only.error.field).toBe(field);
      expect(only.error.message.startsWith(`${field}: `) || field === "request").toBe(true);
    });
  }

  test("the server keeps serving after bad lines", async () => {
    const harness = createHarness();
    await harness.run("garbage", { invalid: true });
    const lines = await harness.run({ id: 1, action: "ping" });
    expect(lines).toEqual([{ id: 1, success: true, data: { version: "test", protocol: 1, catalog: [{ layer: "bundled", date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }] } }]);
  });
});

describe("lifecycle", () => {
  test("a duplicate in-flight id is refused without disturbing the first request", async () => {
    const harness = createHarness({
      // A fetch that never answers keeps request 1 in flight until cancelled.
      fetch: ((_input: unknown, init?: RequestInit) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)))) as typeof fetch,
    });
    const chat = {
      id: 1,
      action: "stream_chat",
      provider: "openai",
      params: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], credentials: { api_key: "sk-test-000000000000000000" } },
    };
    harness.server.handleLine(JSON.stringify(chat));
    harness.server.handleLine(JSON.stringify(chat));
    await Bun.sleep(20);
    expect(harness.lines).toHaveLength(1);
    expect(harness.lines[0]!.id).toBeNull();
    expect(harness.lines[0]!.error.message).toContain("already in flight");
    harness.server.handleLine(JSON.stringify({ id: 2, action: "cancel", params: { id: 1 } }));
    await harness.server.drain();
    const forOne = harness.lines.filter((line) => line.id === 1);
    expect(terminalOf(forOne).error.code).toBe("CANCELLED");
    expect(harness.lines.find((line) => line.id === 2)!.data).toEqual({ cancelled: true });
    for (const line of harness.lines) validateResponseLine(JSON.stringify(line));
  });

  test("cancel of an unknown id answers cancelled:false", async () => {
    const lines = await createHarness().run({ id: 9, action: "cancel", params: { id: "nope" } });
    expect(lines).toEqual([{ id: 9, success: true, data: { cancelled: false } }]);
  });

  test("the request timeout ends it with TIMEOUT and usage", async () => {
    const harness = createHarness({
      fetch: ((_input: unknown, init?: RequestInit) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)))) as typeof fetch,
    });
    const started = Date.now();
    const lines = await harness.run({
      id: "t",
      action: "stream_chat",
      provider: "anthropic",
      timeout: 100,
      params: { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hello there" }], credentials: { api_key: "sk-ant-test-0000000000" } },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    const terminal = terminalOf(lines);
    expect(terminal.error.code).toBe("TIMEOUT");
    expect(terminal.error.partial).toBe(false);
    expect(terminal.error.usage.estimated).toContain("input_tokens");
    expect(terminal.error.usage.input_tokens).toBeGreaterThan(0);
    validateResponseLine(JSON.stringify(terminal));
  });

  test("unknown provider", async () => {
    const lines = await createHarness().run({ id: 1, action: "list_models", provider: "acme" });
    expect(terminalOf(lines).error).toMatchObject({ code: "UNKNOWN_PROVIDER", field: "provider" });
  });

  test("copilot without a GitHub login answers AUTH_REQUIRED pointing at authenticate, without network", async () => {
    let fetched = false;
    const harness = createHarness({
      fetch: (() => {
        fetched = true;
        throw new Error("no network");
      }) as unknown as typeof fetch,
    });
    const lines = await harness.run({ id: 1, action: "stream_chat", provider: "copilot", params: { model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] } });
    const error = terminalOf(lines).error;
    expect(error.code).toBe("AUTH_REQUIRED");
    expect(error.message).toContain("authenticate");
    expect(fetched).toBe(false);
  });

  test("list_providers lists the six without network (among the others)", async () => {
    let fetched = false;
    const harness = createHarness({
      fetch: (() => {
        fetched = true;
        throw new Error("no network");
      }) as unknown as typeof fetch,
      env: { OPENAI_API_KEY: "sk-test-env-0000000000" },
    });
    const [line] = await harness.run({ id: 1, action: "list_providers" });
    validateResponseLine(JSON.stringify(line), "list_providers");
    expect(fetched).toBe(false);
    const six = ["anthropic", "openai", "copilot", "bedrock", "vertex", "azure"];
    const listed = line!.data.filter((p: { id: string }) => six.includes(p.id));
    expect(listed.map((p: { id: string; configured: boolean; available: boolean }) => [p.id, p.configured, p.available])).toEqual([
      ["anthropic", false, true],
      ["openai", true, true],
      ["copilot", false, true],
      ["bedrock", false, true],
      ["vertex", false, true],
      ["azure", false, true],
    ]);
  });

  test("missing credentials give AUTH_REQUIRED naming where to put them", async () => {
    const lines = await createHarness().run({
      id: 1,
      action: "stream_chat",
      provider: "anthropic",
      params: { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] },
    });
    const error = terminalOf(lines).error;
    expect(error.code).toBe("AUTH_REQUIRED");
    expect(error.message).toContain("ANTHROPIC_API_KEY");
  });

  test("calculate_cost uses catalog prices and answers null for unknown models", async () => {
    const harness = createHarness();
    // claude-sonnet-4-5: $3 in / $15 out per million: 1000 × 3e-6 + 500 × 15e-6
    const [known] = await harness.run({
      id: 1,
      action: "calculate_cost",
      provider: "anthropic",
      params: { model: "claude-sonnet-4-5", usage: { input_tokens: 1000, output_tokens: 500 } },
    });
    expect(known!.data.total).toBeCloseTo(0.0105, 10);
    const [unknown] = await harness.run({
      id: 2,
      action: "calculate_cost",
      provider: "anthropic",
      params: { model: "claude-imaginary-9", usage: { input_tokens: 1000, output_tokens: 500 } },
    });
    expect(unknown!.data).toBeNull();
  });
});

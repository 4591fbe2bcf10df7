/**
 * Issue 16 through the real Server: every string of an error line is
 * redacted (item 4), and the small input cases of item 9 end in a precise
 * INVALID_REQUEST instead of INTERNAL or a JavaScript engine message.
 *
 * Some of these lines are ones the wire schema accepts (it cannot express
 * nesting depth, surrogates or header syntax), so they are handed to
 * Server.prototype.handleLine directly, past the harness's request check;
 * every response line is still checked against the schema.
 */
import { describe, expect, test } from "bun:test";
import { Server } from "../../src/server/dispatch.ts";
import { createHarness, type Harness, type Line } from "../support/in-process.ts";
import { AWS_KEY_ID_CANARY } from "../support/canary.ts";

async function send(harness: Harness, line: string): Promise<Line[]> {
  const before = harness.lines.length;
  Server.prototype.handleLine.call(harness.server, line);
  await harness.server.drain();
  await Bun.sleep(0);
  expect(harness.violations).toEqual([]);
  return harness.lines.slice(before);
}

const b64 = (text: string): string => btoa(text);
const percentAll = (text: string): string => [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`).join("");

/** Every form of `secret` the redactor is meant to catch, as written in the tests below. */
function forms(secret: string): string[] {
  return [secret, b64(secret), b64(`x${secret}`).slice(2, 20), b64(`xy${secret}`).slice(3, 20), percentAll(secret), encodeURIComponent(secret)];
}

describe("every string of an error line goes through the redactor", () => {
  const KEY = "sk-ant-hardening-4b1c-0000-echo";
  const AWS_ID = AWS_KEY_ID_CANARY;

  function echoingFetch(status: number): typeof fetch {
    return (async () =>
      new Response(
        JSON.stringify({
          type: "error",
          error: { type: `invalid_request_error:${KEY}`, message: `bad key ${b64(`x-api-key: ${KEY}`)} sent to /v1/messages?key=${percentAll(KEY)}` },
        }),
        { status, headers: { "content-type": "application/json", "request-id": `req-${AWS_ID}-${b64(KEY)}` } },
      )) as unknown as typeof fetch;
  }

  test("message, provider_type and request_id, plain and encoded", async () => {
    const harness = createHarness({ fetch: echoingFetch(400) });
    const lines = await harness.run({
      id: "leak",
      action: "stream_chat",
      provider: "anthropic",
      params: { model: "claude-sonnet-4-5", max_retries: 0, credentials: { api_key: KEY }, messages: [{ role: "user", content: "hi" }] },
    });
    expect(lines).toHaveLength(1);
    const error = lines[0]!.error;
    expect(error.code).toBe("INVALID_PARAMS");
    expect(error.provider_type).toBe("invalid_request_error:[REDACTED]");
    // An AWS key id no one registered is caught by its shape.
    expect(error.request_id).toBe("req-[REDACTED]-[REDACTED]==");
    expect(error.message).toContain("[REDACTED]");
    const text = JSON.stringify(lines);
    for (const form of [...forms(KEY), AWS_ID]) expect(text).not.toContain(form);
  });

  test("a retry's reason too", async () => {
    let calls = 0;
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls++;
      return calls === 1 ? echoingFetch(529)(input, init) : new Response("nope", { status: 401 });
    }) as unknown as typeof globalThis.fetch;
    const harness = createHarness({ fetch });
    const lines = await harness.run({
      id: "retry",
      action: "stream_chat",
      provider: "anthropic",
      params: { model: "claude-sonnet-4-5", max_retries: 1, credentials: { api_key: KEY }, messages: [{ role: "user", content: "hi" }] },
    });
    expect(lines.some((line) => line.data?.type === "retry")).toBe(true);
    const text = JSON.stringify(lines);
    for (const form of forms(KEY)) expect(text).not.toContain(form);
  });
});

describe("item 9: precise refusals", () => {
  test("a lone-surrogate id: refused on an id-null line naming id, so two such ids cannot collide", async () => {
    const harness = createHarness();
    const lines = [...(await send(harness, '{"id":"\\ud800","action":"ping"}')), ...(await send(harness, '{"id":"\\ud801","action":"ping"}'))];
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.id).toBeNull();
      expect(line.error.code).toBe("INVALID_REQUEST");
      expect(line.error.field).toBe("id");
      expect(line.error.message).toContain("lone UTF-16 surrogate");
    }
  });

  test("timeout 1e400 says the number is too large, not 'must be a number, got a number'", async () => {
    const [line] = await send(createHarness(), '{"id":9,"action":"ping","timeout":1e400}');
    expect(line!.id).toBe(9);
    expect(line!.error.field).toBe("timeout");
    expect(line!.error.message).toBe("timeout: must be a finite number between 1 and 9007199254740991, got one too large to represent (Infinity)");
  });

  test("very deep valid JSON: nesting too deep, with the id and the message at fault", async () => {
    let content = '"x"';
    for (let i = 0; i < 100_000; i++) content = `[{"type":"tool_result","tool_call_id":"c","content":${content}}]`;
    const line = `{"id":"deep","action":"count_tokens","provider":"openai","params":{"model":"gpt-4o","messages":[{"role":"user","content":${content}}]}}`;
    const [answer] = await send(createHarness(), line);
    expect(answer!.id).toBe("deep");
    expect(answer!.error.code).toBe("INVALID_REQUEST");
    expect(answer!.error.field).toBe("params.messages[0]");
    expect(answer!.error.message).toMatch(/^params\.messages\[0\]: nested more than 256 arrays and objects deep \(at params\.messages\[0\]\.content\[0\]/);
    expect(answer!.error.message).not.toContain("call stack");
  });

  test("a parser that gives up on depth (RangeError) is reported as nesting, not as invalid JSON", async () => {
    const original = JSON.parse;
    // One call only: the harness parses the answer line with JSON.parse too.
    JSON.parse = () => {
      JSON.parse = original;
      throw new RangeError("Maximum call stack size exceeded.");
    };
    try {
      const [answer] = await send(createHarness(), "[[[[1]]]]");
      expect(answer!.id).toBeNull();
      expect(answer!.error.field).toBe("request");
      expect(answer!.error.message).toBe("line nests arrays and objects too deeply to parse (at most 256 levels are accepted)");
    } finally {
      JSON.parse = original;
    }
  });

  test("a line that is not JSON still says so", async () => {
    const [answer] = await send(createHarness(), '{"id":1,');
    expect(answer!.error.message).toStartWith("line is not valid JSON: ");
    expect(answer!.error.field).toBe("request");
  });

  test.each([
    ["a line break in a value", { "x-trace": "a\r\nInjected: 1" }, "params.headers.x-trace"],
    ["a character beyond Latin-1", { "x-name": "Zoë ✓" }, "params.headers.x-name"],
    ["an invalid name", { "x trace": "1" }, "params.headers.x trace"],
  ])("an invalid header (%s): INVALID_REQUEST naming it, not INTERNAL, and nothing sent", async (_name, headers, field) => {
    let calls = 0;
    const harness = createHarness({
      fetch: (async () => {
        calls++;
        return new Response("{}");
      }) as unknown as typeof fetch,
    });
    const request = {
      id: "h",
      action: "stream_chat",
      provider: "openai",
      params: { model: "gpt-4o", credentials: { api_key: "sk-test-00000000000000000000" }, headers, messages: [{ role: "user", content: "hi" }] },
    };
    const [line] = await send(harness, JSON.stringify(request));
    expect(line!.id).toBe("h");
    expect(line!.error.code).toBe("INVALID_REQUEST");
    expect(line!.error.field).toBe(field);
    expect(calls).toBe(0);
  });
});

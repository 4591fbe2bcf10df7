import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Cassette, bodyText, parseCassette, redactHeaders, serializeCassette } from "./cassette.ts";

const RECORDINGS = join(import.meta.dir, "..", "..", "recordings");
const files = readdirSync(RECORDINGS, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ndjson"))
  .sort();

function load(name: string): Cassette {
  return parseCassette(readFileSync(join(RECORDINGS, name), "utf8"));
}

const enc = (s: string) => new TextEncoder().encode(s);

describe("every cassette in recordings/", () => {
  test("there are cassettes to check", () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  test.each(files)("%s parses, is canonical, has provenance", (name) => {
    const text = readFileSync(join(RECORDINGS, name), "utf8");
    const c = parseCassette(text);
    // Files are written by serializeCassette; a hand edit that changes the
    // canonical form shows up here.
    expect(serializeCassette(c)).toBe(text);
    expect(c.scenario.startsWith(`${name.replace(/\.ndjson$/, "")}:`)).toBe(true);

    const p = c.provenance;
    if (p.hand_written === true) {
      expect(Array.isArray(p.per) && p.per.length > 0).toBe(true);
      expect(typeof p.notes).toBe("string");
    } else {
      for (const key of ["source", "path", "commit", "license", "corpus_file", "notes"]) {
        expect(typeof p[key]).toBe("string");
      }
      expect(p.commit).toMatch(/^[0-9a-f]{7,40}$/);
    }

    for (const it of c.interactions) {
      expect(Number.isInteger(it.response.status)).toBe(true);
      expect(it.request.path.startsWith("/")).toBe(true);
      expect(it.body.length).toBeGreaterThan(0);
      for (const k of Object.keys(it.response.headers)) expect(k).toBe(k.toLowerCase());
    }
  });

  test.each(files)("%s has no secret-looking value except the canary", (name) => {
    const text = readFileSync(join(RECORDINGS, name), "utf8").replaceAll("sk-proj-CANARY.not.a.key.0000", "");
    expect(text).not.toMatch(/sk-ant-api|sk-proj-[A-Za-z0-9]{20}|AKIA|ghu_|gho_|ya29\./);
    for (const it of load(name).interactions) {
      for (const h of ["authorization", "x-api-key", "api-key", "cookie", "set-cookie"]) {
        const v = it.request.headers?.[h] ?? it.response.headers[h];
        if (v !== undefined) expect(v).toBe("<redacted>");
      }
    }
  });
});

describe("required scenarios", () => {
  // [file, expected statuses in order]
  const required: Array<[string, number[]]> = [
    ["anthropic/text.ndjson", [200]],
    ["anthropic/tool-call.ndjson", [200, 200]],
    ["anthropic/thinking.ndjson", [200]],
    ["anthropic/error-401.ndjson", [401]],
    ["anthropic/rate-limit-429-then-success.ndjson", [429, 200]],
    ["anthropic/overloaded-529.ndjson", [529]],
    ["anthropic/midstream-overloaded.ndjson", [200]],
    ["anthropic/context-length-400.ndjson", [400]],
    ["anthropic/models.ndjson", [200]],
    ["anthropic/count-tokens.ndjson", [200, 200]],
    ["openai/chat-text.ndjson", [200]],
    ["openai/chat-tool-call.ndjson", [200, 200]],
    ["openai/responses-reasoning.ndjson", [200, 200]],
    ["openai/error-401.ndjson", [401]],
    ["openai/rate-limit-429-then-success.ndjson", [429, 200]],
    ["openai/server-error-500.ndjson", [500]],
    ["openai/overloaded-503.ndjson", [503]],
    ["openai/responses-midstream-error.ndjson", [200]],
    ["openai/context-length-400.ndjson", [400]],
    ["openai/models.ndjson", [200]],
    ["openai/responses-count-tokens.ndjson", [200]],
  ];
  test.each(required)("%s answers %p", (name, statuses) => {
    expect(load(name).interactions.map((i) => i.response.status)).toEqual(statuses);
  });

  test("429 cassettes carry retry and rate-limit headers", () => {
    const a = load("anthropic/rate-limit-429-then-success.ndjson").interactions[0]!.response.headers;
    expect(a["retry-after"]).toBe("1");
    expect(Object.keys(a).filter((k) => k.startsWith("anthropic-ratelimit-")).length).toBeGreaterThanOrEqual(6);
    const o = load("openai/rate-limit-429-then-success.ndjson").interactions[0]!.response.headers;
    expect(o["retry-after-ms"]).toBe("644");
    expect(Object.keys(o).filter((k) => k.startsWith("x-ratelimit-")).length).toBe(6);
  });

  test("mid-stream error cassettes end on the error, after content", () => {
    const a = load("anthropic/midstream-overloaded.ndjson").interactions[0]!;
    const aText = bodyText(a);
    expect(aText).toContain("text_delta");
    expect(aText.trimEnd().split("\n\n").at(-1)).toStartWith("event: error\n");
    expect(aText).not.toContain("message_stop");
    const o = bodyText(load("openai/responses-midstream-error.ndjson").interactions[0]!);
    const events = o
      .trimEnd()
      .split("\n\n")
      .map((e) => e.split("\n")[0]);
    expect(events).toEqual(["event: response.created", "event: response.in_progress", "event: error", "event: response.failed"]);
  });

  test("the OpenAI 401 echoes the canary key", () => {
    expect(bodyText(load("openai/error-401.ndjson").interactions[0]!)).toContain("sk-proj-CANARY.not.a.key.0000");
  });

  test("chat-text keeps the whole request body next to usage.prompt_tokens", () => {
    const it = load("openai/chat-text.ndjson").interactions[0]!;
    const body = it.request.body as { messages: unknown[]; model: string };
    expect(body.model).toBe("gpt-5");
    expect(body.messages).toEqual([
      { content: "You are a helpful assistant", role: "system" },
      { content: "Say hi in Portuguese", role: "user" },
    ]);
    expect(bodyText(it)).toContain('"usage":{"prompt_tokens":19,');
  });

  test("SSE bodies are split one event per chunk", () => {
    const it = load("anthropic/text.ndjson").interactions[0]!;
    for (const step of it.body) {
      if (!("chunk" in step)) continue;
      const s = new TextDecoder().decode(step.chunk);
      expect(s).toStartWith("event: ");
      expect(s.endsWith("\n\n")).toBe(true);
      expect(s.slice(0, -2)).not.toContain("\n\n");
    }
  });
});

describe("parseCassette rejects bad input, naming the line", () => {
  const header = '{"cassette":1,"scenario":"x","provenance":{"hand_written":true}}';
  const interaction = '{"request":{"method":"POST","path":"/v1/x"},"response":{"status":200,"headers":{}}}';
  const cases: Array<[string, string, RegExp]> = [
    ["empty text", "", /line 1: empty line/],
    ["invalid JSON", `${header}\n{nope`, /line 2: invalid JSON/],
    ["non-object line", `${header}\n[1]`, /line 2: each line must be a JSON object/],
    ["wrong version", `{"cassette":2,"scenario":"x","provenance":{}}\n${interaction}`, /line 1: .*"cassette":1/],
    ["missing scenario", `{"cassette":1,"provenance":{}}\n${interaction}`, /line 1: .*scenario/],
    ["missing provenance", `{"cassette":1,"scenario":"x"}\n${interaction}`, /line 1: .*provenance/],
    ["no interactions", header, /no interactions/],
    ["step before interaction", `${header}\n{"chunk":"a"}`, /line 2: body step before the first interaction/],
    ["blank line inside", `${header}\n\n${interaction}`, /line 2: empty line/],
    ["status as string", `${header}\n{"request":{"method":"POST","path":"/"},"response":{"status":"200","headers":{}}}`, /line 2: response.status/],
    ["status not integer", `${header}\n{"request":{"method":"POST","path":"/"},"response":{"status":200.5,"headers":{}}}`, /line 2: response.status/],
    ["missing response headers", `${header}\n{"request":{"method":"POST","path":"/"},"response":{"status":200}}`, /line 2: response.headers/],
    ["path without slash", `${header}\n{"request":{"method":"POST","path":"v1"},"response":{"status":200,"headers":{}}}`, /line 2: request.path/],
    ["lower-case method", `${header}\n{"request":{"method":"post","path":"/"},"response":{"status":200,"headers":{}}}`, /line 2: request.method/],
    ["non-string header", `${header}\n{"request":{"method":"POST","path":"/","headers":{"a":1}},"response":{"status":200,"headers":{}}}`, /line 2: request.headers\["a"\]/],
    ["unknown key", `${header}\n${interaction}\n{"chunk":"a","x":1}`, /line 3: unexpected key "x"/],
    ["chunk and chunk_b64", `${header}\n${interaction}\n{"chunk":"a","chunk_b64":"YQ=="}`, /line 3: .*not both/],
    ["bad base64", `${header}\n${interaction}\n{"chunk_b64":"a!=="}`, /line 3: "chunk_b64"/],
    ["negative t", `${header}\n${interaction}\n{"chunk":"a","t":-1}`, /line 3: "t"/],
    ["abort other than reset", `${header}\n${interaction}\n{"abort":"close"}`, /line 3: "abort" must be "reset"/],
    ["negative stall", `${header}\n${interaction}\n{"stall_ms":-5}`, /line 3: "stall_ms"/],
    ["unknown step", `${header}\n${interaction}\n{"wait":1}`, /line 3: expected an interaction/],
  ];
  test.each(cases)("%s", (_name, text, message) => {
    expect(() => parseCassette(text)).toThrow(message);
  });
});

describe("serializeCassette / parseCassette round trip", () => {
  const cassette: Cassette = {
    scenario: "test/round-trip: every step kind",
    provenance: { hand_written: true, per: ["test"], notes: "n" },
    interactions: [
      {
        request: { method: "POST", path: "/v1/messages?beta=true", headers: { "x-api-key": "<redacted>" }, body: { a: [1, "é"] } },
        response: { status: 200, headers: { "content-type": "text/event-stream" } },
        body: [
          { chunk: enc("event: a\ndata: {}\n\n"), t: 0 },
          { chunk: new Uint8Array([0xc3]) }, // first half of "é"
          { chunk: new Uint8Array([0xa9]), t: 12.5 },
          { stall_ms: 30 },
          { chunk: new Uint8Array([0x00, 0x00, 0x00, 0x10, 0xff, 0xfe]) },
          { abort: "reset" },
        ],
      },
      { request: { method: "GET", path: "/v1/models" }, response: { status: 529, headers: {} }, body: [{ chunk: enc("") }] },
    ],
  };

  test("parse(serialize(c)) equals c", () => {
    expect(parseCassette(serializeCassette(cassette))).toEqual(cassette);
  });

  test("valid UTF-8 is written as text, anything else as base64", () => {
    const lines = serializeCassette(cassette).trimEnd().split("\n");
    expect(lines[2]).toBe('{"chunk":"event: a\\ndata: {}\\n\\n","t":0}');
    expect(lines[3]).toBe('{"chunk_b64":"ww=="}');
    expect(lines[4]).toBe('{"chunk_b64":"qQ==","t":12.5}');
    expect(lines[5]).toBe('{"stall_ms":30}');
    expect(lines[6]).toBe('{"chunk_b64":"AAAAEP/+"}');
    expect(lines[7]).toBe('{"abort":"reset"}');
  });

  test("optional request fields are omitted, not null", () => {
    const lines = serializeCassette(cassette).trimEnd().split("\n");
    expect(lines[8]).toBe('{"request":{"method":"GET","path":"/v1/models"},"response":{"status":529,"headers":{}}}');
  });

  test("header line comes first and the file ends with one newline", () => {
    const text = serializeCassette(cassette);
    expect(text.split("\n")[0]).toBe('{"cassette":1,"scenario":"test/round-trip: every step kind","provenance":{"hand_written":true,"per":["test"],"notes":"n"}}');
    expect(text.endsWith("}\n")).toBe(true);
  });
});

describe("redactHeaders", () => {
  const cases: Array<[string, boolean]> = [
    ["authorization", true],
    ["Authorization", true],
    ["x-api-key", true],
    ["X-Api-Key", true],
    ["api-key", true],
    ["x-goog-api-key", true],
    ["cookie", true],
    ["set-cookie", true],
    ["x-amz-security-token", true],
    ["proxy-authorization", true],
    ["content-type", false],
    ["anthropic-version", false],
    ["x-request-id", false],
    ["openai-organization", false],
  ];
  test.each(cases)("%s redacted: %p", (name, secret) => {
    const input = { [name]: "value-123" };
    const out = redactHeaders(input);
    expect(out[name]).toBe(secret ? "<redacted>" : "value-123");
    expect(input[name]).toBe("value-123");
  });
});

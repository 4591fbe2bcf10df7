import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type Cassette, type Interaction, bodyBytes, bodyText, loadCassette } from "./cassette.ts";
import { type ReplayServer, startReplayServer } from "./replay-server.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const RECORDINGS = join(import.meta.dir, "..", "..", "recordings");

function cassette(...interactions: Interaction[]): Cassette {
  return { scenario: "test/replay", provenance: { hand_written: true, per: ["test"] }, interactions };
}

function sse(status: number, body: Interaction["body"], path = "/v1/messages", method = "POST"): Interaction {
  return { request: { method, path }, response: { status, headers: { "content-type": "text/event-stream" } }, body };
}

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function readAll(res: Response): Promise<Uint8Array[]> {
  const reads: Uint8Array[] = [];
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return reads;
    reads.push(value);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("startReplayServer", () => {
  test("serves every chunk, text and binary, in order", async () => {
    const steps: Interaction["body"] = [{ chunk: enc("event: a\ndata: 1\n\n") }, { chunk: new Uint8Array([0x00, 0xff, 0x10, 0x80]) }, { chunk: enc("event: b\ndata: é\n\n") }];
    server = await startReplayServer(cassette(sse(200, steps)));
    const res = await fetch(`${server.url}/v1/messages`, { method: "POST", body: "{}" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const got = concat(await readAll(res));
    expect([...got]).toEqual([...bodyBytes(sse(200, steps))]);
  });

  test("a stall keeps the chunk boundary visible to the client", async () => {
    server = await startReplayServer(cassette(sse(200, [{ chunk: enc("first\n\n") }, { stall_ms: 60 }, { chunk: enc("second\n\n") }])));
    const res = await fetch(`${server.url}/v1/messages`, { method: "POST" });
    const reads = (await readAll(res)).map((r) => new TextDecoder().decode(r));
    expect(reads[0]).toBe("first\n\n");
    expect(reads.join("")).toBe("first\n\nsecond\n\n");
  });

  test("passes status and headers through, minus recorded framing headers", async () => {
    const it: Interaction = {
      request: { method: "POST", path: "/v1/messages" },
      response: { status: 529, headers: { "content-type": "application/json", "request-id": "req_1", "content-length": "9999" } },
      body: [{ chunk: enc('{"type":"error"}') }],
    };
    server = await startReplayServer(cassette(it));
    const res = await fetch(`${server.url}/v1/messages`, { method: "POST" });
    expect(res.status).toBe(529);
    expect(res.headers.get("request-id")).toBe("req_1");
    expect(res.headers.get("content-length")).toBeNull();
    expect(await res.text()).toBe('{"type":"error"}');
  });

  test("abort: reset makes the client's body read fail after the earlier chunks", async () => {
    server = await startReplayServer(cassette(sse(200, [{ chunk: enc("event: a\n\n") }, { abort: "reset" }, { chunk: enc("never") }])));
    const res = await fetch(`${server.url}/v1/messages`, { method: "POST" });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("event: a\n\n");
    let failed: unknown;
    try {
      for (;;) {
        const { done } = await reader.read();
        if (done) break;
      }
    } catch (e) {
      failed = e;
    }
    expect(failed).toBeInstanceOf(Error);
  });

  test.each([
    ["path", "/v1/chat/completions", "POST"],
    ["method", "/v1/messages", "PUT"],
  ])("answers 599 on a %s mismatch and says what was expected", async (_what, path, method) => {
    server = await startReplayServer(cassette(sse(200, [{ chunk: enc("x") }])));
    const res = await fetch(`${server.url}${path}`, { method });
    expect(res.status).toBe(599);
    const body = (await res.json()) as { error: { message: string; expected: unknown; received: unknown } };
    expect(body.error.expected).toEqual({ method: "POST", path: "/v1/messages" });
    expect(body.error.received).toEqual({ method, path });
    expect(body.error.message).toContain("expected POST /v1/messages");
  });

  test("the query string is ignored when matching", async () => {
    server = await startReplayServer(cassette(sse(200, [{ chunk: enc("ok") }], "/v1/models?limit=5", "GET")));
    const res = await fetch(`${server.url}/v1/models?after_id=x`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  test("strictPath false serves the interaction whatever the path", async () => {
    server = await startReplayServer(cassette(sse(200, [{ chunk: enc("ok") }])), { strictPath: false });
    const res = await fetch(`${server.url}/elsewhere`, { method: "GET" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  test("answers 599 'cassette exhausted' past the last interaction", async () => {
    server = await startReplayServer(cassette(sse(200, [{ chunk: enc("one") }])));
    expect(await (await fetch(`${server.url}/v1/messages`, { method: "POST" })).text()).toBe("one");
    const res = await fetch(`${server.url}/v1/messages`, { method: "POST" });
    expect(res.status).toBe(599);
    expect(await res.text()).toContain("cassette exhausted");
  });

  test("a list of cassettes is answered in order across cassettes", async () => {
    const a = cassette(sse(529, [{ chunk: enc("busy") }]));
    const b = cassette(sse(200, [{ chunk: enc("first") }]), sse(200, [{ chunk: enc("second") }]));
    server = await startReplayServer([a, b]);
    const out: Array<[number, string]> = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/v1/messages`, { method: "POST" });
      out.push([res.status, await res.text()]);
    }
    expect(out).toEqual([
      [529, "busy"],
      [200, "first"],
      [200, "second"],
    ]);
  });

  test("records every request, including mismatched ones", async () => {
    server = await startReplayServer(cassette(sse(200, [{ chunk: enc("ok") }])));
    await (
      await fetch(`${server.url}/v1/messages?beta=true`, {
        method: "POST",
        headers: { "x-api-key": "k", "content-type": "application/json" },
        body: '{"model":"m"}',
      })
    ).text();
    await (await fetch(`${server.url}/v1/other`, { method: "POST", body: "b" })).text();
    expect(server.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ["POST", "/v1/messages?beta=true", '{"model":"m"}'],
      ["POST", "/v1/other", "b"],
    ]);
    expect(server.requests[0]!.headers["x-api-key"]).toBe("k");
    expect(server.requests[0]!.headers["content-type"]).toBe("application/json");
  });

  test("pacing 'recorded' waits for t gaps, each capped at 50 ms", async () => {
    // Two gaps of 1000 ms recorded; capped they add up to about 100 ms.
    const steps: Interaction["body"] = [
      { chunk: enc("a"), t: 0 },
      { chunk: enc("b"), t: 1000 },
      { chunk: enc("c"), t: 2000 },
    ];
    server = await startReplayServer(cassette(sse(200, steps)), { pacing: "recorded" });
    const started = performance.now();
    const text = await (await fetch(`${server.url}/v1/messages`, { method: "POST" })).text();
    const elapsed = performance.now() - started;
    expect(text).toBe("abc");
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(1000);
  });

  test("replays a committed cassette byte for byte", async () => {
    const c = await loadCassette(join(RECORDINGS, "anthropic", "rate-limit-429-then-success.ndjson"));
    server = await startReplayServer(c);
    const first = await fetch(`${server.url}/v1/messages`, { method: "POST", body: "{}" });
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("1");
    expect(await first.text()).toBe(bodyText(c.interactions[0]!));
    const second = await fetch(`${server.url}/v1/messages`, { method: "POST", body: "{}" });
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(bodyText(c.interactions[1]!));
  });
});

/**
 * The rate-limit queue (src/http/rate-limit.ts) on a fake clock: the
 * concurrency cap and its order, holds after a 429 and for limits at 0,
 * cancel and deadline while queued, the key. Then through the real Server
 * over loopback: a queued stream waits for the one ahead, times out with
 * TIMEOUT instead of hanging, and a new request waits out a 429's
 * retry-after that another request collected.
 */
import { describe, expect, test } from "bun:test";
import {
  DEFAULT_429_HOLD_MS,
  DEFAULT_MAX_CONCURRENT,
  MAX_HOLD_MS,
  parseRateLimitDuration,
  rateLimiterFor,
  rateLimitKey,
  RateLimiter,
  type Lease,
} from "../../src/http/rate-limit.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { createHarness } from "../support/in-process.ts";
import { interaction, recording, streamChat, waitForLine, withReplay, type Json } from "../providers/replay.ts";

const T0 = Date.parse("2026-11-24T12:00:00Z");

/** now() and sleep() under the test's control: sleeps end when advance() passes them. */
class FakeClock {
  t = T0;
  private sleepers: Array<{ until: number; resolve: () => void }> = [];
  /** Every sleep asked for, in ms. */
  readonly asked: number[] = [];

  now = (): number => this.t;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    this.asked.push(ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = { until: this.t + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        "abort",
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  };

  async advance(ms: number): Promise<void> {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.until <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.until > this.t);
    for (const sleeper of due) sleeper.resolve();
    await settle();
  }
}

/** Let promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Start an acquire and report whether it has resolved yet. */
function track(promise: Promise<Lease>): { lease: () => Lease | undefined; error: () => unknown; done: () => boolean } {
  let lease: Lease | undefined;
  let error: unknown;
  let done = false;
  promise.then(
    (l) => {
      lease = l;
      done = true;
    },
    (e) => {
      error = e;
      done = true;
    },
  );
  return { lease: () => lease, error: () => error, done: () => done };
}

const open = (): AbortSignal => new AbortController().signal;
const headers = (entries: Record<string, string>): Headers => new Headers(entries);

describe("RateLimiter: concurrency cap", () => {
  test("at most maxConcurrent per key; the next waits until one is released", async () => {
    const limiter = new RateLimiter(new FakeClock(), 2);
    const a = await limiter.acquire("k", open());
    await limiter.acquire("k", open());
    const c = track(limiter.acquire("k", open()));
    await settle();
    expect(c.done()).toBe(false);
    expect(limiter.stats("k")).toEqual({ active: 2, waiting: 1, holdMs: 0 });
    a.release();
    await settle();
    expect(c.done()).toBe(true);
    expect(limiter.stats("k")).toEqual({ active: 2, waiting: 0, holdMs: 0 });
  });

  test("first come, first served: a place freed goes to the longest waiter, and a newcomer queues behind", async () => {
    const limiter = new RateLimiter(new FakeClock(), 1);
    const order: string[] = [];
    const a = await limiter.acquire("k", open());
    const b = limiter.acquire("k", open()).then((lease) => {
      order.push("b");
      return lease;
    });
    const c = limiter.acquire("k", open()).then((lease) => {
      order.push("c");
      return lease;
    });
    await settle();
    a.release();
    const late = limiter.acquire("k", open()).then((lease) => {
      order.push("late");
      return lease;
    });
    (await b).release();
    (await c).release();
    await late;
    expect(order).toEqual(["b", "c", "late"]);
  });

  test("keys are independent; release is idempotent (a second call frees nothing more)", async () => {
    const limiter = new RateLimiter(new FakeClock(), 1);
    const a = await limiter.acquire("k1", open());
    const other = track(limiter.acquire("k2", open()));
    await settle();
    expect(other.done()).toBe(true);
    const b = track(limiter.acquire("k1", open()));
    const c = track(limiter.acquire("k1", open()));
    a.release();
    a.release();
    await settle();
    expect([b.done(), c.done()]).toEqual([true, false]);
  });

  test("the default cap is 8", async () => {
    expect(DEFAULT_MAX_CONCURRENT).toBe(8);
    const limiter = new RateLimiter(new FakeClock());
    for (let i = 0; i < 8; i++) await limiter.acquire("k", open());
    const ninth = track(limiter.acquire("k", open()));
    await settle();
    expect(ninth.done()).toBe(false);
  });
});

describe("RateLimiter: cancel and deadline while queued", () => {
  test.each([
    { name: "cancel", reason: new BridgeError("CANCELLED", "cancelled by request") },
    { name: "the request's timeout", reason: new BridgeError("TIMEOUT", "request timeout of 100 ms reached", { retryable: true }) },
  ])("$name: the waiting acquire rejects with the signal's reason and leaves the queue", async ({ reason }) => {
    const limiter = new RateLimiter(new FakeClock(), 1);
    const a = await limiter.acquire("k", open());
    const controller = new AbortController();
    const queued = track(limiter.acquire("k", controller.signal));
    const next = track(limiter.acquire("k", open()));
    await settle();
    controller.abort(reason);
    await settle();
    expect(queued.error()).toBe(reason);
    expect(limiter.stats("k").waiting).toBe(1);
    a.release();
    await settle();
    expect(next.done()).toBe(true);
    expect(limiter.stats("k")).toEqual({ active: 1, waiting: 0, holdMs: 0 });
  });

  test("an already aborted signal never takes a place", async () => {
    const limiter = new RateLimiter(new FakeClock(), 1);
    const controller = new AbortController();
    controller.abort(new BridgeError("CANCELLED", "x"));
    await expect(limiter.acquire("k", controller.signal)).rejects.toBeInstanceOf(BridgeError);
    expect(limiter.stats("k").active).toBe(0);
  });

  test("cancelled while waiting out a hold: the place it held goes to the next", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock, 1);
    const a = await limiter.acquire("k", open(), {});
    a.observe(429, headers({ "retry-after": "5" }));
    a.release();
    const controller = new AbortController();
    const held = track(limiter.acquire("k", controller.signal));
    const next = track(limiter.acquire("k", open()));
    await settle();
    expect(limiter.stats("k")).toEqual({ active: 1, waiting: 1, holdMs: 5000 });
    controller.abort(new BridgeError("CANCELLED", "x"));
    await settle();
    expect(held.error()).toBeInstanceOf(BridgeError);
    expect(next.done()).toBe(false); // it now waits out the hold itself
    await clock.advance(5000);
    expect(next.done()).toBe(true);
  });
});

describe("RateLimiter: holds", () => {
  /** One request answered with `status` and `entries`; then whether a request of another owner is still held just before `expected` ms and free at it. */
  async function heldFor(status: number, entries: Record<string, string>, expected: number): Promise<{ before: boolean; at: boolean }> {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock);
    const lease = await limiter.acquire("k", open(), {});
    lease.observe(status, headers(entries));
    lease.release();
    const other = track(limiter.acquire("k", open(), {}));
    await settle();
    if (expected === 0) return { before: false, at: other.done() };
    await clock.advance(expected - 1);
    const before = !other.done();
    await clock.advance(1);
    return { before, at: other.done() };
  }

  test.each([
    { name: "429 with retry-after seconds", status: 429, entries: { "retry-after": "2" }, expected: 2000 },
    { name: "429 with retry-after-ms (wins over retry-after)", status: 429, entries: { "retry-after-ms": "640", "retry-after": "1" }, expected: 640 },
    { name: "429 with an HTTP date", status: 429, entries: { "retry-after": new Date(T0 + 3000).toUTCString() }, expected: 3000 },
    { name: "429 without retry-after: the default", status: 429, entries: {}, expected: DEFAULT_429_HOLD_MS },
    { name: "429 with retry-after-ms: 0 (no advice, src/http/retry.ts): the default", status: 429, entries: { "retry-after-ms": "0" }, expected: DEFAULT_429_HOLD_MS },
    { name: "429 asking for more than the longest hold: not held", status: 429, entries: { "retry-after": String(MAX_HOLD_MS / 1000 + 1) }, expected: 0 },
    {
      name: "Anthropic requests at 0 until an RFC 3339 reset",
      status: 200,
      entries: { "anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-requests-reset": new Date(T0 + 30_000).toISOString() },
      expected: 30_000,
    },
    {
      name: "Anthropic output tokens at 0",
      status: 200,
      entries: { "anthropic-ratelimit-output-tokens-remaining": "0", "anthropic-ratelimit-output-tokens-reset": new Date(T0 + 7000).toISOString() },
      expected: 7000,
    },
    {
      name: "Anthropic requests left: no hold",
      status: 200,
      entries: { "anthropic-ratelimit-requests-remaining": "1", "anthropic-ratelimit-requests-reset": new Date(T0 + 30_000).toISOString() },
      expected: 0,
    },
    {
      name: "a reset in the past: no hold",
      status: 200,
      entries: { "anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-requests-reset": "2024-03-26T20:00:00Z" },
      expected: 0,
    },
    { name: "at 0 without a reset header: no hold", status: 200, entries: { "x-ratelimit-remaining-requests": "0" }, expected: 0 },
    { name: "OpenAI requests at 0, reset 1s", status: 200, entries: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1s" }, expected: 1000 },
    { name: "OpenAI tokens at 0, reset 20ms", status: 200, entries: { "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "20ms" }, expected: 20 },
    {
      name: "OpenAI reset 6m0s is beyond the longest hold: not held",
      status: 200,
      entries: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "6m0s" },
      expected: 0,
    },
    {
      name: "two limits at 0: the later reset",
      status: 200,
      entries: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "120ms", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "1.5s" },
      expected: 1500,
    },
    {
      name: "a 429 and a later reset: the longer",
      status: 429,
      entries: { "retry-after-ms": "100", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "2s" },
      expected: 2000,
    },
    { name: "an unreadable reset: no hold", status: 200, entries: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "soon" }, expected: 0 },
    { name: "a 500 says nothing about limits", status: 500, entries: { "retry-after": "3" }, expected: 0 },
  ])("$name → $expected ms", async ({ status, entries, expected }) => {
    expect(await heldFor(status, entries, expected)).toEqual({ before: expected > 0, at: true });
  });

  test("the request that caused a hold is not held by it (its own retry waits); queued and new ones are", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock, 1);
    const owner = {};
    const first = await limiter.acquire("k", open(), owner);
    const queued = track(limiter.acquire("k", open(), {}));
    first.observe(429, headers({ "retry-after": "2" }));
    first.release();
    await settle();
    expect(queued.done()).toBe(false);
    const again = track(limiter.acquire("k", open(), owner));
    const fresh = track(limiter.acquire("k", open(), {}));
    await clock.advance(1999);
    expect([queued.done(), again.done(), fresh.done()]).toEqual([false, false, false]);
    await clock.advance(1);
    expect(queued.done()).toBe(true); // it had the place during the hold
    queued.lease()!.release();
    await settle();
    expect(again.done()).toBe(true); // its place came after the hold; it would not have waited for its own
    again.lease()!.release();
    await settle();
    expect(fresh.done()).toBe(true);
  });

  test("a limit used up on a successful answer holds its own request's next attempt too (no retry waits for it)", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock, 4);
    const owner = {};
    const first = await limiter.acquire("k", open(), owner);
    // The stream got its 200 with the last request of the window, then broke: its resume would certainly be refused.
    first.observe(200, headers({ "anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-requests-reset": new Date(T0 + 3000).toUTCString() }));
    first.release();
    const again = track(limiter.acquire("k", open(), owner));
    await settle();
    expect(again.done()).toBe(false);
    await clock.advance(3000);
    expect(again.done()).toBe(true);
  });

  test("with a place free, the owner of the hold goes at once while another owner waits", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock, 4);
    const owner = {};
    const first = await limiter.acquire("k", open(), owner);
    first.observe(429, headers({ "retry-after": "2" }));
    first.release();
    const again = track(limiter.acquire("k", open(), owner));
    const other = track(limiter.acquire("k", open(), {}));
    await settle();
    expect([again.done(), other.done()]).toEqual([true, false]);
    await clock.advance(2000);
    expect(other.done()).toBe(true);
  });

  test("a hold extended while waiting (another 429) is waited out too", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock, 2);
    const a = await limiter.acquire("k", open(), {});
    a.observe(429, headers({ "retry-after": "1" }));
    const waiting = track(limiter.acquire("k", open(), {}));
    await clock.advance(500);
    a.observe(429, headers({ "retry-after": "2" }));
    await clock.advance(500);
    expect(waiting.done()).toBe(false);
    await clock.advance(1499);
    expect(waiting.done()).toBe(false);
    await clock.advance(1);
    expect(waiting.done()).toBe(true);
    expect(clock.asked).toEqual([1000, 1500]);
  });
});

describe("RateLimiter.pass: short JSON calls", () => {
  test("take no place: they go while every place is taken, and do not count", async () => {
    const limiter = new RateLimiter(new FakeClock(), 1);
    await limiter.acquire("k", open());
    const short = track(limiter.pass("k", open()));
    await settle();
    expect(short.done()).toBe(true);
    short.lease()!.release();
    expect(limiter.stats("k")).toEqual({ active: 1, waiting: 0, holdMs: 0 });
  });

  test("wait out a hold, and a 429 they collect holds the streams too", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock);
    const short = await limiter.pass("k", open(), {});
    short.observe(429, headers({ "retry-after-ms": "300" }));
    const stream = track(limiter.acquire("k", open(), {}));
    const another = track(limiter.pass("k", open(), {}));
    await clock.advance(299);
    expect([stream.done(), another.done()]).toEqual([false, false]);
    await clock.advance(1);
    expect([stream.done(), another.done()]).toEqual([true, true]);
  });

  test("a 429 answering a short call still holds the key when a stream on it ended while the call was out", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock);
    const stream = await limiter.acquire("k", open(), {});
    const short = await limiter.pass("k", open(), {});
    // The stream ends (its place freed, the key idle) before the short call's answer arrives.
    stream.release();
    short.observe(429, headers({ "retry-after-ms": "300" }));
    expect(limiter.stats("k").holdMs).toBe(300);
    const next = track(limiter.acquire("k", open(), {}));
    await clock.advance(299);
    expect(next.done()).toBe(false);
    await clock.advance(1);
    expect(next.done()).toBe(true);
  });

  test("cancelled while waiting out a hold: rejects with the reason", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock);
    (await limiter.pass("k", open(), {})).observe(429, headers({ "retry-after": "1" }));
    const controller = new AbortController();
    const short = track(limiter.pass("k", controller.signal, {}));
    await settle();
    const reason = new BridgeError("TIMEOUT", "request timeout of 50 ms reached", { retryable: true });
    controller.abort(reason);
    await settle();
    expect(short.error()).toBe(reason);
  });
});

describe("parseRateLimitDuration (OpenAI x-ratelimit-reset-*)", () => {
  test.each([
    ["6m0s", 360_000],
    ["1s", 1000],
    ["20ms", 20],
    ["1h2m3.5s", 3_723_500],
    ["0.5s", 500],
    ["2m", 120_000],
    ["1m30s", 90_000],
    ["7", 7000],
    ["1.5", 1500],
    [" 3s ", 3000],
    ["", undefined],
    ["soon", undefined],
    ["5x", undefined],
    ["1m30", undefined],
    ["-1s", undefined],
    ["s", undefined],
  ] as Array<[string, number | undefined]>)("%j → %p", (input, expected) => {
    expect(parseRateLimitDuration(input)).toBe(expected);
  });
});

describe("rateLimitKey", () => {
  const req = (url: string, entries: Record<string, string>): Request => new Request(url, { method: "POST", headers: entries });
  const KEY_A = "sk-ant-CANARY.not.a.key.queue.A";
  const KEY_B = "sk-ant-CANARY.not.a.key.queue.B";

  test("same origin and credential → same key, whatever the path and query; either different → another key", async () => {
    const base = await rateLimitKey(req("https://api.anthropic.com/v1/messages", { "x-api-key": KEY_A }));
    expect(await rateLimitKey(req("https://api.anthropic.com/v1/models?limit=1", { "x-api-key": KEY_A }))).toBe(base);
    const others = [
      await rateLimitKey(req("https://api.anthropic.com/v1/messages", { "x-api-key": KEY_B })),
      await rateLimitKey(req("https://gateway.example/v1/messages", { "x-api-key": KEY_A })),
      await rateLimitKey(req("https://api.anthropic.com:8443/v1/messages", { "x-api-key": KEY_A })),
      await rateLimitKey(req("https://api.anthropic.com/v1/messages", {})),
      await rateLimitKey(req("https://api.anthropic.com/v1/messages", { authorization: `Bearer ${KEY_A}` })),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
  });

  test("the key never contains the credential", async () => {
    for (const [name, value] of [
      ["x-api-key", KEY_A],
      ["authorization", "Bearer ya29.fake.queue.token"],
      ["api-key", "azure-CANARY.not.a.key"],
    ] as const) {
      const key = await rateLimitKey(req("https://h.example/x", { [name]: value }));
      expect(key).not.toContain(value);
      expect(key).not.toContain(value.slice(-12));
      expect(key).toMatch(/^https:\/\/h\.example [0-9a-f]{16}$/);
    }
  });

  test("SigV4: the signature changes per request, the key follows the access key id", async () => {
    const sig = (akid: string, signature: string): Request =>
      req("https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse-stream", {
        authorization: `AWS4-HMAC-SHA256 Credential=${akid}/20261124/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
      });
    const one = await rateLimitKey(sig("AKIDCANARYONE", "aaaa"));
    expect(await rateLimitKey(sig("AKIDCANARYONE", "bbbb"))).toBe(one);
    expect(await rateLimitKey(sig("AKIDCANARYTWO", "aaaa"))).not.toBe(one);
  });
});

describe("rateLimiterFor: one queue per Deps", () => {
  test("the same limiter for one Deps, another for another (in-process harnesses do not share queues)", () => {
    const a = createHarness().deps;
    const b = createHarness().deps;
    expect(rateLimiterFor(a)).toBe(rateLimiterFor(a));
    expect(rateLimiterFor(a)).not.toBe(rateLimiterFor(b));
  });

  test.each([
    { value: undefined, expected: 8, warns: false },
    { value: "1", expected: 1, warns: false },
    { value: "32", expected: 32, warns: false },
    { value: "0", expected: 8, warns: true },
    { value: "many", expected: 8, warns: true },
    { value: "2.5", expected: 8, warns: true },
  ])("PLUE_MAX_CONCURRENT=$value → $expected", ({ value, expected, warns }) => {
    const harness = createHarness({ env: value === undefined ? {} : { PLUE_MAX_CONCURRENT: value } });
    expect(rateLimiterFor(harness.deps).maxConcurrent).toBe(expected);
    expect(harness.logs.some((line) => line.includes("PLUE_MAX_CONCURRENT"))).toBe(warns);
  });
});

// ---------------------------------------------------------------------------
// Through the real Server over loopback.

const OPENAI_KEY = "sk-proj-CANARY.not.a.key.queue";

async function openaiText(): Promise<{ params: (url: string) => Json; it: ReturnType<typeof interaction> }> {
  const cassette = await recording("openai", "chat-text");
  const it = interaction(cassette, 0);
  const body = it.request.body as Json;
  return { it, params: (url) => ({ model: body.model, api: "chat", messages: body.messages, base_url: `${url}/v1`, credentials: { api_key: OPENAI_KEY } }) };
}

describe("the queue in stream_chat", () => {
  test("PLUE_MAX_CONCURRENT=1: a second stream on the same key is sent only after the first has ended; its timeout while queued is TIMEOUT, not a hang", async () => {
    const { it, params } = await openaiText();
    const stalled = { ...it, body: [...it.body.slice(0, 2), { stall_ms: 400 }, ...it.body.slice(2)] };
    const harness = createHarness({ env: { PLUE_MAX_CONCURRENT: "1" } });
    await withReplay({ scenario: "queue", provenance: {}, interactions: [stalled, it, it] }, async (server) => {
      harness.server.handleLine(JSON.stringify({ id: "first", action: "stream_chat", provider: "openai", params: params(server.url) }));
      await waitForLine(harness, (line) => line.id === "first" && line.data?.type === "content");
      const started = Date.now();
      harness.server.handleLine(JSON.stringify({ id: "late", action: "stream_chat", provider: "openai", params: params(server.url), timeout: 100 }));
      const late = await waitForLine(harness, (line) => line.id === "late");
      expect(Date.now() - started).toBeLessThan(350);
      expect(late.error).toMatchObject({ code: "TIMEOUT", retryable: true, partial: false });
      expect(server.requests.length).toBe(1);
      expect(harness.lines.some((line) => line.id === "first" && (line.data?.type === "done" || line.success === false))).toBe(false); // still streaming
      // After the first ends, the queue lets the next one through.
      await harness.server.drain();
      expect(harness.lines.find((line) => line.id === "first" && line.data?.type === "done")).toBeDefined();
      const next = await streamChat(harness, "next", "openai", params(server.url));
      expect(next.done).toBeDefined();
      expect(server.requests.length).toBe(2);
    });
  });

  test("after a 429 with retry-after-ms 644, a new request on the same key waits it out (the 429'd request waits only through its retry)", async () => {
    const cassette = await recording("openai", "rate-limit-429-then-success");
    const limited = interaction(cassette, 0);
    const success = interaction(cassette, 1);
    expect(limited.response.headers["retry-after-ms"]).toBe("644");
    const body = limited.request.body as Json;
    const params = (url: string): Json => ({
      model: body.model,
      api: "chat",
      messages: body.messages,
      max_tokens: 4000,
      base_url: `${url}/v1`,
      credentials: { api_key: OPENAI_KEY },
    });
    const harness = createHarness();
    await withReplay({ ...cassette, interactions: [limited, success, success] }, async (server) => {
      const first = await streamChat(harness, "first", "openai", params(server.url));
      expect(first.retries.map((r) => r.delay_ms)).toEqual([644]);
      expect(harness.sleeps).toEqual([644]); // the harness's sleep is instant: the hold is still on for others
      const second = await streamChat(harness, "second", "openai", params(server.url));
      expect(second.done).toBeDefined();
      expect(second.retries).toEqual([]);
      expect(harness.sleeps.length).toBe(2);
      expect(harness.sleeps[1]).toBeGreaterThan(0);
      expect(harness.sleeps[1]).toBeLessThanOrEqual(644);
    });
  });
});

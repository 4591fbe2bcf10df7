/**
 * The token cache under a fake clock: lifetime, refresh ahead of expiry,
 * single-flight refresh under concurrency, per-key entries, cancellation of
 * one waiter, invalidation, and falling back on a still-valid token only
 * when a refresh fails for a passing reason.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createGoogleCredentialResolver, GOOGLE_REFRESH_BEFORE_EXPIRY_MS } from "../../../src/auth/google-credentials.ts";
import type { BridgeError } from "../../../src/protocol/errors.ts";
import { googleDeps, never, register, serviceAccountJson, startTokenEndpoint, T0, testKey, type TestDeps, type TokenEndpoint } from "./fakes.ts";

const MINUTE = 60_000;
let endpoint: TokenEndpoint;
beforeAll(async () => {
  endpoint = await startTokenEndpoint();
});
afterAll(() => endpoint.close());

let serial = 0;
/** A fresh service account registered with the endpoint; `setToken` changes what the next exchange answers. */
function account(expiresIn: number | null = 3600) {
  const json = serviceAccountJson(testKey(0), endpoint.tokenUri, { client_email: `cache-${++serial}@p.iam.gserviceaccount.com` });
  register(endpoint, json, testKey(0).publicPem, `ya29.first-${serial}`, expiresIn);
  const params = { credentials: { service_account: json } };
  const exchanges = () => endpoint.calls.filter((call) => call.body.includes("assertion=") && decodeIss(call.body) === json.client_email).length;
  const setToken = (token: string) => void (endpoint.accounts.get(`${json.client_email}|${json.private_key_id}`)!.token = token);
  return { json, params, exchanges, setToken };
}

function decodeIss(body: string): string {
  const assertion = new URLSearchParams(body).get("assertion") ?? "";
  return (JSON.parse(Buffer.from(assertion.split(".")[1] ?? "", "base64url").toString("utf8") || "{}") as { iss?: string }).iss ?? "";
}

function setup(): TestDeps {
  const deps = googleDeps({ now: T0 });
  endpoint.clock = deps.clock; // the endpoint checks iat against the same fake clock
  return deps;
}

describe("lifetime", () => {
  test("a one-hour token is reused until 5 minutes before it expires", async () => {
    const deps = setup();
    const resolver = createGoogleCredentialResolver(deps);
    const sa = account(3600);
    expect((await resolver.resolve(sa.params, never)).token).toBe(`ya29.first-${serial}`);
    sa.setToken("ya29.second");
    deps.clock.now = T0 + 60 * MINUTE - GOOGLE_REFRESH_BEFORE_EXPIRY_MS - 1;
    expect((await resolver.resolve(sa.params, never)).token).toBe(`ya29.first-${serial}`);
    expect(sa.exchanges()).toBe(1);
    deps.clock.now = T0 + 55 * MINUTE;
    expect((await resolver.resolve(sa.params, never)).token).toBe("ya29.second");
    expect(sa.exchanges()).toBe(2);
  });

  const SHORT: Array<[string, number | null, number]> = [
    ["a 4-minute token is kept for half its life", 240, 2 * MINUTE],
    ["an answer without expires_in is kept 10 minutes", null, 10 * MINUTE],
  ];
  for (const [name, expiresIn, keep] of SHORT) {
    test(name, async () => {
      const deps = setup();
      const resolver = createGoogleCredentialResolver(deps);
      const sa = account(expiresIn);
      await resolver.resolve(sa.params, never);
      deps.clock.now = T0 + keep - 1;
      await resolver.resolve(sa.params, never);
      expect(sa.exchanges()).toBe(1);
      deps.clock.now = T0 + keep;
      await resolver.resolve(sa.params, never);
      expect(sa.exchanges()).toBe(2);
    });
  }
});

describe("sharing", () => {
  test("10 simultaneous resolves → 1 token request", async () => {
    setup();
    const sa = account();
    endpoint.override = async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return undefined;
    };
    try {
      const resolver = createGoogleCredentialResolver(googleDeps({ now: T0 }));
      const results = await Promise.all(Array.from({ length: 10 }, () => resolver.resolve(sa.params, never)));
      expect(new Set(results.map((access) => access.token))).toEqual(new Set([`ya29.first-${serial}`]));
      expect(sa.exchanges()).toBe(1);
    } finally {
      endpoint.override = undefined;
    }
  });

  test("one waiter cancelling ends its wait, not the shared refresh", async () => {
    setup();
    const sa = account();
    endpoint.override = async () => {
      await new Promise((resolve) => setTimeout(resolve, 60));
      return undefined;
    };
    try {
      const resolver = createGoogleCredentialResolver(googleDeps({ now: T0 }));
      const controller = new AbortController();
      const first = resolver.resolve(sa.params, controller.signal).catch((error: unknown) => error as BridgeError);
      const second = resolver.resolve(sa.params, never);
      setTimeout(() => controller.abort(), 10);
      expect(((await first) as BridgeError).code).toBe("CANCELLED");
      expect((await second).token).toBe(`ya29.first-${serial}`);
      expect(sa.exchanges()).toBe(1);
      await expect(resolver.resolve(sa.params, AbortSignal.abort())).rejects.toMatchObject({ code: "CANCELLED" });
    } finally {
      endpoint.override = undefined;
    }
  });

  test("each key has its own entry; a rotated key file gets a new token", async () => {
    const deps = setup();
    const a = account();
    const b = account();
    const resolver = createGoogleCredentialResolver(deps);
    const [tokenA, tokenB] = await Promise.all([resolver.resolve(a.params, never), resolver.resolve(b.params, never)]);
    expect([tokenA.token, tokenB.token]).toEqual([`ya29.first-${serial - 1}`, `ya29.first-${serial}`]);
    await resolver.resolve(a.params, never);
    await resolver.resolve(b.params, never);
    expect([a.exchanges(), b.exchanges()]).toEqual([1, 1]);

    // Same file path, new key: the cache follows the content.
    const rotated = { ...a.json, private_key_id: "rotated-key-id" };
    register(endpoint, rotated, testKey(0).publicPem, "ya29.rotated");
    const fromFile = googleDeps({ now: T0, env: { GOOGLE_APPLICATION_CREDENTIALS: "/keys/a.json" }, files: { "/keys/a.json": JSON.stringify(a.json) } });
    const fileResolver = createGoogleCredentialResolver(fromFile);
    expect((await fileResolver.resolve({}, never)).token).toBe(`ya29.first-${serial - 1}`);
    fromFile.fileMap.set("/keys/a.json", JSON.stringify(rotated));
    expect((await fileResolver.resolve({}, never)).token).toBe("ya29.rotated");
  });

  test("invalidate() forgets cached tokens", async () => {
    const deps = setup();
    const sa = account();
    const resolver = createGoogleCredentialResolver(deps);
    await resolver.resolve(sa.params, never);
    await resolver.resolve(sa.params, never);
    expect(sa.exchanges()).toBe(1);
    resolver.invalidate();
    await resolver.resolve(sa.params, never);
    expect(sa.exchanges()).toBe(2);
  });
});

describe("failed refreshes", () => {
  test("a passing failure (503) falls back on the still-valid token, pauses 30 s, and fails once it expired", async () => {
    const deps = setup();
    const sa = account(3600);
    const resolver = createGoogleCredentialResolver(deps);
    const first = (await resolver.resolve(sa.params, never)).token;
    endpoint.override = () => ({ status: 503, body: '{"error":"backend_error"}' });
    try {
      deps.clock.now = T0 + 56 * MINUTE;
      expect((await resolver.resolve(sa.params, never)).token).toBe(first);
      expect(deps.logs.filter((entry) => entry.level === "warn").map((entry) => entry.message)).toEqual([
        "refreshing Google credentials failed; using the current token until it expires",
      ]);
      const calls = endpoint.calls.length;
      deps.clock.now = T0 + 56 * MINUTE + 29_999;
      await resolver.resolve(sa.params, never);
      expect(endpoint.calls.length).toBe(calls);
      deps.clock.now = T0 + 60 * MINUTE;
      await expect(resolver.resolve(sa.params, never)).rejects.toMatchObject({ code: "PROVIDER_ERROR", retryable: true, status: 503 });
    } finally {
      endpoint.override = undefined;
    }
  });

  test("a refusal (revoked key) is reported at once, even while the old token is valid", async () => {
    const deps = setup();
    const sa = account(3600);
    const resolver = createGoogleCredentialResolver(deps);
    await resolver.resolve(sa.params, never);
    endpoint.accounts.get(`${sa.json.client_email}|${sa.json.private_key_id}`)!.publicPem = testKey(1).publicPem;
    deps.clock.now = T0 + 56 * MINUTE;
    await expect(resolver.resolve(sa.params, never)).rejects.toMatchObject({ code: "AUTH_FAILED", providerType: "invalid_grant" });
  });
});

/**
 * One exchange with a credential endpoint (src/auth/credential-http.ts):
 * answers read under the credential limit, error answers cut, redirects
 * under the shared policy, each failure naming its source and never a body.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exchangeWithCredentialEndpoint } from "../../src/auth/credential-http.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { startHostileServer, type HostileServer } from "../reliability/hostile-server.ts";

let server: HostileServer;
let elsewhere: HostileServer;
const SOURCE = "STS AssumeRoleWithWebIdentity for arn:aws:iam::123456789012:role/r";
const never = new AbortController().signal;

beforeAll(async () => {
  server = await startHostileServer(() => undefined);
  elsewhere = await startHostileServer(() => ({ status: 200, body: "{}" }));
});
afterAll(async () => {
  await server.close();
  await elsewhere.close();
});

const form = (): Request =>
  new Request(`${server.url}/`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "Action=AssumeRoleWithWebIdentity&WebIdentityToken=CANARY.token",
  });

async function failure(promise: Promise<unknown>): Promise<BridgeError> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof BridgeError)) throw new Error(`expected a BridgeError, got ${String(error)}`);
  return error;
}

describe("exchangeWithCredentialEndpoint", () => {
  for (const hostile of ["endless", "gzip-bomb"] as const) {
    test(`a 200 that is ${hostile === "endless" ? "endless" : "a gzip bomb"}: PROVIDER_ERROR naming the source and host, connection closed`, async () => {
      server.route = () => ({ hostile });
      const cut = server.cut;
      const error = await failure(exchangeWithCredentialEndpoint(fetch, never, SOURCE, form(), 5_000));
      expect(error.code).toBe("PROVIDER_ERROR");
      expect(error.retryable).toBe(false);
      expect(error.message).toBe(`${SOURCE}: the credential answer from ${server.host} is larger than 64 KiB; stopped reading it`);
      if (hostile === "endless") {
        for (let waited = 0; server.cut === cut && waited < 2_000; waited += 10) await Bun.sleep(10);
        expect(server.cut).toBe(cut + 1);
      }
    });
  }

  test("an answer under the limit is returned whole", async () => {
    const body = JSON.stringify({ token: "t".repeat(60 * 1024) });
    server.route = () => ({ status: 200, body });
    const answer = await exchangeWithCredentialEndpoint(fetch, never, SOURCE, form(), 5_000);
    expect([answer.status, answer.text]).toEqual([200, body]);
  });

  test("an error status with a huge body: returned for the caller to judge, its text cut", async () => {
    server.route = () => ({ status: 500, body: `{"error":"x","pad":"${"p".repeat(1024 * 1024)}"}` });
    const answer = await exchangeWithCredentialEndpoint(fetch, never, SOURCE, form(), 5_000);
    expect(answer.status).toBe(500);
    expect(answer.text.length).toBeLessThan(65 * 1024);
    expect(answer.text).toEndWith("…[truncated]");
  });

  test("a redirect to another origin: refused before anything is sent there", async () => {
    server.route = () => ({ redirect: 307, location: `${elsewhere.url}/` });
    elsewhere.received.length = 0;
    const error = await failure(exchangeWithCredentialEndpoint(fetch, never, SOURCE, form(), 5_000));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.message).toStartWith(`${SOURCE}: ${server.host} answered HTTP 307, a redirect to ${elsewhere.host}; not followed`);
    expect(error.message).not.toContain("CANARY");
    expect(elsewhere.received).toEqual([]);
  });

  test("the timer still ends a slow answer as TIMEOUT, a cancel as its reason", async () => {
    server.route = () => ({ hostile: "endless" });
    const timer = await failure(exchangeWithCredentialEndpoint(fetch, never, SOURCE, new Request(`${server.url}/slow`), 1));
    expect(timer.code).toBe("TIMEOUT");
    const controller = new AbortController();
    controller.abort(new BridgeError("CANCELLED", "request cancelled"));
    const cancelled = await failure(exchangeWithCredentialEndpoint(fetch, controller.signal, SOURCE, form(), 5_000));
    expect(cancelled.code).toBe("CANCELLED");
  });
});

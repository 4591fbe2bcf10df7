/**
 * The redirect policy of src/http/redirect.ts over real loopback sockets
 * (two servers = two origins; an https one with a throwaway certificate),
 * plus the pure credential test as a table.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { carriesCredentials, fetchFollowingRedirects, MAX_REDIRECTS } from "../../src/http/redirect.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { selfSignedCertificate, startHostileServer, type HostileServer, type Route } from "../reliability/hostile-server.ts";

let a: HostileServer;
let b: HostileServer;
let secure: HostileServer;
let ca: string;
/** fetch that trusts the throwaway certificate (Bun's `tls` option, as src/host/fetch.ts uses for PLUE_CA_BUNDLE). */
const trusting = ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, { ...init, tls: { ca } } as RequestInit)) as typeof fetch;

const ok: Route = () => ({ status: 200, body: '{"ok":true}' });

beforeAll(async () => {
  const certificate = selfSignedCertificate();
  ca = certificate.cert;
  a = await startHostileServer(ok);
  b = await startHostileServer(ok);
  secure = await startHostileServer(ok, { tls: certificate });
});
afterAll(async () => {
  for (const server of [a, b, secure]) await server.close();
});

function reset(server: HostileServer, route: Route): void {
  server.received.length = 0;
  server.route = route;
}

async function refusal(promise: Promise<unknown>): Promise<BridgeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("carriesCredentials", () => {
  const cases: Array<[string, Request, boolean]> = [
    ["a plain GET", new Request("https://models.dev/api.json", { headers: { accept: "application/json" } }), false],
    ["Anthropic's x-api-key", new Request("https://api.anthropic.com/v1/models", { headers: { "x-api-key": "k" } }), true],
    ["Azure's api-key", new Request("https://r.openai.azure.com/openai/v1/models", { headers: { "api-key": "k" } }), true],
    ["a bearer token", new Request("https://api.openai.com/v1/models", { headers: { authorization: "Bearer k" } }), true],
    ["SigV4 with a session token", new Request("https://bedrock.us-east-1.amazonaws.com/", { headers: { "x-amz-security-token": "t", "x-amz-date": "20260101T000000Z" } }), true],
    ["SSO's bearer header", new Request("https://portal.sso.us-east-1.amazonaws.com/", { headers: { "x-amz-sso_bearer_token": "t" } }), true],
    ["IMDS's token header", new Request("http://169.254.169.254/latest/meta-data/", { headers: { "x-aws-ec2-metadata-token": "t" } }), true],
    ["a gateway key in params.headers", new Request("https://gw.example/v1", { headers: { "ocp-apim-subscription-key": "k" } }), true],
    ["a body (token form, prompt)", new Request("https://oauth2.googleapis.com/token", { method: "POST", body: "grant_type=x" }), true],
    ["user info in the URL", new Request("https://user:pass@gw.example/v1"), true],
    ["a key in the query", new Request("https://gw.example/v1/models?key=k"), true],
    ["a presigned URL", new Request("https://b.s3.amazonaws.com/o?X-Amz-Signature=abc"), true],
    ["Google's metadata flavor header", new Request("http://metadata.google.internal/computeMetadata/v1/project/project-id", { headers: { "metadata-flavor": "Google" } }), false],
  ];
  for (const [name, request, expected] of cases) test(name, () => expect(carriesCredentials(request)).toBe(expected));
});

describe("fetchFollowingRedirects", () => {
  test("same origin, credentials attached: followed (307 keeps method and body)", async () => {
    reset(a, (request) => (request.path === "/start" ? { redirect: 307, location: "/next" } : { status: 200, body: request.body }));
    const response = await fetchFollowingRedirects(fetch, new Request(`${a.url}/start`, { method: "POST", headers: { "x-api-key": "k" }, body: "prompt" }));
    expect([response.status, await response.text()]).toEqual([200, "prompt"]);
    expect(a.received.map((r) => [r.method, r.path, r.headers["x-api-key"]])).toEqual([
      ["POST", "/start", "k"],
      ["POST", "/next", "k"],
    ]);
  });

  test("303 after a POST: a GET without the body", async () => {
    reset(a, (request) => (request.path === "/start" ? { redirect: 303, location: "/result" } : { status: 200, body: `${request.method}:${request.body}` }));
    const response = await fetchFollowingRedirects(fetch, new Request(`${a.url}/start`, { method: "POST", headers: { "content-type": "text/plain" }, body: "form" }));
    expect(await response.text()).toBe("GET:");
    expect(a.received[1]!.headers["content-type"]).toBeUndefined();
  });

  for (const [name, headers] of [
    ["x-api-key (Anthropic)", { "x-api-key": "sk-ant-secret" }],
    ["x-amz-security-token (Bedrock)", { authorization: "AWS4-HMAC-SHA256 Credential=AKID/...", "x-amz-security-token": "session" }],
    ["authorization: token (GitHub)", { authorization: "token gho_secret" }],
  ] as const) {
    test(`another origin with ${name}: refused, naming the target host, nothing sent there`, async () => {
      reset(a, () => ({ redirect: 307, location: `${b.url}/steal?x=1` }));
      reset(b, ok);
      const error = await refusal(fetchFollowingRedirects(fetch, new Request(`${a.url}/v1/models`, { headers })));
      expect(error).toMatchObject({ code: "PROVIDER_ERROR", retryable: false, status: 307 });
      expect(error.message).toContain(`to ${b.host}`);
      expect(error.message).toContain("carries credentials");
      expect(error.message).not.toContain("steal");
      expect(b.received).toEqual([]);
    });
  }

  test("another origin without credentials: followed", async () => {
    reset(a, () => ({ redirect: 302, location: `${b.url}/api.json` }));
    reset(b, ok);
    const response = await fetchFollowingRedirects(fetch, new Request(`${a.url}/api.json`, { headers: { accept: "application/json" } }));
    expect(response.status).toBe(200);
    expect(b.received.map((r) => r.path)).toEqual(["/api.json"]);
  });

  test("https to http: refused even without credentials, nothing sent in clear text", async () => {
    reset(secure, () => ({ redirect: 301, location: `${a.url}/plain` }));
    reset(a, ok);
    const error = await refusal(fetchFollowingRedirects(trusting, new Request(`${secure.url}/api.json`)));
    expect(error.message).toContain(`to ${a.host}`);
    expect(error.message).toContain("plain http");
    expect(a.received).toEqual([]);
  });

  test("https to https on the same origin with credentials: followed", async () => {
    reset(secure, (request) => (request.path === "/old" ? { redirect: 308, location: "/new" } : ok(request, secure)));
    const response = await fetchFollowingRedirects(trusting, new Request(`${secure.url}/old`, { headers: { authorization: "Bearer k" } }));
    expect(response.status).toBe(200);
  });

  test("a loop: refused at the first repeat", async () => {
    reset(a, (request) => ({ redirect: 302, location: request.path === "/x" ? "/y" : "/x" }));
    const error = await refusal(fetchFollowingRedirects(fetch, new Request(`${a.url}/x`)));
    expect(error.message).toContain("a redirect loop");
    expect(a.received.map((r) => r.path)).toEqual(["/x", "/y"]);
  });

  test(`more than ${MAX_REDIRECTS} hops: refused after ${MAX_REDIRECTS} followed`, async () => {
    reset(a, (request) => ({ redirect: 307, location: `/hop${Number(request.path.slice(4) || 0) + 1}` }));
    const error = await refusal(fetchFollowingRedirects(fetch, new Request(`${a.url}/hop0`)));
    expect(error.message).toContain(`more than ${MAX_REDIRECTS} redirects`);
    expect(a.received.length).toBe(MAX_REDIRECTS + 1);
  });

  test("a Location that is not http(s): refused", async () => {
    reset(a, () => ({ redirect: 302, location: "file:///etc/passwd" }));
    const error = await refusal(fetchFollowingRedirects(fetch, new Request(`${a.url}/x`)));
    expect(error.message).toContain("only http(s)");
  });

  test("a 3xx without Location, and a request built with redirect: manual, come back as they are", async () => {
    reset(a, (request) => (request.path === "/nowhere" ? { status: 302, body: "" } : { redirect: 307, location: "/next" }));
    expect((await fetchFollowingRedirects(fetch, new Request(`${a.url}/nowhere`))).status).toBe(302);
    const manual = await fetchFollowingRedirects(fetch, new Request(`${a.url}/start`, { headers: { "api-key": "k" }, redirect: "manual" }));
    expect(manual.status).toBe(307);
    expect(a.received.map((r) => r.path)).toEqual(["/nowhere", "/start"]);
  });
});

/**
 * The metadata server as the last source: a loopback stand-in that, like the
 * real one, refuses requests without `Metadata-Flavor: Google`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createGoogleCredentialResolver } from "../../../src/auth/google-credentials.ts";
import type { BridgeError } from "../../../src/protocol/errors.ts";
import { googleDeps, never, startFake, startMetadataServer, T0, type FakeServer, type Reply } from "./fakes.ts";

let metadata: FakeServer;
let reply: ((path: string) => Reply | undefined) | undefined;
beforeAll(async () => {
  metadata = await startMetadataServer({ token: "ya29.metadata-token", expiresIn: 3599, project: "machine-project", reply: (request) => reply?.(request.path) });
});
afterAll(() => metadata.close());

const host = (): string => metadata.url.replace("http://", "");
const resolve = (env: Record<string, string> = {}, timeoutMs = 500) =>
  createGoogleCredentialResolver(googleDeps({ now: T0, env: { GCE_METADATA_HOST: host(), ...env } }), { metadataTimeoutMs: timeoutMs }).resolve({}, never);
const failure = (env: Record<string, string> = {}, timeoutMs = 500) =>
  resolve(env, timeoutMs).then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as BridgeError,
  );

test("token and project, each request carrying Metadata-Flavor: Google", async () => {
  reply = undefined;
  const before = metadata.calls.length;
  expect(await resolve()).toEqual({ token: "ya29.metadata-token", projectId: "machine-project" });
  const calls = metadata.calls.slice(before);
  expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
    "GET /computeMetadata/v1/instance/service-accounts/default/token",
    "GET /computeMetadata/v1/project/project-id",
  ]);
  expect(calls.map((call) => call.headers["metadata-flavor"])).toEqual(["Google", "Google"]);
});

test("GCE_METADATA_HOST may carry a scheme", async () => {
  reply = undefined;
  expect((await resolve({ GCE_METADATA_HOST: `${metadata.url}/` })).token).toBe("ya29.metadata-token");
});

test("no project id from the server → the token alone", async () => {
  reply = (path) => (path.endsWith("/project-id") ? { status: 404, headers: { "metadata-flavor": "Google" } } : undefined);
  expect(await resolve()).toEqual({ token: "ya29.metadata-token" });
});

const ABSENT: Array<[string, (path: string) => Reply | undefined, string]> = [
  ["no service account attached (404)", () => ({ status: 404, headers: { "metadata-flavor": "Google" } }), "no service account is attached to this machine"],
  [
    "something else answers (no Metadata-Flavor header)",
    () => ({ status: 404, body: "<html>" }),
    "answered HTTP 404 without Metadata-Flavor: Google (not a Google metadata server)",
  ],
];
for (const [name, answer, why] of ABSENT) {
  test(`${name} → AUTH_REQUIRED saying why`, async () => {
    reply = answer;
    const error = await failure();
    expect(error.code).toBe("AUTH_REQUIRED");
    expect(error.message).toContain(`the GCE metadata server at ${metadata.url}: ${why}`);
  });
}

const BROKEN: Array<[string, Reply, string, string]> = [
  ["500", { status: 500, headers: { "metadata-flavor": "Google" } }, "PROVIDER_ERROR", "token request answered HTTP 500"],
  ["403", { status: 403, headers: { "metadata-flavor": "Google" } }, "AUTH_FAILED", "token request answered HTTP 403"],
  ["bad JSON", { headers: { "metadata-flavor": "Google" }, body: '{"access_token":' }, "AUTH_FAILED", "answer is not a JSON object"],
];
for (const [name, answer, code, message] of BROKEN) {
  test(`metadata server ${name} → ${code}`, async () => {
    reply = (path) => (path.endsWith("/token") ? answer : undefined);
    const error = await failure();
    expect(error.code as string).toBe(code);
    expect(error.message).toContain(message);
  });
}

test("a server that never answers → AUTH_REQUIRED after the short timer", async () => {
  reply = () => ({ hang: true });
  const started = Date.now();
  const error = await failure({}, 150);
  expect(error.code).toBe("AUTH_REQUIRED");
  expect(error.message).toContain("no answer within 150 ms");
  expect(Date.now() - started).toBeLessThan(1500);
});

test("nothing listening → AUTH_REQUIRED quickly", async () => {
  const closed = await startFake(() => ({}));
  const url = closed.url;
  await closed.close();
  const error = await failure({ GCE_METADATA_HOST: url.replace("http://", "") });
  expect(error.code).toBe("AUTH_REQUIRED");
  expect(error.message).toContain(`the GCE metadata server at ${url}: request failed`);
});

test("METADATA_SERVER_DETECTION=none never calls it", async () => {
  reply = undefined;
  const before = metadata.calls.length;
  const error = await failure({ METADATA_SERVER_DETECTION: "none" });
  expect(error.code).toBe("AUTH_REQUIRED");
  expect(error.message).toContain("the GCE metadata server (METADATA_SERVER_DETECTION=none)");
  expect(metadata.calls.length).toBe(before);
});

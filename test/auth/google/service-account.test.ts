/**
 * Service-account keys end to end: the JWT we sign is verified by a loopback
 * token endpoint with jose and the public half of a key generated here, and
 * its header and claims are compared with what google-auth-library builds
 * for the same key.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { JWT, JWTAccess } from "google-auth-library";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { createGoogleCredentialResolver } from "../../../src/auth/google-credentials.ts";
import type { BridgeError } from "../../../src/protocol/errors.ts";
import type { ProviderParams } from "../../../src/protocol/request.ts";
import {
  ecPkcs8Pem,
  googleDeps,
  never,
  pkcs1Pem,
  register,
  SCOPE,
  serviceAccountJson,
  startTokenEndpoint,
  T0,
  testKey,
  tokenReply,
  type TestDeps,
  type TokenEndpoint,
} from "./fakes.ts";

let endpoint: TokenEndpoint;
beforeAll(async () => {
  endpoint = await startTokenEndpoint();
});
afterAll(() => endpoint.close());

const keyFile = (overrides = {}) => serviceAccountJson(testKey(0), endpoint.tokenUri, overrides);

async function failure(deps: TestDeps, params: ProviderParams = {}): Promise<BridgeError> {
  return createGoogleCredentialResolver(deps)
    .resolve(params, never)
    .then(
      () => {
        throw new Error("expected a failure");
      },
      (error: unknown) => error as BridgeError,
    );
}

describe("the JWT-bearer exchange", () => {
  test("the loopback endpoint verifies our signature and claims and answers a token", async () => {
    const json = keyFile();
    register(endpoint, json, testKey(0).publicPem, "ya29.fake.service.account.token");
    endpoint.verified.length = 0;
    const before = endpoint.calls.length;
    const deps = googleDeps({ now: T0 });
    const access = await createGoogleCredentialResolver(deps).resolve({ credentials: { service_account: json } }, never);
    expect(access).toEqual({ token: "ya29.fake.service.account.token", projectId: "key-project" });

    const calls = endpoint.calls.slice(before);
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual(["POST /token"]);
    expect(calls[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(new URLSearchParams(calls[0]!.body).get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    expect(endpoint.verified).toEqual([
      {
        header: { alg: "RS256", typ: "JWT", kid: json.private_key_id },
        claims: { iss: json.client_email, scope: SCOPE, aud: endpoint.tokenUri, iat: T0 / 1000, exp: T0 / 1000 + 3600 },
      },
    ]);
  });

  const FORMS: Array<[string, (json: ReturnType<typeof keyFile>) => { params?: ProviderParams; env?: Record<string, string>; files?: Record<string, string> }]> = [
    ["params: the key as a JSON string", (json) => ({ params: { credentials: { service_account: JSON.stringify(json) } } })],
    ["params: private_key with escaped newlines", (json) => ({ params: { credentials: { service_account: { ...json, private_key: json.private_key.replace(/\n/g, "\\n") } } } })],
    ["GOOGLE_APPLICATION_CREDENTIALS file", (json) => ({ env: { GOOGLE_APPLICATION_CREDENTIALS: "/keys/sa.json" }, files: { "/keys/sa.json": JSON.stringify(json, null, 2) } })],
    ["GOOGLE_APPLICATION_CREDENTIALS with ~", (json) => ({ env: { GOOGLE_APPLICATION_CREDENTIALS: "~/sa.json" }, files: { "/home/u/sa.json": JSON.stringify(json) } })],
    ["gcloud ADC file holding a service-account key", (json) => ({ files: { "/home/u/.config/gcloud/application_default_credentials.json": JSON.stringify(json) } })],
  ];
  for (const [name, setup] of FORMS) {
    test(`${name} → verified exchange`, async () => {
      const json = keyFile({ client_email: `form-${FORMS.findIndex(([n]) => n === name)}@key-project.iam.gserviceaccount.com` });
      register(endpoint, json, testKey(0).publicPem, `ya29.${json.client_email}`);
      const { params, env, files } = setup(json);
      const access = await createGoogleCredentialResolver(googleDeps({ ...(env && { env }), ...(files && { files }) })).resolve(params ?? {}, never);
      expect(access.token).toBe(`ya29.${json.client_email}`);
    });
  }

  test("a key without private_key_id signs without kid", async () => {
    const { private_key_id: _, ...json } = keyFile({ client_email: "no-kid@key-project.iam.gserviceaccount.com" });
    endpoint.accounts.set(`${json.client_email}|`, { publicPem: testKey(0).publicPem, token: "ya29.no-kid", expires_in: 3599 });
    endpoint.verified.length = 0;
    const access = await createGoogleCredentialResolver(googleDeps({})).resolve({ credentials: { service_account: json } }, never);
    expect(access.token).toBe("ya29.no-kid");
    expect(endpoint.verified[0]!.header).toEqual({ alg: "RS256", typ: "JWT" });
  });
});

describe("compared with google-auth-library", () => {
  const GOOGLE = "https://oauth2.googleapis.com/token";

  /** Both libraries pointed at Google's real token URI, each through a fetch that only captures the assertion. */
  function capture(into: string[]) {
    return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      into.push(`${request.method} ${request.url}`);
      into.push(new URLSearchParams(await request.text()).get("assertion") ?? "");
      const reply = tokenReply("ya29.captured-token", 3600);
      return new Response(reply.body ?? "", { status: 200, headers: reply.headers ?? {} });
    };
  }

  test("same claims (iat/exp aside) as its JWT client; same header as its self-signed JWTs", async () => {
    const json = serviceAccountJson(testKey(0), GOOGLE);
    const theirs: string[] = [];
    const client = new JWT({ scopes: [SCOPE], transporterOptions: { fetchImplementation: capture(theirs) as typeof fetch } });
    client.fromJSON(json);
    expect((await client.getAccessToken()).token).toBe("ya29.captured-token");

    const ours: string[] = [];
    const deps = googleDeps({ now: Date.now() });
    deps.fetch = capture(ours) as typeof fetch;
    await createGoogleCredentialResolver(deps).resolve({ credentials: { service_account: json } }, never);

    expect(ours[0]).toBe(theirs[0]!); // same method and URL
    const [ourClaims, theirClaims] = [decodeJwt(ours[1]!), decodeJwt(theirs[1]!)];
    const timeless = ({ iat: _i, exp: _e, ...rest }: Record<string, unknown>) => rest;
    expect(timeless(ourClaims)).toEqual(timeless(theirClaims));
    expect(Object.keys(ourClaims).sort()).toEqual(Object.keys(theirClaims).sort());
    expect(ourClaims.exp! - ourClaims.iat!).toBe(theirClaims.exp! - theirClaims.iat!);
    expect(Math.abs(ourClaims.iat! - theirClaims.iat!)).toBeLessThan(5);

    // Its OAuth client sends a bare {alg}; its self-signed JWTs (JWTAccess) carry typ and the key id, as Google's docs show.
    expect(decodeProtectedHeader(theirs[1]!)).toEqual({ alg: "RS256" });
    const selfSigned = new JWTAccess(json.client_email, json.private_key, json.private_key_id).getRequestHeaders(undefined, undefined, SCOPE);
    const selfSignedJwt = (selfSigned.get("authorization") ?? "").replace(/^Bearer /, "");
    expect(decodeProtectedHeader(ours[1]!)).toEqual(decodeProtectedHeader(selfSignedJwt));
  });
});

describe("refusals and failures", () => {
  test("a revoked key (the endpoint holds another public key) → AUTH_FAILED with Google's reason, no key material", async () => {
    const json = keyFile({ client_email: "revoked@key-project.iam.gserviceaccount.com" });
    register(endpoint, json, testKey(1).publicPem, "ya29.never-issued");
    const deps = googleDeps({});
    const error = await failure(deps, { credentials: { service_account: json } });
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.status).toBe(400);
    expect(error.providerType).toBe("invalid_grant");
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      "service account revoked@key-project.iam.gserviceaccount.com (params.credentials.service_account): the token endpoint answered HTTP 400: invalid_grant: Invalid JWT Signature.",
    );
    const body = json.private_key.split("\n")[5]!;
    expect(body.length).toBeGreaterThan(40);
    expect(JSON.stringify({ message: error.message, logs: deps.logs })).not.toContain(body);
  });

  const ANSWERS: Array<[string, { status?: number; body: string }, string, string, boolean]> = [
    ["503", { status: 503, body: "busy" }, "PROVIDER_ERROR", "the token endpoint answered HTTP 503", true],
    [
      "429 with a reason",
      { status: 429, body: '{"error":"rate_limit_exceeded","error_description":"slow down"}' },
      "PROVIDER_ERROR",
      "HTTP 429: rate_limit_exceeded: slow down",
      true,
    ],
    ["401 without JSON", { status: 401, body: "<html>no</html>" }, "AUTH_FAILED", "the token endpoint answered HTTP 401", false],
    ["200 but not JSON", { body: "<html>" }, "AUTH_FAILED", "answer is not a JSON object", false],
    ["200 without access_token", { body: '{"expires_in":3599}' }, "AUTH_FAILED", "answer has no access_token", false],
    ["200 with another token_type", { body: '{"access_token":"ya29.x-token","token_type":"MAC"}' }, "AUTH_FAILED", 'answer has token_type "MAC", expected Bearer', false],
    ["200 with a bad expires_in", { body: '{"access_token":"ya29.x-token","expires_in":"soon"}' }, "AUTH_FAILED", "answer has an unreadable expires_in", false],
  ];
  for (const [name, answer, code, message, retryable] of ANSWERS) {
    test(`token endpoint ${name} → ${code}`, async () => {
      endpoint.override = () => ({ status: answer.status ?? 200, body: answer.body });
      try {
        const error = await failure(googleDeps({}), { credentials: { service_account: keyFile() } });
        expect(error.code as string).toBe(code);
        expect(error.message).toContain(message);
        expect(error.retryable).toBe(retryable);
      } finally {
        endpoint.override = undefined;
      }
    });
  }

  test("a token endpoint that never answers → TIMEOUT after the service timer", async () => {
    endpoint.override = () => ({ hang: true });
    try {
      const deps = googleDeps({});
      const started = Date.now();
      const error = (await createGoogleCredentialResolver(deps, { serviceTimeoutMs: 150 })
        .resolve({ credentials: { service_account: keyFile() } }, never)
        .catch((thrown: unknown) => thrown)) as BridgeError;
      expect(error.code).toBe("TIMEOUT");
      expect(error.message).toContain("no answer within 150 ms");
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      endpoint.override = undefined;
    }
  });
});

describe("malformed keys", () => {
  const FILE = "/keys/sa.json";
  const LABEL = `the Google credentials file ${FILE} (GOOGLE_APPLICATION_CREDENTIALS)`;
  const MALFORMED: Array<[string, () => string, string]> = [
    ["not JSON", () => `{"type": "service_account", "private_key": "${testKey(0).privatePem.slice(0, 60)}`, "not a JSON object (unreadable JSON)"],
    ["a JSON array", () => "[]", "not a JSON object (unreadable JSON)"],
    ["missing private_key", () => JSON.stringify({ ...keyFile(), private_key: undefined }), "missing private_key"],
    ["missing both", () => JSON.stringify({ type: "service_account" }), "missing client_email and private_key"],
    ["private_key not a string", () => JSON.stringify({ ...keyFile(), private_key: 42 }), "private_key must be a string"],
    ["PKCS#1 key", () => JSON.stringify(keyFile({ private_key: pkcs1Pem(testKey(0)) })), "private_key is a PKCS#1 key (BEGIN RSA PRIVATE KEY); convert it"],
    [
      "encrypted key",
      () => JSON.stringify(keyFile({ private_key: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBO\n-----END ENCRYPTED PRIVATE KEY-----\n" })),
      "private_key is encrypted",
    ],
    ["not PEM at all", () => JSON.stringify(keyFile({ private_key: "just-some-secret-text" })), "private_key is not a PEM PKCS#8 key"],
    [
      "PKCS#8 armour around garbage",
      () => JSON.stringify(keyFile({ private_key: "-----BEGIN PRIVATE KEY-----\nAAAAnotakey==\n-----END PRIVATE KEY-----\n" })),
      "private_key is not a valid PKCS#8 RSA key",
    ],
    ["an EC key", () => JSON.stringify(keyFile({ private_key: ecPkcs8Pem() })), "private_key is not a valid PKCS#8 RSA key"],
    ["plain-http token_uri", () => JSON.stringify(keyFile({ token_uri: "http://example.com/token" })), "token_uri must be an https URL"],
    [
      "unsupported type",
      () => JSON.stringify({ type: "external_account", audience: "//iam" }),
      'type "external_account" is not supported (supported: service_account, authorized_user)',
    ],
    ["no type", () => JSON.stringify({ client_email: "a@b" }), 'has no "type" (expected service_account or authorized_user)'],
  ];
  for (const [name, text, problem] of MALFORMED) {
    test(`file: ${name} → AUTH_FAILED naming the file`, async () => {
      const before = endpoint.calls.length;
      const error = await failure(googleDeps({ env: { GOOGLE_APPLICATION_CREDENTIALS: FILE }, files: { [FILE]: text() } }));
      expect(error.code).toBe("AUTH_FAILED");
      expect(error.message).toStartWith(`${LABEL}: ${problem}`);
      expect(error.message).not.toContain("MII");
      expect(endpoint.calls.length).toBe(before);
    });
  }

  test("GOOGLE_APPLICATION_CREDENTIALS naming a missing file → AUTH_FAILED (no fall-through)", async () => {
    const error = await failure(
      googleDeps({ env: { GOOGLE_APPLICATION_CREDENTIALS: "/nope.json" }, files: { "/home/u/.config/gcloud/application_default_credentials.json": JSON.stringify(keyFile()) } }),
    );
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe("GOOGLE_APPLICATION_CREDENTIALS names /nope.json, which does not exist");
  });

  test("an unreadable file → AUTH_FAILED with the system's code", async () => {
    const deps = googleDeps({ env: { GOOGLE_APPLICATION_CREDENTIALS: FILE } });
    deps.files.read = async () => {
      throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    };
    const error = await failure(deps);
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe(`cannot read the Google credentials file ${FILE} (EACCES)`);
  });

  const PARAMS: Array<[string, unknown, string]> = [
    ["a string that is not JSON", "{not json", "params.credentials.service_account: a string here must hold the key's JSON object, and this one is not valid JSON"],
    ["a number", 7, "params.credentials.service_account: must be the key JSON, as an object or a string"],
    [
      "an authorized_user JSON",
      { type: "authorized_user", client_id: "x" },
      'params.credentials.service_account: type "authorized_user" is not supported (supported: service_account)',
    ],
    [
      "a PKCS#1 key",
      { client_email: "a@b", private_key: "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----" },
      "params.credentials.service_account: private_key is a PKCS#1 key",
    ],
  ];
  for (const [name, value, message] of PARAMS) {
    test(`params.credentials.service_account as ${name} → INVALID_REQUEST`, async () => {
      const error = await failure(googleDeps({}), { credentials: { service_account: value } });
      expect(error.code).toBe("INVALID_REQUEST");
      expect(error.field).toBe("params.credentials.service_account");
      expect(error.message).toStartWith(message);
    });
  }
});

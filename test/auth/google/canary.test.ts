/**
 * Canary scan: plant recognisable secrets wherever a Google credential can
 * come from (private keys, refresh tokens, client secrets, access tokens,
 * the assertions we sign), drive each source into its failure paths, and
 * check that no thrown message (cause chain included) and no log call
 * carries any of them. The fake token endpoint echoes the request back in
 * its error_description, as real services sometimes do.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createGoogleCredentialResolver } from "../../../src/auth/google-credentials.ts";
import type { ProviderParams } from "../../../src/protocol/request.ts";
import { googleDeps, never, pkcs1Pem, serviceAccountJson, startFake, T0, testKey, tokenReply, type FakeServer, type Reply, type TestDeps } from "./fakes.ts";

const C = {
  clientSecret: "CANARYclientSecret01",
  refreshToken: "CANARYrefreshToken01",
  paramToken: "CANARYparamAccessTok",
  answerToken: "CANARYanswerToken001",
  metadataToken: "CANARYmetadataToken1",
  garbageKey: "CANARYgarbageKeyBody",
};

let echo: FakeServer;
let tokenReplyFor: (body: URLSearchParams) => Reply = () => ({ status: 500 });
let metadataReply: Reply = { status: 404 };

beforeAll(async () => {
  echo = await startFake((request) => {
    if (request.path.startsWith("/computeMetadata/")) return metadataReply;
    return tokenReplyFor(new URLSearchParams(request.body));
  });
});
afterAll(() => echo.close());

const echoRefusal = (form: URLSearchParams): Reply => ({
  status: 400,
  body: JSON.stringify({ error: "invalid_grant", error_description: `rejected ${form.toString()} / ${decodeURIComponent(form.toString())}` }),
});
/** Lines of a PEM's base64 body: any of them showing up is a leak. */
const pemBody = (pem: string): string[] => pem.split("\n").filter((line) => line.length >= 40 && !line.startsWith("-----"));

interface Scenario {
  name: string;
  deps: () => TestDeps;
  params?: () => ProviderParams;
  token?: (form: URLSearchParams) => Reply;
  metadata?: Reply;
  /** Resolve once successfully, then fail the refresh (exercises the fallback warning). */
  thenFailRefresh?: boolean;
}

const ADC = "/home/u/.config/gcloud/application_default_credentials.json";
const saKey = () => serviceAccountJson(testKey(0), `${echo.url}/token`);
const user = (extra = {}) =>
  JSON.stringify({
    type: "authorized_user",
    client_id: "c.apps.googleusercontent.com",
    client_secret: C.clientSecret,
    refresh_token: C.refreshToken,
    token_uri: `${echo.url}/token`,
    ...extra,
  });
const metadataEnv = () => ({ GCE_METADATA_HOST: echo.url.replace("http://", "") });

const SCENARIOS: Scenario[] = [
  { name: "service account refused, endpoint echoes the assertion", deps: () => googleDeps({}), params: () => ({ credentials: { service_account: saKey() } }), token: echoRefusal },
  {
    name: "key file refused, endpoint echoes",
    deps: () => googleDeps({ env: { GOOGLE_APPLICATION_CREDENTIALS: "/k.json" }, files: { "/k.json": JSON.stringify(saKey()) } }),
    token: echoRefusal,
  },
  { name: "key file cut short", deps: () => googleDeps({ env: { GOOGLE_APPLICATION_CREDENTIALS: "/k.json" }, files: { "/k.json": JSON.stringify(saKey()).slice(0, 900) } }) },
  { name: "key string in params cut short", deps: () => googleDeps({}), params: () => ({ credentials: { service_account: JSON.stringify(saKey()).slice(0, 900) } }) },
  {
    name: "PKCS#1 key",
    deps: () => googleDeps({ env: { GOOGLE_APPLICATION_CREDENTIALS: "/k.json" }, files: { "/k.json": JSON.stringify({ ...saKey(), private_key: pkcs1Pem(testKey(0)) }) } }),
  },
  {
    name: "PKCS#8 armour around garbage",
    deps: () => googleDeps({}),
    params: () => ({ credentials: { service_account: { ...saKey(), private_key: `-----BEGIN PRIVATE KEY-----\n${C.garbageKey}\n-----END PRIVATE KEY-----\n` } } }),
  },
  { name: "refresh token refused, endpoint echoes it", deps: () => googleDeps({ files: { [ADC]: user() } }), token: echoRefusal },
  { name: "authorized_user file cut short", deps: () => googleDeps({ files: { [ADC]: user().slice(0, 140) } }) },
  { name: "authorized_user without client_id", deps: () => googleDeps({ files: { [ADC]: user({ client_id: undefined }) } }) },
  {
    name: "token answer with a wrong token_type",
    deps: () => googleDeps({ files: { [ADC]: user() } }),
    token: () => ({ body: JSON.stringify({ access_token: C.answerToken, token_type: "MAC" }) }),
  },
  { name: "token answer cut short", deps: () => googleDeps({ files: { [ADC]: user() } }), token: () => ({ body: `{"access_token":"${C.answerToken}","expires_in":` }) },
  {
    name: "token answer with a bad expires_in",
    deps: () => googleDeps({ files: { [ADC]: user() } }),
    token: () => ({ body: JSON.stringify({ access_token: C.answerToken, expires_in: "later" }) }),
  },
  {
    name: "metadata answer cut short",
    deps: () => googleDeps({ env: metadataEnv() }),
    metadata: { headers: { "metadata-flavor": "Google" }, body: `{"access_token":"${C.metadataToken}` },
  },
  {
    name: "metadata 403 echoing a token",
    deps: () => googleDeps({ env: metadataEnv() }),
    metadata: { status: 403, headers: { "metadata-flavor": "Google" }, body: C.metadataToken },
  },
  { name: "params with both kinds", deps: () => googleDeps({}), params: () => ({ credentials: { access_token: C.paramToken, service_account: saKey() } }) },
  {
    name: "refresh fails after a success (fallback warning, then failure)",
    deps: () => googleDeps({ now: T0, files: { [ADC]: user() } }),
    token: () => tokenReply(C.answerToken, 3600),
    thenFailRefresh: true,
  },
];

function messages(error: unknown): string[] {
  const out: string[] = [];
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 6; depth++) {
    out.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return out;
}

test("no secret value appears in any error message or log call", async () => {
  const seen: string[] = [];
  const assertions: string[] = [];
  let failures = 0;
  for (const scenario of SCENARIOS) {
    const deps = scenario.deps();
    tokenReplyFor = (form) => {
      const assertion = form.get("assertion");
      if (assertion !== null) assertions.push(assertion);
      return scenario.token?.(form) ?? { status: 500 };
    };
    metadataReply = scenario.metadata ?? { status: 404 };
    const resolver = createGoogleCredentialResolver(deps, { metadataTimeoutMs: 500 });
    const attempt = async (): Promise<void> => {
      try {
        await resolver.resolve(scenario.params?.() ?? {}, never);
      } catch (error) {
        failures++;
        seen.push(...messages(error).map((message) => `${scenario.name}: ${message}`));
      }
    };
    await attempt();
    if (scenario.thenFailRefresh) {
      tokenReplyFor = (form) => ({ status: 503, body: JSON.stringify({ error: "backend_error", error_description: `${form.toString()} ${C.answerToken}` }) });
      deps.clock.now = T0 + 56 * 60_000;
      await attempt(); // falls back with a warning
      deps.clock.now = T0 + 60 * 60_000;
      await attempt(); // fails for good
    }
    seen.push(...deps.logs.map((entry) => `${scenario.name}: log ${JSON.stringify(entry)}`));
  }
  // Every scenario must actually have failed at least once, or the scan proves nothing.
  expect(failures).toBe(SCENARIOS.length);
  expect(assertions.length).toBeGreaterThanOrEqual(2);
  const canaries = [...Object.values(C), ...assertions, ...pemBody(testKey(0).privatePem), ...pemBody(pkcs1Pem(testKey(0)))];
  const leaks = seen.filter((line) => canaries.some((canary) => line.includes(canary)) || line.includes("PRIVATE KEY-----\n"));
  expect(leaks).toEqual([]);
  // And the messages are not empty boilerplate: Google's reason survives, with the echoed secrets blanked.
  expect(seen.some((line) => line.includes("the token endpoint answered HTTP 400: invalid_grant: rejected") && line.includes("[REDACTED]"))).toBe(true);
  expect(seen.some((line) => line.includes("refreshing Google credentials failed; using the current token"))).toBe(true);
});

/**
 * Canary scan: plant recognisable secret values in every place a credential
 * can come from, drive each source into its failure paths (and a few
 * successes), and check that no thrown message (cause chain included) and no
 * log call carries any of them. A fake STS even echoes the request back in
 * its error message, as real services sometimes do.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { createAwsCredentialResolver } from "../../../src/auth/aws-credentials.ts";
import type { ProviderParams } from "../../../src/protocol/request.ts";
import { makeDeps, startFake, stsErrorXml, type FakeServer, type Reply, type TestDeps } from "./fakes.ts";

const T0 = Date.parse("2026-03-04T05:00:00Z");
const HOUR = 3_600_000;
const never = new AbortController().signal;
const iso = (ms: number): string => new Date(ms).toISOString();
const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex");

const C = {
  fileSecret: "CANARYfileSecret0001",
  fileSession: "CANARYfileSession001",
  badLine: "CANARYbadLine0000001",
  processSecret: "CANARYprocessSecret1",
  commandSecret: "CANARYcommandLine001",
  containerSecret: "CANARYcontainerSec01",
  containerToken: "CANARYcontainerTok01",
  ssoToken: "CANARYssoAccessTok01",
  webToken: "CANARYwebIdentityTok",
  envSecret: "CANARYenvSecret00001",
  paramSecret: "CANARYparamSecret001",
  paramBearer: "CANARYparamBearer001",
};
const CANARIES = Object.values(C);

let echo: FakeServer;
let containerReply: Reply = { status: 404 };

beforeAll(async () => {
  echo = await startFake((request) => {
    if (request.path.startsWith("/sts")) {
      const said = `${request.body} ${request.headers.authorization ?? ""} ${request.headers["x-amz-security-token"] ?? ""}`;
      return { status: 403, body: stsErrorXml("AccessDenied", said) };
    }
    if (request.path.startsWith("/federation")) return { status: 401, body: JSON.stringify({ message: `bad token ${request.headers["x-amz-sso_bearer_token"]}` }) };
    if (request.path.startsWith("/container")) return containerReply;
    return { status: 404 };
  });
});
afterAll(() => echo.close());

interface Scenario {
  name: string;
  deps: () => TestDeps;
  params?: ProviderParams;
  container?: Reply;
  /** Resolve once successfully, then fail the refresh (exercises the fallback warning). */
  thenFailRefresh?: boolean;
}

const rolesWithSource = (extra = ""): Record<string, string> => ({
  "/home/u/.aws/credentials": `[base]\naws_access_key_id = AKIDCANARYBASE000001\naws_secret_access_key = ${C.fileSecret}\naws_session_token = ${C.fileSession}\n`,
  "/home/u/.aws/config": `[default]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n${extra}`,
});
const ssoConfig = "[default]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\n[sso-session s]\nsso_start_url = https://x/start\nsso_region = us-east-1\n";
const processDeps = (result: { stdout: string; code: number } | Error) => () =>
  makeDeps({
    files: { "/home/u/.aws/config": `[default]\ncredential_process = /bin/creds --secret ${C.commandSecret}\n` },
    runProcess: async () => {
      if (result instanceof Error) throw result;
      return result;
    },
  });
const containerEnv = { AWS_CONTAINER_CREDENTIALS_FULL_URI: "", AWS_CONTAINER_AUTHORIZATION_TOKEN: C.containerToken };

const SCENARIOS: Scenario[] = [
  { name: "malformed credentials file", deps: () => makeDeps({ files: { "/home/u/.aws/credentials": `[default]\naws_secret_access_key ${C.badLine}\n` } }) },
  { name: "half a key pair in a profile", deps: () => makeDeps({ files: { "/home/u/.aws/credentials": `[default]\naws_secret_access_key = ${C.fileSecret}\n` } }) },
  { name: "STS echoes the signed request", deps: () => makeDeps({ files: rolesWithSource() }) },
  {
    name: "STS echoes the web identity token",
    deps: () => makeDeps({ env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_ROLE_ARN: "arn:aws:iam::1:role/w" }, files: { "/t": C.webToken } }),
  },
  { name: "process exits non-zero after printing", deps: processDeps({ stdout: `{"SecretAccessKey":"${C.processSecret}"}`, code: 1 }) },
  { name: "process prints truncated JSON", deps: processDeps({ stdout: `{"Version":1,"SecretAccessKey":"${C.processSecret}`, code: 0 }) },
  { name: "process prints Version 2", deps: processDeps({ stdout: JSON.stringify({ Version: 2, SecretAccessKey: C.processSecret }), code: 0 }) },
  { name: "process lacks AccessKeyId", deps: processDeps({ stdout: JSON.stringify({ Version: 1, SecretAccessKey: C.processSecret }), code: 0 }) },
  {
    name: "process cannot start (host error repeats the command)",
    deps: processDeps(Object.assign(new Error(`spawn /bin/creds --secret ${C.commandSecret} EACCES`), { code: "EACCES" })),
  },
  { name: "container answers 403 with the token", deps: () => makeDeps({ env: containerEnv }), container: { status: 403, body: C.containerToken } },
  { name: "container answers truncated JSON", deps: () => makeDeps({ env: containerEnv }), container: { body: `{"SecretAccessKey":"${C.containerSecret}` } },
  { name: "container lacks AccessKeyId", deps: () => makeDeps({ env: containerEnv }), container: { body: JSON.stringify({ SecretAccessKey: C.containerSecret }) } },
  {
    name: "container refresh fails after a success",
    deps: () => makeDeps({ now: T0, env: containerEnv }),
    container: { body: JSON.stringify({ AccessKeyId: "ASIACANARYCONTAINER1", SecretAccessKey: C.containerSecret, Token: C.containerToken, Expiration: iso(T0 + HOUR) }) },
    thenFailRefresh: true,
  },
  {
    name: "SSO token cache is corrupt",
    deps: () => makeDeps({ files: { "/home/u/.aws/config": ssoConfig, [`/home/u/.aws/sso/cache/${sha1("s")}.json`]: `{"accessToken":"${C.ssoToken}` } }),
  },
  {
    name: "SSO portal rejects (and echoes) the token",
    deps: () =>
      makeDeps({
        now: T0,
        files: { "/home/u/.aws/config": ssoConfig, [`/home/u/.aws/sso/cache/${sha1("s")}.json`]: JSON.stringify({ accessToken: C.ssoToken, expiresAt: iso(T0 + HOUR) }) },
      }),
  },
  {
    name: "SSO token expired",
    deps: () =>
      makeDeps({
        now: T0,
        files: { "/home/u/.aws/config": ssoConfig, [`/home/u/.aws/sso/cache/${sha1("s")}.json`]: JSON.stringify({ accessToken: C.ssoToken, expiresAt: iso(T0 - 1) }) },
      }),
  },
  { name: "env secret without key id", deps: () => makeDeps({ env: { AWS_SECRET_ACCESS_KEY: C.envSecret } }) },
  { name: "params with both kinds", deps: () => makeDeps({}), params: { credentials: { bearer_token: C.paramBearer, access_key_id: "AKIAX", secret_access_key: C.paramSecret } } },
  { name: "params secret without key id", deps: () => makeDeps({}), params: { credentials: { secret_access_key: C.paramSecret } } },
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
  let failures = 0;
  for (const scenario of SCENARIOS) {
    const deps = scenario.deps();
    if (deps.env.AWS_CONTAINER_CREDENTIALS_FULL_URI === "") {
      (deps as { env: Record<string, string | undefined> }).env = { ...deps.env, AWS_CONTAINER_CREDENTIALS_FULL_URI: `${echo.url}/container` };
    }
    (deps as { env: Record<string, string | undefined> }).env = { AWS_EC2_METADATA_DISABLED: "true", ...deps.env };
    containerReply = scenario.container ?? { status: 404 };
    const resolver = createAwsCredentialResolver(deps, { stsEndpoint: `${echo.url}/sts`, ssoEndpoint: echo.url });
    const attempt = async (): Promise<void> => {
      try {
        await resolver.resolve(scenario.params ?? {}, never);
      } catch (error) {
        failures++;
        seen.push(...messages(error).map((message) => `${scenario.name}: ${message}`));
      }
    };
    await attempt();
    if (scenario.thenFailRefresh) {
      containerReply = { status: 500, body: C.containerSecret };
      deps.clock.now = T0 + HOUR - 60_000;
      await attempt(); // falls back with a warning
      deps.clock.now = T0 + HOUR;
      await attempt(); // fails for good
    }
    seen.push(...deps.logs.map((entry) => `${scenario.name}: log ${JSON.stringify(entry)}`));
  }
  // Every scenario must actually have failed at least once, or the scan proves nothing.
  expect(failures).toBe(SCENARIOS.length);
  const leaks = seen.filter((line) => CANARIES.some((canary) => line.includes(canary)));
  expect(leaks).toEqual([]);
  // And the messages are not empty boilerplate: each names where it came from.
  expect(seen.some((line) => line.includes("STS AssumeRole for arn:aws:iam::1:role/x: HTTP 403: AccessDenied"))).toBe(true);
  expect(seen.some((line) => line.includes("[REDACTED]"))).toBe(true);
});

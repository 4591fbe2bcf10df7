/**
 * Each credential source against a loopback fake of its endpoint, through
 * the public resolver (so the profile and env wiring is exercised too).
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAwsCredentialResolver } from "../../../src/auth/aws-credentials.ts";
import type { BridgeError } from "../../../src/protocol/errors.ts";
import { makeDeps, startFake, stsHandler, type FakeServer, type Reply, type TestDeps } from "./fakes.ts";

const T0 = Date.parse("2026-03-04T05:00:00Z");
const HOUR = 3_600_000;
const never = new AbortController().signal;
const iso = (ms: number): string => new Date(ms).toISOString();
const CREDS = "/home/u/.aws/credentials";
const CONFIG = "/home/u/.aws/config";

const BASE_KEYS = { accessKeyId: "AKIDBASE000000000001", secretAccessKey: "base/secret+key" };
const MIDDLE_KEYS = { accessKeyId: "ASIAMIDDLE0000000001", secretAccessKey: "middle-secret", sessionToken: "middle-session-token" };

let sts: FakeServer;
let other: FakeServer;
const verified: string[] = [];
let otherReply: (path: string, headers: Record<string, string>) => Reply = () => ({ status: 404 });

beforeAll(async () => {
  sts = await startFake(
    stsHandler({
      keys: { [BASE_KEYS.accessKeyId]: BASE_KEYS, [MIDDLE_KEYS.accessKeyId]: MIDDLE_KEYS },
      verified,
      issue: (form) => {
        const role = form.get("RoleArn") ?? "";
        if (role.endsWith("/middle")) return { id: MIDDLE_KEYS.accessKeyId, secret: MIDDLE_KEYS.secretAccessKey, token: MIDDLE_KEYS.sessionToken, expiration: iso(T0 + HOUR) };
        return { id: "ASIAASSUMED000000001", secret: "assumed-secret", token: "assumed-token", expiration: iso(T0 + HOUR) };
      },
    }),
  );
  other = await startFake((request) => otherReply(request.path, request.headers));
});
afterAll(async () => {
  await sts.close();
  await other.close();
});

function resolverFor(deps: TestDeps) {
  return createAwsCredentialResolver(deps, { stsEndpoint: sts.url, ssoEndpoint: other.url, metadataTimeoutMs: 500 });
}

async function failure(deps: TestDeps, params = {}): Promise<BridgeError> {
  return resolverFor(deps)
    .resolve(params, never)
    .then(
      () => {
        throw new Error("expected a failure");
      },
      (error: unknown) => error as BridgeError,
    );
}

describe("assumed roles (STS AssumeRole)", () => {
  test("source_profile with static keys: the request is SigV4-signed for sts in the profile's region", async () => {
    verified.length = 0;
    const before = sts.calls.length;
    const deps = makeDeps({
      now: T0,
      files: {
        [CREDS]: `[base]\naws_access_key_id = ${BASE_KEYS.accessKeyId}\naws_secret_access_key = ${BASE_KEYS.secretAccessKey}\n`,
        [CONFIG]:
          "[default]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = base\nrole_session_name = me\nexternal_id = ext-1\nduration_seconds = 1800\nregion = eu-west-1\n",
      },
    });
    const creds = await resolverFor(deps).resolve({}, never);
    expect(creds).toEqual({ kind: "sigv4", accessKeyId: "ASIAASSUMED000000001", secretAccessKey: "assumed-secret", sessionToken: "assumed-token", expiration: T0 + HOUR });
    expect(verified).toEqual([`${BASE_KEYS.accessKeyId}@eu-west-1`]);
    const call = sts.calls[before]!;
    expect(call.method).toBe("POST");
    expect(call.headers["x-amz-date"]).toBe("20260304T050000Z");
    expect(Object.fromEntries(new URLSearchParams(call.body))).toEqual({
      Action: "AssumeRole",
      Version: "2011-06-15",
      RoleArn: "arn:aws:iam::123456789012:role/app",
      RoleSessionName: "me",
      ExternalId: "ext-1",
      DurationSeconds: "1800",
    });
  });

  test("chained roles: the middle role's temporary credentials (with session token) sign the second call", async () => {
    verified.length = 0;
    const deps = makeDeps({
      now: T0,
      env: { AWS_REGION: "us-west-2" },
      files: {
        [CREDS]: `[base]\naws_access_key_id = ${BASE_KEYS.accessKeyId}\naws_secret_access_key = ${BASE_KEYS.secretAccessKey}\n`,
        [CONFIG]: "[profile middle]\nrole_arn = arn:aws:iam::1:role/middle\nsource_profile = base\n[default]\nrole_arn = arn:aws:iam::1:role/final\nsource_profile = middle\n",
      },
    });
    expect(((await resolverFor(deps).resolve({}, never)) as { accessKeyId: string }).accessKeyId).toBe("ASIAASSUMED000000001");
    expect(verified).toEqual([`${BASE_KEYS.accessKeyId}@us-west-2`, `${MIDDLE_KEYS.accessKeyId}@us-west-2`]);
  });

  test("a profile that is its own source uses its static keys", async () => {
    verified.length = 0;
    const deps = makeDeps({
      now: T0,
      files: {
        [CREDS]: `[default]\naws_access_key_id = ${BASE_KEYS.accessKeyId}\naws_secret_access_key = ${BASE_KEYS.secretAccessKey}\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n`,
      },
    });
    expect(((await resolverFor(deps).resolve({}, never)) as { accessKeyId: string }).accessKeyId).toBe("ASIAASSUMED000000001");
    expect(verified).toEqual([`${BASE_KEYS.accessKeyId}@us-east-1`]);
  });

  test("credential_source Environment uses the env keys as the source", async () => {
    verified.length = 0;
    const deps = makeDeps({
      now: T0,
      env: { AWS_PROFILE: "r" },
      files: { [CONFIG]: "[profile r]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Environment\n" },
    });
    // Env keys would win outright, so this path is reachable only when they are absent: it must say so.
    const error = await failure(deps);
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe('profile "r": credential_source Environment, but AWS_ACCESS_KEY_ID is not set');
  });

  test("STS refusing is AUTH_FAILED with STS's code and message", async () => {
    const deps = makeDeps({
      now: T0,
      files: {
        [CREDS]: "[base]\naws_access_key_id = AKIDUNKNOWN000000001\naws_secret_access_key = nope\n",
        [CONFIG]: "[default]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n",
      },
    });
    const error = await failure(deps);
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.status).toBe(403);
    expect(error.message).toBe("STS AssumeRole for arn:aws:iam::1:role/x: HTTP 403: InvalidClientTokenId: The security token included in the request is invalid.");
  });

  const PROFILE_ERRORS: Array<[string, string, string]> = [
    [
      "source_profile loop",
      "[profile a]\nrole_arn = arn:r\nsource_profile = b\n[profile b]\nrole_arn = arn:r\nsource_profile = a\n[default]\nrole_arn=arn:r\nsource_profile=a\n",
      "source_profile loop (default → a → b → a)",
    ],
    ["missing source_profile", "[default]\nrole_arn = arn:r\nsource_profile = ghost\n", 'its source_profile "ghost" does not exist'],
    ["source_profile without credentials", "[profile empty]\nregion = x\n[default]\nrole_arn = arn:r\nsource_profile = empty\n", 'its source_profile "empty" has no credentials'],
    [
      "mfa_serial",
      "[profile b]\naws_access_key_id=a\naws_secret_access_key=b\n[default]\nrole_arn = arn:r\nsource_profile = b\nmfa_serial = arn:mfa\n",
      "mfa_serial needs an interactive MFA code",
    ],
    ["unknown credential_source", "[default]\nrole_arn = arn:r\ncredential_source = Somewhere\n", "credential_source must be Environment, EcsContainer or Ec2InstanceMetadata"],
    ["role_arn alone", "[default]\nrole_arn = arn:r\n", "has role_arn but no source_profile"],
    ["half a key pair", "[default]\naws_secret_access_key = only\n", 'profile "default" has aws_secret_access_key but no aws_access_key_id'],
    ["bad duration_seconds", "[default]\nrole_arn = arn:r\nsource_profile = default\nduration_seconds = 10\n", "duration_seconds must be an integer of at least 900"],
  ];
  for (const [name, config, message] of PROFILE_ERRORS) {
    test(`${name} → AUTH_FAILED`, async () => {
      const error = await failure(makeDeps({ files: { [CONFIG]: config } }));
      expect(error.code).toBe("AUTH_FAILED");
      expect(error.message).toContain(message);
    });
  }
});

describe("web identity", () => {
  test("profile web_identity_token_file: unsigned AssumeRoleWithWebIdentity carrying the token", async () => {
    const before = sts.calls.length;
    const deps = makeDeps({
      now: T0,
      files: { [CONFIG]: "[default]\nrole_arn = arn:aws:iam::1:role/web\nweb_identity_token_file = ~/token.jwt\n", "/home/u/token.jwt": "eyJhbGciOi.jwt.token\n" },
    });
    expect(((await resolverFor(deps).resolve({}, never)) as { accessKeyId: string }).accessKeyId).toBe("ASIAASSUMED000000001");
    const call = sts.calls[before]!;
    expect(call.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(call.body))).toEqual({
      Action: "AssumeRoleWithWebIdentity",
      Version: "2011-06-15",
      RoleArn: "arn:aws:iam::1:role/web",
      RoleSessionName: `plue-ai-provider-${T0}`,
      WebIdentityToken: "eyJhbGciOi.jwt.token",
    });
  });

  test("env AWS_ROLE_SESSION_NAME is used; a missing token file is AUTH_FAILED naming it", async () => {
    const before = sts.calls.length;
    const env = { AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_ROLE_ARN: "arn:aws:iam::1:role/web", AWS_ROLE_SESSION_NAME: "ci", AWS_EC2_METADATA_DISABLED: "true" };
    await resolverFor(makeDeps({ env, files: { "/t": "tok.en.x" } })).resolve({}, never);
    expect(new URLSearchParams(sts.calls[before]!.body).get("RoleSessionName")).toBe("ci");
    const error = await failure(makeDeps({ env }));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe("web identity token file /t is missing or empty");
  });
});

describe("SSO", () => {
  const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex");
  const SESSION_CONFIG =
    "[default]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n" +
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n";
  const LEGACY_CONFIG = "[default]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-2\nsso_account_id = 1\nsso_role_name = R\n";
  const tokenFile = (key: string, expiresAt: number, accessToken = "sso-access-token-0001") => ({
    [`/home/u/.aws/sso/cache/${sha1(key)}.json`]: JSON.stringify({ accessToken, expiresAt: iso(expiresAt), region: "eu-west-1" }),
  });
  const portalOk: typeof otherReply = (path, headers) =>
    path.startsWith("/federation/credentials?") && headers["x-amz-sso_bearer_token"] === "sso-access-token-0001"
      ? { body: JSON.stringify({ roleCredentials: { accessKeyId: "ASIASSO0000000000001", secretAccessKey: "sso-secret", sessionToken: "sso-session", expiration: T0 + HOUR } }) }
      : { status: 401, body: '{"message":"Session token not found or invalid"}' };

  test("sso_session: cached token under sha1(session name) → portal role credentials", async () => {
    otherReply = portalOk;
    const before = other.calls.length;
    const deps = makeDeps({ now: T0, files: { [CONFIG]: SESSION_CONFIG, ...tokenFile("corp", T0 + HOUR) } });
    expect(await resolverFor(deps).resolve({}, never)).toEqual({
      kind: "sigv4",
      accessKeyId: "ASIASSO0000000000001",
      secretAccessKey: "sso-secret",
      sessionToken: "sso-session",
      expiration: T0 + HOUR,
    });
    expect(other.calls[before]!.path).toBe("/federation/credentials?account_id=111122223333&role_name=Dev");
  });

  test("legacy sso_start_url: token under sha1(start url)", async () => {
    otherReply = portalOk;
    const deps = makeDeps({ now: T0, files: { [CONFIG]: LEGACY_CONFIG, ...tokenFile("https://legacy.awsapps.com/start", T0 + HOUR) } });
    expect(((await resolverFor(deps).resolve({}, never)) as { accessKeyId: string }).accessKeyId).toBe("ASIASSO0000000000001");
  });

  const SSO_ERRORS: Array<[string, Record<string, string>, string, string]> = [
    ["no cached token", { [CONFIG]: SESSION_CONFIG }, "AUTH_REQUIRED", "no cached SSO token"],
    [
      "expired token",
      { [CONFIG]: SESSION_CONFIG, ...tokenFile("corp", T0 - 1) },
      "AUTH_REQUIRED",
      "the SSO token expired at 2026-03-04T04:59:59.999Z; run `aws sso login --profile default`",
    ],
    ["token rejected by the portal", { [CONFIG]: SESSION_CONFIG, ...tokenFile("corp", T0 + HOUR, "stale-token-000000") }, "AUTH_REQUIRED", "rejected the cached token (HTTP 401)"],
    ["missing sso-session section", { [CONFIG]: "[default]\nsso_session = gone\nsso_account_id = 1\nsso_role_name = R\n" }, "AUTH_FAILED", "no [sso-session gone] section"],
    ["missing account and role", { [CONFIG]: "[default]\nsso_start_url = https://x\nsso_region = us-east-1\n" }, "AUTH_FAILED", "missing sso_account_id, sso_role_name"],
    // The region goes into the portal's host name (issue 16, item 5): a host smuggled in is refused before any request.
    [
      "an sso_region that is not a region",
      { [CONFIG]: SESSION_CONFIG.replace("sso_region = eu-west-1", "sso_region = x@127.0.0.1:1/#"), ...tokenFile("corp", T0 + HOUR) },
      "INVALID_REQUEST",
      "is not an AWS region",
    ],
    ["corrupt token cache", { [CONFIG]: SESSION_CONFIG, [`/home/u/.aws/sso/cache/${sha1("corp")}.json`]: '{"accessToken": "half' }, "AUTH_FAILED", "answer is not valid JSON"],
  ];
  for (const [name, files, code, message] of SSO_ERRORS) {
    test(`${name} → ${code}`, async () => {
      otherReply = portalOk;
      const error = await failure(makeDeps({ now: T0, files }));
      expect(error.code as string).toBe(code);
      expect(error.message).toContain(message);
    });
  }
});

describe("credential_process", () => {
  const config = { [CONFIG]: '[default]\ncredential_process = "/opt/bin/creds" --profile x\n' };

  test("Version 1 JSON with an expiration; the command line is passed verbatim", async () => {
    const deps = makeDeps({
      now: T0,
      files: config,
      runProcess: async () => ({
        stdout: JSON.stringify({ Version: 1, AccessKeyId: "ASIAPROCESS000000001", SecretAccessKey: "ps", SessionToken: "pt", Expiration: iso(T0 + HOUR) }),
        code: 0,
      }),
    });
    expect(await resolverFor(deps).resolve({}, never)).toEqual({
      kind: "sigv4",
      accessKeyId: "ASIAPROCESS000000001",
      secretAccessKey: "ps",
      sessionToken: "pt",
      expiration: T0 + HOUR,
    });
    expect(deps.processCalls).toEqual(['"/opt/bin/creds" --profile x']);
  });

  const PROCESS_ERRORS: Array<[string, { stdout: string; code: number } | Error, string]> = [
    ["non-zero exit", { stdout: "", code: 3 }, 'credential_process of profile "default": exited with code 3'],
    ["not JSON", { stdout: "Enter MFA code:", code: 0 }, "answer is not valid JSON"],
    ["wrong Version", { stdout: JSON.stringify({ Version: 2, AccessKeyId: "a", SecretAccessKey: "b" }), code: 0 }, "output Version must be 1"],
    ["missing SecretAccessKey", { stdout: JSON.stringify({ Version: 1, AccessKeyId: "a" }), code: 0 }, "answer has no SecretAccessKey"],
    ["bad Expiration", { stdout: JSON.stringify({ Version: 1, AccessKeyId: "a", SecretAccessKey: "b", Expiration: "soon" }), code: 0 }, "unreadable credential expiration"],
    ["cannot start", Object.assign(new Error("spawn /opt/bin/creds --secret=x ENOENT"), { code: "ENOENT" }), "could not be run (ENOENT)"],
  ];
  for (const [name, outcome, message] of PROCESS_ERRORS) {
    test(`${name} → AUTH_FAILED`, async () => {
      const deps = makeDeps({
        files: config,
        runProcess: async () => {
          if (outcome instanceof Error) throw outcome;
          return outcome;
        },
      });
      const error = await failure(deps);
      expect(error.code).toBe("AUTH_FAILED");
      expect(error.message).toContain(message);
      expect(error.message).not.toContain("--secret");
    });
  }

  test("a host without runProcess says so", async () => {
    const error = await failure(makeDeps({ files: config }));
    expect(error.message).toBe('credential_process of profile "default": running commands is not available in this host');
  });
});

describe("container endpoint", () => {
  const ok: Reply = { body: JSON.stringify({ AccessKeyId: "ASIACONTAINER0000001", SecretAccessKey: "cs", Token: "ct", Expiration: iso(T0 + HOUR) }) };

  test("FULL_URI with the token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (preferred over the env token)", async () => {
    let seen: string | undefined;
    otherReply = (path, headers) => {
      seen = headers.authorization;
      return path === "/v1/credentials" ? ok : { status: 404 };
    };
    const deps = makeDeps({
      now: T0,
      env: {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${other.url}/v1/credentials`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/pod-token",
        AWS_CONTAINER_AUTHORIZATION_TOKEN: "env-token-ignored",
      },
      files: { "/var/run/pod-token": "pod-identity-token-01\n" },
    });
    expect(await resolverFor(deps).resolve({}, never)).toEqual({
      kind: "sigv4",
      accessKeyId: "ASIACONTAINER0000001",
      secretAccessKey: "cs",
      sessionToken: "ct",
      expiration: T0 + HOUR,
    });
    expect(seen).toBe("pod-identity-token-01");
  });

  test("AWS_CONTAINER_AUTHORIZATION_TOKEN when there is no file", async () => {
    let seen: string | undefined;
    otherReply = (_, headers) => {
      seen = headers.authorization;
      return ok;
    };
    await resolverFor(makeDeps({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${other.url}/c`, AWS_CONTAINER_AUTHORIZATION_TOKEN: "Basic abc123xyz" } })).resolve({}, never);
    expect(seen).toBe("Basic abc123xyz");
  });

  const CONTAINER_ERRORS: Array<[string, Record<string, string>, Reply | undefined, string, string]> = [
    ["plain http to a foreign host", { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://example.com/creds" }, undefined, "AUTH_FAILED", "http://example.com is not allowed"],
    ["not a URL", { AWS_CONTAINER_CREDENTIALS_FULL_URI: "::nonsense" }, undefined, "AUTH_FAILED", "is not a URL"],
    ["HTTP 403", {}, { status: 403, body: "{}" }, "AUTH_FAILED", "container credentials endpoint: HTTP 403"],
    ["bad JSON", {}, { body: "<html>" }, "AUTH_FAILED", "container credentials endpoint: answer is not valid JSON"],
    ["missing AccessKeyId", {}, { body: "{}" }, "AUTH_FAILED", "answer has no AccessKeyId"],
  ];
  for (const [name, env, reply, code, message] of CONTAINER_ERRORS) {
    test(`${name} → ${code}`, async () => {
      otherReply = () => reply ?? { status: 500 };
      const error = await failure(makeDeps({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${other.url}/c`, ...env } }));
      expect(error.code as string).toBe(code);
      expect(error.message).toContain(message);
    });
  }
});

describe("EC2 instance metadata (IMDSv2)", () => {
  function imds(overrides: Partial<Record<string, Reply>> = {}): typeof otherReply {
    return (path, headers) => {
      const replies: Record<string, Reply> = {
        "/latest/api/token": { body: "imds-token-value-001" },
        "/latest/meta-data/iam/security-credentials/": { body: "my-role" },
        "/latest/meta-data/iam/security-credentials/my-role": {
          body: JSON.stringify({ Code: "Success", AccessKeyId: "ASIAIMDS000000000001", SecretAccessKey: "is", Token: "it", Expiration: iso(T0 + HOUR) }),
        },
        ...overrides,
      };
      if (path !== "/latest/api/token" && headers["x-aws-ec2-metadata-token"] !== "imds-token-value-001") return { status: 401 };
      return replies[path] ?? { status: 404 };
    };
  }

  test("token, role name, then the role's credentials", async () => {
    otherReply = imds();
    const before = other.calls.length;
    const deps = makeDeps({ now: T0, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: `${other.url}/` } });
    expect(await resolverFor(deps).resolve({}, never)).toEqual({
      kind: "sigv4",
      accessKeyId: "ASIAIMDS000000000001",
      secretAccessKey: "is",
      sessionToken: "it",
      expiration: T0 + HOUR,
    });
    const calls = other.calls.slice(before);
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      "PUT /latest/api/token",
      "GET /latest/meta-data/iam/security-credentials/",
      "GET /latest/meta-data/iam/security-credentials/my-role",
    ]);
    expect(calls[0]!.headers["x-aws-ec2-metadata-token-ttl-seconds"]).toBe("21600");
  });

  test("AWS_EC2_METADATA_DISABLED=true never calls it", async () => {
    otherReply = imds();
    const before = other.calls.length;
    const error = await failure(makeDeps({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: other.url, AWS_EC2_METADATA_DISABLED: "TRUE" } }));
    expect(error.code).toBe("AUTH_REQUIRED");
    expect(other.calls.length).toBe(before);
  });

  const ABSENT: Array<[string, Partial<Record<string, Reply>>, string]> = [
    ["no role attached (404)", { "/latest/meta-data/iam/security-credentials/": { status: 404 } }, "no IAM role attached"],
    ["token refused", { "/latest/api/token": { status: 403 } }, "token request answered HTTP 403"],
  ];
  for (const [name, overrides, message] of ABSENT) {
    test(`${name} → AUTH_REQUIRED noting why`, async () => {
      otherReply = imds(overrides);
      const error = await failure(makeDeps({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: other.url } }));
      expect(error.code).toBe("AUTH_REQUIRED");
      expect(error.message).toContain(message);
    });
  }

  test("nothing listening → AUTH_REQUIRED quickly", async () => {
    const closed = await startFake(() => ({}));
    const url = closed.url;
    await closed.close();
    const error = await failure(makeDeps({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: url } }));
    expect(error.code).toBe("AUTH_REQUIRED");
    expect(error.message).toContain("EC2 instance metadata: request failed");
  });

  test("a Code other than Success → AUTH_FAILED", async () => {
    otherReply = imds({ "/latest/meta-data/iam/security-credentials/my-role": { body: JSON.stringify({ Code: "AssumeRoleUnauthorizedAccess" }) } });
    const error = await failure(makeDeps({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: other.url } }));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toContain('answer Code is "AssumeRoleUnauthorizedAccess"');
  });

  test("credential_source Ec2InstanceMetadata signs AssumeRole with the instance credentials", async () => {
    otherReply = imds();
    const error = await failure(
      makeDeps({ now: T0, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: other.url }, files: { [CONFIG]: "[default]\nrole_arn = arn:r\ncredential_source = Ec2InstanceMetadata\n" } }),
    );
    // The fake STS knows no such key: reaching it, signed with the instance key, is what this checks.
    expect(error.message).toContain("STS AssumeRole for arn:r: HTTP 403: InvalidClientTokenId");
    expect(sts.calls.at(-1)!.headers.authorization).toContain("Credential=ASIAIMDS000000000001/");
    expect(sts.calls.at(-1)!.headers["x-amz-security-token"]).toBe("it");
  });
});

describe("malformed shared files", () => {
  test("a broken credentials file is AUTH_FAILED naming file and line", async () => {
    const error = await failure(makeDeps({ files: { [CREDS]: "[default]\naws_access_key_id AKIA-NO-EQUALS\n" } }));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe(`cannot parse AWS credentials file ${CREDS}: line 2 is neither a [section], a \`key = value\` pair nor a comment`);
  });

  test("region() reports a broken config file the same way", async () => {
    const resolver = createAwsCredentialResolver(makeDeps({ files: { [CONFIG]: "[default\n" } }));
    await expect(resolver.region({})).rejects.toMatchObject({
      code: "AUTH_FAILED",
      message: `cannot parse AWS config file ${CONFIG}: line 1 opens a [section] without closing it`,
    });
  });
});

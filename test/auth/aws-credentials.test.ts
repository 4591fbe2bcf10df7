import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AWS_REFRESH_BEFORE_EXPIRY_MS, AWS_UNDATED_CACHE_MS, createAwsCredentialResolver, type AwsCredentials } from "../../src/auth/aws-credentials.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import type { ProviderParams } from "../../src/protocol/request.ts";
import { makeDeps, startFake, stsHandler, type FakeServer, type Reply } from "./aws/fakes.ts";

const T0 = Date.parse("2026-03-04T05:00:00Z");
const HOUR = 3_600_000;
const never = new AbortController().signal;
const iso = (ms: number): string => new Date(ms).toISOString();
const unexpected = (): never => {
  throw new Error("expected a failure");
};
const who = (c: AwsCredentials): string => (c.kind === "bearer" ? `bearer:${c.token}` : c.accessKeyId);

/** One loopback server standing in for STS (/sts/), a container endpoint (/container) and IMDS (/latest/...). */
let server: FakeServer;
let containerReply: () => Reply | Promise<Reply> = () => ({ status: 404 });
const verified: string[] = [];

beforeAll(async () => {
  const sts = stsHandler({
    keys: {},
    verified,
    issue: () => ({ id: "ASIAWEBIDENTITY00001", secret: "webid-secret", token: "webid-token", expiration: iso(T0 + HOUR) }),
  });
  server = await startFake(async (request) => {
    if (request.path.startsWith("/sts")) return sts(request);
    if (request.path.startsWith("/container")) return containerReply();
    if (request.path === "/latest/api/token" && request.method === "PUT") return { body: "imds-session-token" };
    if (request.path === "/latest/meta-data/iam/security-credentials/") return { body: "ec2-role\n" };
    if (request.path === "/latest/meta-data/iam/security-credentials/ec2-role") {
      return {
        body: JSON.stringify({ Code: "Success", AccessKeyId: "ASIAIMDS000000000001", SecretAccessKey: "imds-secret", Token: "imds-token", Expiration: iso(T0 + 6 * HOUR) }),
      };
    }
    return { status: 404 };
  });
});
afterAll(() => server.close());

const containerOk = (id: string, expiration?: number): Reply => ({
  body: JSON.stringify({ AccessKeyId: id, SecretAccessKey: "container-secret", Token: "container-token", ...(expiration !== undefined && { Expiration: iso(expiration) }) }),
});

describe("source order", () => {
  interface Source {
    name: string;
    winner: string;
    params?: ProviderParams;
    env?: Record<string, string>;
    files?: Record<string, string>;
  }
  const SOURCES = (): Source[] => [
    { name: "params.credentials", winner: "AKIDPARAMS0000000001", params: { credentials: { access_key_id: "AKIDPARAMS0000000001", secret_access_key: "p-secret" } } },
    { name: "AWS_BEARER_TOKEN_BEDROCK", winner: "bearer:ABSKenvbearertoken000000000", env: { AWS_BEARER_TOKEN_BEDROCK: "ABSKenvbearertoken000000000" } },
    { name: "AWS_ACCESS_KEY_ID", winner: "AKIDENV0000000000001", env: { AWS_ACCESS_KEY_ID: "AKIDENV0000000000001", AWS_SECRET_ACCESS_KEY: "env-secret" } },
    {
      name: "credential store",
      winner: "AKIDSTORE00000000001",
      files: { "/memory/auth.json": JSON.stringify({ version: 1, providers: { bedrock: { access_key_id: "AKIDSTORE00000000001", secret_access_key: "store-secret" } } }) },
    },
    {
      name: "profile default",
      winner: "AKIDPROFILE000000001",
      files: { "/home/u/.aws/credentials": "[default]\naws_access_key_id = AKIDPROFILE000000001\naws_secret_access_key = profile-secret\n" },
    },
    {
      name: "web identity (env)",
      winner: "ASIAWEBIDENTITY00001",
      env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token", AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/web" },
      files: { "/var/run/token": "eyJ.web.identity\n" },
    },
    { name: "container", winner: "ASIACONTAINER0000001", env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/container/creds` } },
    { name: "IMDS", winner: "ASIAIMDS000000000001", env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: server.url } },
  ];

  for (let index = 0; index < 8; index++) {
    test(`#${index + 1} wins over everything below it`, async () => {
      containerReply = () => containerOk("ASIACONTAINER0000001", T0 + HOUR);
      const sources = SOURCES().slice(index);
      const deps = makeDeps({
        now: T0,
        env: Object.assign({}, ...sources.map((source) => source.env ?? {})),
        files: Object.assign({}, ...sources.map((source) => source.files ?? {})),
      });
      const resolver = createAwsCredentialResolver(deps, { stsEndpoint: `${server.url}/sts/` });
      const params = Object.assign({}, ...sources.map((source) => source.params ?? {})) as ProviderParams;
      expect(who(await resolver.resolve(params, never))).toBe(sources[0]!.winner);
    });
  }

  test("nothing anywhere → AUTH_REQUIRED listing every source tried", async () => {
    const deps = makeDeps({ env: { AWS_EC2_METADATA_DISABLED: "true" } });
    const error = await createAwsCredentialResolver(deps)
      .resolve({}, never)
      .then(unexpected, (thrown: unknown) => thrown as BridgeError);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error.code).toBe("AUTH_REQUIRED");
    for (const part of [
      "params.credentials",
      "AWS_BEARER_TOKEN_BEDROCK",
      "AWS_ACCESS_KEY_ID",
      "credential store",
      'profile "default" in /home/u/.aws/credentials and /home/u/.aws/config (no such files)',
      "web identity",
      "container credentials",
      "EC2 instance metadata (AWS_EC2_METADATA_DISABLED)",
    ])
      expect(error.message).toContain(part);
  });

  test("IMDS that does not answer is noted as absent, within its short timer", async () => {
    const hang = await startFake(() => ({ hang: true }));
    try {
      const deps = makeDeps({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: hang.url } });
      const started = performance.now();
      const error = await createAwsCredentialResolver(deps, { metadataTimeoutMs: 150 })
        .resolve({}, never)
        .then(unexpected, (thrown: unknown) => thrown as BridgeError);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(error.code).toBe("AUTH_REQUIRED");
      expect(error.message).toContain("EC2 instance metadata: no answer within 150 ms");
      expect(hang.calls.map((call) => `${call.method} ${call.path}`)).toEqual(["PUT /latest/api/token"]);
    } finally {
      await hang.close();
    }
  });

  test("AWS_PROFILE picks its profile; one that does not exist is AUTH_REQUIRED naming it", async () => {
    const files = {
      "/home/u/.aws/credentials":
        "[default]\naws_access_key_id=AKIDDEFAULT000000001\naws_secret_access_key=a\n[dev]\naws_access_key_id=AKIDDEV0000000000001\naws_secret_access_key=b\n",
    };
    const dev = createAwsCredentialResolver(makeDeps({ env: { AWS_PROFILE: "dev" }, files }));
    expect(who(await dev.resolve({}, never))).toBe("AKIDDEV0000000000001");
    const missing = createAwsCredentialResolver(makeDeps({ env: { AWS_PROFILE: "nope" }, files }));
    await expect(missing.resolve({}, never)).rejects.toMatchObject({
      code: "AUTH_REQUIRED",
      message: 'AWS profile "nope" (AWS_PROFILE) not found in /home/u/.aws/credentials and /home/u/.aws/config',
    });
  });

  test("params bearer_token (and its alias api_key) → bearer", async () => {
    const resolver = createAwsCredentialResolver(makeDeps({}));
    expect(await resolver.resolve({ credentials: { bearer_token: "ABSKparamsbearer0000" } }, never)).toEqual({ kind: "bearer", token: "ABSKparamsbearer0000" });
    expect(await resolver.resolve({ credentials: { api_key: "ABSKparamsapikey0000" } }, never)).toEqual({ kind: "bearer", token: "ABSKparamsapikey0000" });
  });

  test("params session_token is carried", async () => {
    const creds = await createAwsCredentialResolver(makeDeps({})).resolve({ credentials: { access_key_id: "AKIAX", secret_access_key: "s", session_token: "tok" } }, never);
    expect(creds).toEqual({ kind: "sigv4", accessKeyId: "AKIAX", secretAccessKey: "s", sessionToken: "tok" });
  });

  const INVALID: Array<[string, Record<string, unknown>, string]> = [
    ["empty object", {}, "params.credentials"],
    ["key id without secret", { access_key_id: "AKIAX" }, "params.credentials.secret_access_key"],
    ["secret without key id", { secret_access_key: "s" }, "params.credentials.access_key_id"],
    ["non-string", { access_key_id: 5, secret_access_key: "s" }, "params.credentials.access_key_id"],
    ["empty string", { bearer_token: "" }, "params.credentials.bearer_token"],
    ["bearer and keys together", { bearer_token: "b", access_key_id: "a", secret_access_key: "s" }, "params.credentials"],
  ];
  for (const [name, credentials, field] of INVALID) {
    test(`params.credentials ${name} → INVALID_REQUEST naming ${field}`, async () => {
      await expect(createAwsCredentialResolver(makeDeps({})).resolve({ credentials }, never)).rejects.toMatchObject({ code: "INVALID_REQUEST", field });
    });
  }

  test("half of an env key pair is AUTH_REQUIRED saying which half is missing", async () => {
    await expect(createAwsCredentialResolver(makeDeps({ env: { AWS_ACCESS_KEY_ID: "AKIAX" } })).resolve({}, never)).rejects.toMatchObject({
      code: "AUTH_REQUIRED",
      message: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
    });
  });
});

describe("region", () => {
  const CONFIG = { "/home/u/.aws/config": "[default]\nregion = us-west-2\n[profile dev]\nregion = eu-north-1\n" };
  const CASES: Array<[string, ProviderParams, Record<string, string>, Record<string, string>, string]> = [
    ["params.region first", { region: "ap-northeast-1" }, { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-west-2" }, CONFIG, "ap-northeast-1"],
    ["then AWS_REGION", {}, { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-west-2" }, CONFIG, "eu-west-1"],
    ["then AWS_DEFAULT_REGION", {}, { AWS_DEFAULT_REGION: "eu-west-2" }, CONFIG, "eu-west-2"],
    ["then the default profile's region", {}, {}, CONFIG, "us-west-2"],
    ["of the AWS_PROFILE profile", {}, { AWS_PROFILE: "dev" }, CONFIG, "eu-north-1"],
    ["else us-east-1", {}, {}, {}, "us-east-1"],
  ];
  for (const [name, params, env, files, expected] of CASES) {
    test(name, async () => expect(await createAwsCredentialResolver(makeDeps({ env, files })).region(params)).toBe(expected));
  }
});

describe("cache", () => {
  const containerDeps = (now = T0) => makeDeps({ now, env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/container/creds` } });

  test("temporary credentials are reused until 5 minutes before they expire, then fetched again", async () => {
    let serial = 0;
    containerReply = () => containerOk(`ASIACACHED0000000${++serial}`, T0 + HOUR);
    const before = server.calls.length;
    const deps = containerDeps();
    const resolver = createAwsCredentialResolver(deps);
    expect(who(await resolver.resolve({}, never))).toBe("ASIACACHED00000001");
    deps.clock.now = T0 + HOUR - AWS_REFRESH_BEFORE_EXPIRY_MS - 1;
    expect(who(await resolver.resolve({}, never))).toBe("ASIACACHED00000001");
    expect(server.calls.length - before).toBe(1);
    deps.clock.now = T0 + HOUR - AWS_REFRESH_BEFORE_EXPIRY_MS;
    expect(who(await resolver.resolve({}, never))).toBe("ASIACACHED00000002");
    expect(server.calls.length - before).toBe(2);
  });

  test("credentials without an expiration are re-read after 10 minutes (shared files may change)", async () => {
    let output = { Version: 1, AccessKeyId: "AKIDPROCESS000000001", SecretAccessKey: "p" };
    const deps = makeDeps({
      now: T0,
      files: { "/home/u/.aws/config": "[default]\ncredential_process = /bin/creds\n" },
      runProcess: async () => ({ stdout: JSON.stringify(output), code: 0 }),
    });
    const resolver = createAwsCredentialResolver(deps);
    expect(who(await resolver.resolve({}, never))).toBe("AKIDPROCESS000000001");
    output = { ...output, AccessKeyId: "AKIDPROCESS000000002" };
    deps.clock.now = T0 + AWS_UNDATED_CACHE_MS - 1;
    expect(who(await resolver.resolve({}, never))).toBe("AKIDPROCESS000000001");
    deps.clock.now = T0 + AWS_UNDATED_CACHE_MS;
    expect(who(await resolver.resolve({}, never))).toBe("AKIDPROCESS000000002");
    expect(deps.processCalls).toEqual(["/bin/creds", "/bin/creds"]);
  });

  test("invalidate() forgets the cache", async () => {
    containerReply = () => containerOk("ASIAINVALIDATE000001", T0 + HOUR);
    const before = server.calls.length;
    const resolver = createAwsCredentialResolver(containerDeps());
    await resolver.resolve({}, never);
    resolver.invalidate();
    await resolver.resolve({}, never);
    expect(server.calls.length - before).toBe(2);
  });

  test("concurrent resolves share one fetch", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    containerReply = async () => {
      await gate;
      return containerOk("ASIACONCURRENT000001", T0 + HOUR);
    };
    const before = server.calls.length;
    const resolver = createAwsCredentialResolver(containerDeps());
    const pending = Array.from({ length: 5 }, () => resolver.resolve({}, never));
    await Bun.sleep(50);
    release();
    const results = await Promise.all(pending);
    expect(results.map(who)).toEqual(Array(5).fill("ASIACONCURRENT000001"));
    expect(server.calls.length - before).toBe(1);
  });

  test("one caller's cancellation ends its wait but not the shared refresh", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    containerReply = async () => {
      await gate;
      return containerOk("ASIASHARED0000000001", T0 + HOUR);
    };
    const resolver = createAwsCredentialResolver(containerDeps());
    const controller = new AbortController();
    const first = resolver.resolve({}, controller.signal).then(unexpected, (error: unknown) => error as BridgeError);
    const second = resolver.resolve({}, never);
    controller.abort();
    expect((await first).code).toBe("CANCELLED");
    release();
    expect(who(await second)).toBe("ASIASHARED0000000001");
  });

  test("a refresh that fails after its only caller left is not an unhandled rejection", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    containerReply = async () => {
      await gate;
      return { status: 500 };
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const resolver = createAwsCredentialResolver(containerDeps());
      const controller = new AbortController();
      const pending = resolver.resolve({}, controller.signal).then(unexpected, (error: unknown) => error as BridgeError);
      controller.abort();
      expect((await pending).code).toBe("CANCELLED");
      release();
      await Bun.sleep(50);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  test("an already-aborted caller gets CANCELLED without any fetch", async () => {
    const before = server.calls.length;
    const controller = new AbortController();
    controller.abort();
    await expect(createAwsCredentialResolver(containerDeps()).resolve({}, controller.signal)).rejects.toMatchObject({ code: "CANCELLED" });
    expect(server.calls.length).toBe(before);
  });

  test("a failed refresh falls back on unexpired credentials (with a warning), and fails once they expire", async () => {
    containerReply = () => containerOk("ASIAFALLBACK00000001", T0 + HOUR);
    const deps = containerDeps();
    const resolver = createAwsCredentialResolver(deps);
    await resolver.resolve({}, never);
    containerReply = () => ({ status: 500, body: "down" });
    deps.clock.now = T0 + HOUR - 60_000;
    expect(who(await resolver.resolve({}, never))).toBe("ASIAFALLBACK00000001");
    expect(deps.logs.some((entry) => entry.level === "warn" && entry.message.includes("refreshing AWS credentials failed"))).toBe(true);
    deps.clock.now = T0 + HOUR;
    await expect(resolver.resolve({}, never)).rejects.toMatchObject({ code: "PROVIDER_ERROR", message: "container credentials endpoint: HTTP 500" });
  });

  test("params and environment credentials bypass the cache", async () => {
    const deps = makeDeps({ env: { AWS_ACCESS_KEY_ID: "AKIDENVONE0000000001", AWS_SECRET_ACCESS_KEY: "s" } });
    const resolver = createAwsCredentialResolver(deps);
    expect(who(await resolver.resolve({}, never))).toBe("AKIDENVONE0000000001");
    expect(who(await resolver.resolve({ credentials: { access_key_id: "AKIDPARAMTWO00000001", secret_access_key: "t" } }, never))).toBe("AKIDPARAMTWO00000001");
    expect(who(await resolver.resolve({}, never))).toBe("AKIDENVONE0000000001");
  });
});

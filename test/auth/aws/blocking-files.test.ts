/**
 * AWS credential files that are not what they claim (issue 16, item 3), on
 * real files: the shared config and credentials files, a web identity token
 * file and an SSO token cache that are a FIFO, /dev/zero, a 20 MB file or a
 * directory end the resolution at once with AUTH_FAILED naming the file and
 * what is wrong; a config file on a stalled mount ends the resolution at the
 * host's read time limit instead of never.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAwsCredentialResolver } from "../../../src/auth/aws-credentials.ts";
import type { FileSystem } from "../../../src/deps.ts";
import { createNodeFileSystem, nodeFileSystem } from "../../../src/host/files.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import { makeDeps } from "./fakes.ts";

const home = mkdtempSync(join(tmpdir(), "plue-aws-files-"));
const fifos: string[] = [];
afterAll(() => {
  // Readers a FIFO still holds (what these tests guard against) are let go: a writer opening it wakes them.
  for (const fifo of fifos) spawnSync("sh", ["-c", 'exec 3<>"$1"', "sh", fifo], { timeout: 2000 });
  rmSync(home, { recursive: true, force: true });
});

function fifo(name: string): string {
  const path = join(home, name);
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
  fifos.push(path);
  return path;
}

function bigFile(name: string): string {
  const path = join(home, name);
  writeFileSync(path, "");
  truncateSync(path, 20_000_000);
  return path;
}

/** Sources that would otherwise answer (IMDS) are switched off; the store path does not exist. */
const BASE_ENV = { AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: join(home, "no-config"), AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials") };

async function failureWithin(ms: number, env: Record<string, string>, files: FileSystem = nodeFileSystem): Promise<BridgeError> {
  const deps = { ...makeDeps({ env: { ...BASE_ENV, ...env }, home }), files, authFile: join(home, "no-store.json") };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new BridgeError("TIMEOUT", `request timeout of ${ms} ms reached`)), ms);
  const outcome = await createAwsCredentialResolver(deps, { stsEndpoint: "http://127.0.0.1:9", metadataTimeoutMs: 200 })
    .resolve({}, controller.signal)
    .then(
      () => "resolved",
      (error: unknown) => error,
    );
  clearTimeout(timer);
  expect(outcome).toBeInstanceOf(BridgeError);
  return outcome as BridgeError;
}

describe("AWS credential files that are not regular files", () => {
  test("AWS_CONFIG_FILE is a FIFO", async () => {
    const path = fifo("config");
    const error = await failureWithin(2000, { AWS_CONFIG_FILE: path });
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe(`cannot read AWS config file ${path}: it is a FIFO (named pipe), not a regular file`);
  });

  test("AWS_SHARED_CREDENTIALS_FILE is /dev/zero", async () => {
    const error = await failureWithin(2000, { AWS_SHARED_CREDENTIALS_FILE: "/dev/zero" });
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe("cannot read AWS credentials file /dev/zero: it is a character device, not a regular file");
  });

  test("AWS_WEB_IDENTITY_TOKEN_FILE is a 20 MB file, or a FIFO", async () => {
    const big = bigFile("token-big");
    const large = await failureWithin(2000, { AWS_WEB_IDENTITY_TOKEN_FILE: big, AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/r" });
    expect(large.code).toBe("AUTH_FAILED");
    expect(large.message).toBe(`cannot read web identity token file ${big}: it is 19.1 MiB, over the 1 MiB limit`);
    const pipe = fifo("token-fifo");
    const piped = await failureWithin(2000, { AWS_WEB_IDENTITY_TOKEN_FILE: pipe, AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/r" });
    expect(piped.message).toBe(`cannot read web identity token file ${pipe}: it is a FIFO (named pipe), not a regular file`);
  });

  test("the SSO token cache is a directory", async () => {
    const config = join(home, "sso-config");
    writeFileSync(
      config,
      "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
    );
    const cache = join(home, ".aws", "sso", "cache", `${createHash("sha1").update("corp").digest("hex")}.json`);
    mkdirSync(cache, { recursive: true });
    const error = await failureWithin(2000, { AWS_CONFIG_FILE: config, AWS_PROFILE: "dev" });
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toBe(`cannot read SSO token cache ${cache}: it is a directory, not a regular file`);
  });
});

describe("an AWS config file on a stalled mount", () => {
  test("the resolution ends at the host's read time limit with TIMEOUT naming the file", async () => {
    const STALLED = "/stalled-mount/config";
    const waiting: Array<() => void> = [];
    const files = createNodeFileSystem({
      readTimeLimitMs: 200,
      calls: {
        stat: async (path) => {
          if (path !== STALLED) return stat(path);
          await new Promise<void>((resolve) => waiting.push(resolve));
          throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
        },
      },
    });
    const started = performance.now();
    const error = await failureWithin(5000, { AWS_CONFIG_FILE: STALLED }, files);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toBe(`no answer from the file system in 200 ms while reading ${STALLED}`);
    for (const wake of waiting.splice(0)) wake();
  });
});

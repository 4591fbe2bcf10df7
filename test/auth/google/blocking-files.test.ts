/**
 * Google credential files that are not key files (issue 16, item 3), on
 * real files: a FIFO, /dev/zero, a directory or a 20 MB file named by
 * GOOGLE_APPLICATION_CREDENTIALS or found as gcloud's ADC file ends the
 * request at once with AUTH_FAILED naming the file and what is wrong (never
 * its content), whatever the request's timeout or cancel; a key file on a
 * stalled mount ends at the request's timeout or cancel, naming the file.
 * Through the executable: five Vertex requests on a FIFO key file end, and
 * list_providers (which reads the credential store) still answers at once.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGoogleCredentialResolver } from "../../../src/auth/google-credentials.ts";
import { createNodeFileSystem, nodeFileSystem } from "../../../src/host/files.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import { isTerminal, startProcess, type RunningProcess } from "../../support/run-binary.ts";
import { googleDeps } from "./fakes.ts";

const dir = mkdtempSync(join(tmpdir(), "plue-gac-"));
const fifos: string[] = [];
const running: RunningProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.child.kill("SIGKILL");
});
afterAll(() => {
  // Readers a FIFO still holds (what these tests guard against) are let go: a writer opening it wakes them.
  for (const fifo of fifos) spawnSync("sh", ["-c", 'exec 3<>"$1"', "sh", fifo], { timeout: 2000 });
  rmSync(dir, { recursive: true, force: true });
});

function fifo(name: string): string {
  const path = join(dir, name);
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
  fifos.push(path);
  return path;
}

function signalAfter(ms: number, code: "TIMEOUT" | "CANCELLED"): AbortSignal {
  const controller = new AbortController();
  const reason = code === "TIMEOUT" ? new BridgeError("TIMEOUT", `request timeout of ${ms} ms reached`, { retryable: true }) : new BridgeError("CANCELLED", "cancelled by request");
  setTimeout(() => controller.abort(reason), ms);
  return controller.signal;
}

/** The resolution's failure, or a test failure when it has not ended within `ms`. */
async function failureWithin(ms: number, resolution: Promise<unknown>): Promise<BridgeError> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`still resolving after ${ms} ms`), ms)));
  const outcome = await Promise.race([
    resolution.then(
      () => "resolved",
      (error: unknown) => error,
    ),
    late,
  ]);
  clearTimeout(timer);
  expect(outcome).toBeInstanceOf(BridgeError);
  return outcome as BridgeError;
}

const resolveWith = (env: Record<string, string>, signal: AbortSignal, files = nodeFileSystem) =>
  createGoogleCredentialResolver({ ...googleDeps({ env, home: dir }), files }).resolve({}, signal);

describe("GOOGLE_APPLICATION_CREDENTIALS that is not a key file", () => {
  const cases: Array<[string, () => string, string]> = [
    ["a FIFO, under a request timeout", () => fifo("timeout.json"), "it is a FIFO (named pipe), not a regular file"],
    ["/dev/zero", () => "/dev/zero", "it is a character device, not a regular file"],
    [
      "a directory",
      () => {
        mkdirSync(join(dir, "keys"), { recursive: true });
        return join(dir, "keys");
      },
      "it is a directory, not a regular file",
    ],
    [
      "a 20 MB file",
      () => {
        const path = join(dir, "big.json");
        writeFileSync(path, "");
        truncateSync(path, 20_000_000);
        return path;
      },
      "it is 19.1 MiB, over the 1 MiB limit",
    ],
  ];
  for (const [name, make, reason] of cases) {
    test(`${name}: AUTH_FAILED at once, naming the file and what is wrong`, async () => {
      const path = make();
      const error = await failureWithin(1000, resolveWith({ GOOGLE_APPLICATION_CREDENTIALS: path }, signalAfter(3000, "TIMEOUT")));
      expect(error.code).toBe("AUTH_FAILED");
      expect(error.message).toBe(`cannot read the Google credentials file ${path}: ${reason}`);
    });
  }

  test("a FIFO, then cancel: the request has already ended with AUTH_FAILED", async () => {
    const path = fifo("cancel.json");
    const error = await failureWithin(1000, resolveWith({ GOOGLE_APPLICATION_CREDENTIALS: path }, signalAfter(200, "CANCELLED")));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toContain("FIFO");
  });

  test("gcloud's ADC file as a FIFO is refused the same way", async () => {
    const config = join(dir, "gcloud");
    mkdirSync(config, { recursive: true });
    const path = fifo(join("gcloud", "application_default_credentials.json"));
    const error = await failureWithin(1000, resolveWith({ CLOUDSDK_CONFIG: config }, signalAfter(3000, "TIMEOUT")));
    expect(error.message).toBe(`cannot read gcloud application default credentials ${path}: it is a FIFO (named pipe), not a regular file`);
  });
});

describe("a key file on a stalled mount", () => {
  const STALLED = "/stalled-mount/sa.json";
  const stalled = () => {
    const waiting: Array<() => void> = [];
    const files = createNodeFileSystem({
      calls: {
        stat: async (path) => {
          if (path !== STALLED) return stat(path);
          await new Promise<void>((resolve) => waiting.push(resolve));
          throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
        },
      },
    });
    return {
      files,
      unstick: () => {
        for (const wake of waiting.splice(0)) wake();
      },
    };
  };

  test("ends at the request's timeout: TIMEOUT naming the file", async () => {
    const { files, unstick } = stalled();
    const error = await failureWithin(1000, resolveWith({ GOOGLE_APPLICATION_CREDENTIALS: STALLED }, signalAfter(150, "TIMEOUT"), files));
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toBe(`request timeout of 150 ms reached while reading ${STALLED}`);
    unstick();
  });

  test("ends at cancel: CANCELLED naming the file", async () => {
    const { files, unstick } = stalled();
    const error = await failureWithin(1000, resolveWith({ GOOGLE_APPLICATION_CREDENTIALS: STALLED }, signalAfter(100, "CANCELLED"), files));
    expect(error.code).toBe("CANCELLED");
    expect(error.message).toBe(`cancelled by request while reading ${STALLED}`);
    unstick();
  });
});

describe("through the executable", () => {
  test("five Vertex requests on a FIFO key file end, and list_providers still reads the store at once", async () => {
    const store = join(dir, "auth.json");
    writeFileSync(store, JSON.stringify({ version: 1, providers: { anthropic: { api_key: "sk-ant-blocking-files-00000000" } } }), { mode: 0o600 });
    const key = fifo("vertex-key.json");
    const child = startProcess({ PLUE_AUTH_FILE: store, GOOGLE_APPLICATION_CREDENTIALS: key, GOOGLE_CLOUD_PROJECT: "p", METADATA_SERVER_DETECTION: "none" });
    running.push(child);
    for (let i = 0; i < 5; i++) {
      child.send({ id: `v${i}`, action: "stream_chat", provider: "vertex", timeout: 3000, params: { model: "gemini-2.5-flash", messages: [{ role: "user", content: "hi" }] } });
    }
    // The five are reading by now (a ping behind them is answered first), and the store read comes after them.
    child.send({ id: "ping", action: "ping" });
    await child.waitFor((line) => line.id === "ping", 1500);
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.send({ id: "list", action: "list_providers" });
    const list = await child.waitFor((line) => line.id === "list", 1500);
    expect((list.data as Array<{ id: string; configured: boolean }>).find((entry) => entry.id === "anthropic")?.configured).toBe(true);
    for (let i = 0; i < 5; i++) {
      const end = await child.waitFor((line) => line.id === `v${i}` && isTerminal(line), 1500);
      expect(end.error).toMatchObject({ code: "AUTH_FAILED", message: `cannot read the Google credentials file ${key}: it is a FIFO (named pipe), not a regular file` });
    }
  });
});

/**
 * A read the kernel never answers (a file on a stalled network mount),
 * stood in for by a `stat` that does not return until the test lets it: the
 * request's deadline and cancel end the read with TIMEOUT / CANCELLED naming
 * the file, the host's own limit ends it when no signal is given, and the
 * stuck call holds one lane, so the credential store is still read at once.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodeFileSystem } from "../../src/host/files.ts";
import { BridgeError } from "../../src/protocol/errors.ts";

const dir = mkdtempSync(join(tmpdir(), "plue-stalled-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STALLED = "/stalled-mount/key.json";

/** A file system whose stat of STALLED hangs until `unstick()`, then answers ENOENT. */
function stalledFileSystem(readTimeLimitMs = 10_000) {
  const waiting: Array<() => void> = [];
  let stats = 0;
  const files = createNodeFileSystem({
    readTimeLimitMs,
    calls: {
      stat: async (path) => {
        if (path !== STALLED) return stat(path);
        stats += 1;
        await new Promise<void>((resolve) => waiting.push(resolve));
        throw Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
      },
    },
  });
  return {
    files,
    unstick: () => {
      for (const wake of waiting.splice(0)) wake();
    },
    stats: () => stats,
  };
}

const timeoutAfter = (ms: number): AbortSignal => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new BridgeError("TIMEOUT", `request timeout of ${ms} ms reached`, { retryable: true })), ms);
  return controller.signal;
};

async function failure(read: Promise<unknown>): Promise<BridgeError> {
  const outcome = await read.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(BridgeError);
  return outcome as BridgeError;
}

describe("a read that never finishes", () => {
  test("ends at the request's timeout with TIMEOUT naming the file", async () => {
    const { files, unstick } = stalledFileSystem();
    const started = performance.now();
    const error = await failure(files.read(STALLED, { signal: timeoutAfter(150) }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe("TIMEOUT");
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`request timeout of 150 ms reached while reading ${STALLED}`);
    unstick();
  });

  test("ends at cancel with CANCELLED naming the file", async () => {
    const { files, unstick } = stalledFileSystem();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new BridgeError("CANCELLED", "cancelled by request")), 100);
    const error = await failure(files.read(STALLED, { signal: controller.signal }));
    expect(error.code).toBe("CANCELLED");
    expect(error.message).toBe(`cancelled by request while reading ${STALLED}`);
    unstick();
  });

  test("with no signal, ends at the host's own time limit", async () => {
    const { files, unstick } = stalledFileSystem(200);
    const error = await failure(files.read(STALLED));
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toBe(`no answer from the file system in 200 ms while reading ${STALLED}`);
    unstick();
  });

  test("five stalled reads hold one lane: the store is read at once, another credential file waits and says for what", async () => {
    const { files, unstick, stats } = stalledFileSystem();
    const store = join(dir, "auth.json");
    writeFileSync(store, '{"version":1,"providers":{}}', { mode: 0o600 });
    const other = join(dir, "config");
    writeFileSync(other, "[default]\nregion = eu-west-1\n");
    const stalled = Array.from({ length: 5 }, () => failure(files.read(STALLED, { signal: timeoutAfter(400) })));

    const started = performance.now();
    expect(await files.read(store, { owned: {}, signal: timeoutAfter(400) })).toBe('{"version":1,"providers":{}}');
    expect(performance.now() - started).toBeLessThan(100);

    await new Promise((resolve) => setTimeout(resolve, 20));
    const waiting = await failure(files.read(other, { signal: timeoutAfter(150) }));
    expect(waiting.code).toBe("TIMEOUT");
    expect(waiting.message).toMatch(new RegExp(`^request timeout of 150 ms reached while waiting to read ${other} behind a read of ${STALLED} that has not finished for \\d+ s$`));

    for (const error of await Promise.all(stalled)) expect(error.code).toBe("TIMEOUT");
    // One call reached the stalled mount; the other four waited their turn and left at their deadline.
    expect(stats()).toBe(1);

    unstick();
    // Once the stuck call returns, the lane moves on.
    expect(await files.read(other, { signal: timeoutAfter(400) })).toContain("eu-west-1");
  });
});

/**
 * What `FileSystem.read` (src/host/files.ts) agrees to read, on real files:
 * regular files under the size limit only. A FIFO, /dev/zero, a directory
 * or a 20 MB file is refused at once with the reason and never read, and
 * FIFOs no longer tie up the runtime's few file threads, which used to stall
 * every other file read in the process (the credential store's too).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CREDENTIAL_FILE_MAX_BYTES, FILE_REFUSED } from "../../src/deps.ts";
import { nodeFileSystem } from "../../src/host/files.ts";

const dir = mkdtempSync(join(tmpdir(), "plue-reads-"));
const fifos: string[] = [];
afterAll(() => {
  // Readers a FIFO still holds (the behaviour these tests guard against) are let go: a writer opening it wakes them.
  for (const fifo of fifos) spawnSync("sh", ["-c", 'exec 3<>"$1"', "sh", fifo], { timeout: 2000 });
  rmSync(dir, { recursive: true, force: true });
});

function fifo(name: string): string {
  const path = join(dir, name);
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
  fifos.push(path);
  return path;
}

/** The read's outcome, or "still reading" after `ms`: a read that hangs must fail the test, not the run. */
async function within<T>(ms: number, read: Promise<T>): Promise<T | Error | "still reading"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"still reading">((resolve) => (timer = setTimeout(() => resolve("still reading"), ms)));
  try {
    return await Promise.race([read.catch((error: unknown) => error as Error), late]);
  } finally {
    clearTimeout(timer);
  }
}

function expectRefused(outcome: unknown, reason: string): void {
  expect(outcome).toBeInstanceOf(Error);
  expect((outcome as { code?: string }).code).toBe(FILE_REFUSED);
  expect((outcome as Error).message).toBe(reason);
}

describe("files that are not regular files are refused without being read", () => {
  test("a FIFO with no writer: refused at once, it does not hang open()", async () => {
    expectRefused(await within(1000, nodeFileSystem.read(fifo("key.json"), { maxBytes: CREDENTIAL_FILE_MAX_BYTES })), "it is a FIFO (named pipe), not a regular file");
  });

  test("/dev/zero: refused before it is opened, so nothing endless is read", async () => {
    expectRefused(await within(1000, nodeFileSystem.read("/dev/zero", { maxBytes: CREDENTIAL_FILE_MAX_BYTES })), "it is a character device, not a regular file");
  });

  test("a directory", async () => {
    const path = join(dir, "a-directory");
    mkdirSync(path);
    expectRefused(await within(1000, nodeFileSystem.read(path)), "it is a directory, not a regular file");
  });

  test("a 20 MB file: over the credential limit (1 MiB) and over the default (16 MiB), refused before it is read", async () => {
    const path = join(dir, "big.json");
    writeFileSync(path, "");
    truncateSync(path, 20_000_000);
    expectRefused(await within(1000, nodeFileSystem.read(path, { maxBytes: CREDENTIAL_FILE_MAX_BYTES })), "it is 19.1 MiB, over the 1 MiB limit");
    expectRefused(await within(1000, nodeFileSystem.read(path)), "it is 19.1 MiB, over the 16 MiB limit");
  });

  test("a file at the limit is read; one byte over is not", async () => {
    const path = join(dir, "edge.txt");
    writeFileSync(path, "x".repeat(1000));
    expect(await nodeFileSystem.read(path, { maxBytes: 1000 })).toBe("x".repeat(1000));
    writeFileSync(path, "x".repeat(1001));
    expectRefused(await within(1000, nodeFileSystem.read(path, { maxBytes: 1000 })), "it is 1001 bytes, over the 1000 bytes limit");
  });

  test("a file whose size stat does not tell (/proc) is still read only up to the limit", async () => {
    expect(statSync("/proc/self/status").size).toBe(0);
    expect(await nodeFileSystem.read("/proc/self/status")).toContain("Pid:");
    expectRefused(await within(1000, nodeFileSystem.read("/proc/self/status", { maxBytes: 16 })), "it grew past the 16 bytes limit while being read");
  });

  test("missing → null; a UTF-8 byte-order mark is dropped; a symbolic link to a regular file is followed", async () => {
    expect(await nodeFileSystem.read(join(dir, "absent.json"))).toBeNull();
    const path = join(dir, "bom.json");
    writeFileSync(path, '\uFEFF{"a":1}');
    expect(await nodeFileSystem.read(path)).toBe('{"a":1}');
    symlinkSync(path, join(dir, "link.json"));
    expect(await nodeFileSystem.read(join(dir, "link.json"))).toBe('{"a":1}');
  });
});

describe("an owned file (the credential store)", () => {
  test("a symbolic link is refused, not followed", async () => {
    const target = join(dir, "real-store.json");
    writeFileSync(target, '{"providers":{}}', { mode: 0o600 });
    const link = join(dir, "linked-store.json");
    symlinkSync(target, link);
    expectRefused(await within(1000, nodeFileSystem.read(link, { owned: {} })), "it is a symbolic link, and links are not followed for this file");
  });

  test("group and other permission bits are removed, and the caller hears the mode found", async () => {
    const path = join(dir, "loose-store.json");
    writeFileSync(path, '{"providers":{}}');
    chmodSync(path, 0o644);
    const heard: Array<[number, boolean]> = [];
    expect(await nodeFileSystem.read(path, { owned: { onLoosePermissions: (mode, fixed) => void heard.push([mode, fixed]) } })).toBe('{"providers":{}}');
    expect(heard).toEqual([[0o644, true]]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe('{"providers":{}}');
  });
});

describe("reads that block do not stall the others", () => {
  test("five reads of a FIFO with no writer, then a read of the credential store: the store read answers at once", async () => {
    const stuck = fifo("gac.json");
    const store = join(dir, "auth.json");
    writeFileSync(store, '{"version":1,"providers":{"anthropic":{"api_key":"sk-ant-file-reads-0000000000"}}}', { mode: 0o600 });
    const blocked = Array.from({ length: 5 }, () => nodeFileSystem.read(stuck, { maxBytes: CREDENTIAL_FILE_MAX_BYTES }).catch((error: unknown) => error));
    const started = performance.now();
    expect(await within(2000, nodeFileSystem.read(store, { owned: {} }))).toContain("sk-ant-file-reads");
    expect(performance.now() - started).toBeLessThan(1000);
    for (const outcome of await Promise.all(blocked.map((read) => within(1000, read)))) {
      expectRefused(outcome, "it is a FIFO (named pipe), not a regular file");
    }
  });
});

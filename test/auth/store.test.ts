/**
 * The credential store on a real file system: atomic 0600 writes in a 0700
 * directory, concurrent writers keeping each other's entries, a damaged
 * file that is reported instead of being overwritten, and the odd files
 * found at the store path (issue 16, item 8).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, truncateSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { loadStoredCredentials, removeStoredCredentials, saveStoredCredentials } from "../../src/auth/store.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { ROOT, startProcess, type RunningProcess } from "../support/run-binary.ts";
import { diskDeps } from "../support/disk-deps.ts";

const freshPath = (): string => join(mkdtempSync(join(tmpdir(), "plue-store-")), "nested", "auth.json");

describe("credential store", () => {
  test("writes mode 0600 in a 0700 directory and leaves no temporary or lock files", async () => {
    const path = freshPath();
    const deps = diskDeps(path);
    await saveStoredCredentials(deps, "anthropic", { api_key: "sk-ant-store-test-0000000000" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(path, ".."))).toEqual(["auth.json"]);
    expect(await loadStoredCredentials(deps, "anthropic")).toEqual({ api_key: "sk-ant-store-test-0000000000" });
    expect(await removeStoredCredentials(deps, "anthropic")).toBe(true);
    expect(await removeStoredCredentials(deps, "anthropic")).toBe(false);
  });

  test("40 concurrent writers in one process keep every entry", async () => {
    const path = freshPath();
    const deps = diskDeps(path);
    await Promise.all(Array.from({ length: 40 }, (_, i) => saveStoredCredentials(deps, `p${i}`, { api_key: `key-${i}-0000000000` })));
    const stored = JSON.parse(readFileSync(path, "utf8")).providers;
    expect(Object.keys(stored).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `p${i}`).sort());
  });

  test("two processes writing at once keep each other's entries", async () => {
    const path = freshPath();
    const script = (name: string) => `
      import { saveStoredCredentials } from ${JSON.stringify(join(ROOT, "src/auth/store.ts"))};
      import { nodeFileSystem } from ${JSON.stringify(join(ROOT, "src/host/files.ts"))};
      const deps = { files: nodeFileSystem, authFile: ${JSON.stringify(path)}, log: { log() {} } };
      await Promise.all(Array.from({ length: 15 }, (_, i) => saveStoredCredentials(deps, "${name}" + i, { api_key: "k" + i })));
    `;
    const run = (name: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(join(ROOT, "node_modules/.bin/bun"), ["-e", script(name)], { stdio: "inherit" });
        child.on("exit", resolve);
      });
    expect(await Promise.all([run("a"), run("b")])).toEqual([0, 0]);
    const stored = Object.keys(JSON.parse(readFileSync(path, "utf8")).providers);
    expect(stored).toHaveLength(30);
  }, 20_000);

  test("a damaged store is reported on write, left untouched, and ignored (logged) on read", async () => {
    const path = freshPath();
    const deps0 = diskDeps(path);
    await saveStoredCredentials(deps0, "x", { api_key: "placeholder-000000" });
    writeFileSync(path, '{"providers": {"openai": {"api_key": "sk-damaged-secret-000000000000"');
    const logs: string[] = [];
    const deps = diskDeps(path, logs);
    expect(await loadStoredCredentials(deps, "openai")).toBeUndefined();
    expect(logs.join("\n")).toContain("credential store is unreadable");
    const error = await saveStoredCredentials(deps, "anthropic", { api_key: "new-000000000000" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).message).toContain("is damaged (not valid JSON)");
    expect((error as BridgeError).message).not.toContain("sk-damaged-secret");
    expect(logs.join("\n")).not.toContain("sk-damaged-secret");
    expect(readFileSync(path, "utf8")).toContain("sk-damaged-secret-000000000000");
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});

describe("odd files at the store path", () => {
  const running: RunningProcess[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) child.child.kill("SIGKILL");
  });

  const KEY = "sk-ant-odd-store-0000000000000000";

  async function refusal(deps: ReturnType<typeof diskDeps>): Promise<BridgeError> {
    const error = await saveStoredCredentials(deps, "anthropic", { api_key: KEY }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).message).not.toContain(KEY);
    return error as BridgeError;
  }

  test("providers is an array: saving refuses (it would answer stored while dropping the key) and reading ignores it, logged", async () => {
    const path = freshPath();
    mkdirSync(join(path, ".."), { recursive: true });
    const text = '{"version":1,"providers":[]}';
    writeFileSync(path, text, { mode: 0o600 });
    const logs: string[] = [];
    const deps = diskDeps(path, logs);
    const error = await refusal(deps);
    expect(error.message).toBe(`the credential store ${path} is damaged (providers is an array, not an object keyed by provider); fix or remove it, then try again`);
    expect(readFileSync(path, "utf8")).toBe(text);
    expect(await loadStoredCredentials(deps, "anthropic")).toBeUndefined();
    expect(logs.join("\n")).toContain("providers is an array");
  });

  test("an entry that is not an object is damage, reported the same way", async () => {
    const path = freshPath();
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, '{"version":1,"providers":{"openai":"sk-not-an-object-000000000000"}}', { mode: 0o600 });
    const error = await refusal(diskDeps(path));
    expect(error.message).toContain("is damaged (providers.openai is not an object)");
    expect(error.message).not.toContain("sk-not-an-object");
  });

  test("a symbolic link is not followed: reading ignores it (logged), writing refuses, and the link and its target stay as they were", async () => {
    const path = freshPath();
    mkdirSync(join(path, ".."), { recursive: true });
    const target = join(path, "..", "elsewhere.json");
    const text = `{"version":1,"providers":{"openai":{"api_key":"sk-linked-store-000000000000"}}}`;
    writeFileSync(target, text, { mode: 0o600 });
    symlinkSync(target, path);
    const logs: string[] = [];
    const deps = diskDeps(path, logs);
    expect(await loadStoredCredentials(deps, "openai")).toBeUndefined();
    expect(logs.join("\n")).toContain("it is a symbolic link, and links are not followed for this file");
    const error = await refusal(deps);
    expect(error.message).toBe(
      `the credential store ${path} cannot be used (it is a symbolic link, and links are not followed for this file); ` +
        "replace it with a regular file, remove it, or set PLUE_AUTH_FILE to another path, then try again",
    );
    expect(await removeStoredCredentials(deps, "openai").catch((e: unknown) => e)).toBeInstanceOf(BridgeError);
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path)).toBe(target);
    expect(readFileSync(target, "utf8")).toBe(text);
  });

  test("a UTF-8 byte-order mark is accepted on read and on write, and the rewrite keeps every entry", async () => {
    const path = freshPath();
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, '\uFEFF{"version":1,"providers":{"openai":{"api_key":"sk-bom-store-000000000000"}}}', { mode: 0o600 });
    const logs: string[] = [];
    const deps = diskDeps(path, logs);
    expect(await loadStoredCredentials(deps, "openai")).toEqual({ api_key: "sk-bom-store-000000000000" });
    await saveStoredCredentials(deps, "anthropic", { api_key: KEY });
    expect(JSON.parse(readFileSync(path, "utf8")).providers).toEqual({ openai: { api_key: "sk-bom-store-000000000000" }, anthropic: { api_key: KEY } });
    expect(logs).toEqual([]);
  });

  test("a directory: reading ignores it (logged), writing refuses naming it, and list_providers still answers", async () => {
    const path = freshPath();
    mkdirSync(path, { recursive: true });
    const logs: string[] = [];
    const deps = diskDeps(path, logs);
    expect(await loadStoredCredentials(deps, "anthropic")).toBeUndefined();
    expect(logs.join("\n")).toContain("it is a directory, not a regular file");
    expect((await refusal(deps)).message).toContain(`the credential store ${path} cannot be used (it is a directory, not a regular file)`);

    const child = startProcess({ PLUE_AUTH_FILE: path });
    running.push(child);
    child.send({ id: "list", action: "list_providers" });
    const answer = await child.waitFor((line) => line.id === "list", 5000);
    expect(answer.success).toBe(true);
    expect((answer.data as Array<{ id: string; configured: boolean }>).find((entry) => entry.id === "anthropic")?.configured).toBe(false);
  });

  test("a 20 MB file is refused before it is read, the same way", async () => {
    const path = freshPath();
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, "", { mode: 0o600 });
    truncateSync(path, 20_000_000);
    const logs: string[] = [];
    const deps = diskDeps(path, logs);
    expect(await loadStoredCredentials(deps, "anthropic")).toBeUndefined();
    expect(logs.join("\n")).toContain("it is 19.1 MiB, over the 16 MiB limit");
    expect((await refusal(deps)).message).toContain("cannot be used (it is 19.1 MiB, over the 16 MiB limit)");
    expect(statSync(path).size).toBe(20_000_000);
  });

  test("a store others may read is set to 0600 when read, and the change is logged", async () => {
    const path = freshPath();
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, '{"version":1,"providers":{"openai":{"api_key":"sk-loose-store-000000000000"}}}');
    chmodSync(path, 0o644);
    const logs: string[] = [];
    const deps = diskDeps(path, logs);
    expect(await loadStoredCredentials(deps, "openai")).toEqual({ api_key: "sk-loose-store-000000000000" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(logs.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      { level: "warn", message: "the credential store was readable by others; its mode is now 0600", path, mode: "0644" },
    ]);
  });
});

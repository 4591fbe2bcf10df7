/**
 * The credential store on a real file system: atomic 0600 writes in a 0700
 * directory, concurrent writers keeping each other's entries, and a damaged
 * file that is reported instead of being overwritten.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { loadStoredCredentials, removeStoredCredentials, saveStoredCredentials } from "../../src/auth/store.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { ROOT } from "../support/run-binary.ts";
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
    const run = (name: string) => new Promise<number | null>((resolve) => {
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

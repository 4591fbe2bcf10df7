/**
 * The credential store's cross-process lock (src/host/file-lock.ts, through files.ts): it names
 * its holder's pid, a lock left by a dead process is broken at once, and a
 * live holder's lock is waited for. The SIGKILL-mid-write run is in
 * test/reliability/store-crash.test.ts.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogFilePaths, nodeFileSystem } from "../../src/host/files.ts";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

function freshStore(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), "plue-lock-"));
  return { dir, path: join(dir, "auth.json") };
}

const withLock = nodeFileSystem.withLock!.bind(nodeFileSystem);

describe("credential store lock", () => {
  test("while work runs the lock names this process; afterwards neither the lock nor its claim file is left", async () => {
    const { dir, path } = freshStore();
    try {
      const during = await withLock(path, async () => readFileSync(`${path}.lock`, "utf8"));
      expect(during.trim()).toBe(String(process.pid));
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the next holder removes what crashed writers left: temporary files and claims of dead pids, nothing else", async () => {
    const { dir, path } = freshStore();
    try {
      const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
      const left = {
        temporary: `auth.json.1764000000000.k3j4h5.tmp`,
        deadClaim: `auth.json.lock.${dead}.a1b2c3`,
        liveClaim: `auth.json.lock.${process.ppid}.d4e5f6`,
        otherStore: `other.json.1764000000000.k3j4h5.tmp`,
        copilotLock: `auth.json.copilot.lock`,
      };
      for (const name of Object.values(left)) writeFileSync(join(dir, name), "secret-looking leftovers", { mode: 0o600 });
      await withLock(path, async () => {});
      expect(readdirSync(dir).sort()).toEqual([left.copilotLock, left.liveClaim, left.otherStore].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a holder whose lock was broken and claimed by another process meanwhile leaves the other's lock in place", async () => {
    const { dir, path } = freshStore();
    try {
      // What another process does to a lock held past the stale limit: removes it and links its own in its place.
      const other = `${process.ppid}\n`;
      await withLock(path, async () => {
        rmSync(`${path}.lock`);
        writeFileSync(`${path}.lock`, other);
      });
      expect(readFileSync(`${path}.lock`, "utf8")).toBe(other);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a lock left by a process that has exited is broken at once", async () => {
    const { dir, path } = freshStore();
    try {
      const gone = spawnSync("true");
      expect(gone.pid).toBeGreaterThan(0);
      writeFileSync(`${path}.lock`, `${gone.pid}\n`);
      const started = performance.now();
      expect(await withLock(path, async () => "ran")).toBe("ran");
      // The wait for a live holder is 5 s; a dead one costs nothing.
      expect(performance.now() - started).toBeLessThan(500);
      expect(existsSync(`${path}.lock`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a lock naming this very process was left by an earlier one with the same pid (containers reuse pids)", async () => {
    const { dir, path } = freshStore();
    try {
      writeFileSync(`${path}.lock`, `${process.pid}\n`);
      const started = performance.now();
      expect(await withLock(path, async () => "ran")).toBe("ran");
      expect(performance.now() - started).toBeLessThan(500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a lock held by a live process is waited for, and taken once it is released", async () => {
    const { dir, path } = freshStore();
    try {
      const holder = spawn("sleep", ["10"]);
      children.push(holder);
      writeFileSync(`${path}.lock`, `${holder.pid}\n`);
      setTimeout(() => rmSync(`${path}.lock`, { force: true }), 300);
      const started = performance.now();
      await withLock(path, async () => {
        expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("catalog file paths", () => {
  test.each([
    [{}, "/home/u", { override: "/home/u/.config/plue-ai-provider/models.json", cache: "/home/u/.cache/plue-ai-provider/catalog.json" }],
    [{ XDG_CONFIG_HOME: "/x/cfg/", XDG_CACHE_HOME: "/x/cache" }, "/home/u", { override: "/x/cfg/plue-ai-provider/models.json", cache: "/x/cache/plue-ai-provider/catalog.json" }],
    [{ PLUE_MODELS_FILE: "/etc/plue/models.json" }, "/home/u/", { override: "/etc/plue/models.json", cache: "/home/u/.cache/plue-ai-provider/catalog.json" }],
  ] as const)("%j, home %s → %j", (env, home, paths) => {
    expect(catalogFilePaths(env, home)).toEqual(paths);
  });
});

/**
 * The credential store survives a crash mid-write (issue 6, item 5): a child
 * process rewrites a large store in a loop through the real code path
 * (saveStoredCredentials → lock → temporary file → rename) and is killed
 * with SIGKILL at random moments, some of them while its temporary file is
 * being written. After every kill the store is one of the versions written
 * in full (never torn), mode 0600, and the next writer gets through at once
 * even if the dead process held the lock.
 */
import { describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadStoredCredentials, saveStoredCredentials } from "../../src/auth/store.ts";
import { ROOT } from "../support/run-binary.ts";
import { diskDeps } from "../support/disk-deps.ts";

const BUN = join(ROOT, "node_modules", ".bin", "bun");
/** Large enough that writing the temporary file takes a few milliseconds: the kills land inside that window. */
const PADDING = 3 * 1024 * 1024;
const KILLS = 12;

const keyOf = (generation: number): string => `sk-ant-CANARY-store-crash-${String(generation).padStart(6, "0")}`;

/** A writer that announces each generation on stdout just before saving it, and loops until killed. */
function writerScript(path: string, start: number): string {
  return `
    import { saveStoredCredentials } from ${JSON.stringify(join(ROOT, "src/auth/store.ts"))};
    import { nodeFileSystem } from ${JSON.stringify(join(ROOT, "src/host/files.ts"))};
    const deps = { files: nodeFileSystem, authFile: ${JSON.stringify(path)}, log: { log() {} } };
    const padding = "x".repeat(${PADDING});
    for (let g = ${start}; ; g++) {
      process.stdout.write(g + "\\n");
      await saveStoredCredentials(deps, "anthropic", { api_key: ${JSON.stringify(keyOf(0).slice(0, -6))} + String(g).padStart(6, "0"), padding });
    }
  `;
}

describe("credential store under SIGKILL", () => {
  test(`${KILLS} kills at random moments of a rewrite loop: never torn, always 0600, next writer not blocked`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "plue-store-crash-"));
    const path = join(dir, "store", "auth.json");
    const deps = diskDeps(path);
    let generation = 1;
    let killedWithTemporary = 0;
    let killedHoldingLock = 0;
    const leftovers = new Set<string>();
    try {
      await saveStoredCredentials(deps, "openai", { api_key: "sk-proj-CANARY.not.a.key.store.0000" });
      for (let kill = 0; kill < KILLS; kill++) {
        const start = generation;
        const child = spawn(BUN, ["-e", writerScript(path, start)], { stdio: ["ignore", "pipe", "inherit"] });
        let announced = start - 1;
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (text: string) => {
          for (const line of text.split("\n")) if (line) announced = Number(line);
        });
        const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
        // Wait for the writer to be busy, then kill it: every other time a random few milliseconds into its
        // loop, otherwise the moment its next temporary file appears (mid-write, before the rename).
        while (announced < start + 1) await new Promise((resolve) => setTimeout(resolve, 2));
        if (kill % 2 === 0) {
          await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 25)));
        } else {
          await new Promise<void>((resolve) => {
            const watcher = watch(join(path, ".."), (_event, name) => {
              if (typeof name === "string" && name.endsWith(".tmp") && !leftovers.has(name)) {
                watcher.close();
                resolve();
              }
            });
          });
        }
        const temporaries = (): string[] => readdirSync(join(path, "..")).filter((name) => name.endsWith(".tmp"));
        if (existsSync(`${path}.lock`)) killedHoldingLock++;
        child.kill("SIGKILL");
        await exited;

        // Whole and private: one of the generations written, the other provider's entry intact.
        expect(statSync(path).mode & 0o777).toBe(0o600);
        const store = JSON.parse(readFileSync(path, "utf8")) as { providers: Record<string, { api_key: string; padding?: string }> };
        const written = store.providers.anthropic!;
        const stored = Number(written.api_key.slice(-6));
        expect(written.api_key).toBe(keyOf(stored));
        expect(stored).toBeGreaterThanOrEqual(start - 1);
        expect(stored).toBeLessThanOrEqual(announced);
        expect(written.padding).toHaveLength(PADDING);
        expect(store.providers.openai).toEqual({ api_key: "sk-proj-CANARY.not.a.key.store.0000" });
        // A temporary file the kill left behind (it died between creating it and the rename) is private too.
        const fresh = temporaries().filter((name) => !leftovers.has(name));
        if (fresh.length > 0) killedWithTemporary++;
        for (const name of fresh) {
          expect(statSync(join(path, "..", name)).mode & 0o777).toBe(0o600);
          leftovers.add(name);
        }

        // The next writer is not locked out by the dead one.
        generation = announced + 1;
        const before = performance.now();
        await saveStoredCredentials(deps, "anthropic", { api_key: keyOf(generation) });
        expect(performance.now() - before).toBeLessThan(1000);
        expect((await loadStoredCredentials(deps, "anthropic"))?.api_key).toBe(keyOf(generation));
        generation++;
        expect(existsSync(`${path}.lock`)).toBe(false);
      }
      // At least some kills hit the window between opening the temporary file and the rename.
      expect(killedWithTemporary).toBeGreaterThan(0);
      expect(killedHoldingLock).toBeGreaterThan(0);
      console.log(`${KILLS} kills: ${killedWithTemporary} between creating the temporary file and the rename, ${killedHoldingLock} while holding the lock`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

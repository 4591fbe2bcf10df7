/**
 * `npm run build` produces a working compiled binary and a single-file
 * bundle that runs under Node, and both stream a replayed answer.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE, ensureBuilt } from "./support/build.ts";
import { loadCassette } from "./support/cassette.ts";
import { startReplayServer } from "./support/replay-server.ts";
import { BINARY, isTerminal, ROOT, startProcess } from "./support/run-binary.ts";

beforeAll(() => void ensureBuilt(), 120_000);

describe.each([
  ["compiled binary", [BINARY]],
  ["node bundle", ["node", BUNDLE]],
])("%s", (_name, command) => {
  test("answers ping and streams a replayed Anthropic answer", async () => {
    const server = await startReplayServer(await loadCassette(join(ROOT, "recordings", "anthropic", "text.ndjson")));
    try {
      const child = startProcess({ ANTHROPIC_API_KEY: "sk-ant-test-not-a-key-000000" }, command as string[]);
      child.send({ id: 1, action: "ping" });
      child.send({ id: 2, action: "stream_chat", provider: "anthropic", params: { model: "claude-sonnet-4-20250514", base_url: server.url, messages: [{ role: "user", content: "Say hi in Portuguese" }] } });
      child.closeStdin();
      expect(await child.exited).toBe(0);
      expect(child.lines[0]).toMatchObject({ id: 1, success: true, data: { protocol: 1 } });
      const text = child.lines.filter((line) => line.id === 2 && (line.data as { type?: string })?.type === "content").map((line) => (line.data as { content: string }).content).join("");
      expect(text.startsWith("Olá!")).toBe(true);
      expect(child.lines.filter((line) => line.id === 2).filter(isTerminal).map((line) => (line.data as { type: string }).type)).toEqual(["done"]);
    } finally {
      await server.close();
    }
  }, 20_000);
});

describe("compiled binary in a project directory", () => {
  // The editor starts us in the user's project. A standalone Bun executable reads bunfig.toml and .env from its working
  // directory unless built not to: a repository's bunfig `preload` would run its code inside the process that holds every
  // credential, and its .env would change our settings.
  test("ignores the directory's bunfig.toml (no preload runs) and .env (no settings or keys taken)", () => {
    const project = mkdtempSync(join(tmpdir(), "plue-project-"));
    try {
      const marker = join(project, "preload-ran");
      writeFileSync(join(project, "bunfig.toml"), 'preload = ["./preload.js"]\n');
      writeFileSync(join(project, "preload.js"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran"); console.error("PRELOAD RAN");\n`);
      writeFileSync(join(project, ".env"), "ANTHROPIC_API_KEY=from-the-project-env\nPLUE_LOG=debug\n");
      const run = spawnSync(BINARY, [], {
        cwd: project,
        input: `${JSON.stringify({ id: 1, action: "list_providers" })}\n`,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", HOME: project, PLUE_AUTH_FILE: join(project, "no-store.json") },
      });
      expect(run.status).toBe(0);
      expect(existsSync(marker)).toBe(false);
      expect(run.stderr).not.toContain("PRELOAD RAN");
      const providers = (JSON.parse(run.stdout.trim()) as { data: Array<{ id: string; configured: boolean }> }).data;
      expect(providers.find((p) => p.id === "anthropic")?.configured).toBe(false);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 20_000);
});

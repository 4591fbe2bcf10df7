/**
 * `npm run bench` (issue 7): ours against the SDK stacks, side by side, in
 * one invocation. Every contestant runs in a fresh process per round, rounds
 * interleave the contestants (each round starts one further along), and the
 * tables print medians. `--quick` (or BENCH_QUICK=1): 8 MB streams, one
 * round, fewer samples, for development. `--json FILE` also writes every
 * figure as JSON.
 *
 * Sections: 1 SSE decode+map, 2 event-stream decode+map, 3 end to end
 * through the binary, 4 cold start, 5 token counting, 6 memory, 7 size; then
 * one PASS/FAIL line per target of the issue.
 *
 * BENCH_SRC=/path/to/tree: measure "ours" built from another checkout (its
 * src/main.ts compiled the way `npm run build` does) instead of running
 * `npm run build` here: how proposed changes outside test/bench were measured.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bodyStream } from "./contestants.ts";
import { PACKED as PACKED_CL100K } from "../../src/tokens/ranks/cl100k_base.ts";
import { PACKED as PACKED_O200K } from "../../src/tokens/ranks/o200k_base.ts";
import { anthropicSse, converseStream, splitChunks, tokenCorpus } from "./data.ts";

const QUICK = process.argv.includes("--quick") || process.env["BENCH_QUICK"] === "1";
const jsonAt = process.argv.indexOf("--json");
const JSON_OUT = jsonAt === -1 ? undefined : process.argv[jsonAt + 1];
const ROUNDS = QUICK ? 1 : 3;
const STREAM_BYTES = QUICK ? 8e6 : 30e6;
const E2E_BYTES = QUICK ? 4e6 : 10e6;
const SPAWNS = QUICK ? 5 : 15;
const LATENCY_REQUESTS = QUICK ? 10 : 40;
const CHUNK_SEED = 5;

const ROOT = join(import.meta.dir, "..", "..");
const BUN = join(ROOT, "node_modules", ".bin", "bun");
const BENCH = import.meta.dir;
const scratch = mkdtempSync(join(tmpdir(), "plue-bench-"));
const SRC_ROOT = process.env["BENCH_SRC"] ?? ROOT;
const BINARY = SRC_ROOT === ROOT ? join(ROOT, "dist", "plue-ai-provider") : join(scratch, "plue-ai-provider");
// Compiled peers depend only on the locked packages: kept between runs.
const BIN_CACHE = join(tmpdir(), `plue-bench-bin-${Bun.version}`);
mkdirSync(BIN_CACHE, { recursive: true });
const CANARY = "sk-ant-CANARY.not.a.key.bench";
const MB = 1024 * 1024;

const results: Record<string, unknown> = { date: new Date().toISOString(), quick: QUICK, bun: Bun.version, node: nodeVersion() };
const verdicts: Array<{ target: string; pass: boolean; detail: string }> = [];

function nodeVersion(): string {
  return spawnSync("node", ["--version"], { encoding: "utf8" }).stdout.trim();
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return "-";
  return n >= 100 ? n.toFixed(0) : n.toFixed(digits);
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

function heading(title: string): void {
  console.log(`\n## ${title}\n`);
}

function verdict(target: string, pass: boolean, detail: string): void {
  verdicts.push({ target, pass, detail });
}

function sh(cmd: string, args: string[], cwd = ROOT): string {
  const result = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 * MB });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

// ---------------------------------------------------------------------------------------------
// Data and builds

console.log(`# plue-ai-provider bench ${QUICK ? "(quick)" : ""}: Bun ${Bun.version}, Node ${results["node"]}, ${navigator.hardwareConcurrency} cores`);
let t = performance.now();
const sse = anthropicSse(1, STREAM_BYTES);
const es = converseStream(2, STREAM_BYTES);
const e2e = anthropicSse(3, E2E_BYTES);
const small = anthropicSse(4, 512 * 1024);
const SSE_FILE = join(scratch, "anthropic.sse");
const ES_FILE = join(scratch, "converse.eventstream");
const CORPUS_FILE = join(scratch, "corpus.txt");
writeFileSync(SSE_FILE, sse.body);
writeFileSync(ES_FILE, es.body);
writeFileSync(CORPUS_FILE, tokenCorpus(3, QUICK ? 300_000 : 1_000_000));
writeFileSync(CORPUS_FILE.replace(/\.txt$/, "-b.txt"), tokenCorpus(4, QUICK ? 300_000 : 1_000_000));
console.log(
  `data: SSE ${fmt(sse.body.length / 1e6)} MB (${sse.stats.events} events), event-stream ${fmt(es.body.length / 1e6)} MB (${es.stats.events} messages), generated in ${fmt(performance.now() - t, 0)} ms`,
);

t = performance.now();
/** As `npm run build`: the binary never reads bunfig.toml or .env from the directory it is started in. */
const NO_AUTOLOAD = ["--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig"];
if (SRC_ROOT === ROOT) sh(BUN, ["run", "build"]);
else sh(BUN, ["build", join(SRC_ROOT, "src", "main.ts"), "--compile", "--minify", ...NO_AUTOLOAD, "--outfile", BINARY]);
const NODE_WORKER = join(scratch, "worker.mjs");
sh(BUN, ["build", join(BENCH, "worker.ts"), "--target", "node", "--outfile", NODE_WORKER, "--external", "tiktoken", "--external", "gpt-tokenizer"]);
const BYTECODE = join(scratch, "plue-ai-provider-bytecode");
// --bytecode needs --format=esm here: src/main.ts uses top-level await.
sh(BUN, ["build", join(SRC_ROOT, "src", "main.ts"), "--compile", "--minify", ...NO_AUTOLOAD, "--bytecode", "--format=esm", "--outfile", BYTECODE]);
function cachedCompile(name: string, entry: string): string {
  const out = join(BIN_CACHE, name);
  if (!existsSync(out)) sh(BUN, ["build", entry, "--compile", "--minify", "--outfile", out]);
  return out;
}
const BARE = cachedCompile("bare", join(BENCH, "stacks", "bare.ts"));
const BARE_PRINT = cachedCompile("bare-print", join(BENCH, "stacks", "bare-print.ts"));
const BARE_LINE_BUN = cachedCompile("bare-line-bun", join(BENCH, "stacks", "bare-line-bun.ts"));
const BARE_LINE_NODE = cachedCompile("bare-line-node", join(BENCH, "stacks", "bare-line-node.ts"));
const BRIDGE = cachedCompile("sdk-bridge", join(BENCH, "sdk-bridge.ts"));
const AI_STACK = cachedCompile("ai-sdk-stack", join(BENCH, "stacks", "ai-sdk.ts"));
const OFFICIAL_STACK = cachedCompile("official-stack", join(BENCH, "stacks", "official.ts"));
console.log(`builds: ${fmt(performance.now() - t, 0)} ms`);

// ---------------------------------------------------------------------------------------------
// Sections 1 and 2: in-process decode and map, one process per contestant and round

type Runtime = "bun" | "node";
interface StreamRun {
  ms: number;
  events: number;
  bytes: number;
  addedRssMB: number;
}

function worker(runtime: Runtime, args: string[]): Record<string, unknown> {
  const cmd = runtime === "bun" ? [BUN, join(BENCH, "worker.ts"), ...args] : ["node", "--expose-gc", NODE_WORKER, ...args];
  const result = spawnSync(cmd[0]!, cmd.slice(1), { cwd: ROOT, encoding: "utf8", maxBuffer: 16 * MB });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  if (result.status !== 0 || !last.startsWith("{")) throw new Error(`worker ${cmd.join(" ")} failed: ${result.stderr.slice(-2000)}`);
  return JSON.parse(last) as Record<string, unknown>;
}

function interleaved<T>(names: string[], rounds: number, run: (name: string) => T): Map<string, T[]> {
  const out = new Map<string, T[]>(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length]!;
      out.get(name)!.push(run(name));
    }
  }
  return out;
}

interface StreamSummary {
  mbps: number;
  eventsPerSec: number;
  addedRssMB: number;
  ms: number;
}

function streamSection(section: "sse" | "es", names: string[], runtime: Runtime): Map<string, StreamSummary> {
  const file = section === "sse" ? SSE_FILE : ES_FILE;
  const runs = interleaved(names, ROUNDS, (name) => worker(runtime, [section, name, file, String(CHUNK_SEED), "1"]) as unknown as StreamRun);
  const summary = new Map<string, StreamSummary>();
  for (const [name, list] of runs) {
    const ms = median(list.map((r) => r.ms));
    const bytes = list[0]!.bytes;
    summary.set(name, {
      ms,
      mbps: bytes / 1e6 / (ms / 1000),
      eventsPerSec: median(list.map((r) => r.events / (r.ms / 1000))),
      addedRssMB: median(list.map((r) => r.addedRssMB)),
    });
  }
  const ours = summary.get("ours")!;
  table(
    ["contestant", "MB/s", "events/s", "added RSS MB", "time vs ours"],
    [...summary].map(([name, s]) => [name, fmt(s.mbps), `${fmt(s.eventsPerSec / 1e6, 2)} M`, fmt(s.addedRssMB), `${(s.ms / ours.ms).toFixed(2)}x`]),
  );
  return summary;
}

const SSE_NAMES = ["ours", "lower-bound", "eventsource-parser", "@anthropic-ai/sdk", "@ai-sdk/anthropic"];
const ES_NAMES = ["ours", "lower-bound", "@smithy/eventstream-codec", "@aws-sdk/client-bedrock-runtime", "@ai-sdk/amazon-bedrock"];

heading(`1. SSE decode and map: ${fmt(sse.body.length / 1e6)} MB Anthropic stream, 1-16 KB chunks (median of ${ROUNDS})`);
const section1: Record<string, Record<string, StreamSummary>> = {};
for (const runtime of ["bun", "node"] as const) {
  console.log(`\n${runtime === "bun" ? `Bun ${Bun.version}` : `Node ${results["node"]}`}:`);
  section1[runtime] = Object.fromEntries(streamSection("sse", SSE_NAMES, runtime));
}
results["sse"] = section1;
{
  const s = section1["bun"]!;
  const ours = s["ours"]!;
  const sdk = s["@anthropic-ai/sdk"]!;
  const lower = s["lower-bound"]!;
  verdict("SSE ≥ 1.3x @anthropic-ai/sdk (Bun)", ours.mbps >= 1.3 * sdk.mbps, `${fmt(ours.mbps)} vs ${fmt(sdk.mbps)} MB/s = ${(ours.mbps / sdk.mbps).toFixed(2)}x`);
  verdict("SSE within 1.8x of L (Bun)", lower.mbps / ours.mbps <= 1.8, `L ${fmt(lower.mbps)} / ours ${fmt(ours.mbps)} MB/s = ${(lower.mbps / ours.mbps).toFixed(2)}x`);
}

heading(`2. Event-stream decode and map: ${fmt(es.body.length / 1e6)} MB ConverseStream, 1-16 KB chunks (median of ${ROUNDS})`);
const section2: Record<string, Record<string, StreamSummary>> = {};
for (const runtime of ["bun", "node"] as const) {
  console.log(`\n${runtime === "bun" ? `Bun ${Bun.version}` : `Node ${results["node"]}`}:`);
  section2[runtime] = Object.fromEntries(streamSection("es", ES_NAMES, runtime));
}
results["eventStream"] = section2;
{
  const s = section2["bun"]!;
  const ours = s["ours"]!;
  const aws = s["@aws-sdk/client-bedrock-runtime"]!;
  verdict("Event-stream ≥ 5x AWS SDK (Bun, both CRCs)", ours.mbps >= 5 * aws.mbps, `${fmt(ours.mbps)} vs ${fmt(aws.mbps)} MB/s = ${(ours.mbps / aws.mbps).toFixed(2)}x`);
}

// ---------------------------------------------------------------------------------------------
// Loopback server and line reader for sections 3, 4 and 6

const e2eChunks = splitChunks(e2e.body, CHUNK_SEED);
const smallChunks = splitChunks(small.body, CHUNK_SEED);
const sseChunks = splitChunks(sse.body, CHUNK_SEED);
const enc = new TextEncoder();
const sseEvent = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const LAT_HEAD = enc.encode(
  sseEvent("message_start", {
    message: { id: "msg_lat", type: "message", role: "assistant", model: "claude-sonnet-4-5-20250929", content: [], usage: { input_tokens: 10, output_tokens: 1 } },
  }) + sseEvent("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
);
const LAT_FIRST = enc.encode(sseEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Hello" } }));
const LAT_REST = enc.encode(
  sseEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: " world" } }) +
    sseEvent("content_block_stop", { index: 0 }) +
    sseEvent("message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 3 } }) +
    sseEvent("message_stop", {}),
);
/** When the latency route wrote its first content event (performance.now()). */
let firstEventAt = 0;

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  idleTimeout: 60,
  async fetch(request) {
    await request.arrayBuffer();
    const path = new URL(request.url).pathname;
    const headers = { "content-type": "text/event-stream; charset=utf-8" };
    if (path.startsWith("/big/"))
      return new Response(
        bodyStream(e2eChunks, () => {}),
        { headers },
      );
    if (path.startsWith("/small/"))
      return new Response(
        bodyStream(smallChunks, () => {}),
        { headers },
      );
    if (path.startsWith("/full/"))
      return new Response(
        bodyStream(sseChunks, () => {}),
        { headers },
      );
    if (path.startsWith("/lat/")) {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(LAT_HEAD);
          await Bun.sleep(3);
          firstEventAt = performance.now();
          controller.enqueue(LAT_FIRST);
          await Bun.sleep(3);
          controller.enqueue(LAT_REST);
          controller.close();
        },
      });
      return new Response(body, { headers });
    }
    return new Response("not found", { status: 404 });
  },
});
const BASE = `http://127.0.0.1:${server.port}`;

interface Line {
  id?: number;
  success?: boolean;
  streaming?: boolean;
  data?: { type?: string };
}

/** A long-running bridge process: requests in, lines out, per-id listeners. */
class Bridge {
  readonly child: ChildProcessWithoutNullStreams;
  private pending = "";
  private readonly listeners = new Map<number, (line: Line, at: number) => void>();
  private nextId = 1;

  constructor(command: string) {
    this.child = spawn(command, [], { env: { PATH: process.env["PATH"] ?? "", HOME: scratch, PLUE_AUTH_FILE: "/nonexistent/plue-bench-auth.json" } });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (text: string) => {
      const at = performance.now();
      this.pending += text;
      let start = 0;
      let newline: number;
      while ((newline = this.pending.indexOf("\n", start)) !== -1) {
        const line = JSON.parse(this.pending.slice(start, newline)) as Line;
        start = newline + 1;
        if (line.id !== undefined) this.listeners.get(line.id)?.(line, at);
      }
      this.pending = this.pending.slice(start);
    });
    this.child.stderr.resume();
  }

  /** Sends a request; resolves with every line of its answer and the arrival time of each. */
  request(action: string, params: Record<string, unknown> = {}, provider = "anthropic"): Promise<{ lines: Line[]; times: number[]; sentAt: number }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const lines: Line[] = [];
      const times: number[] = [];
      const sentAt = performance.now();
      this.listeners.set(id, (line, at) => {
        lines.push(line);
        times.push(at);
        if (line.streaming !== true || line.data?.type === "done" || line.success === false) {
          this.listeners.delete(id);
          resolve({ lines, times, sentAt });
        }
      });
      this.child.stdin.write(`${JSON.stringify({ id, action, provider, params })}\n`);
    });
  }

  chat(route: string): Promise<{ lines: Line[]; times: number[]; sentAt: number }> {
    return this.request("stream_chat", {
      model: "claude-sonnet-4-5",
      base_url: `${BASE}/${route}`,
      credentials: { api_key: CANARY },
      messages: [{ role: "user", content: "Hi" }],
    });
  }

  pid(): number {
    return this.child.pid ?? -1;
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    await exited;
  }
}

/** VmRSS and VmHWM (peak) of a live process, in MiB. */
function procMemory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

// ---------------------------------------------------------------------------------------------
// Section 3: end to end through the binary

heading(`3. End to end: ${fmt(e2e.body.length / 1e6)} MB Anthropic stream over loopback → process → stdout reader (median of ${ROUNDS})`);
{
  const contestants: Record<string, string> = { ours: BINARY, "@anthropic-ai/sdk bridge": BRIDGE };
  const bridges = new Map(Object.entries(contestants).map(([name, command]) => [name, new Bridge(command)]));
  for (const bridge of bridges.values()) await bridge.chat("small"); // warm-up: connection, JIT
  const throughput = new Map<string, Array<{ lines: number; ms: number }>>([...bridges.keys()].map((n) => [n, []]));
  const names = [...bridges.keys()];
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length]!;
      const { lines, times, sentAt } = await bridges.get(name)!.chat("big");
      const last = lines[lines.length - 1];
      if (last?.data?.type !== "done") throw new Error(`${name}: big stream did not end with done: ${JSON.stringify(last)}`);
      throughput.get(name)!.push({ lines: lines.length - 1, ms: times[times.length - 1]! - sentAt });
    }
  }
  const latency = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let i = 0; i < LATENCY_REQUESTS; i++) {
    for (const name of i % 2 === 0 ? names : [...names].reverse()) {
      const { lines, times } = await bridges.get(name)!.chat("lat");
      const first = lines.findIndex((l) => l.data?.type === "content");
      if (first === -1) throw new Error(`${name}: no content line`);
      latency.get(name)!.push(times[first]! - firstEventAt);
    }
  }
  for (const bridge of bridges.values()) await bridge.close();
  const summary: Record<string, { chunksPerSec: number; usPerChunk: number; chunks: number; firstLineMs: number }> = {};
  for (const name of names) {
    const runs = throughput.get(name)!;
    const ms = median(runs.map((r) => r.ms));
    const chunks = runs[0]!.lines;
    summary[name] = { chunksPerSec: chunks / (ms / 1000), usPerChunk: (ms * 1000) / chunks, chunks, firstLineMs: median(latency.get(name)!) };
  }
  const ours = summary["ours"]!;
  table(
    ["contestant", "chunks", "chunks/s", "µs/chunk", "MB/s", "first event → first line (median ms)"],
    Object.entries(summary).map(([name, s]) => [
      name,
      String(s.chunks),
      `${fmt(s.chunksPerSec / 1000, 1)} k`,
      fmt(s.usPerChunk, 2),
      fmt(e2e.body.length / 1e6 / (s.chunks / s.chunksPerSec)),
      fmt(s.firstLineMs, 3),
    ]),
  );
  results["endToEnd"] = summary;
  const sdk = summary["@anthropic-ai/sdk bridge"]!;
  verdict("End to end ≥ 1.5x @anthropic-ai/sdk bridge", ours.chunksPerSec >= 1.5 * sdk.chunksPerSec, `${(ours.chunksPerSec / sdk.chunksPerSec).toFixed(2)}x chunks/s`);
  verdict("First event → first stdout line < 1 ms (median)", ours.firstLineMs < 1, `${fmt(ours.firstLineMs, 3)} ms (SDK bridge ${fmt(sdk.firstLineMs, 3)} ms)`);
}

// ---------------------------------------------------------------------------------------------
// Section 4: cold start

heading(`4. Cold start: spawn → first stdout line, and RSS once it is there (median of ${SPAWNS} spawns)`);
/**
 * Time from spawn to the first stdout line (to exit for the empty binary),
 * and VmRSS read from /proc right then, while the process still waits on stdin.
 */
async function coldStart(command: string, input: string | undefined): Promise<{ ms: number; rssMB: number }> {
  const env = { PATH: process.env["PATH"] ?? "", HOME: scratch, PLUE_AUTH_FILE: "/nonexistent/plue-bench-auth.json" };
  const start = performance.now();
  const child = Bun.spawn({ cmd: [command], stdin: "pipe", stdout: "pipe", stderr: "ignore", env });
  if (input !== undefined) {
    child.stdin.write(input);
    void child.stdin.flush();
  }
  const reader = child.stdout.getReader();
  let text = "";
  let ms = Number.NaN;
  let rssMB = Number.NaN;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    if (text.includes("\n")) {
      ms = performance.now() - start;
      try {
        rssMB = procMemory(child.pid).rss;
      } catch {
        // Exited already (the print-one-line binary): no RSS to read.
      }
      break;
    }
  }
  if (Number.isNaN(ms)) ms = performance.now() - start; // the empty binary: to exit
  void child.stdin.end();
  reader.releaseLock();
  await child.exited;
  return { ms, rssMB };
}
{
  const ping = `${JSON.stringify({ id: 1, action: "ping" })}\n`;
  const countParams = { model: "gpt-4o", messages: [{ role: "user", content: "How many tokens is this sentence, exactly?" }] };
  const countTokens = `${JSON.stringify({ id: 1, action: "count_tokens", provider: "openai", params: countParams })}\n`;
  const REF_TIME = "bare: print one line";
  const REF_RSS = "bare: answer one stdin line (Bun.stdin)";
  const cases: Array<[string, string, string | undefined]> = [
    ["bare: empty file (to exit)", BARE, undefined],
    [REF_TIME, BARE_PRINT, undefined],
    [REF_RSS, BARE_LINE_BUN, "x\n"],
    ["bare: answer one stdin line (node:process streams)", BARE_LINE_NODE, "x\n"],
    ["ours: ping", BINARY, ping],
    ["ours --bytecode: ping", BYTECODE, ping],
    ["ours: first count_tokens (o200k)", BINARY, countTokens],
    ["ours --bytecode: first count_tokens", BYTECODE, countTokens],
    ["AI SDK stack: one line", AI_STACK, "x\n"],
    ["official SDKs stack: one line", OFFICIAL_STACK, "x\n"],
  ];
  for (const [, command, input] of cases) await coldStart(command, input); // page cache
  const runs = new Map<string, Array<{ ms: number; rssMB: number }>>(cases.map(([n]) => [n, []]));
  for (let i = 0; i < SPAWNS; i++) for (const [name, command, input] of cases) runs.get(name)!.push(await coldStart(command, input));
  const summary: Record<string, { ms: number; rssMB: number }> = {};
  for (const [name, list] of runs) summary[name] = { ms: median(list.map((r) => r.ms)), rssMB: median(list.map((r) => r.rssMB)) };
  // In a running process: count_tokens right after ping (the encoder's first build), then again.
  const bridge = new Bridge(BINARY);
  await bridge.request("ping");
  const readyRss = procMemory(bridge.pid()).rss;
  const first = await bridge.request("count_tokens", countParams, "openai");
  const afterCountRss = procMemory(bridge.pid()).rss;
  const second = await bridge.request("count_tokens", countParams, "openai");
  await bridge.close();
  const firstMs = first.times[0]! - first.sentAt;
  const secondMs = second.times[0]! - second.sentAt;
  const refTime = summary[REF_TIME]!;
  const refRss = summary[REF_RSS]!;
  table(
    ["", "ms", `vs "${REF_TIME}"`, "RSS MiB", `vs "${REF_RSS}"`],
    Object.entries(summary).map(([name, s]) => [
      name,
      fmt(s.ms, 1),
      `${(s.ms / refTime.ms).toFixed(2)}x`,
      fmt(s.rssMB, 1),
      Number.isNaN(s.rssMB) ? "-" : `${(s.rssMB / refRss.rssMB).toFixed(2)}x`,
    ]),
  );
  console.log(
    `\nin a running process: RSS after ping ${fmt(readyRss)} MiB; first count_tokens ${fmt(firstMs, 1)} ms (encoder built), RSS then ${fmt(afterCountRss)} MiB; second ${fmt(secondMs, 2)} ms`,
  );
  results["coldStart"] = { ...summary, inProcess: { readyRss, afterCountRss, firstCountMs: firstMs, secondCountMs: secondMs } };
  const ours = summary["ours: ping"]!;
  const bytecode = summary["ours --bytecode: ping"]!;
  const best = bytecode.ms < ours.ms ? { name: "--bytecode", ...bytecode } : { name: "plain", ...ours };
  verdict(
    "Cold start: ping within 1.5x bare",
    best.ms <= 1.5 * refTime.ms,
    `${best.name} ${fmt(best.ms, 1)} ms vs bare print-one-line ${fmt(refTime.ms, 1)} ms = ${(best.ms / refTime.ms).toFixed(2)}x`,
  );
  verdict("Cold start: RSS at ready within 2x bare", best.rssMB <= 2 * refRss.rssMB, `${fmt(best.rssMB)} vs ${fmt(refRss.rssMB)} MiB = ${(best.rssMB / refRss.rssMB).toFixed(2)}x`);
  verdict(
    "Tokenizer never built at start-up (built once, on first need)",
    afterCountRss - readyRss > 20 && firstMs > 10 * secondMs,
    `RSS after ping ${fmt(readyRss)} MiB, after first count_tokens ${fmt(afterCountRss)} MiB; first count ${fmt(firstMs, 1)} ms, second ${fmt(secondMs, 2)} ms`,
  );
}

// ---------------------------------------------------------------------------------------------
// Section 5: token counting

heading(`5. Token counting, o200k_base, ${QUICK ? "0.3" : "1"} M-char prose+code corpus (Bun, median of ${ROUNDS})`);
{
  const names = ["ours", "js-tiktoken", "gpt-tokenizer", "tiktoken (WASM)"];
  const runs = interleaved(names, ROUNDS, (name) => worker("bun", ["tokens", name, CORPUS_FILE]));
  const summary: Record<string, { initMs: number; initRssMB: number; warmMs: number; tokensPerSec: number; tokens: number }> = {};
  for (const [name, list] of runs) {
    const warmMs = median(list.map((r) => r["warmMs"] as number));
    summary[name] = {
      initMs: median(list.map((r) => r["initMs"] as number)),
      initRssMB: median(list.map((r) => r["initRssMB"] as number)),
      warmMs,
      tokens: list[0]!["tokens"] as number,
      tokensPerSec: (list[0]!["tokens"] as number) / (warmMs / 1000),
    };
  }
  const counts = new Set(Object.values(summary).map((s) => s.tokens));
  const ours = summary["ours"]!;
  table(
    ["contestant", "init ms", "init RSS MiB", "warm M tokens/s", "warm time vs ours", "tokens"],
    Object.entries(summary).map(([name, s]) => [name, fmt(s.initMs), fmt(s.initRssMB), fmt(s.tokensPerSec / 1e6, 2), `${(s.warmMs / ours.warmMs).toFixed(2)}x`, String(s.tokens)]),
  );
  if (counts.size !== 1) console.log(`WARNING: contestants disagree on the token count: ${[...counts].join(", ")}`);
  const recounts = runs.get("ours")!.map((r) => r["recount"] as { firstMs: number; recountMs: number; chars: number });
  const recount = { firstMs: median(recounts.map((r) => r.firstMs)), recountMs: median(recounts.map((r) => r.recountMs)), chars: recounts[0]!.chars };
  console.log(
    `\n100-message conversation (${fmt(recount.chars / 1000, 0)} k chars): first count ${fmt(recount.firstMs, 2)} ms; recount with one new message ${fmt(recount.recountMs, 3)} ms`,
  );
  results["tokens"] = { ...summary, recount };
  const tiktoken = summary["js-tiktoken"]!;
  verdict("Tokens: warm counting within 1.05x js-tiktoken", ours.warmMs <= 1.05 * tiktoken.warmMs, `${(ours.warmMs / tiktoken.warmMs).toFixed(2)}x its time`);
  verdict("Tokens: recount of 100 messages, one new, < 2 ms", recount.recountMs < 2, `${fmt(recount.recountMs, 3)} ms`);
  verdict("Tokens: all contestants agree on the count", counts.size === 1, [...counts].join(", "));
}

// Issue 15 item 5: counting never stalls the process. 10 MB texts without a line break, counted
// through the binary while a ping goes out every 5 ms; the ping's round trip is what another
// request would wait.
heading(`5b. count_tokens of ${QUICK ? 4 : 10} MB unbroken text through the binary, pings every 5 ms`);
{
  const size = QUICK ? 4 * MB : 10 * MB;
  const fill = (unit: string): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed >> 16;
  };
  const texts: Array<[string, string]> = [
    ["minified JS (typescript.js, all whitespace removed)", fill(readFileSync(join(ROOT, "node_modules", "typescript", "lib", "typescript.js"), "utf8").replace(/\s+/g, ""))],
    ["base64 blob (random bytes)", Buffer.from(Uint8Array.from({ length: (size * 3) / 4 }, () => random() & 0xff)).toString("base64")],
    ["one letter repeated", fill("a")],
    ["random lowercase letters (slowest to merge)", Array.from({ length: size }, () => String.fromCharCode(97 + (random() % 26))).join("")],
  ];
  const routes: Array<[string, string, string]> = [
    ["gpt-4o (tokenizer)", "openai", "gpt-4o"],
    ["claude-sonnet-4-5 (estimate, no key)", "anthropic", "claude-sonnet-4-5"],
  ];
  const rows: string[][] = [];
  const figures: Record<string, unknown> = {};
  let worstCountMs = 0;
  let worstPingMs = 0;
  for (const [routeName, provider, model] of routes) {
    for (const [textName, text] of texts) {
      const bridge = new Bridge(BINARY);
      await bridge.request("ping");
      // The tokenizer's first build is measured in section 4, not here.
      await bridge.request("count_tokens", { model, messages: [{ role: "user", content: "warm up" }] }, provider);
      const readyRss = procMemory(bridge.pid()).rss;
      let peakRss = readyRss;
      const pings: number[] = [];
      let counting = true;
      const pinger = (async () => {
        while (counting) {
          const answer = await bridge.request("ping");
          pings.push(answer.times[0]! - answer.sentAt);
          peakRss = Math.max(peakRss, procMemory(bridge.pid()).rss);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const answer = await bridge.request("count_tokens", { model, messages: [{ role: "user", content: text }] }, provider);
      counting = false;
      await pinger;
      await bridge.close();
      const countMs = answer.times[0]! - answer.sentAt;
      const result = (answer.lines[0] as { data?: { input_tokens?: number; exact?: boolean } }).data;
      const maxPing = Math.max(...pings);
      worstCountMs = Math.max(worstCountMs, countMs);
      worstPingMs = Math.max(worstPingMs, maxPing);
      figures[`${routeName}: ${textName}`] = { countMs, pings: pings.length, maxPingMs: maxPing, medianPingMs: median(pings), addedRssMB: peakRss - readyRss, result };
      rows.push([
        routeName,
        textName,
        fmt(countMs, 0),
        String(pings.length),
        fmt(median(pings), 1),
        fmt(maxPing, 1),
        fmt(peakRss - readyRss),
        `${result?.input_tokens} ${result?.exact}`,
      ]);
    }
  }
  table(["route", "text", "count ms", "pings", "median ping ms", "max ping ms", "added RSS MiB", "tokens exact"], rows);
  results["tokensNeverBlock"] = figures;
  verdict(`Tokens: a ${fmt(size / MB, 0)} MB unbroken count < 2 s`, worstCountMs < 2000, `slowest ${fmt(worstCountMs, 0)} ms`);
  verdict("Tokens: ping answered within 50 ms while counting", worstPingMs < 50, `slowest ping ${fmt(worstPingMs, 1)} ms`);
}

// ---------------------------------------------------------------------------------------------
// Section 6: memory

heading("6. Memory");
{
  const inProcess = interleaved(["ours"], ROUNDS, () => worker("bun", ["stream100", "ours", SSE_FILE, String(CHUNK_SEED)]));
  const added100 = median(inProcess.get("ours")!.map((r) => r["addedRssMB"] as number));
  const oursSse = section1["bun"]!["ours"]!;
  const sdkMax = Math.max(...SSE_NAMES.filter((n) => n.startsWith("@")).map((n) => section1["bun"]![n]!.addedRssMB));
  const sdkMin = Math.min(...SSE_NAMES.filter((n) => n.startsWith("@")).map((n) => section1["bun"]![n]!.addedRssMB));
  console.log(
    `in-process, Bun: added RSS streaming ${fmt(sse.body.length / 1e6)} MB: ${fmt(oursSse.addedRssMB)} MiB (SDKs ${fmt(sdkMin)}-${fmt(sdkMax)}, lower bound ${fmt(section1["bun"]!["lower-bound"]!.addedRssMB)})`,
  );
  console.log(`in-process, Bun: added RSS streaming 100 MB (repeated streams): ${fmt(added100)} MiB`);
  // What the added RSS is made of: garbage JSC has not collected yet. With its RAM-size hint lowered it collects sooner.
  const hinted = spawnSync(BUN, [join(BENCH, "worker.ts"), "sse", "ours", SSE_FILE, String(CHUNK_SEED), "2"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, BUN_JSC_forceRAMSize: String(256 * MB) },
  });
  const hintedRss = (JSON.parse(hinted.stdout.trim().split("\n").pop() ?? "{}") as { addedRssMB?: number }).addedRssMB ?? Number.NaN;
  console.log(`in-process, Bun with BUN_JSC_forceRAMSize=256 MiB: added RSS streaming ${fmt(sse.body.length / 1e6)} MB: ${fmt(hintedRss)} MiB`);

  const concurrent = QUICK ? 50 : 200;
  const rows: string[][] = [];
  const singleRows: string[][] = [];
  const memory: Record<string, unknown> = { added33MB: oursSse.addedRssMB, added100MB: added100, added33MBWithRamHint: hintedRss };
  for (const [name, command] of [
    ["ours", BINARY],
    ["@anthropic-ai/sdk bridge", BRIDGE],
  ] as const) {
    // One stream of the section-1 data through the process: its peak RSS over the RSS at ready.
    const single = new Bridge(command);
    await single.request("ping");
    const before = procMemory(single.pid());
    const one = await single.chat("full");
    const afterOne = procMemory(single.pid());
    await single.close();
    if (one.lines[one.lines.length - 1]?.data?.type !== "done") throw new Error(`${name}: the full stream did not end with done`);
    singleRows.push([name, fmt(before.rss), fmt(afterOne.hwm), fmt(afterOne.hwm - before.rss)]);

    const bridge = new Bridge(command);
    await bridge.request("ping");
    const ready = procMemory(bridge.pid());
    const start = performance.now();
    const answers = await Promise.all(Array.from({ length: concurrent }, () => bridge.chat("small")));
    const ms = performance.now() - start;
    const after = procMemory(bridge.pid());
    await bridge.close();
    const failed = answers.filter((a) => a.lines[a.lines.length - 1]?.data?.type !== "done").length;
    if (failed > 0) throw new Error(`${name}: ${failed} of ${concurrent} concurrent streams failed`);
    const total = (small.body.length * concurrent) / 1e6;
    rows.push([name, fmt(ready.rss), fmt(after.hwm), fmt(after.hwm - ready.rss), fmt(ms, 0), fmt(total / (ms / 1000))]);
    memory[name] = {
      singleReadyMB: before.rss,
      singlePeakMB: afterOne.hwm,
      singleAddedMB: afterOne.hwm - before.rss,
      readyMB: ready.rss,
      peakMB: after.hwm,
      addedMB: after.hwm - ready.rss,
      ms,
    };
  }
  console.log(`\none ${fmt(sse.body.length / 1e6)} MB stream (the section 1 data) through the process (loopback):`);
  table(["process", "RSS ready MiB", "peak MiB", "added MiB"], singleRows);
  console.log(`\n${concurrent} concurrent streams of ${fmt(small.body.length / 1e6, 2)} MB through the process (loopback):`);
  table(["process", "RSS ready MiB", "peak MiB", "added MiB", "ms", "MB/s"], rows);
  results["memory"] = memory;
  const ours = memory["ours"] as { peakMB: number; addedMB: number; singleAddedMB: number };
  verdict(
    `Memory: added RSS streaming ${fmt(sse.body.length / 1e6)} MB ≤ 30 MB (Bun)`,
    ours.singleAddedMB <= 30 && oursSse.addedRssMB <= 30,
    `binary ${fmt(ours.singleAddedMB)} MiB; in-process ${fmt(oursSse.addedRssMB)} MiB (lower bound L ${fmt(section1["bun"]!["lower-bound"]!.addedRssMB)}, with JSC RAM hint ${fmt(hintedRss)})`,
  );
  verdict(`Memory: ${concurrent} concurrent streams < 150 MB`, ours.peakMB < 150, `peak RSS ${fmt(ours.peakMB)} MiB (added ${fmt(ours.addedMB)})`);
}

// ---------------------------------------------------------------------------------------------
// Section 7: size

heading("7. Size");
{
  const size = (path: string): number => statSync(path).size;
  const bundle = (entry: string, out: string, external: string[] = []): number => {
    sh(BUN, ["build", entry, "--minify", "--target", "node", "--outfile", out, ...external.flatMap((e) => ["--external", e])]);
    return size(out);
  };
  const bare = size(BARE);
  // Our code alone: dependencies external, and the packed rank data (src/tokens/ranks/*, string literals) subtracted.
  const packedRanks = PACKED_O200K.data.length + PACKED_CL100K.data.length;
  const ownBundle = bundle(join(SRC_ROOT, "src", "main.ts"), join(scratch, "own.mjs"), ["js-tiktoken", "aws4fetch", "jose"]);
  const ownCode = ownBundle - packedRanks;
  const rankFiles = ["o200k_base", "cl100k_base"].map((name) => join(ROOT, "node_modules", "js-tiktoken", "dist", "ranks", `${name}.js`));
  const ranks = rankFiles.reduce((sum, file) => sum + size(file), 0);
  const ranksGz = rankFiles.reduce((sum, file) => sum + Bun.gzipSync(readFileSync(file), { level: 9 }).length, 0);
  const rows: Array<[string, number, number, number]> = [
    ["ours", size(BINARY), size(BINARY) - bare, size(join(ROOT, "dist", "plue-ai-provider.mjs"))],
    ["ours --bytecode", size(BYTECODE), size(BYTECODE) - bare, Number.NaN],
    ["AI SDK stack (ai, @ai-sdk/anthropic, @ai-sdk/amazon-bedrock)", size(AI_STACK), size(AI_STACK) - bare, bundle(join(BENCH, "stacks", "ai-sdk.ts"), join(scratch, "ai.mjs"))],
    [
      "official SDKs (@anthropic-ai/sdk, openai, @aws-sdk/client-bedrock-runtime)",
      size(OFFICIAL_STACK),
      size(OFFICIAL_STACK) - bare,
      bundle(join(BENCH, "stacks", "official.ts"), join(scratch, "official.mjs")),
    ],
  ];
  const mb = (n: number): string => (Number.isFinite(n) ? `${(n / 1e6).toFixed(2)} MB` : "-");
  table(
    ["", "binary", "payload (minus bare)", "minified bundle"],
    rows.map(([name, bin, payload, min]) => [name, mb(bin), mb(payload), mb(min)]),
  );
  console.log(`\nbare Bun binary ${mb(bare)}; our own code minified (deps external, rank data excluded) ${(ownCode / 1000).toFixed(0)} KB`);
  console.log(`rank data o200k+cl100k: js-tiktoken's ${mb(ranks)} (${mb(ranksGz)} gzipped); ours packed ${mb(packedRanks)} (deflate-raw, base-85 text), inflated on first use`);
  const payload = size(BINARY) - bare;
  results["size"] = { bare, ownCode, packedRanks, ranks, ranksGz, rows };
  verdict("Size: own code < 250 KB minified", ownCode < 250_000, `${(ownCode / 1000).toFixed(0)} KB`);
  verdict("Size: payload < 4 MB (both encodings)", payload < 4e6, mb(payload));
  verdict("Size: payload < 2 MB (compressed rank data)", payload < 2e6, mb(payload));
}

// ---------------------------------------------------------------------------------------------

void server.stop(true);
rmSync(scratch, { recursive: true, force: true });
heading("Targets");
for (const v of verdicts) console.log(`${v.pass ? "PASS" : "FAIL"}  ${v.target}: ${v.detail}`);
results["verdicts"] = verdicts;
if (JSON_OUT !== undefined) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));

/**
 * One contestant, one fresh process: `worker <section> <contestant> <data file> [chunk seed] [passes]`.
 * Prints one JSON line. Runs under Bun (`bun test/bench/worker.ts`) and under
 * Node (bundled by run.ts with `bun build --target node`).
 *
 * Sections:
 * - sse, es: the first pass measures the added RSS (peak, sampled every 64
 *   chunks, minus the RSS after loading the data) and its time; with
 *   passes > 1 the last pass is timed instead (warm JIT). run.ts uses one
 *   pass: over 30 MB the JIT's warm-up is part of what a real stream costs.
 * - stream100: ours only, the SSE data fed again and again (new decoder and
 *   mapper per stream) until 100 MB went through; added RSS.
 * - tokens: encoder init time (module load included), warm count time, added RSS.
 */
import { readFileSync } from "node:fs";
import { ES_CONTESTANTS, SSE_CONTESTANTS, type Contestant } from "./contestants.ts";
import { splitChunks } from "./data.ts";
import { TOKEN_CONTESTANTS } from "./tokenizers.ts";

const [section = "", name = "", file = "", seedText = "1", passesText = "1"] = process.argv.slice(2);

function gc(): void {
  const g = globalThis as { Bun?: { gc(full: boolean): void }; gc?: () => void };
  if (g.Bun !== undefined) g.Bun.gc(true);
  else g.gc?.();
}
const rss = (): number => process.memoryUsage().rss;
const MB = 1024 * 1024;

async function streamSection(contestants: Record<string, Contestant>): Promise<unknown> {
  const contestant = contestants[name];
  if (contestant === undefined) throw new Error(`unknown contestant ${name}`);
  const body = new Uint8Array(readFileSync(file));
  const chunks = splitChunks(body, Number(seedText));
  const passes = Math.max(1, Number(passesText));
  gc();
  const base = rss();
  let peak = base;
  let n = 0;
  const sample = (): void => {
    if ((n++ & 63) === 0) {
      const now = rss();
      if (now > peak) peak = now;
    }
  };
  let start = performance.now();
  let events = await contestant(chunks, sample);
  let ms = performance.now() - start;
  peak = Math.max(peak, rss());
  for (let pass = 1; pass < passes; pass++) {
    gc();
    start = performance.now();
    events = await contestant(chunks, () => {});
    ms = performance.now() - start;
  }
  return { ms, events, bytes: body.length, chunks: chunks.length, addedRssMB: (peak - base) / MB };
}

async function stream100(): Promise<unknown> {
  const contestant = SSE_CONTESTANTS[name];
  if (contestant === undefined) throw new Error(`unknown contestant ${name}`);
  const body = new Uint8Array(readFileSync(file));
  const chunks = splitChunks(body, Number(seedText));
  gc();
  const base = rss();
  let peak = base;
  let n = 0;
  const sample = (): void => {
    if ((n++ & 63) === 0) peak = Math.max(peak, rss());
  };
  let bytes = 0;
  let events = 0;
  const start = performance.now();
  while (bytes < 100e6) {
    events += await contestant(chunks, sample);
    bytes += body.length;
  }
  const ms = performance.now() - start;
  peak = Math.max(peak, rss());
  return { ms, events, bytes, addedRssMB: (peak - base) / MB };
}

async function tokens(): Promise<unknown> {
  const contestant = TOKEN_CONTESTANTS[name];
  if (contestant === undefined) throw new Error(`unknown tokenizer ${name}`);
  const corpus = readFileSync(file, "utf8");
  // Timed on a second corpus of the same kind: a cache filled by the warm-up pass must not count as speed.
  const fresh = readFileSync(file.replace(/\.txt$/, "-b.txt"), "utf8");
  gc();
  const base = rss();
  const start = performance.now();
  const count = await contestant.init();
  const initMs = performance.now() - start;
  const initRssMB = (rss() - base) / MB;
  count(corpus); // cold pass: warms the JIT
  gc();
  const t0 = performance.now();
  const tokens = count(fresh);
  const warmMs = performance.now() - t0;
  const result: Record<string, unknown> = { initMs, initRssMB, warmMs, tokens, chars: fresh.length };
  if (contestant.recount !== undefined) result["recount"] = await contestant.recount();
  return result;
}

const run: Record<string, () => Promise<unknown>> = {
  sse: () => streamSection(SSE_CONTESTANTS),
  es: () => streamSection(ES_CONTESTANTS),
  stream100,
  tokens,
};
const job = run[section];
if (job === undefined) throw new Error(`unknown section ${section}`);
console.log(JSON.stringify(await job()));

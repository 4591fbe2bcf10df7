// The calibration fit, shared by fit.ts (writes src/tokens/family-constants.json)
// and test/tokens/family-estimate.test.ts (recomputes the held-out errors).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChatParams } from "../../../src/protocol/chat.ts";
import { type Family, familyOf } from "../../../src/tokens/families.ts";
import { applyConstants, type Constants, FEATURES, type Features, requestFeatures } from "../../../src/tokens/family-estimate.ts";
import { getEncoder } from "../../../src/tokens/tiktoken.ts";

export const PAIRS_DIR = join(import.meta.dir, "..", "..", "fixtures", "tokens", "pairs");

export interface Pair {
  id: string;
  provider: string;
  dialect: string;
  endpoint: string;
  model: string;
  billed: number;
  has_images: boolean;
  params: ChatParams;
  source: { corpus_file: string; repo?: string; path?: string; commit?: string; license?: string };
}

export function loadPairs(): Pair[] {
  const out: Pair[] = [];
  for (const name of readdirSync(PAIRS_DIR).sort()) {
    if (name.endsWith(".json")) out.push(...(JSON.parse(readFileSync(join(PAIRS_DIR, name), "utf8")) as { pairs: Pair[] }).pairs);
  }
  return out;
}

/** Families counted with OpenAI's tokenizer and chat-tokens.ts, not estimated. */
export const TOKENIZER_FAMILIES: ReadonlySet<Family> = new Set(["openai", "gpt-oss"]);

export interface Sample {
  pair: Pair;
  family: Family;
  file: string;
  features: Features;
}

/** The pairs the estimate is fitted on: families without a tokenizer, requests without images (counted apart). */
export async function estimationSamples(pairs: readonly Pair[]): Promise<Sample[]> {
  const encoder = await getEncoder("o200k_base");
  return pairs
    .map((pair) => ({ pair, family: familyOf(pair.model) }))
    .filter(({ pair, family }) => !TOKENIZER_FAMILIES.has(family) && !pair.has_images)
    .map(({ pair, family }) => ({ pair, family, file: pair.source.corpus_file, features: requestFeatures(pair.params, encoder) }));
}

/** Where every fit starts: o200k text as is, a Chat-Completions-like 3 tokens of framing per message and per request. */
export const GENERIC_PRIOR: Constants = { text: 1, reasoning: 0.5, messages: 3, blocks: 3, tool_defs: 1, tools: 0, has_tools: 0, thinking: 0, signatures: 0, one: 3 };

/**
 * Ridge strength: how many pairs' worth of evidence the prior counts for,
 * per constant. Small families stay near the pooled fit; large ones move.
 */
export const PRIOR_WEIGHT = 2;

/**
 * Least squares on relative error (each row divided by the billed count, so
 * a 10-token miss on a 20-token request weighs as much as 500 on 1,000),
 * pulled toward `prior` with PRIOR_WEIGHT.
 */
export function fit(samples: readonly Sample[], prior: Constants): Constants {
  // No provider bills negative tokens for anything: a constant the fit drives below zero is pinned at 0 and the rest refitted.
  const pinned = new Set<number>();
  for (;;) {
    const solution = fitWith(samples, prior, pinned);
    const negative = solution.findIndex((v, i) => v < 0 && !pinned.has(i));
    if (negative < 0) return Object.fromEntries(FEATURES.map((f, i) => [f, round(solution[i]!)])) as Constants;
    pinned.add(negative);
  }
}

function fitWith(samples: readonly Sample[], prior: Constants, pinned: ReadonlySet<number>): number[] {
  const k = FEATURES.length;
  const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  const scale = new Array<number>(k).fill(0);
  for (const s of samples) {
    const x = FEATURES.map((f) => s.features[f] / s.pair.billed);
    const y = 1;
    for (let i = 0; i < k; i++) {
      scale[i]! += x[i]! * x[i]!;
      b[i]! += x[i]! * y;
      for (let j = 0; j < k; j++) a[i]![j]! += x[i]! * x[j]!;
    }
  }
  for (let i = 0; i < k; i++) {
    // The prior weighs as PRIOR_WEIGHT typical rows of this column; a column never seen keeps its prior.
    const lambda = PRIOR_WEIGHT * Math.max(scale[i]! / Math.max(samples.length, 1), 1e-6);
    a[i]![i]! += lambda;
    b[i]! += lambda * Math.max(0, prior[FEATURES[i]!]);
  }
  for (const i of pinned) {
    for (let j = 0; j < k; j++) a[i]![j]! = a[j]![i]! = 0;
    a[i]![i]! = 1;
    b[i]! = 0;
  }
  return solve(a, b);
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** Gaussian elimination with partial pivoting (the system is small and positive definite). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const factor = m[r]![c]! / m[c]![c]!;
      for (let j = c; j <= n; j++) m[r]![j]! -= factor * m[c]![j]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Families with fewer pairs than this get no constants of their own: they use the pooled fit ("other"). */
export const MIN_FAMILY_PAIRS = 5;

export type Table = Record<string, Constants>;

/** The pooled fit over every family ("other"), then each family with enough pairs pulled toward it. */
export function fitTable(samples: readonly Sample[]): Table {
  const pooled = fit(samples, GENERIC_PRIOR);
  const table: Table = { other: pooled };
  const families = new Set(samples.map((s) => s.family));
  for (const family of [...families].sort()) {
    const own = samples.filter((s) => s.family === family);
    if (own.length >= MIN_FAMILY_PAIRS) table[family] = fit(own, pooled);
  }
  return table;
}

export function predict(table: Table, sample: Sample): number {
  return applyConstants(sample.features, table[sample.family] ?? (table["other"] as Constants));
}

/** Signed relative error of each sample, with its recording file held out of the fit that predicts it. */
export function heldOutErrors(samples: readonly Sample[]): Array<{ sample: Sample; error: number }> {
  const out: Array<{ sample: Sample; error: number }> = [];
  for (const file of new Set(samples.map((s) => s.file))) {
    const table = fitTable(samples.filter((s) => s.file !== file));
    for (const s of samples) if (s.file === file) out.push({ sample: s, error: (predict(table, s) - s.pair.billed) / s.pair.billed });
  }
  return out;
}

export interface Summary {
  pairs: number;
  median: number;
  p90: number;
  bias: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function summarize(errors: readonly number[]): Summary {
  const abs = errors.map(Math.abs).sort((x, y) => x - y);
  const signed = [...errors].sort((x, y) => x - y);
  return { pairs: errors.length, median: quantile(abs, 0.5), p90: quantile(abs, 0.9), bias: quantile(signed, 0.5) };
}

// The calibration fit, shared by fit.ts (writes src/tokens/family-constants.json)
// and test/tokens/family-estimate.test.ts (recomputes the held-out errors).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChatParams } from "../../../src/protocol/chat.ts";
import { type Family, familyOf } from "../../../src/tokens/families.ts";
import { applyConstants, type Constants, type Feature, FEATURES, type Features, lookup, requestFeatures } from "../../../src/tokens/family-estimate.ts";
import { getEncoder } from "../../../src/tokens/tiktoken.ts";

export const PAIRS_DIR = join(import.meta.dir, "..", "..", "fixtures", "tokens", "pairs");

export interface Pair {
  id: string;
  provider: string;
  host: string;
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
export const GENERIC_PRIOR: Constants = {
  text: 1,
  reasoning: 0.5,
  messages: 3,
  blocks: 3,
  tool_defs: 1,
  tool_words: 0,
  tools: 0,
  has_tools: 0,
  thinking: 0,
  signatures: 0,
  past_signatures: 0,
  streamed_signatures: 0,
  assistant_first: 0,
  one: 3,
};

/**
 * Each family's tokenizer against o200k on the same text, where measured:
 * Claude about 1.1x, GLM 1.4x, Grok 1.5x (provider-facts-2026 §9.1, from
 * recordings); Claude Sonnet 5's new tokenizer "roughly 30% more" than the
 * previous one (§9.1, docs.oxen.ai). Others start at 1.
 */
export const TEXT_RATIO: Partial<Record<Family, number>> = { claude: 1.1, "claude-haiku-4.5": 1.1, glm: 1.4, grok: 1.5 };

/**
 * Families with too few recordings of their own that inherit a
 * predecessor's constants: Claude 5.x keeps Claude's templates (the tool-use
 * system prompt) with a tokenizer about 1.3x the old one (§9.1).
 */
const PARENT: Partial<Record<Family, { family: Family; textScale: number }>> = { "claude-5": { family: "claude", textScale: 1.3 } };

/**
 * Ridge strength: how many pairs' worth of evidence the prior counts for,
 * per constant. The text scale is held near its measured ratio (most
 * recorded requests are short, where a scale and a constant cannot be told
 * apart); the framing constants move freely. Chosen by the held-out error:
 * weights 0.25 to 1 and 5 to 200 were tried, 0.5 and 200 gave the lowest median over all families.
 */
const PRIOR_WEIGHT = 0.5;
const TEXT_PRIOR_WEIGHT = 200;

/**
 * Least squares on relative error (each row divided by the billed count, so
 * a 10-token miss on a 20-token request weighs as much as 500 on 1,000),
 * pulled toward `prior` with PRIOR_WEIGHT (TEXT_PRIOR_WEIGHT for the text scale).
 */
/**
 * What a constant can be. No provider bills negative tokens for anything;
 * a scale (tokens billed per o200k token of text, reasoning or tool JSON, per
 * 4 characters of signature) stays within 2, as tokenizers do (Grok, the
 * least frugal measured, is 1.5x). Beyond these a few odd recordings would
 * turn a family's scale into nonsense that long requests then multiply.
 */
const BOUNDS: Record<Feature, readonly [number, number]> = {
  text: [0.5, 2],
  reasoning: [0, 2],
  messages: [0, Number.POSITIVE_INFINITY],
  blocks: [0, Number.POSITIVE_INFINITY],
  tool_defs: [0, 2],
  tool_words: [0, 2],
  tools: [0, Number.POSITIVE_INFINITY],
  has_tools: [0, Number.POSITIVE_INFINITY],
  thinking: [0, Number.POSITIVE_INFINITY],
  signatures: [0, 2],
  past_signatures: [0, 2],
  streamed_signatures: [0, 2],
  assistant_first: [0, Number.POSITIVE_INFINITY],
  one: [0, Number.POSITIVE_INFINITY],
};

/** Bounded least squares by active set: a constant the fit drives out of its bounds is pinned at the bound and the rest refitted. */
export function fit(samples: readonly Sample[], prior: Constants, fixed: Partial<Constants> = {}): Constants {
  const pinned = new Map<number, number>();
  FEATURES.forEach((f, i) => {
    const value = fixed[f];
    if (value !== undefined) pinned.set(i, value);
  });
  for (;;) {
    const solution = fitWith(samples, prior, pinned);
    const out = solution.findIndex((v, i) => !pinned.has(i) && (v < BOUNDS[FEATURES[i]!][0] || v > BOUNDS[FEATURES[i]!][1]));
    if (out < 0) return Object.fromEntries(FEATURES.map((f, i) => [f, round(solution[i]!)])) as Constants;
    const [low, high] = BOUNDS[FEATURES[out]!];
    pinned.set(out, solution[out]! < low ? low : high);
  }
}

function fitWith(samples: readonly Sample[], prior: Constants, pinned: ReadonlyMap<number, number>): number[] {
  const k = FEATURES.length;
  const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  const scale = new Array<number>(k).fill(0);
  for (const s of samples) {
    // Row: features / billed; target: 1 (the estimate over the bill).
    const x = FEATURES.map((f) => s.features[f] / s.pair.billed);
    for (let i = 0; i < k; i++) {
      scale[i]! += x[i]! * x[i]!;
      b[i]! += x[i]!;
      for (let j = 0; j < k; j++) a[i]![j]! += x[i]! * x[j]!;
    }
  }
  for (let i = 0; i < k; i++) {
    // The prior weighs as that many typical rows of this column; a column never seen keeps its prior.
    const lambda = (FEATURES[i] === "text" ? TEXT_PRIOR_WEIGHT : PRIOR_WEIGHT) * Math.max(scale[i]! / Math.max(samples.length, 1), 1e-6);
    a[i]![i]! += lambda;
    b[i]! += lambda * Math.max(0, prior[FEATURES[i]!]);
  }
  for (const [i, value] of pinned) {
    for (let j = 0; j < k; j++) {
      b[j]! -= a[j]![i]! * value;
      a[i]![j]! = a[j]![i]! = 0;
    }
    a[i]![i]! = 1;
    b[i]! = value;
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

/**
 * Families (and a family on one host) with fewer pairs than this get no
 * constants of their own: they use the pooled fit ("other"), the family's.
 */
export const MIN_FAMILY_PAIRS = 5;

export type Table = Record<string, Constants>;

/**
 * A generation whose pairs on a host stand in for a later one's when that
 * one has too few there: how a host bills is the host's front end as much as
 * the model. Vertex bills Gemini's tool declarations by their words and
 * little framing for Gemini 2.5 (fantasy TestGoogleCommon vertex-gemini-2-5-*,
 * 12 pairs) and Gemini 3 alike (pydantic-ai test_multimodal_tool_return_matrix
 * on Vertex: 4 tokens for a parameterless tool the Gemini API bills 16 for),
 * where a fit of Gemini 3 on the Gemini API's pairs predicts Vertex 60-100 %
 * high.
 */
const HOST_KIN: Partial<Record<Family, Family>> = { "gemini-3": "gemini-2.5" };

/**
 * The pooled fit over every family ("other"); each family with enough pairs
 * pulled toward it; each family on one host (`claude@bedrock`) pulled toward
 * the family's.
 */
export function fitTable(samples: readonly Sample[]): Table {
  // The fallback for families without recordings: o200k text as is (mixing every tokenizer would only blur it), the rest pooled.
  const pooled = fit(samples, GENERIC_PRIOR, { text: 1 });
  const table: Table = { other: pooled };
  const families = [...new Set(samples.map((s) => s.family))].sort((x, y) => Number(x in PARENT) - Number(y in PARENT) || x.localeCompare(y));
  for (const family of families) {
    const own = samples.filter((s) => s.family === family);
    const parent = PARENT[family];
    const parentFit = parent === undefined ? undefined : table[parent.family];
    let familyFit: Constants;
    if (parent !== undefined && parentFit !== undefined) {
      // A new generation starts from its predecessor, with the text scaled by the tokenizer change.
      familyFit = fit(own, { ...parentFit, text: parentFit.text * parent.textScale });
    } else if (own.length >= MIN_FAMILY_PAIRS) {
      // From the generic start, not the pooled fit: pulling toward the pooled fit did worse held out (it mixes templates).
      familyFit = fit(own, { ...GENERIC_PRIOR, text: TEXT_RATIO[family] ?? 1 });
    } else continue;
    table[family] = familyFit;
    for (const host of [...new Set(own.map((s) => s.pair.host))].sort()) {
      let onHost = own.filter((s) => s.pair.host === host);
      if (onHost.length < MIN_FAMILY_PAIRS) {
        // Too few of its own on this host: the host's pairs of the kin generation join them.
        const kin = HOST_KIN[family];
        onHost = [...onHost, ...samples.filter((s) => s.family === kin && s.pair.host === host)];
      }
      if (onHost.length >= MIN_FAMILY_PAIRS && onHost.length < own.length) table[`${family}@${host}`] = fit(onHost, familyFit);
    }
  }
  return table;
}

export function predict(table: Table, sample: Sample): number {
  return applyConstants(sample.features, lookup(table, sample.family, sample.pair.host));
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

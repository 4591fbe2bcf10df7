/**
 * Readers for the catalog's committed source data (test/catalog/sources/,
 * provenance in sources/SOURCES.md), used by generate-catalog.ts only.
 * Reads nothing outside that folder.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SOURCES = join(import.meta.dir, "sources");

export interface MdevCost {
  input?: number;
  output?: number;
  cache_read?: number;
  cache_write?: number;
  tiers?: Array<{ input?: number; output?: number; cache_read?: number; cache_write?: number; tier: { size: number; type?: string } }>;
}

/** A models.dev model after `base_model` resolution, with where its price comes from. */
export interface MdevModel {
  id: string;
  name: string;
  status?: string;
  release_date?: string;
  cost?: MdevCost;
  limit?: { context?: number; input?: number; output?: number };
  modalities?: { input?: string[]; output?: string[] };
  tool_call?: boolean;
  reasoning?: boolean;
  /** `price.source` / `price.date` for this model's cost. */
  source: string;
  date: string;
}

export interface LitellmEntry {
  litellm_provider?: string;
  mode?: string;
  input_cost_per_token?: number;
  output_cost_per_token?: number;
  cache_read_input_token_cost?: number;
  cache_creation_input_token_cost?: number;
  max_input_tokens?: number;
  max_output_tokens?: number;
  supports_vision?: boolean;
  supports_reasoning?: boolean;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(join(SOURCES, path), "utf8")) as T;
}

// ---------------------------------------------------------------------------
// models.dev snapshot f3fc692 (2026-07-02), resolved per provider

export const MDEV_JULY = { source: "models.dev f3fc69229967", date: "2026-07-02" };

/** One provider's models from the 2026-07-02 snapshot (already resolved against their base models). */
export function mdevJuly(provider: string): Record<string, MdevModel> {
  const file = readJson<{ models: Record<string, Omit<MdevModel, "source" | "date">> }>(`models-dev-2026-07-02/${provider}.json`);
  return Object.fromEntries(Object.entries(file.models).map(([id, m]) => [id, { ...m, ...MDEV_JULY }]));
}

// ---------------------------------------------------------------------------
// Later models.dev files (TOML), resolved here the way upstream does

type Toml = Record<string, unknown>;
const LATER = join(SOURCES, "models-dev-later");

/** path → { commit, date } for every later file (models-dev-later/manifest.json). */
const manifest = readJson<Record<string, { commit: string; date: string }>>("models-dev-later/manifest.json");

function tomlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tomlFiles(path);
    return name.endsWith(".toml") ? [relative(LATER, path)] : [];
  });
}

function parseToml(path: string): Toml {
  if (manifest[path] === undefined) throw new Error(`models-dev-later/${path}: not in manifest.json`);
  return Bun.TOML.parse(readFileSync(join(LATER, path), "utf8")) as Toml;
}

const isTable = (v: unknown): v is Toml => typeof v === "object" && v !== null && !Array.isArray(v);

/** Upstream's merge (packages/core/src/generate.ts): tables merge deeply, anything else the override replaces. */
function deepMerge(base: Toml, over: Toml): Toml {
  const out: Toml = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isTable(b) && isTable(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function omit(table: Toml, path: string): void {
  const keys = path.split(".");
  let at: unknown = table;
  for (const k of keys.slice(0, -1)) at = isTable(at) ? at[k] : undefined;
  if (isTable(at)) delete at[keys[keys.length - 1]!];
}

/** Fields upstream does not inherit from a base model. */
const NOT_INHERITED = ["benchmarks", "license", "links", "weights"];

/** A base model's inheritable fields: its committed later file, else the hand-kept `bases` entry. */
export function mdevBase(name: string, bases: Record<string, Toml>): Toml {
  const path = `models/${name}.toml`;
  const base = manifest[path] !== undefined ? parseToml(path) : bases[name];
  if (base === undefined) throw new Error(`base model ${name}: neither committed nor in the hand-kept bases`);
  return structuredClone(Object.fromEntries(Object.entries(base).filter(([k]) => !NOT_INHERITED.includes(k))));
}

/**
 * Every later provider file, resolved against its base model: from the
 * committed base file, else from `bases` (hand-kept base fields for base
 * files the index did not hold; generate-catalog.ts gives each a source).
 * Keyed by models.dev provider, then model id (the file name).
 */
export function mdevLater(bases: Record<string, Toml>): Record<string, Record<string, MdevModel>> {
  const out: Record<string, Record<string, MdevModel>> = {};
  for (const path of tomlFiles(LATER).sort()) {
    const match = /^providers\/([^/]+)\/models\/(.+)\.toml$/.exec(path);
    if (match === null) continue;
    const [, provider, id] = match as unknown as [string, string, string];
    const own = parseToml(path);
    let merged = own;
    const baseName = own.base_model;
    if (typeof baseName === "string") {
      merged = deepMerge(mdevBase(baseName, bases), own);
      for (const omitted of (own.base_model_omit as string[] | undefined) ?? []) omit(merged, omitted);
    }
    const { commit, date } = manifest[path]!;
    (out[provider] ??= {})[id] = { ...(merged as Omit<MdevModel, "id" | "source" | "date">), id, source: `models.dev ${commit.slice(0, 12)}`, date };
  }
  return out;
}

// ---------------------------------------------------------------------------
// LiteLLM

export const LITELLM_2025 = { source: "LiteLLM via tokencost e7f7c1928084", date: "2025-09-01" };
export const litellm2025 = readJson<Record<string, LitellmEntry>>("litellm-2025-09-01.json");

/**
 * LiteLLM as mirrored by RoCry/llm-api-price at 0082afa4: the index gives no
 * commit date; the file has gpt-5.5-2026-04-23 and no GPT-5.6 (2026-07-09),
 * so the date given is the lower bound.
 */
export const LITELLM_ROCRY = { source: "LiteLLM via RoCry/llm-api-price 0082afa4fc3e", date: "2026-04-23" };
export const litellmRocry = readJson<Record<string, LitellmEntry>>("litellm-rocry-0082afa4.json");

/** USD per token → USD per 1M tokens, without float noise (3e-6 × 1e6 = 3.0000000000000004). */
export const perMillion = (perToken: number): number => clean(perToken * 1e6);

/** Drops float noise such as 0.049999999999999996. */
export const clean = (n: number): number => Number(n.toPrecision(12));

/**
 * Regenerates src/catalog/models.json from the source data committed in
 * test/catalog/sources/ (provenance: sources/SOURCES.md). A dev tool, run by
 * hand; it reads nothing outside this repository:
 *
 *   node_modules/.bin/bun test/catalog/generate-catalog.ts
 *
 * No test runs it. The selection below is the hand-kept part: which models
 * count as current for each provider and which other ids name the same
 * model. Numbers come from the source files; the few that no committed file
 * carries are typed in catalog-fixes.ts, each with its source.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CatalogModel, Price, Tier } from "../../src/catalog/catalog.ts";
import { encodingForModel } from "../../src/tokens/tiktoken.ts";
import { formatCatalog } from "./catalog-format.ts";
import { ADDITIONS, BASES, FIXES, RETIREMENTS } from "./catalog-fixes.ts";
import { clean, LITELLM_2025, LITELLM_ROCRY, litellm2025, litellmRocry, mdevBase, mdevJuly, mdevLater, perMillion, type MdevCost, type MdevModel } from "./catalog-sources.ts";
import type { CatalogProvider } from "./catalog-format.ts";

const OUT = join(import.meta.dir, "../../src/catalog/models.json");

// ---------------------------------------------------------------------------
// Selection

/** `id` as in the source; `aliases` are further ids for the same model (checked for equal prices and limits when the source has them). */
interface Pick {
  id: string;
  aliases?: string[];
}

const p = (id: string, ...aliases: string[]): Pick => (aliases.length > 0 ? { id, aliases } : { id });

const ANTHROPIC: Pick[] = [
  // models.dev files later than the 2026-07-02 snapshot (Haiku 5.5 and Fable 5.1: catalog-fixes.ts ADDITIONS)
  p("claude-opus-5-5"),
  p("claude-sonnet-5-5"),
  p("claude-opus-5"),
  // snapshot 2026-07-02
  p("claude-fable-5"),
  p("claude-opus-4-8"),
  p("claude-opus-4-7"),
  p("claude-opus-4-6"),
  p("claude-opus-4-5", "claude-opus-4-5-20251101"),
  p("claude-opus-4-1", "claude-opus-4-1-20250805"),
  p("claude-opus-4-0", "claude-opus-4-20250514"),
  p("claude-sonnet-5"),
  p("claude-sonnet-4-6"),
  p("claude-sonnet-4-5", "claude-sonnet-4-5-20250929"),
  p("claude-sonnet-4-0", "claude-sonnet-4-20250514"),
  p("claude-haiku-4-5", "claude-haiku-4-5-20251001"),
];

/** Dated aliases (`gpt-5-2025-08-07`, what the API answers with) are added from LiteLLM when its prices agree. */
const OPENAI: Pick[] = [
  // later files; gpt-6-sol and gpt-6-luna: ADDITIONS. `gpt-5.6` is the alias of `gpt-5.6-sol`.
  p("gpt-6-astra"),
  p("gpt-5.6-sol", "gpt-5.6"),
  p("gpt-5.6-terra"),
  p("gpt-5.6-luna"),
  ...[
    "gpt-5.5",
    "gpt-5.5-pro",
    "gpt-5.4",
    "gpt-5.4-pro",
    "gpt-5.4-mini",
    "gpt-5.4-nano",
    "gpt-5.3-codex",
    "gpt-5.3-codex-spark",
    "gpt-5.3-chat-latest",
    "gpt-5.2",
    "gpt-5.2-pro",
    "gpt-5.2-codex",
    "gpt-5.2-chat-latest",
    "gpt-5.1",
    "gpt-5.1-codex",
    "gpt-5.1-codex-max",
    "gpt-5.1-codex-mini",
    "gpt-5.1-chat-latest",
    "gpt-5",
    "gpt-5-pro",
    "gpt-5-mini",
    "gpt-5-nano",
    "gpt-5-codex",
    "gpt-5-chat-latest",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-4o",
    "gpt-4o-mini",
    "o3",
    "o3-pro",
    "o4-mini",
  ].map((id) => p(id)),
];

/** Azure's OpenAI models only: our Azure provider speaks the OpenAI dialects (Claude on Foundry uses the Anthropic API). */
const AZURE: Pick[] = [
  // later files. Azure's gpt-5.6-sol file (models.dev 9c9b81631ae6) carries a promotional 4 / 20 "from September 1, 2026,
  // through at least November 30, 2026"; gpt-5.6's file has the list price, which both names get here.
  p("gpt-6-sol"),
  p("gpt-6-luna"),
  p("gpt-5.6", "gpt-5.6-sol"),
  p("gpt-5.6-luna"),
  ...[
    "gpt-5.5",
    "gpt-5.4",
    "gpt-5.4-pro",
    "gpt-5.4-mini",
    "gpt-5.4-nano",
    "gpt-5.3-codex",
    "gpt-5.3-chat",
    "gpt-5.2",
    "gpt-5.2-codex",
    "gpt-5.2-chat",
    "gpt-5.1",
    "gpt-5.1-codex",
    "gpt-5.1-codex-max",
    "gpt-5.1-codex-mini",
    "gpt-5.1-chat",
    "gpt-5",
    "gpt-5-pro",
    "gpt-5-mini",
    "gpt-5-nano",
    "gpt-5-codex",
    "gpt-5-chat",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-4o",
    "gpt-4o-mini",
    "o3",
    "o4-mini",
    "codex-mini",
  ].map((id) => p(id)),
];

const BEDROCK: Pick[] = [
  // Anthropic: base ids and the inference profiles the snapshot prices; the geographic ones are then
  // checked against the uplift rule (upliftBedrock). Opus 5: ADDITIONS.
  // au.anthropic.claude-opus-4-6-v1 is left out: the snapshot prices it at
  // 16.5/82.5, 3.3 × every other Opus 4.6 listing, which looks like a
  // transcription slip; lookups fall back to the base id (× the uplift).
  ...[
    "anthropic.claude-opus-4-8",
    "anthropic.claude-opus-4-7",
    "anthropic.claude-opus-4-6-v1",
    "anthropic.claude-opus-4-5-20251101-v1:0",
    "anthropic.claude-sonnet-5",
    "anthropic.claude-sonnet-4-6",
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-haiku-4-5-20251001-v1:0",
  ].map((id) => p(id)),
  ...[
    "global.anthropic.claude-fable-5",
    "global.anthropic.claude-opus-4-8",
    "global.anthropic.claude-opus-4-7",
    "global.anthropic.claude-opus-4-6-v1",
    "global.anthropic.claude-opus-4-5-20251101-v1:0",
    "global.anthropic.claude-sonnet-5",
    "global.anthropic.claude-sonnet-4-6",
    "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "global.anthropic.claude-haiku-4-5-20251001-v1:0",
    "us.anthropic.claude-fable-5",
    "us.anthropic.claude-opus-4-8",
    "us.anthropic.claude-opus-4-7",
    "us.anthropic.claude-opus-4-6-v1",
    "us.anthropic.claude-opus-4-5-20251101-v1:0",
    "us.anthropic.claude-sonnet-5",
    "us.anthropic.claude-sonnet-4-6",
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    "eu.anthropic.claude-fable-5",
    "eu.anthropic.claude-opus-4-8",
    "eu.anthropic.claude-opus-4-7",
    "eu.anthropic.claude-opus-4-6-v1",
    "eu.anthropic.claude-opus-4-5-20251101-v1:0",
    "eu.anthropic.claude-sonnet-5",
    "eu.anthropic.claude-sonnet-4-6",
    "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
    "au.anthropic.claude-sonnet-4-6",
  ].map((id) => p(id)),
  // Amazon Nova
  p("amazon.nova-2-lite-v1:0"),
  p("amazon.nova-pro-v1:0"),
  p("amazon.nova-lite-v1:0"),
  p("amazon.nova-micro-v1:0"),
  // Meta Llama
  p("meta.llama4-maverick-17b-instruct-v1:0"),
  p("meta.llama4-scout-17b-instruct-v1:0"),
  p("us.meta.llama4-maverick-17b-instruct-v1:0"),
  p("us.meta.llama4-scout-17b-instruct-v1:0"),
  p("meta.llama3-3-70b-instruct-v1:0"),
  // Mistral
  p("mistral.mistral-large-3-675b-instruct"),
  p("mistral.devstral-2-123b"),
  p("mistral.magistral-small-2509"),
  p("mistral.pixtral-large-2502-v1:0"),
  p("mistral.ministral-3-14b-instruct"),
  // DeepSeek
  p("deepseek.v3.2"),
  p("deepseek.v3-v1:0"),
  p("deepseek.r1-v1:0"),
  p("us.deepseek.r1-v1:0"),
  // OpenAI on Bedrock (GPT-5.6: later files, global profiles served by Converse)
  p("global.openai.gpt-5.6-sol"),
  p("global.openai.gpt-5.6-terra"),
  p("global.openai.gpt-5.6-luna"),
  p("openai.gpt-5.5"),
  p("openai.gpt-5.4"),
  p("openai.gpt-oss-120b-1:0", "openai.gpt-oss-120b"),
  p("openai.gpt-oss-20b-1:0", "openai.gpt-oss-20b"),
  // Others in the snapshot with tool use
  p("qwen.qwen3-coder-480b-a35b-v1:0"),
  p("qwen.qwen3-235b-a22b-2507-v1:0"),
  p("moonshotai.kimi-k2.5"),
  p("zai.glm-5"),
  p("minimax.minimax-m2.5"),
];

/** Cohere is not in the models.dev snapshot's Bedrock list; LiteLLM's older file has it. */
const BEDROCK_FROM_LITELLM: Array<{ id: string; name: string; tools: boolean }> = [
  { id: "cohere.command-r-plus-v1:0", name: "Command R+", tools: true },
  { id: "cohere.command-r-v1:0", name: "Command R", tools: true },
];

/** Vertex Claude ids carry `@version`; the bare id is an alias (it is what `@other-version` falls back to). Opus 5: ADDITIONS. */
const VERTEX_CLAUDE: Pick[] = [
  "claude-opus-4-8@default",
  "claude-opus-4-7@default",
  "claude-opus-4-6@default",
  "claude-opus-4-5@20251101",
  "claude-sonnet-5@default",
  "claude-sonnet-4-6@default",
  "claude-sonnet-4-5@20250929",
  "claude-haiku-4-5@20251001",
].map((id) => p(id, id.slice(0, id.indexOf("@"))));

/** Gemini 3.8 and 3.7 Flash: later files; 3.6 Flash and 3.5 Flash-Lite: ADDITIONS. */
const VERTEX_GEMINI: Pick[] = [
  "gemini-3.8-flash",
  "gemini-3.7-flash",
  "gemini-3.5-flash",
  "gemini-3.1-pro-preview",
  "gemini-3.1-flash-lite",
  "gemini-3-flash-preview",
  "gemini-2.5-pro",
  "gemini-2.5-flash",
  "gemini-2.5-flash-lite",
  "gemini-flash-latest",
  "gemini-flash-lite-latest",
].map((id) => p(id));

/**
 * The Gemini API's own prices (models.dev `providers/google`, later files
 * only: the 2026-07-02 snapshot was not trimmed for this provider). Gemini 3
 * Pro Preview is left out: models.dev 259801fba5a5 marks it deprecated (shut
 * down in March 2026; recorded, the API answers that id as
 * gemini-3.1-pro-preview, which is listed).
 */
const GOOGLE: Pick[] = [
  "gemini-3.8-flash",
  "gemini-3.7-flash",
  "gemini-3.5-flash",
  "gemini-3.1-pro-preview",
  "gemini-3.1-flash-lite",
  "gemini-3-flash-preview",
  "gemini-2.5-pro",
  "gemini-2.5-flash",
  "gemini-2.5-flash-lite",
].map((id) => p(id));

// ---------------------------------------------------------------------------
// Conversion

type Entry = Omit<CatalogModel, "provider">;
type Rates = { input?: number; output?: number; cache_read?: number; cache_write?: number };

const later = mdevLater(Object.fromEntries(Object.entries(BASES).map(([k, v]) => [k, v.fields])));

/** The snapshot's models with the later files' models added (a later file never replaces a snapshot model). */
function mdev(provider: string): Record<string, MdevModel> {
  const july = mdevJuly(provider);
  for (const id of Object.keys(later[provider] ?? {})) if (july[id] !== undefined) throw new Error(`${provider}/${id}: in the snapshot and a later file`);
  return { ...july, ...later[provider] };
}

function positive(n: number | undefined): number | null {
  return n !== undefined && n > 0 ? n : null;
}

function mdevPrice(m: MdevModel): Price | null {
  const cost = m.cost;
  if (cost === undefined || (cost.input === undefined && cost.output === undefined)) return null;
  const price: Price = { ...rates(cost), source: m.source, date: m.date };
  if (cost.tiers !== undefined && cost.tiers.length > 0) {
    price.tiers = cost.tiers.map((t): Tier => {
      if (t.tier.type !== undefined && t.tier.type !== "context") throw new Error(`${m.id}: unknown tier type ${t.tier.type}`);
      return { above_input_tokens: t.tier.size, ...rates(t) };
    });
  }
  return price;
}

function rates(c: Rates): Rates {
  const out: Rates = {};
  for (const f of ["input", "output", "cache_read", "cache_write"] as const) if (c[f] !== undefined) out[f] = clean(c[f]);
  return out;
}

function fromMdev(m: MdevModel, opts: { aliases?: string[]; tokenizer: boolean; priced: boolean }): Entry {
  const entry: Entry = {
    id: m.id,
    // "(latest)" marks models.dev's undated twin of a dated id; here the dated id is an alias.
    name: m.name.replace(/ \(latest\)$/, ""),
    context_length: positive(m.limit?.context),
    max_output: positive(m.limit?.output),
    capabilities: {
      tools: m.tool_call === true,
      reasoning: m.reasoning === true,
      images: m.modalities?.input?.includes("image") === true,
    },
    price: opts.priced ? mdevPrice(m) : null,
  };
  if (opts.aliases !== undefined && opts.aliases.length > 0) entry.aliases = opts.aliases;
  if (m.release_date !== undefined) entry.released = m.release_date;
  return opts.tokenizer ? withTokenizer(entry) : entry;
}

/** OpenAI-made models count with OpenAI's tokenizer (encodingForModel knows which ids). */
function withTokenizer(e: Entry): Entry {
  const encoding = encodingForModel(e.id);
  return encoding === undefined ? e : { ...e, tokenizer: encoding };
}

const sameNumbers = (a: MdevModel, b: MdevModel): boolean =>
  JSON.stringify(a.cost ?? null) === JSON.stringify(b.cost ?? null) && a.limit?.context === b.limit?.context && a.limit?.output === b.limit?.output;

function pickAll(source: Record<string, MdevModel>, picks: Pick[], opts: { tokenizer: boolean; datedAliasesFrom?: string }): Entry[] {
  return picks.map(({ id, aliases = [] }) => {
    const m = source[id];
    if (m === undefined) throw new Error(`${id}: not in the sources`);
    if (m.status === "deprecated") throw new Error(`${id}: deprecated in its source`);
    for (const alias of aliases) {
      const other = source[alias];
      if (other !== undefined && !sameNumbers(m, other)) throw new Error(`${alias}: differs from ${id}`);
    }
    const all = [...aliases];
    if (opts.datedAliasesFrom !== undefined) all.push(...litellmDatedAliases(m, opts.datedAliasesFrom));
    return fromMdev(m, { aliases: all, tokenizer: opts.tokenizer, priced: true });
  });
}

/**
 * `<id>-YYYY-MM-DD` keys in LiteLLM whose input and output prices equal the
 * source's: the dated snapshot the alias resolves to (OpenAI answers with
 * it in `model`). Cache-read prices are not compared: models.dev rounds some
 * Azure ones (0.13 for 0.125).
 */
function litellmDatedAliases(m: MdevModel, prefix: string): string[] {
  const pattern = new RegExp(`^${escapeRegExp(prefix + m.id)}-(\\d{4}-\\d{2}-\\d{2})$`);
  const found: string[] = [];
  for (const [key, v] of Object.entries(litellm2025)) {
    const date = pattern.exec(key)?.[1];
    if (date === undefined || v.mode !== "chat") continue;
    const input = v.input_cost_per_token;
    const output = v.output_cost_per_token;
    if (input === undefined || output === undefined) continue;
    if (perMillion(input) === m.cost?.input && perMillion(output) === m.cost?.output) found.push(`${m.id}-${date}`);
  }
  return found.sort();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function fromLitellm(id: string, name: string, tools: boolean): Entry {
  const v = litellm2025[id];
  if (v === undefined) throw new Error(`${id}: not in LiteLLM file`);
  const price: Price = { ...LITELLM_2025 };
  if (v.input_cost_per_token !== undefined) price.input = perMillion(v.input_cost_per_token);
  if (v.output_cost_per_token !== undefined) price.output = perMillion(v.output_cost_per_token);
  if (v.cache_read_input_token_cost !== undefined) price.cache_read = perMillion(v.cache_read_input_token_cost);
  if (v.cache_creation_input_token_cost !== undefined) price.cache_write = perMillion(v.cache_creation_input_token_cost);
  return {
    id,
    name,
    context_length: positive(v.max_input_tokens),
    max_output: positive(v.max_output_tokens),
    capabilities: { tools, reasoning: v.supports_reasoning === true, images: v.supports_vision === true },
    price,
  };
}

/** Every chat model in the sources; Copilot bills by subscription, so prices are dropped. */
function copilot(): Entry[] {
  return (
    Object.values(mdev("github-copilot"))
      .filter((m) => m.status !== "deprecated" && m.modalities?.output?.includes("text") === true)
      .sort((a, b) => a.id.localeCompare(b.id))
      // Copilot's GPT models get a tokenizer; encodingForModel returns none for claude-/gemini-.
      .map((m) => fromMdev(m, { tokenizer: true, priced: false }))
  );
}

// ---------------------------------------------------------------------------
// Hand-kept data (catalog-fixes.ts) and the two price policies

function addition(a: (typeof ADDITIONS)[number]): Entry {
  const base = mdevBase(a.base, Object.fromEntries(Object.entries(BASES).map(([k, v]) => [k, v.fields]))) as Omit<MdevModel, "id" | "source" | "date">;
  const { tiers, ...flat } = a.price;
  const cost: MdevCost = { ...flat, ...(tiers !== undefined && { tiers: tiers.map(({ above_input_tokens, ...r }) => ({ ...r, tier: { size: above_input_tokens } })) }) };
  const m: MdevModel = { ...base, id: a.id, name: a.name ?? base.name, cost, source: a.source, date: a.date };
  return fromMdev(m, { ...(a.aliases && { aliases: a.aliases }), tokenizer: a.provider === "openai" || a.provider === "azure", priced: true });
}

function applyFix(e: Entry, fix: (typeof FIXES)[number]): void {
  const price = e.price;
  if (price === null) throw new Error(`${e.id}: a fix on an unpriced entry`);
  const changed: string[] = [];
  let { source, date } = fix;
  if (fix.litellm !== undefined) {
    const v = litellmRocry[fix.litellm.key];
    if (v === undefined) throw new Error(`${fix.litellm.key}: not in litellm-rocry-0082afa4.json`);
    ({ source, date } = LITELLM_ROCRY);
    const from = { input: v.input_cost_per_token, output: v.output_cost_per_token, cache_read: v.cache_read_input_token_cost };
    for (const field of fix.litellm.fields) {
      if (field === "limits") {
        e.context_length = positive(v.max_input_tokens);
        e.max_output = positive(v.max_output_tokens);
        continue;
      }
      const value = from[field];
      if (value === undefined) throw new Error(`${fix.litellm.key}: no ${field}`);
      price[field] = perMillion(value);
      changed.push(field);
    }
  }
  for (const [field, value] of Object.entries(fix.price ?? {})) {
    if (field === "tiers") price.tiers = value as Tier[];
    else if (value === null) delete price[field as keyof Rates];
    else price[field as keyof Rates] = value as number;
    changed.push(value === null ? `no ${field}` : field);
  }
  if (fix.max_output !== undefined) e.max_output = fix.max_output;
  if (fix.released !== undefined) e.released = fix.released;
  if (changed.length > 0) {
    if (source === undefined || date === undefined) throw new Error(`${e.id}: a price fix needs a source and date`);
    price.source = `${price.source}; ${changed.join(", ")}: ${source}`;
    // biome-ignore lint/complexity/useMathMinMax: these are YYYY-MM-DD strings, compared as text.
    price.date = date > price.date ? date : price.date;
  }
}

/**
 * Claude on Vertex above 200k prompt tokens: models.dev has 2 × input and
 * 1.5 × output for Opus 4.6-4.8 and Sonnet 4.6; LiteLLM has no such tier,
 * and Anthropic bills these models' 1M window at standard rates, as does
 * Bedrock (models.dev's own Bedrock entries have no tier). Google's price
 * page was not found. The catalog follows Anthropic (src/catalog/README.md).
 */
function dropVertexClaudeTier(e: Entry): void {
  if (e.price?.tiers === undefined || !e.id.startsWith("claude-")) return;
  delete e.price.tiers;
  e.price.source = `${e.price.source} without its >200k tier`;
}

/**
 * AWS: global cross-Region inference "offers approximately 10% savings ...
 * compared to geographic cross-Region inference"
 * (docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html).
 * For Claude Haiku 4.5, Sonnet 4.5+, Opus 4.5+ (and Fable) the base id and
 * the `global.` profile carry `geographic_uplift`; a geographic profile the
 * sources list at the global price is dropped so the uplift applies, or,
 * where no base id exists to fall back to, repriced at 1.1 ×.
 */
const UPLIFT = 1.1;
const UPLIFT_SOURCE = "AWS global-cross-region-inference (geographic = 1.1 × global)";
const UPLIFTED = /^anthropic\.claude-(haiku-4-5|sonnet-4-[5-9]|sonnet-[5-9]|opus-4-[5-9]|opus-[5-9]|fable-)/;
const GEO = /^(us|eu|jp|au|apac)\.(anthropic\..+)$/;

function upliftBedrock(models: Entry[]): Entry[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const out: Entry[] = [];
  for (const e of models) {
    const bare = e.id.replace(/^global\./, "");
    if (UPLIFTED.test(bare) && (e.id === bare || e.id.startsWith("global."))) {
      e.price = { ...e.price!, geographic_uplift: UPLIFT };
      out.push(e);
      continue;
    }
    const geo = GEO.exec(e.id);
    if (geo === null || !UPLIFTED.test(geo[2]!)) {
      out.push(e);
      continue;
    }
    const base = byId.get(geo[2]!) ?? byId.get(`global.${geo[2]}`);
    if (base?.price == null || e.price === null) throw new Error(`${e.id}: no base or global price to compare`);
    const expected = scaled(base.price, UPLIFT);
    if (samePrices(e.price, expected)) {
      out.push(e);
    } else if (samePrices(e.price, base.price)) {
      // Listed at the global price: without it, the lookup falls back to the base id × the uplift.
      if (byId.has(geo[2]!)) continue;
      e.price = { ...expected, source: `${base.price.source} × ${UPLIFT}: ${UPLIFT_SOURCE}`, date: base.price.date };
      out.push(e);
    } else {
      throw new Error(`${e.id}: priced neither like its global profile nor ${UPLIFT} × it`);
    }
  }
  return out;
}

const RATE_FIELDS = ["input", "output", "cache_read", "cache_write"] as const;

function scaled(price: Price, factor: number): Price {
  const out: Price = { source: price.source, date: price.date };
  for (const f of RATE_FIELDS) {
    const v = price[f];
    if (v !== undefined && v !== null) out[f] = clean(v * factor);
  }
  return out;
}

const samePrices = (a: Price, b: Price): boolean => RATE_FIELDS.every((f) => (a[f] ?? null) === (b[f] ?? null));

// ---------------------------------------------------------------------------
// Assemble

const providers: Record<CatalogProvider, { name: string; models: Entry[] }> = {
  anthropic: { name: "Anthropic", models: pickAll(mdev("anthropic"), ANTHROPIC, { tokenizer: false }) },
  openai: { name: "OpenAI", models: pickAll(mdev("openai"), OPENAI, { tokenizer: true, datedAliasesFrom: "" }) },
  azure: { name: "Azure OpenAI", models: pickAll(mdev("azure"), AZURE, { tokenizer: true, datedAliasesFrom: "azure/" }) },
  copilot: { name: "GitHub Copilot", models: copilot() },
  bedrock: {
    name: "Amazon Bedrock",
    models: [
      // OpenAI-made models on Bedrock count with OpenAI's tokenizer too.
      ...pickAll(mdev("amazon-bedrock"), BEDROCK, { tokenizer: false }).map((e) => (e.id.startsWith("openai.") ? withTokenizer(e) : e)),
      ...BEDROCK_FROM_LITELLM.map((c) => fromLitellm(c.id, c.name, c.tools)),
    ],
  },
  vertex: {
    name: "Google Vertex AI",
    models: [...pickAll(mdev("google-vertex"), VERTEX_GEMINI, { tokenizer: false }), ...pickAll(mdev("google-vertex-anthropic"), VERTEX_CLAUDE, { tokenizer: false })],
  },
  google: { name: "Google Gemini API", models: pickAll(later["google"] ?? {}, GOOGLE, { tokenizer: false }) },
};

const find = (provider: CatalogProvider, id: string): Entry => {
  const e = providers[provider].models.find((m) => m.id === id);
  if (e === undefined) throw new Error(`${provider}/${id}: not in the catalog`);
  return e;
};

for (const a of [...ADDITIONS].reverse()) {
  if (providers[a.provider].models.some((m) => m.id === a.id)) throw new Error(`${a.provider}/${a.id}: added twice`);
  providers[a.provider].models.unshift(addition(a));
}
for (const fix of FIXES) for (const id of fix.ids) applyFix(find(fix.provider, id), fix);
for (const e of providers.vertex.models) dropVertexClaudeTier(e);
providers.bedrock.models = upliftBedrock(providers.bedrock.models);
for (const r of RETIREMENTS) find(r.provider, r.id).retired = r.retired;

writeFileSync(OUT, formatCatalog(providers));
for (const [pid, prov] of Object.entries(providers)) console.log(`${pid}: ${prov.models.length} models`);

/**
 * Regenerates src/catalog/models.json from the source data committed in
 * test/catalog/sources/ (provenance: sources/SOURCES.md). A dev tool, run by
 * hand; it reads nothing outside this repository:
 *
 *   node_modules/.bin/bun test/catalog/generate-catalog.ts
 *
 * No test runs it. The selection below is the hand-kept part: which models
 * count as current for each provider and which other ids name the same
 * model. Everything numeric is copied from the sources, never typed here.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CatalogModel, Price, ProviderId, Tier } from "../../src/catalog/catalog.ts";
import { encodingForModel } from "../../src/tokens/tiktoken.ts";

const SOURCES = join(import.meta.dir, "sources");
const OUT = join(import.meta.dir, "../../src/catalog/models.json");

const MDEV_SOURCE = "models.dev f3fc69229967";
const MDEV_DATE = "2026-07-02";
const LITELLM_SOURCE = "LiteLLM via tokencost e7f7c1928084";
const LITELLM_DATE = "2025-09-01";

// ---------------------------------------------------------------------------
// Selection

/** `id` as in the snapshot; `aliases` are further ids for the same model (checked for equal prices and limits when the snapshot has them). */
interface Pick {
  id: string;
  aliases?: string[];
}

const p = (id: string, ...aliases: string[]): Pick => (aliases.length > 0 ? { id, aliases } : { id });

const ANTHROPIC: Pick[] = [
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
  "gpt-5.5", "gpt-5.5-pro", "gpt-5.4", "gpt-5.4-pro", "gpt-5.4-mini", "gpt-5.4-nano",
  "gpt-5.3-codex", "gpt-5.3-codex-spark", "gpt-5.3-chat-latest",
  "gpt-5.2", "gpt-5.2-pro", "gpt-5.2-codex", "gpt-5.2-chat-latest",
  "gpt-5.1", "gpt-5.1-codex", "gpt-5.1-codex-max", "gpt-5.1-codex-mini", "gpt-5.1-chat-latest",
  "gpt-5", "gpt-5-pro", "gpt-5-mini", "gpt-5-nano", "gpt-5-codex", "gpt-5-chat-latest",
  "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini",
  "o3", "o3-pro", "o4-mini",
].map((id) => p(id));

/** Azure's OpenAI models only: our Azure provider speaks the OpenAI dialects (Claude on Foundry uses the Anthropic API). */
const AZURE: Pick[] = [
  "gpt-5.5", "gpt-5.4", "gpt-5.4-pro", "gpt-5.4-mini", "gpt-5.4-nano",
  "gpt-5.3-codex", "gpt-5.3-chat",
  "gpt-5.2", "gpt-5.2-codex", "gpt-5.2-chat",
  "gpt-5.1", "gpt-5.1-codex", "gpt-5.1-codex-max", "gpt-5.1-codex-mini", "gpt-5.1-chat",
  "gpt-5", "gpt-5-pro", "gpt-5-mini", "gpt-5-nano", "gpt-5-codex", "gpt-5-chat",
  "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini",
  "o3", "o4-mini", "codex-mini",
].map((id) => p(id));

const BEDROCK: Pick[] = [
  // Anthropic: base ids and the inference profiles the snapshot prices.
  // au.anthropic.claude-opus-4-6-v1 is left out: the snapshot prices it at
  // 16.5/82.5, 3.3 × every other Opus 4.6 listing (AU profiles elsewhere
  // cost 1.0-1.1 ×), which looks like a transcription slip; lookups fall
  // back to the base id.
  ...[
    "anthropic.claude-opus-4-8", "anthropic.claude-opus-4-7", "anthropic.claude-opus-4-6-v1",
    "anthropic.claude-opus-4-5-20251101-v1:0", "anthropic.claude-sonnet-5", "anthropic.claude-sonnet-4-6",
    "anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0",
  ].map((id) => p(id)),
  ...[
    "global.anthropic.claude-fable-5", "global.anthropic.claude-opus-4-8", "global.anthropic.claude-opus-4-7",
    "global.anthropic.claude-opus-4-6-v1", "global.anthropic.claude-opus-4-5-20251101-v1:0",
    "global.anthropic.claude-sonnet-5", "global.anthropic.claude-sonnet-4-6",
    "global.anthropic.claude-sonnet-4-5-20250929-v1:0", "global.anthropic.claude-haiku-4-5-20251001-v1:0",
    "us.anthropic.claude-fable-5", "us.anthropic.claude-opus-4-8", "us.anthropic.claude-opus-4-7",
    "us.anthropic.claude-opus-4-6-v1", "us.anthropic.claude-opus-4-5-20251101-v1:0",
    "us.anthropic.claude-sonnet-5", "us.anthropic.claude-sonnet-4-6",
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    "eu.anthropic.claude-fable-5", "eu.anthropic.claude-opus-4-8", "eu.anthropic.claude-opus-4-7",
    "eu.anthropic.claude-opus-4-6-v1", "eu.anthropic.claude-opus-4-5-20251101-v1:0",
    "eu.anthropic.claude-sonnet-5", "eu.anthropic.claude-sonnet-4-6",
    "eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
    // jp./au. profiles cost the same as the base id (the fallback covers them), except this one:
    "au.anthropic.claude-sonnet-4-6",
  ].map((id) => p(id)),
  // Amazon Nova
  p("amazon.nova-2-lite-v1:0"), p("amazon.nova-pro-v1:0"), p("amazon.nova-lite-v1:0"), p("amazon.nova-micro-v1:0"),
  // Meta Llama
  p("meta.llama4-maverick-17b-instruct-v1:0"), p("meta.llama4-scout-17b-instruct-v1:0"),
  p("us.meta.llama4-maverick-17b-instruct-v1:0"), p("us.meta.llama4-scout-17b-instruct-v1:0"),
  p("meta.llama3-3-70b-instruct-v1:0"),
  // Mistral
  p("mistral.mistral-large-3-675b-instruct"), p("mistral.devstral-2-123b"), p("mistral.magistral-small-2509"),
  p("mistral.pixtral-large-2502-v1:0"), p("mistral.ministral-3-14b-instruct"),
  // DeepSeek
  p("deepseek.v3.2"), p("deepseek.v3-v1:0"), p("deepseek.r1-v1:0"), p("us.deepseek.r1-v1:0"),
  // OpenAI on Bedrock
  p("openai.gpt-5.5"), p("openai.gpt-5.4"),
  p("openai.gpt-oss-120b-1:0", "openai.gpt-oss-120b"), p("openai.gpt-oss-20b-1:0", "openai.gpt-oss-20b"),
  // Others in the snapshot with tool use
  p("qwen.qwen3-coder-480b-a35b-v1:0"), p("qwen.qwen3-235b-a22b-2507-v1:0"),
  p("moonshotai.kimi-k2.5"), p("zai.glm-5"), p("minimax.minimax-m2.5"),
];

/** Cohere is not in the models.dev snapshot's Bedrock list; LiteLLM's older file has it. */
const BEDROCK_FROM_LITELLM: Array<{ id: string; name: string; tools: boolean }> = [
  { id: "cohere.command-r-plus-v1:0", name: "Command R+", tools: true },
  { id: "cohere.command-r-v1:0", name: "Command R", tools: true },
];

/** Vertex Claude ids carry `@version`; the bare id is an alias (it is what `@other-version` falls back to). */
const VERTEX_CLAUDE: Pick[] = [
  "claude-opus-4-8@default", "claude-opus-4-7@default", "claude-opus-4-6@default", "claude-opus-4-5@20251101",
  "claude-sonnet-5@default", "claude-sonnet-4-6@default", "claude-sonnet-4-5@20250929", "claude-haiku-4-5@20251001",
].map((id) => p(id, id.slice(0, id.indexOf("@"))));

const VERTEX_GEMINI: Pick[] = [
  "gemini-3.5-flash", "gemini-3.1-pro-preview", "gemini-3.1-flash-lite", "gemini-3-flash-preview",
  "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-flash-latest", "gemini-flash-lite-latest",
].map((id) => p(id));

// ---------------------------------------------------------------------------
// Snapshot shapes

interface MdevCost {
  input?: number;
  output?: number;
  cache_read?: number;
  cache_write?: number;
  tiers?: Array<{ input?: number; output?: number; cache_read?: number; cache_write?: number; tier: { size: number; type?: string } }>;
}

interface MdevModel {
  id: string;
  name: string;
  status?: string;
  cost?: MdevCost;
  limit?: { context?: number; input?: number; output?: number };
  modalities?: { input?: string[]; output?: string[] };
  tool_call?: boolean;
  reasoning?: boolean;
}

interface LitellmEntry {
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

type Entry = Omit<CatalogModel, "provider">;

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(join(SOURCES, path), "utf8")) as T;
}

function mdev(provider: string): Record<string, MdevModel> {
  return readJson<{ models: Record<string, MdevModel> }>(`models-dev-2026-07-02/${provider}.json`).models;
}

const litellm = readJson<Record<string, LitellmEntry>>("litellm-2025-09-01.json");

// ---------------------------------------------------------------------------
// Conversion

/** Drops float noise such as 0.049999999999999996 or 3e-6 × 1e6 = 3.0000000000000004. */
const clean = (n: number): number => Number(n.toPrecision(12));

function positive(n: number | undefined): number | null {
  return n !== undefined && n > 0 ? n : null;
}

function mdevPrice(cost: MdevCost | undefined): Price | null {
  if (cost === undefined || (cost.input === undefined && cost.output === undefined)) return null;
  const price: Price = { ...rates(cost), source: MDEV_SOURCE, date: MDEV_DATE };
  if (cost.tiers !== undefined && cost.tiers.length > 0) {
    price.tiers = cost.tiers.map((t): Tier => {
      if (t.tier.type !== undefined && t.tier.type !== "context") throw new Error(`unknown tier type ${t.tier.type}`);
      return { above_input_tokens: t.tier.size, ...rates(t) };
    });
  }
  return price;
}

function rates(c: { input?: number; output?: number; cache_read?: number; cache_write?: number }) {
  const out: { input?: number; output?: number; cache_read?: number; cache_write?: number } = {};
  if (c.input !== undefined) out.input = clean(c.input);
  if (c.output !== undefined) out.output = clean(c.output);
  if (c.cache_read !== undefined) out.cache_read = clean(c.cache_read);
  if (c.cache_write !== undefined) out.cache_write = clean(c.cache_write);
  return out;
}

function fromMdev(
  m: MdevModel,
  opts: { id?: string; aliases?: string[]; tokenizer: boolean; priced: boolean },
): Entry {
  const entry: Entry = {
    id: opts.id ?? m.id,
    // "(latest)" marks models.dev's undated twin of a dated id; here the dated id is an alias.
    name: m.name.replace(/ \(latest\)$/, ""),
    context_length: positive(m.limit?.context),
    max_output: positive(m.limit?.output),
    capabilities: {
      tools: m.tool_call === true,
      reasoning: m.reasoning === true,
      images: m.modalities?.input?.includes("image") === true,
    },
    price: opts.priced ? mdevPrice(m.cost) : null,
  };
  if (opts.aliases !== undefined && opts.aliases.length > 0) entry.aliases = opts.aliases;
  if (opts.tokenizer) {
    const encoding = encodingForModel(entry.id);
    if (encoding !== undefined) entry.tokenizer = encoding;
  }
  return reorder(entry);
}

/** Key order as documented, so diffs stay readable. */
function reorder(e: Entry): Entry {
  const { id, name, aliases, context_length, max_output, capabilities, tokenizer, price } = e;
  return {
    id,
    name,
    ...(aliases !== undefined ? { aliases } : {}),
    context_length,
    max_output,
    capabilities,
    ...(tokenizer !== undefined ? { tokenizer } : {}),
    price: price === null ? null : reorderPrice(price),
  };
}

function reorderPrice(pr: Price): Price {
  const { tiers, source, date } = pr;
  const fields = ["input", "output", "cache_read", "cache_write"] as const;
  const numbers = Object.fromEntries(fields.filter((f) => pr[f] !== undefined).map((f) => [f, pr[f]]));
  return { ...numbers, ...(tiers !== undefined ? { tiers } : {}), source, date };
}

const sameNumbers = (a: MdevModel, b: MdevModel): boolean =>
  JSON.stringify(a.cost ?? null) === JSON.stringify(b.cost ?? null) &&
  a.limit?.context === b.limit?.context &&
  a.limit?.output === b.limit?.output;

function pickAll(
  source: Record<string, MdevModel>,
  picks: Pick[],
  opts: { tokenizer: boolean; priced: boolean; datedAliasesFrom?: string },
): Entry[] {
  return picks.map(({ id, aliases = [] }) => {
    const m = source[id];
    if (m === undefined) throw new Error(`${id}: not in snapshot`);
    if (m.status === "deprecated") throw new Error(`${id}: deprecated in snapshot`);
    for (const alias of aliases) {
      const other = source[alias];
      if (other !== undefined && !sameNumbers(m, other)) throw new Error(`${alias}: differs from ${id}`);
    }
    const all = [...aliases];
    if (opts.datedAliasesFrom !== undefined) all.push(...litellmDatedAliases(m, opts.datedAliasesFrom));
    return fromMdev(m, { aliases: all, tokenizer: opts.tokenizer, priced: opts.priced });
  });
}

/**
 * `<id>-YYYY-MM-DD` keys in LiteLLM whose input and output prices equal the
 * snapshot's: the dated snapshot the alias resolves to (OpenAI answers with
 * it in `model`). Cache-read prices are not compared: models.dev rounds some
 * Azure ones (0.13 for 0.125).
 */
function litellmDatedAliases(m: MdevModel, prefix: string): string[] {
  const pattern = new RegExp(`^${escapeRegExp(prefix + m.id)}-(\\d{4}-\\d{2}-\\d{2})$`);
  const found: string[] = [];
  for (const [key, v] of Object.entries(litellm)) {
    const date = pattern.exec(key)?.[1];
    if (date === undefined || v.mode !== "chat") continue;
    const input = v.input_cost_per_token;
    const output = v.output_cost_per_token;
    if (input === undefined || output === undefined) continue;
    if (clean(input * 1e6) === m.cost?.input && clean(output * 1e6) === m.cost?.output) {
      found.push(`${m.id}-${date}`);
    }
  }
  return found.sort();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function fromLitellm(id: string, name: string, tools: boolean): Entry {
  const v = litellm[id];
  if (v === undefined) throw new Error(`${id}: not in LiteLLM file`);
  const price: Price = { source: LITELLM_SOURCE, date: LITELLM_DATE };
  if (v.input_cost_per_token !== undefined) price.input = clean(v.input_cost_per_token * 1e6);
  if (v.output_cost_per_token !== undefined) price.output = clean(v.output_cost_per_token * 1e6);
  if (v.cache_read_input_token_cost !== undefined) price.cache_read = clean(v.cache_read_input_token_cost * 1e6);
  if (v.cache_creation_input_token_cost !== undefined) price.cache_write = clean(v.cache_creation_input_token_cost * 1e6);
  return reorder({
    id,
    name,
    context_length: positive(v.max_input_tokens),
    max_output: positive(v.max_output_tokens),
    capabilities: { tools, reasoning: v.supports_reasoning === true, images: v.supports_vision === true },
    price,
  });
}

// ---------------------------------------------------------------------------
// Assemble

/** Every chat model in the snapshot; Copilot bills by subscription, so prices are dropped. */
function copilot(): Entry[] {
  const source = mdev("github-copilot");
  return Object.values(source)
    .filter((m) => m.status !== "deprecated" && m.modalities?.output?.includes("text") === true)
    .sort((a, b) => a.id.localeCompare(b.id))
    // Copilot's GPT models get a tokenizer; encodingForModel returns none for claude-/gemini-.
    .map((m) => fromMdev(m, { tokenizer: true, priced: false }));
}

const providers: Record<ProviderId, { name: string; models: Entry[] }> = {
  anthropic: { name: "Anthropic", models: pickAll(mdev("anthropic"), ANTHROPIC, { tokenizer: false, priced: true }) },
  openai: {
    name: "OpenAI",
    models: pickAll(mdev("openai"), OPENAI, { tokenizer: true, priced: true, datedAliasesFrom: "" }),
  },
  azure: {
    name: "Azure OpenAI",
    models: pickAll(mdev("azure"), AZURE, { tokenizer: true, priced: true, datedAliasesFrom: "azure/" }),
  },
  copilot: { name: "GitHub Copilot", models: copilot() },
  bedrock: {
    name: "Amazon Bedrock",
    models: [
      ...pickAll(mdev("amazon-bedrock"), BEDROCK, { tokenizer: false, priced: true }).map((e) =>
        // OpenAI-made models on Bedrock count with OpenAI's tokenizer too.
        e.id.startsWith("openai.") ? withTokenizer(e) : e,
      ),
      ...BEDROCK_FROM_LITELLM.map((c) => fromLitellm(c.id, c.name, c.tools)),
    ],
  },
  vertex: {
    name: "Google Vertex AI",
    models: [
      ...pickAll(mdev("google-vertex"), VERTEX_GEMINI, { tokenizer: false, priced: true }),
      ...pickAll(mdev("google-vertex-anthropic"), VERTEX_CLAUDE, { tokenizer: false, priced: true }),
    ],
  },
};

function withTokenizer(e: Entry): Entry {
  const encoding = encodingForModel(e.id);
  return encoding === undefined ? e : reorder({ ...e, tokenizer: encoding });
}

const file = {
  $comment:
    "Model catalog for plue-ai-provider. Prices: USD per 1M tokens; a missing or null price is unknown (never 0); " +
    "price null = not billed per token. cache_write = 5-minute cache write rate. tiers[]: prices for the whole request " +
    "once input_tokens > above_input_tokens. Data from models.dev (snapshot 2026-07-02, MIT) and LiteLLM via tokencost " +
    "(2025-09-01, MIT); see src/catalog/README.md for sources, licences and how to regenerate " +
    "(test/catalog/generate-catalog.ts). Hand edits are fine: keep source and date on every price you touch.",
  $license: [
    "models.dev data: MIT License, Copyright (c) 2025 models.dev.",
    "tokencost (LiteLLM price copy): MIT License, Copyright (c) 2023 AgentOps.",
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the \"Software\"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:",
    "The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.",
    "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.",
  ],
  providers,
};

/** One model per block, its small objects on one line each: easy to read and to edit by hand. */
function format(f: typeof file): string {
  const lines: string[] = ["{"];
  lines.push(`  "$comment": ${JSON.stringify(f.$comment)},`);
  lines.push(`  "$license": [`);
  lines.push(f.$license.map((l) => `    ${JSON.stringify(l)}`).join(",\n"));
  lines.push(`  ],`);
  lines.push(`  "providers": {`);
  const ids = Object.keys(f.providers) as ProviderId[];
  ids.forEach((pid, pi) => {
    const prov = f.providers[pid];
    lines.push(`    ${JSON.stringify(pid)}: {`);
    lines.push(`      "name": ${JSON.stringify(prov.name)},`);
    lines.push(`      "models": [`);
    prov.models.forEach((m, mi) => {
      const fields = Object.entries(m).map(([k, v]) => `          ${JSON.stringify(k)}: ${inline(v)}`);
      lines.push(`        {`);
      lines.push(fields.join(",\n"));
      lines.push(`        }${mi < prov.models.length - 1 ? "," : ""}`);
    });
    lines.push(`      ]`);
    lines.push(`    }${pi < ids.length - 1 ? "," : ""}`);
  });
  lines.push(`  }`);
  lines.push(`}`);
  return lines.join("\n") + "\n";
}

/** JSON on one line with a space after `:` and `,`. */
function inline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(inline).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    const parts = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`);
    return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
  }
  return JSON.stringify(v);
}

writeFileSync(OUT, format(file));
for (const [pid, prov] of Object.entries(providers)) console.log(`${pid}: ${prov.models.length} models`);

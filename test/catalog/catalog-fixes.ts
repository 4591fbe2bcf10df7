/**
 * The hand-kept part of the catalog data, each row with its public source:
 * what no committed source file carries (models without a machine-readable
 * source, base-model fields the search index did not hold), corrections of
 * transcription errors in the sources, and retirement dates. Used by
 * generate-catalog.ts only. Figures here are typed from the source named on
 * the row; where a committed file has the figure, the row names the file
 * instead of repeating it. The corrections and the disputed figures are
 * explained in src/catalog/README.md.
 */
import type { Tier } from "../../src/catalog/catalog.ts";
import type { CatalogProvider } from "./catalog-format.ts";

type Rates = { input?: number; output?: number; cache_read?: number; cache_write?: number };

/**
 * Fields of base models (`models/<lab>/<id>.toml`) that later provider files
 * inherit but whose own file the index did not hold. Limits are left out
 * where no source gives the provider's own figure (they stay unknown).
 */
export const BASES: Record<string, { source: string; fields: Record<string, unknown> }> = {
  "anthropic/claude-opus-5-5": {
    source: "github.blog/changelog/2026-09-22-claude-opus-5-5-is-now-available-in-github-copilot; platform.claude.com/docs/en/models/opus-5-5/overview",
    fields: { name: "Claude Opus 5.5", release_date: "2026-09-22", reasoning: true, tool_call: true, modalities: { input: ["text", "image", "pdf"], output: ["text"] } },
  },
  "anthropic/claude-sonnet-5-5": {
    // Released in late September 2026; no exact date found.
    source: "platform.claude.com/docs/en/models/sonnet-5-5/overview",
    fields: { name: "Claude Sonnet 5.5", reasoning: true, tool_call: true, modalities: { input: ["text", "image", "pdf"], output: ["text"] } },
  },
  "anthropic/claude-fable-5-1": {
    source: "github.blog/changelog/2026-09-01-claude-fable-5-1-generally-available-in-github-copilot",
    fields: { name: "Claude Fable 5.1", release_date: "2026-09-01", reasoning: true, tool_call: true, modalities: { input: ["text", "image", "pdf"], output: ["text"] } },
  },
  "google/gemini-3.6-flash": {
    // Out by 2026-07-24 (LiteLLM lists it then); no exact date found.
    source: "models.dev d7994e3b5637 providers/github-copilot/models/gemini-3.6-flash.toml (modalities, reasoning options)",
    fields: { name: "Gemini 3.6 Flash", reasoning: true, tool_call: true, modalities: { input: ["text", "image", "pdf"], output: ["text"] } },
  },
  "google/gemini-3.7-flash": {
    source: "docs.cloud.google.com/gemini-enterprise-agent-platform/models/gemini/3-7-flash (named in models.dev 51cba2e6a4d5)",
    fields: { name: "Gemini 3.7 Flash", reasoning: true, tool_call: true, modalities: { input: ["text", "image"], output: ["text"] } },
  },
  "google/gemini-3.5-flash-lite": {
    // Gemini 3 models take thinkingLevel (Vertex "Get started with Gemini 3"); Vertex lists image input for every current Gemini model.
    source: "ai.google.dev Gemini 3 developer guide; Vertex image understanding",
    fields: { name: "Gemini 3.5 Flash-Lite", reasoning: true, tool_call: true, modalities: { input: ["text", "image"], output: ["text"] } },
  },
};

/** A model no committed source file lists for this provider: its base model's fields (from a later base file or BASES), and its price typed from the source. */
export interface Addition {
  provider: CatalogProvider;
  id: string;
  aliases?: string[];
  /** models.dev base model (`lab/id`) for name, limits, capabilities and release date. */
  base: string;
  name?: string;
  price: Rates & { tiers?: Array<Rates & { above_input_tokens: number }> };
  source: string;
  date: string;
}

const OPUS_5 = { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25 };

export const ADDITIONS: Addition[] = [
  {
    provider: "anthropic",
    id: "claude-fable-5-1",
    base: "anthropic/claude-fable-5-1",
    // The cache read is 0.25, not 10 % of input; GitHub's Copilot price table (models.dev d7994e3b github-copilot/claude-fable-5.1) says the same.
    price: { input: 10, output: 50, cache_read: 0.25, cache_write: 12.5 },
    source: "platform.claude.com/docs/en/about-claude/pricing",
    date: "2026-09-01",
  },
  {
    provider: "anthropic",
    id: "claude-haiku-5-5",
    base: "anthropic/claude-haiku-5-5",
    price: {
      input: 0.1,
      output: 0.5,
      cache_read: 0.01,
      cache_write: 0.125,
      tiers: [{ above_input_tokens: 100_000, input: 0.5, output: 2.5, cache_read: 0.05, cache_write: 0.625 }],
    },
    source: "platform.claude.com/docs/en/models/haiku-5-5/overview",
    date: "2026-10-07",
  },
  // Bedrock bills Claude at Anthropic's list price for base ids and global profiles (the uplift rule adds geographic profiles).
  // models.dev ff783aaf08b0 lists jp.anthropic.claude-opus-5 at this price; LiteLLM (2026-07-24) lists the anthropic./global./us./eu./au./jp. ids.
  {
    provider: "bedrock",
    id: "anthropic.claude-opus-5",
    base: "anthropic/claude-opus-5",
    name: "Claude Opus 5",
    price: OPUS_5,
    source: "Anthropic list price; Bedrock ids per LiteLLM 2026-07-24",
    date: "2026-07-24",
  },
  {
    provider: "bedrock",
    id: "global.anthropic.claude-opus-5",
    base: "anthropic/claude-opus-5",
    name: "Claude Opus 5 (Global)",
    price: OPUS_5,
    source: "Anthropic list price; Bedrock ids per LiteLLM 2026-07-24",
    date: "2026-07-24",
  },
  {
    provider: "vertex",
    id: "claude-opus-5@default",
    aliases: ["claude-opus-5"],
    base: "anthropic/claude-opus-5",
    name: "Claude Opus 5",
    price: OPUS_5,
    source: "LiteLLM 2026-07-24 vertex_ai/claude-opus-5 (Anthropic list price)",
    date: "2026-07-24",
  },
  {
    provider: "vertex",
    id: "gemini-3.6-flash",
    base: "google/gemini-3.6-flash",
    price: { input: 1.5, output: 7.5 },
    source: "LiteLLM 2026-07-24 gemini-3.6-flash",
    date: "2026-07-24",
  },
  {
    provider: "vertex",
    id: "gemini-3.5-flash-lite",
    base: "google/gemini-3.5-flash-lite",
    price: { input: 0.3, output: 2.5 },
    source: "LiteLLM 2026-07-24 gemini-3.5-flash-lite",
    date: "2026-07-24",
  },
  // OpenAI's own GPT-6 Sol/Luna files were not in the index; Azure's (models.dev 8640268e, from Microsoft's launch blog) and
  // GitHub's (models.dev d7994e3b) price tables give the same figures.
  {
    provider: "openai",
    id: "gpt-6-sol",
    base: "openai/gpt-6-sol",
    price: { input: 2, output: 10, cache_read: 0.2, cache_write: 2.5, tiers: [{ above_input_tokens: 272_000, input: 4, output: 15, cache_read: 0.4, cache_write: 5 }] },
    source: "OpenAI pricing (as cited by merefield/codexometer v0.18.4)",
    date: "2026-09-22",
  },
  {
    provider: "openai",
    id: "gpt-6-luna",
    base: "openai/gpt-6-luna",
    price: {
      input: 0.1,
      output: 0.5,
      cache_read: 0.01,
      cache_write: 0.125,
      tiers: [{ above_input_tokens: 272_000, input: 0.2, output: 0.75, cache_read: 0.02, cache_write: 0.25 }],
    },
    source: "OpenAI pricing (as cited by merefield/codexometer v0.18.4)",
    date: "2026-09-22",
  },
];

/** A change to an entry built from the sources: `price` fields replace the source's (`null` removes one), the rest replace entry fields. */
export interface Fix {
  provider: CatalogProvider;
  ids: string[];
  why: string;
  /** For `price` and `max_output`; a `litellm` fix takes the LiteLLM file's source and date. */
  source?: string;
  date?: string;
  price?: { [K in keyof Rates]?: number | null } & { tiers?: Tier[] };
  /** Prices from a committed LiteLLM entry (litellm-rocry-0082afa4.json), by field. */
  litellm?: { key: string; fields: Array<"input" | "output" | "cache_read" | "limits"> };
  max_output?: number;
  released?: string;
}

export const FIXES: Fix[] = [
  {
    provider: "openai",
    ids: ["gpt-5-chat-latest"],
    why: "models.dev has 400,000 / 128,000 (the reasoning gpt-5's limits)",
    litellm: { key: "gpt-5-chat-latest", fields: ["limits"] },
  },
  {
    provider: "bedrock",
    ids: ["amazon.nova-2-lite-v1:0"],
    why: "models.dev has 0.33 / 2.75 (the jp./eu. profile price), no cache read, and 128,000 / 4,096",
    litellm: { key: "amazon.nova-2-lite-v1:0", fields: ["input", "output", "cache_read", "limits"] },
  },
  {
    provider: "bedrock",
    ids: ["amazon.nova-2-lite-v1:0"],
    why: "the snapshot has 2024-12-01 (Nova 1's); Nova 2 came out in December 2025",
    released: "2025-12-02",
    source: "models.dev 34b9d11d09cb providers/amazon-bedrock/models/amazon.nova-2-lite-v1:0.toml",
  },
  {
    provider: "azure",
    ids: ["gpt-5.2"],
    why: "models.dev has 0.125; every other 5.2 entry has 10 % of 1.75",
    litellm: { key: "azure/gpt-5.2", fields: ["cache_read"] },
  },
  ...(["gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-5-codex", "gpt-5-chat"] as const).map(
    (id): Fix => ({
      provider: "azure",
      ids: [id],
      why: "Azure's page and models.dev round cached input to 2 decimals (0.13, 0.03, 0.01)",
      litellm: { key: `azure/${id}`, fields: ["cache_read"] },
    }),
  ),
  {
    provider: "vertex",
    ids: ["gemini-2.5-flash", "gemini-flash-latest"],
    why: "models.dev has cache read 0.075 (the old 25 % rate) and a cache write of 0.383; Vertex bills cache storage per hour instead",
    litellm: { key: "gemini-2.5-flash", fields: ["cache_read"] },
    price: { cache_write: null },
  },
  {
    provider: "vertex",
    ids: ["gemini-flash-lite-latest"],
    why: "models.dev has cache read 0.025; 2.5 Flash-Lite's is 0.01",
    litellm: { key: "gemini-2.5-flash-lite", fields: ["cache_read"] },
  },
  {
    provider: "anthropic",
    ids: ["claude-sonnet-4-6"],
    why: "models.dev has 64,000 (Vertex's entry already 128,000)",
    max_output: 128_000,
    source: "platform.claude.com/docs/en/about-claude/models/overview (Sonnet 4.6: 128K max output)",
  },
  {
    provider: "bedrock",
    ids: ["anthropic.claude-sonnet-4-6", "global.anthropic.claude-sonnet-4-6", "eu.anthropic.claude-sonnet-4-6"],
    why: "models.dev has 64,000 (its au. profile already 128,000)",
    max_output: 128_000,
    source: "platform.claude.com/docs/en/about-claude/models/overview (Sonnet 4.6: 128K max output)",
  },
  // OpenAI's pricing rules for GPT-5.6: above 272K input tokens the whole request costs 2 × input and 1.5 × output,
  // and cache writes cost 1.25 × input. models.dev's July files predate both; Azure's gpt-5.6 and gpt-5.6-luna files
  // (models.dev e1da718c) carry the same figures.
  {
    provider: "openai",
    ids: ["gpt-5.6-sol"],
    why: "cache write and long-prompt tier missing in models.dev 89b873ed",
    price: { cache_write: 6.25, tiers: [{ above_input_tokens: 272_000, input: 10, output: 45, cache_read: 1, cache_write: 12.5 }] },
    source: "developers.openai.com/api/docs/models/gpt-5.6-sol",
    date: "2026-07-09",
  },
  {
    provider: "openai",
    ids: ["gpt-5.6-terra"],
    why: "cache write and long-prompt tier missing in models.dev 89b873ed",
    price: { cache_write: 3.125, tiers: [{ above_input_tokens: 272_000, input: 5, output: 22.5, cache_read: 0.5, cache_write: 6.25 }] },
    source: "developers.openai.com/api/docs/models/gpt-5.6-sol (pricing rules)",
    date: "2026-07-09",
  },
  {
    provider: "openai",
    ids: ["gpt-5.6-luna"],
    why: "cache write and long-prompt tier missing in models.dev 89b873ed",
    price: { cache_write: 1.25, tiers: [{ above_input_tokens: 272_000, input: 2, output: 9, cache_read: 0.2, cache_write: 2.5 }] },
    source: "developers.openai.com/api/docs/models/gpt-5.6-sol (pricing rules)",
    date: "2026-07-09",
  },
];

/** Retirement dates on one provider (list_models leaves the model out from that day on). */
export const RETIREMENTS: Array<{ provider: CatalogProvider; id: string; retired: string; source: string }> = [
  { provider: "anthropic", id: "claude-opus-4-0", retired: "2026-06-15", source: "Anthropic release notes (via ottto-ai/ai-provider-watch)" },
  { provider: "anthropic", id: "claude-sonnet-4-0", retired: "2026-06-15", source: "Anthropic release notes (via ottto-ai/ai-provider-watch)" },
  // "Retired, except on Bedrock and Google Cloud" (Anthropic pricing page); the date from multidotdev/cli's notes.
  { provider: "anthropic", id: "claude-opus-4-1", retired: "2026-08-05", source: "platform.claude.com pricing; multidotdev/cli" },
  { provider: "anthropic", id: "claude-sonnet-4-5", retired: "2026-11-30", source: "platform.claude.com/docs/en/models/sonnet-4-5/overview" },
];

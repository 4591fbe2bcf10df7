/**
 * Models released after the 2026-07-02 snapshot, and the corrections made
 * to the snapshot's data, checked against their sources. Every figure is
 * typed in from the source named on its row (not read from models.json) and
 * looked up through the catalog code. USD per 1M tokens, in the order input,
 * output, cache read, 5-minute cache write; null = the catalog has no such
 * price. tier = [above_input_tokens, input, output, cache read, cache write].
 * The corrections and the disputed figures are explained in
 * src/catalog/README.md.
 */
import { describe, expect, test } from "bun:test";
import { findModel, type ProviderId } from "../../src/catalog/catalog.ts";

type Four = [number, number, number | null, number | null];

interface Row {
  provider: ProviderId;
  id: string;
  price: Four;
  tier?: [number, number, number, number | null, number | null];
  limits?: [number | null, number | null];
  released?: string;
  source: string;
}

const NEW: Row[] = [
  // Anthropic
  {
    provider: "anthropic",
    id: "claude-opus-5",
    price: [5, 25, 0.5, 6.25],
    limits: [1_000_000, 128_000],
    released: "2026-07-24",
    source: "platform.claude.com pricing; models.dev b01d148 anthropic/claude-opus-5",
  },
  {
    provider: "anthropic",
    id: "claude-opus-5-5",
    price: [4, 20, 0.2, 5],
    released: "2026-09-22",
    source: "models.dev 482fb01 anthropic/claude-opus-5-5; GitHub changelog 2026-09-22",
  },
  {
    provider: "anthropic",
    id: "claude-sonnet-5-5",
    price: [2, 10, 0.1, 2.5],
    source: "platform.claude.com pricing: cache read $0.10 (5 % of input) from 2026-10-07; models.dev 482fb01",
  },
  {
    provider: "anthropic",
    id: "claude-haiku-5-5",
    price: [0.1, 0.5, 0.01, 0.125],
    tier: [100_000, 0.5, 2.5, 0.05, 0.625],
    limits: [1_000_000, 128_000],
    released: "2026-10-07",
    source: "platform.claude.com/docs/en/models/haiku-5-5/overview",
  },
  {
    provider: "anthropic",
    id: "claude-fable-5-1",
    price: [10, 50, 0.25, 12.5],
    released: "2026-09-01",
    source: "platform.claude.com pricing; GitHub's Copilot price table agrees",
  },
  // OpenAI
  {
    provider: "openai",
    id: "gpt-5.6-sol",
    price: [5, 30, 0.5, 6.25],
    tier: [272_000, 10, 45, 1, 12.5],
    limits: [1_050_000, 128_000],
    released: "2026-07-09",
    source: "launch price (LiteLLM 2026-07-24, models.dev 89b873e); >272K 2 × / 1.5 × and cache write 1.25 × input (developers.openai.com gpt-5.6-sol)",
  },
  { provider: "openai", id: "gpt-5.6", price: [5, 30, 0.5, 6.25], tier: [272_000, 10, 45, 1, 12.5], source: "alias of gpt-5.6-sol (developers.openai.com)" },
  {
    provider: "openai",
    id: "gpt-5.6-terra",
    price: [2.5, 15, 0.25, 3.125],
    tier: [272_000, 5, 22.5, 0.5, 6.25],
    source: "LiteLLM 2026-07-24 / models.dev 89b873e; OpenAI's GPT-5.6 pricing rules",
  },
  {
    provider: "openai",
    id: "gpt-5.6-luna",
    price: [1, 6, 0.1, 1.25],
    tier: [272_000, 2, 9, 0.2, 2.5],
    source: "LiteLLM 2026-07-24 / models.dev 89b873e; OpenAI's GPT-5.6 pricing rules",
  },
  {
    provider: "openai",
    id: "gpt-6-astra",
    price: [10, 50, 1, 12.5],
    tier: [272_000, 20, 75, 2, 25],
    released: "2026-09-04",
    source: "developers.openai.com/api/docs/models/gpt-6-astra (models.dev e2f67ad)",
  },
  {
    provider: "openai",
    id: "gpt-6-sol",
    price: [2, 10, 0.2, 2.5],
    tier: [272_000, 4, 15, 0.4, 5],
    released: "2026-09-22",
    source: "OpenAI pricing as cited by merefield/codexometer v0.18.4",
  },
  {
    provider: "openai",
    id: "gpt-6-luna",
    price: [0.1, 0.5, 0.01, 0.125],
    tier: [272_000, 0.2, 0.75, 0.02, 0.25],
    released: "2026-09-22",
    source: "OpenAI pricing as cited by merefield/codexometer v0.18.4",
  },
  // Azure
  {
    provider: "azure",
    id: "gpt-5.6",
    price: [5, 30, 0.5, 6.25],
    tier: [272_000, 10, 45, 1, 12.5],
    source: "models.dev e1da718 azure/gpt-5.6 (list price; a 4 / 20 promotion ran from 2026-09-01)",
  },
  { provider: "azure", id: "gpt-5.6-luna", price: [1, 6, 0.1, 1.25], tier: [272_000, 2, 9, 0.2, 2.5], source: "models.dev e1da718 azure/gpt-5.6-luna" },
  {
    provider: "azure",
    id: "gpt-6-sol",
    price: [2, 10, 0.2, 2.5],
    tier: [272_000, 4, 15, 0.4, 5],
    source: "azure.microsoft.com blog: GPT-6 Astra, Sol and Luna in Microsoft Foundry (Global Standard)",
  },
  {
    provider: "azure",
    id: "gpt-6-luna",
    price: [0.1, 0.5, 0.01, 0.125],
    tier: [272_000, 0.2, 0.75, 0.02, 0.25],
    source: "azure.microsoft.com blog: GPT-6 Astra, Sol and Luna in Microsoft Foundry (Global Standard)",
  },
  // Bedrock
  { provider: "bedrock", id: "anthropic.claude-opus-5", price: [5, 25, 0.5, 6.25], source: "Anthropic list price; Bedrock ids per LiteLLM 2026-07-24" },
  { provider: "bedrock", id: "global.anthropic.claude-opus-5", price: [5, 25, 0.5, 6.25], source: "global profile = base price (AWS global-cross-region-inference)" },
  { provider: "bedrock", id: "us.anthropic.claude-opus-5", price: [5.5, 27.5, 0.55, 6.875], source: "geographic profile = 1.1 × global (AWS global-cross-region-inference)" },
  {
    provider: "bedrock",
    id: "global.openai.gpt-5.6-sol",
    price: [4, 20, 0.4, 5],
    tier: [272_000, 8, 30, 0.8, 10],
    source: "docs.aws.amazon.com model card openai-gpt-56-sol (global pricing)",
  },
  {
    provider: "bedrock",
    id: "global.openai.gpt-5.6-terra",
    price: [2, 12, 0.2, 2.5],
    tier: [272_000, 4, 18, 0.4, 5],
    source: "docs.aws.amazon.com model card openai-gpt-56-terra",
  },
  {
    provider: "bedrock",
    id: "global.openai.gpt-5.6-luna",
    price: [0.2, 1.2, 0.02, 0.25],
    tier: [272_000, 0.4, 1.8, 0.04, 0.5],
    source: "docs.aws.amazon.com model card openai-gpt-56-luna",
  },
  // Vertex
  { provider: "vertex", id: "claude-opus-5@default", price: [5, 25, 0.5, 6.25], source: "LiteLLM 2026-07-24 vertex_ai/claude-opus-5" },
  {
    provider: "vertex",
    id: "gemini-3.8-flash",
    price: [0.75, 3.75, 0.075, null],
    limits: [1_048_576, 65_536],
    released: "2026-09-02",
    source: "cloud.google.com Vertex pricing: introductory Standard Global price through 2026-12-31 (models.dev 91a1983)",
  },
  { provider: "vertex", id: "gemini-3.7-flash", price: [1.5, 7.5, 0.15, null], source: "cloud.google.com Vertex pricing (models.dev 51cba2e)" },
  { provider: "vertex", id: "gemini-3.6-flash", price: [1.5, 7.5, null, null], source: "LiteLLM 2026-07-24 gemini-3.6-flash" },
  { provider: "vertex", id: "gemini-3.5-flash-lite", price: [0.3, 2.5, null, null], source: "LiteLLM 2026-07-24 gemini-3.5-flash-lite" },
];

const CORRECTED: Row[] = [
  { provider: "openai", id: "gpt-5-chat-latest", price: [1.25, 10, 0.125, null], limits: [128_000, 16_384], source: "LiteLLM gpt-5-chat-latest (models.dev: 400,000 / 128,000)" },
  {
    provider: "bedrock",
    id: "amazon.nova-2-lite-v1:0",
    price: [0.3, 2.5, 0.075, null],
    limits: [1_000_000, 64_000],
    source: "LiteLLM amazon.nova-2-lite-v1:0 (models.dev: 0.33 / 2.75, no cache read, 128,000 / 4,096)",
  },
  { provider: "azure", id: "gpt-5.2", price: [1.75, 14, 0.175, null], source: "LiteLLM azure/gpt-5.2 (models.dev: 0.125)" },
  { provider: "azure", id: "gpt-5-nano", price: [0.05, 0.4, 0.005, null], source: "LiteLLM azure/gpt-5-nano (Azure's page rounds to 0.01)" },
  { provider: "azure", id: "gpt-5-codex", price: [1.25, 10, 0.125, null], source: "LiteLLM azure/gpt-5-codex (rounded to 0.13)" },
  { provider: "azure", id: "gpt-5-chat", price: [1.25, 10, 0.125, null], source: "LiteLLM azure/gpt-5-chat (rounded to 0.13)" },
  { provider: "vertex", id: "gemini-flash-latest", price: [0.3, 2.5, 0.03, null], source: "LiteLLM gemini-2.5-flash (models.dev: 0.075 read, 0.383 write)" },
  { provider: "vertex", id: "gemini-flash-lite-latest", price: [0.1, 0.4, 0.01, null], source: "LiteLLM gemini-2.5-flash-lite (models.dev: 0.025)" },
  {
    provider: "bedrock",
    id: "anthropic.claude-sonnet-4-6",
    price: [3, 15, 0.3, 3.75],
    limits: [1_000_000, 128_000],
    source: "platform.claude.com models overview: Sonnet 4.6 128K output",
  },
  {
    provider: "vertex",
    id: "claude-opus-4-7@default",
    price: [5, 25, 0.5, 6.25],
    source: "no >200k tier: Anthropic bills the 1M window at standard rates (disputed, src/catalog/README.md)",
  },
];

function check(row: Row): void {
  const model = findModel(row.provider, row.id);
  expect(model).toBeDefined();
  const price = model!.price!;
  const [input, output, cacheRead, cacheWrite] = row.price;
  expect({ input: price.input, output: price.output, cache_read: price.cache_read ?? null, cache_write: price.cache_write ?? null }).toEqual({
    input,
    output,
    cache_read: cacheRead,
    cache_write: cacheWrite,
  });
  if (row.tier === undefined) {
    expect(price.tiers).toBeUndefined();
  } else {
    const [above, tIn, tOut, tRead, tWrite] = row.tier;
    expect(price.tiers).toEqual([
      { above_input_tokens: above, input: tIn, output: tOut, ...(tRead !== null && { cache_read: tRead }), ...(tWrite !== null && { cache_write: tWrite }) },
    ]);
  }
  if (row.limits !== undefined) expect([model!.context_length, model!.max_output]).toEqual(row.limits);
  if (row.released !== undefined) expect(model!.released).toBe(row.released);
  expect(price.source).not.toBe("");
  expect(price.date).toMatch(/^2026-\d{2}-\d{2}$/);
}

describe("models released after 2026-07-02, against their sources", () => {
  test.each(NEW.map((r) => [`${r.provider} ${r.id}`, r.source, r] as const))("%s (%s)", (_, __, row) => check(row));
});

describe("corrections of the 2026-07-02 data, against their sources", () => {
  test.each(CORRECTED.map((r) => [`${r.provider} ${r.id}`, r.source, r] as const))("%s (%s)", (_, __, row) => check(row));
});

describe("Copilot lists the new models without per-token prices", () => {
  const ids = [
    "claude-opus-5",
    "claude-opus-5.5",
    "claude-fable-5.1",
    "gemini-3.6-flash",
    "gemini-3.7-flash",
    "gemini-3.8-flash",
    "gpt-5.6-sol",
    "gpt-5.6-terra",
    "gpt-5.6-luna",
    "gpt-6-astra",
    "gpt-6-sol",
    "gpt-6-luna",
  ];
  test.each(ids)("%s", (id) => {
    const model = findModel("copilot", id);
    expect(model?.id).toBe(id);
    expect(model?.price).toBeNull();
  });

  test("Opus 5.5 with Copilot's own limits (models.dev d7994e3, live CAPI 2026-09-23)", () => {
    const model = findModel("copilot", "claude-opus-5.5");
    expect([model?.context_length, model?.max_output]).toEqual([328_000, 128_000]);
  });
});

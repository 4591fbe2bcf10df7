import { describe, expect, test } from "bun:test";
import { findModel, type CatalogModel, type Price, type ProviderId } from "../../src/catalog/catalog.ts";
import { addCost, computeCost } from "../../src/catalog/cost.ts";
import type { Cost, Usage } from "../../src/protocol/chunks.ts";

/** Usage with input_tokens INCLUDING cache reads and writes, output INCLUDING reasoning (PROTOCOL.md). */
function usage(input: number, output: number, cacheRead = 0, cacheWrite = 0, reasoning = 0): Usage {
  return {
    input_tokens: input,
    output_tokens: output,
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
    reasoning_tokens: reasoning,
  };
}

function catalogModel(provider: ProviderId, id: string): CatalogModel {
  const model = findModel(provider, id);
  if (model === undefined) throw new Error(`${provider}/${id} missing from the catalog`);
  return model;
}

function synthetic(price: Omit<Price, "source" | "date">): CatalogModel {
  return {
    id: "test-model",
    name: "Test",
    provider: "openai",
    context_length: null,
    max_output: null,
    capabilities: { tools: false, reasoning: false, images: false },
    price: { ...price, source: "test", date: "2026-11-24" },
  };
}

function expectCost(actual: Cost | null, expected: Omit<Cost, "total">, total: number): void {
  expect(actual).not.toBeNull();
  if (actual === null) return;
  for (const key of ["input", "output", "cache_read", "cache_write"] as const) {
    expect({ [key]: actual[key] }).toEqual({ [key]: expect.closeTo(expected[key], 10) });
  }
  expect(actual.total).toBeCloseTo(total, 10);
  expect(actual.total).toBeCloseTo(actual.input + actual.output + actual.cache_read + actual.cache_write, 12);
}

// Every expected figure below is worked out by hand from the list price
// (USD per 1M tokens): tokens × price / 1,000,000.
describe("computeCost at base prices", () => {
  type Case = { name: string; provider: ProviderId; id: string; usage: Usage; cost: Omit<Cost, "total">; total: number };
  const cases: Case[] = [
    {
      // Sonnet 4.5: 3 in / 15 out / 0.30 cache read / 3.75 cache write.
      // uncached = 1000 - 200 - 100 = 700 → 700 × 3 = 2100 µ$ = 0.0021
      // cache read 200 × 0.30 = 60 µ$ = 0.00006; cache write 100 × 3.75 = 375 µ$ = 0.000375
      // output 500 × 15 = 7500 µ$ = 0.0075; total 0.0021 + 0.00006 + 0.000375 + 0.0075 = 0.010035
      name: "Sonnet 4.5 with cache read and write",
      provider: "anthropic",
      id: "claude-sonnet-4-5",
      usage: usage(1000, 500, 200, 100),
      cost: { input: 0.0021, cache_read: 0.00006, cache_write: 0.000375, output: 0.0075 },
      total: 0.010035,
    },
    {
      // Same price via the dated alias the API answers with.
      name: "Sonnet 4.5 by dated alias",
      provider: "anthropic",
      id: "claude-sonnet-4-5-20250929",
      usage: usage(1000, 500, 200, 100),
      cost: { input: 0.0021, cache_read: 0.00006, cache_write: 0.000375, output: 0.0075 },
      total: 0.010035,
    },
    {
      // Opus 4.8: 5 / 25 / 0.50 / 6.25. uncached 50000 - 40000 - 8000 = 2000 → 2000 × 5 = 0.01
      // read 40000 × 0.5 = 0.02; write 8000 × 6.25 = 0.05; output 1200 × 25 = 0.03; total 0.11
      name: "Opus 4.8 mostly cached",
      provider: "anthropic",
      id: "claude-opus-4-8",
      usage: usage(50_000, 1200, 40_000, 8000),
      cost: { input: 0.01, cache_read: 0.02, cache_write: 0.05, output: 0.03 },
      total: 0.11,
    },
    {
      // GPT-5: 1.25 / 10 / 0.125, no cache-write price (none written, so fine).
      // uncached 10000 - 4000 = 6000 × 1.25 = 0.0075; read 4000 × 0.125 = 0.0005
      // output 2000 (1500 of them reasoning, already included) × 10 = 0.02; total 0.028
      name: "GPT-5 with reasoning inside output",
      provider: "openai",
      id: "gpt-5",
      usage: usage(10_000, 2000, 4000, 0, 1500),
      cost: { input: 0.0075, cache_read: 0.0005, cache_write: 0, output: 0.02 },
      total: 0.028,
    },
    {
      // Bedrock EU profile costs 10 % more: 2.20 / 11. 1,000,000 × 2.2 = 2.2; 1000 × 11 = 0.011; total 2.211
      name: "Bedrock eu. profile at its own price",
      provider: "bedrock",
      id: "eu.anthropic.claude-sonnet-5",
      usage: usage(1_000_000, 1000),
      cost: { input: 2.2, cache_read: 0, cache_write: 0, output: 0.011 },
      total: 2.211,
    },
    {
      // An unlisted geography costs the base id's price × its geographic_uplift (1.1, AWS: global
      // inference is ~10 % cheaper than geographic): 2.20 / 11. 1,000,000 × 2.2 = 2.2; 1000 × 11 = 0.011; total 2.211
      name: "Bedrock apac. profile at the base price × 1.1",
      provider: "bedrock",
      id: "apac.anthropic.claude-sonnet-5",
      usage: usage(1_000_000, 1000),
      cost: { input: 2.2, cache_read: 0, cache_write: 0, output: 0.011 },
      total: 2.211,
    },
    {
      // A global profile costs the base price: 2 / 10. 1,000,000 × 2 = 2; 1000 × 10 = 0.01; total 2.01
      name: "Bedrock global. profile at the base price",
      provider: "bedrock",
      id: "global.anthropic.claude-sonnet-5",
      usage: usage(1_000_000, 1000),
      cost: { input: 2, cache_read: 0, cache_write: 0, output: 0.01 },
      total: 2.01,
    },
    {
      // Gemini 2.5 Flash on Vertex: 0.30 / 2.50, cache read 0.03 (LiteLLM; models.dev's 0.075 was the old rate).
      // uncached 10000 - 4000 = 6000 × 0.3 = 0.0018; read 4000 × 0.03 = 0.00012
      // output 100 × 2.5 = 0.00025; total 0.00217
      name: "Gemini 2.5 Flash cache read",
      provider: "vertex",
      id: "gemini-2.5-flash",
      usage: usage(10_000, 100, 4000),
      cost: { input: 0.0018, cache_read: 0.00012, cache_write: 0, output: 0.00025 },
      total: 0.00217,
    },
    {
      // Cohere on Bedrock (LiteLLM 2025-09-01): 3 / 15. 1000 × 3 = 0.003; 1000 × 15 = 0.015; total 0.018
      name: "Command R+ on Bedrock",
      provider: "bedrock",
      id: "cohere.command-r-plus-v1:0",
      usage: usage(1000, 1000),
      cost: { input: 0.003, cache_read: 0, cache_write: 0, output: 0.015 },
      total: 0.018,
    },
    {
      // Nothing used costs nothing, even where cache prices are unknown.
      name: "zero usage",
      provider: "openai",
      id: "gpt-5.5-pro",
      usage: usage(0, 0),
      cost: { input: 0, cache_read: 0, cache_write: 0, output: 0 },
      total: 0,
    },
    {
      // Counts that do not add up (cache > input) must not bill negative uncached input:
      // uncached max(0, 100 - 150) = 0; read 150 × 0.125 = 0.00001875; output 0; total 0.00001875
      name: "inconsistent counts clamp uncached input at zero",
      provider: "openai",
      id: "gpt-5",
      usage: usage(100, 0, 150),
      cost: { input: 0, cache_read: 0.00001875, cache_write: 0, output: 0 },
      total: 0.00001875,
    },
  ];

  test.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    expectCost(computeCost(catalogModel(c.provider, c.id), c.usage), c.cost, c.total);
  });
});

describe("computeCost with tiers", () => {
  type Case = { name: string; model: () => CatalogModel; usage: Usage; cost: Omit<Cost, "total">; total: number };
  const cases: Case[] = [
    {
      // Gemini 2.5 Pro > 200k: 2.50 / 15 / 0.25 for the whole request.
      // uncached 250000 - 50000 = 200000 × 2.5 = 0.5; read 50000 × 0.25 = 0.0125
      // output 1000 × 15 = 0.015; total 0.5275
      name: "Gemini 2.5 Pro above 200k",
      model: () => catalogModel("vertex", "gemini-2.5-pro"),
      usage: usage(250_000, 1000, 50_000),
      cost: { input: 0.5, cache_read: 0.0125, cache_write: 0, output: 0.015 },
      total: 0.5275,
    },
    {
      // Exactly at the threshold is not above it: base 1.25 / 10.
      // 200000 × 1.25 = 0.25; 1000 × 10 = 0.01; total 0.26
      name: "Gemini 2.5 Pro at exactly 200k",
      model: () => catalogModel("vertex", "gemini-2.5-pro"),
      usage: usage(200_000, 1000),
      cost: { input: 0.25, cache_read: 0, cache_write: 0, output: 0.01 },
      total: 0.26,
    },
    {
      // One token over: 200001 × 2.5 = 0.5000025; 1000 × 15 = 0.015; total 0.5150025
      name: "Gemini 2.5 Pro one token above 200k",
      model: () => catalogModel("vertex", "gemini-2.5-pro@001"),
      usage: usage(200_001, 1000),
      cost: { input: 0.5000025, cache_read: 0, cache_write: 0, output: 0.015 },
      total: 0.5150025,
    },
    {
      // GPT-5.4 > 272k: 5 / 22.50 / 0.50.
      // uncached 300000 - 100000 = 200000 × 5 = 1.0; read 100000 × 0.5 = 0.05
      // output 2000 × 22.5 = 0.045; total 1.095
      name: "GPT-5.4 above 272k",
      model: () => catalogModel("openai", "gpt-5.4"),
      usage: usage(300_000, 2000, 100_000),
      cost: { input: 1, cache_read: 0.05, cache_write: 0, output: 0.045 },
      total: 1.095,
    },
    {
      // At 272k exactly: base 2.50. 272000 × 2.5 = 0.68; total 0.68
      name: "GPT-5.4 at exactly 272k",
      model: () => catalogModel("openai", "gpt-5.4"),
      usage: usage(272_000, 0),
      cost: { input: 0.68, cache_read: 0, cache_write: 0, output: 0 },
      total: 0.68,
    },
    {
      // Claude Sonnet 4.6 on Vertex > 200k: no tier (the catalog follows Anthropic's flat 1M-window price;
      // models.dev's 2 × / 1.5 × tier is disputed, src/catalog/README.md): 3 / 15 / 0.30 / 3.75.
      // uncached 300000 - 100000 - 50000 = 150000 × 3 = 0.45; read 100000 × 0.3 = 0.03
      // write 50000 × 3.75 = 0.1875; output 10000 × 15 = 0.15; total 0.8175
      name: "Vertex Claude Sonnet 4.6 above 200k at the base price",
      model: () => catalogModel("vertex", "claude-sonnet-4-6@default"),
      usage: usage(300_000, 10_000, 100_000, 50_000),
      cost: { input: 0.45, cache_read: 0.03, cache_write: 0.1875, output: 0.15 },
      total: 0.8175,
    },
    {
      // Claude Haiku 5.5 > 100k prompt tokens: 0.50 / 2.50 / 0.05 / 0.625 for the whole request.
      // uncached 150000 - 20000 = 130000 × 0.5 = 0.065; read 20000 × 0.05 = 0.001
      // output 1000 × 2.5 = 0.0025; total 0.0685
      name: "Claude Haiku 5.5 above 100k",
      model: () => catalogModel("anthropic", "claude-haiku-5-5"),
      usage: usage(150_000, 1000, 20_000),
      cost: { input: 0.065, cache_read: 0.001, cache_write: 0, output: 0.0025 },
      total: 0.0685,
    },
    {
      // Highest applicable tier wins, whatever the order in the file; fields the
      // tier omits keep the base price. 500 tokens: tier 100 (input 3), output base 2.
      // 500 × 3 = 0.0015; 10 × 2 = 0.00002; total 0.00152
      name: "lower tier only, missing field falls back to base",
      model: () => tieredSynthetic(),
      usage: usage(500, 10),
      cost: { input: 0.0015, cache_read: 0, cache_write: 0, output: 0.00002 },
      total: 0.00152,
    },
    {
      // 2000 tokens: tier 1000 (input 5, output 6), cache_read base 0.1.
      // uncached 2000 - 1000 = 1000 × 5 = 0.005; read 1000 × 0.1 = 0.0001; output 10 × 6 = 0.00006; total 0.00516
      name: "highest applicable tier",
      model: () => tieredSynthetic(),
      usage: usage(2000, 10, 1000),
      cost: { input: 0.005, cache_read: 0.0001, cache_write: 0, output: 0.00006 },
      total: 0.00516,
    },
  ];

  test.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    expectCost(computeCost(c.model(), c.usage), c.cost, c.total);
  });
});

/** Base 1 / 2 / 0.1 / 1.25; tiers listed high-first on purpose. The upper tier declares cache_write unknown. */
function tieredSynthetic(): CatalogModel {
  return synthetic({
    input: 1,
    output: 2,
    cache_read: 0.1,
    cache_write: 1.25,
    tiers: [
      { above_input_tokens: 1000, input: 5, output: 6, cache_write: null },
      { above_input_tokens: 100, input: 3 },
    ],
  });
}

describe("computeCost returns null when the cost is unknown", () => {
  const cases: Array<[string, () => CatalogModel | undefined, Usage]> = [
    ["unknown model", () => findModel("openai", "no-such-model"), usage(1000, 100)],
    ["undefined model", () => undefined, usage(0, 0)],
    ["Copilot (no per-token price)", () => catalogModel("copilot", "claude-sonnet-4.5"), usage(1000, 100)],
    ["cache writes without a cache-write price (GPT-5)", () => catalogModel("openai", "gpt-5"), usage(1000, 100, 0, 100)],
    ["cache reads without a cache-read price (GPT-5.5 Pro)", () => catalogModel("openai", "gpt-5.5-pro"), usage(1000, 100, 10)],
    ["cache reads above the tier, no price in tier or base (GPT-5.4 Pro)", () => catalogModel("openai", "gpt-5.4-pro"), usage(300_000, 100, 10)],
    ["cache reads on Cohere (LiteLLM lists no cache price)", () => catalogModel("bedrock", "cohere.command-r-v1:0"), usage(1000, 100, 10)],
    ["a tier that declares a price unknown (null) is not filled from the base", () => tieredSynthetic(), usage(2000, 10, 0, 5)],
    ["input tokens without an input price", () => synthetic({ output: 2 }), usage(10, 10)],
    ["output tokens with an explicitly null output price", () => synthetic({ input: 1, output: null }), usage(10, 10)],
    ["a price object with nothing in it", () => synthetic({}), usage(1, 0)],
  ];

  test.each(cases)("%s", (_, model, u) => {
    expect(computeCost(model(), u)).toBeNull();
  });

  test("the same gaps are harmless when their count is zero", () => {
    // GPT-5 without cache writes: 1000 × 1.25 = 0.00125; 100 × 10 = 0.001; total 0.00225
    expectCost(computeCost(catalogModel("openai", "gpt-5"), usage(1000, 100)), { input: 0.00125, cache_read: 0, cache_write: 0, output: 0.001 }, 0.00225);
    // Output-only price, no input used: 10 × 2 = 0.00002
    expectCost(computeCost(synthetic({ output: 2 }), usage(0, 10)), { input: 0, cache_read: 0, cache_write: 0, output: 0.00002 }, 0.00002);
    // Upper tier with cache_write null, no writes: 2000 × 5 = 0.01; total 0.01
    expectCost(computeCost(tieredSynthetic(), usage(2000, 0)), { input: 0.01, cache_read: 0, cache_write: 0, output: 0 }, 0.01);
  });
});

describe("rounding", () => {
  test("parts come out without float noise and the total is their sum", () => {
    // 700 × 3 / 1e6 is 0.0021000000000000003 in floating point; rounded to 1e-10 it is 0.0021.
    const cost = computeCost(catalogModel("anthropic", "claude-sonnet-4-5"), usage(700, 0));
    expect(cost?.input).toBe(0.0021);
    expect(cost?.total).toBe(0.0021);
  });

  test("a single token at a tiny price survives", () => {
    // Nova Micro input 0.035 per 1M: 1 token = 0.000000035 = 3.5e-8
    const cost = computeCost(catalogModel("bedrock", "amazon.nova-micro-v1:0"), usage(1, 0));
    expect(cost?.input).toBeCloseTo(3.5e-8, 12);
  });
});

describe("addCost (the calls of a resumed answer)", () => {
  test("costs add field by field (rounded to 1e-10 USD); unknown stays unknown", () => {
    const x = { input: 0.000048, output: 0.000105, cache_read: 0, cache_write: 0, total: 0.000153 };
    const y = { input: 0.1, output: 0.2, cache_read: 0.00000000001, cache_write: 0.3, total: 0.60000000001 };
    expect(addCost(x, y)).toEqual({ input: 0.100048, output: 0.200105, cache_read: 0, cache_write: 0.3, total: 0.600153 });
    expect(addCost(x, null)).toBeNull();
    expect(addCost(null, x)).toBeNull();
  });
});

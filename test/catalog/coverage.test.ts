/**
 * Every model of the catalog is priced under every id it is listed with, on
 * its own provider, through the function done.cost and calculate_cost use
 * (costOf): no `null` where the catalog has the prices the usage needs. And
 * Bedrock's geographic profiles: 1.1 × the global price (AWS
 * global-cross-region-inference), global profiles at the base price.
 */
import { describe, expect, test } from "bun:test";
import { costOf } from "../../src/actions/usage-report.ts";
import { findModel, listCatalogModels, PROVIDER_IDS, type CatalogModel, type Price } from "../../src/catalog/catalog.ts";
import { emptyUsage, type Usage } from "../../src/protocol/chunks.ts";

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0): Usage => ({
  ...emptyUsage(),
  input_tokens: input,
  output_tokens: output,
  cache_read_tokens: cacheRead,
  cache_write_tokens: cacheWrite,
});

/** Usages the model's prices cover: plain, with the cache prices it has, and past each tier's threshold. */
function usagesFor(price: Price): Array<[string, Usage]> {
  const out: Array<[string, Usage]> = [["plain", usage(1000, 500)]];
  if (price.cache_read != null) out.push(["cache read", usage(1000, 500, 600)]);
  if (price.cache_write != null) out.push(["cache write", usage(1000, 500, 0, 400)]);
  for (const tier of price.tiers ?? []) out.push([`above ${tier.above_input_tokens}`, usage(tier.above_input_tokens + 1, 500)]);
  return out;
}

const priced: Array<[string, CatalogModel, string]> = PROVIDER_IDS.flatMap((provider) =>
  listCatalogModels(provider)
    .filter((model) => model.price !== null)
    .flatMap((model) => [model.id, ...(model.aliases ?? [])].map((id): [string, CatalogModel, string] => [`${provider} ${id}`, model, id])),
);

describe("a cost for every priced model under every id it is listed with", () => {
  test("the sweep covers every provider but Copilot (which does not bill per token)", () => {
    const providers = new Set(priced.map(([, model]) => model.provider));
    expect([...providers].sort()).toEqual(PROVIDER_IDS.filter((p) => p !== "copilot").sort());
    expect(listCatalogModels("copilot").every((model) => model.price === null)).toBe(true);
  });

  test.each(priced)("%s", (_, model, id) => {
    for (const [what, u] of usagesFor(model.price!)) {
      const cost = costOf(model.provider, id, u);
      expect({ what, cost: cost === null ? null : "priced" }).toEqual({ what, cost: "priced" });
      expect(cost!.total).toBeGreaterThan(0);
    }
  });
});

describe("Bedrock geographic profiles", () => {
  const base = findModel("bedrock", "anthropic.claude-opus-4-8")!.price!;

  test("us.anthropic.claude-opus-4-8 costs 1.1 × the base price; global. the base price", () => {
    const u = usage(1_000_000, 100_000, 200_000, 100_000);
    const us = costOf("bedrock", "us.anthropic.claude-opus-4-8", u)!;
    const global = costOf("bedrock", "global.anthropic.claude-opus-4-8", u)!;
    const bare = costOf("bedrock", "anthropic.claude-opus-4-8", u)!;
    // Base 5 / 25 / 0.50 / 6.25: uncached 700000 × 5 = 3.5, read 200000 × 0.5 = 0.1, write 100000 × 6.25 = 0.625,
    // output 100000 × 25 = 2.5; total 6.725. × 1.1 = 7.3975.
    expect(bare.total).toBeCloseTo(6.725, 10);
    expect(global.total).toBeCloseTo(6.725, 10);
    expect(us.total).toBeCloseTo(7.3975, 10);
    expect(base.geographic_uplift).toBe(1.1);
  });

  test("every geography of every uplifted Claude model: listed profiles at 1.1 × (eu., au.), the rest through the uplift", () => {
    const uplifted = listCatalogModels("bedrock").filter((m) => m.price?.geographic_uplift !== undefined && !m.id.startsWith("global."));
    expect(uplifted.length).toBeGreaterThanOrEqual(9);
    const u = usage(1_000_000, 1_000_000);
    for (const model of uplifted) {
      const baseTotal = costOf("bedrock", model.id, u)!.total;
      for (const geo of ["us", "eu", "jp", "au", "apac"]) {
        const id = `${geo}.${model.id}`;
        expect({ id, ratio: Number((costOf("bedrock", id, u)!.total / baseTotal).toFixed(6)) }).toEqual({ id, ratio: 1.1 });
      }
      expect({ id: model.id, global: costOf("bedrock", `global.${model.id}`, u)!.total }).toEqual({ id: model.id, global: baseTotal });
    }
  });

  test("Fable 5 has no base id on Bedrock: an unlisted jp./au./apac. profile is the global. entry × its uplift", () => {
    // us. and eu. are listed (at 1.1 × global, $10 input).
    expect(costOf("bedrock", "us.anthropic.claude-fable-5", usage(1000, 0))!.total).toBeCloseTo(0.011, 12);
    for (const geo of ["jp", "au", "apac"]) expect(costOf("bedrock", `${geo}.anthropic.claude-fable-5`, usage(1000, 0))!.total).toBeCloseTo(0.011, 12);
  });

  test("models without an uplift (Nova, Llama, OpenAI) keep the base price under a profile", () => {
    const u = usage(1_000_000, 0);
    expect(costOf("bedrock", "us.amazon.nova-pro-v1:0", u)!.total).toBe(costOf("bedrock", "amazon.nova-pro-v1:0", u)!.total);
  });
});

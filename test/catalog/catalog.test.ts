import { describe, expect, test } from "bun:test";
import data from "../../src/catalog/models.json" with { type: "json" };
import { findModel, listCatalogModels, PROVIDER_IDS, type ProviderId } from "../../src/catalog/catalog.ts";
import { encodingForModel } from "../../src/tokens/tiktoken.ts";
import { createRegistry } from "../../src/providers/registry.ts";

describe("findModel", () => {
  // [provider, requested id, id of the entry expected (undefined = no match)]
  const cases: Array<[ProviderId, string, string | undefined]> = [
    // exact ids
    ["anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5"],
    ["openai", "gpt-5", "gpt-5"],
    ["copilot", "claude-opus-4.8", "claude-opus-4.8"],
    ["azure", "gpt-5-mini", "gpt-5-mini"],
    // aliases: dated snapshots, as the APIs echo them in `model`
    ["anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
    ["anthropic", "claude-opus-4-20250514", "claude-opus-4-0"],
    ["openai", "gpt-5-2025-08-07", "gpt-5"],
    ["openai", "gpt-5-mini-2025-08-07", "gpt-5-mini"],
    ["azure", "gpt-5-mini-2025-08-07", "gpt-5-mini"],
    // Bedrock: a listed inference profile wins over its base id ...
    ["bedrock", "eu.anthropic.claude-sonnet-5", "eu.anthropic.claude-sonnet-5"],
    ["bedrock", "eu.anthropic.claude-haiku-4-5-20251001-v1:0", "eu.anthropic.claude-haiku-4-5-20251001-v1:0"],
    ["bedrock", "au.anthropic.claude-sonnet-4-6", "au.anthropic.claude-sonnet-4-6"],
    ["bedrock", "anthropic.claude-opus-4-8", "anthropic.claude-opus-4-8"],
    // ... an unlisted geographic profile of a model with a geographic_uplift is that model under the
    // profile's id (priced × the uplift: "geographic profiles" below) ...
    ["bedrock", "us.anthropic.claude-haiku-4-5-20251001-v1:0", "us.anthropic.claude-haiku-4-5-20251001-v1:0"],
    ["bedrock", "apac.anthropic.claude-sonnet-4-5-20250929-v1:0", "apac.anthropic.claude-sonnet-4-5-20250929-v1:0"],
    ["bedrock", "jp.anthropic.claude-opus-4-8", "jp.anthropic.claude-opus-4-8"],
    ["bedrock", "au.anthropic.claude-opus-4-6-v1", "au.anthropic.claude-opus-4-6-v1"],
    // ... and any other profile falls back to the base id
    ["bedrock", "global.anthropic.claude-opus-5", "global.anthropic.claude-opus-5"],
    ["bedrock", "global.amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0"],
    ["bedrock", "us.amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0"],
    // ... but only for known geographies and known base ids
    ["bedrock", "xx.anthropic.claude-opus-4-8", undefined],
    ["bedrock", "us.anthropic.claude-opus-9-9", undefined],
    ["bedrock", "us.eu.anthropic.claude-opus-4-8", undefined],
    ["anthropic", "us.claude-opus-4-8", undefined],
    // Vertex: `@version` ids, the bare id, and an unlisted version of a listed model
    ["vertex", "claude-opus-4-8@default", "claude-opus-4-8@default"],
    ["vertex", "claude-opus-4-8", "claude-opus-4-8@default"],
    ["vertex", "claude-sonnet-4-5@20991231", "claude-sonnet-4-5@20250929"],
    ["vertex", "gemini-2.5-pro@001", "gemini-2.5-pro"],
    ["vertex", "gemini-2.5-pro", "gemini-2.5-pro"],
    ["vertex", "@default", undefined],
    ["vertex", "claude-unknown@default", undefined],
    ["anthropic", "claude-opus-4-8@default", undefined],
    // never a guess
    ["openai", "gpt-5.5-turbo", undefined],
    ["openai", "GPT-5", undefined],
    ["openai", "gpt-5 ", undefined],
    ["openai", "gpt", undefined],
    ["anthropic", "claude-sonnet-4-5-2025", undefined],
    ["anthropic", "claude-sonnet", undefined],
    ["anthropic", "", undefined],
    ["openai", "claude-sonnet-4-5", undefined],
  ];

  test.each(cases)("%s %p → %p", (provider, requested, expected) => {
    const model = findModel(provider, requested);
    expect(model?.id).toBe(expected);
    if (model !== undefined) expect(model.provider).toBe(provider);
  });

  test("every id and alias in the file finds its own entry", () => {
    for (const provider of PROVIDER_IDS) {
      for (const model of listCatalogModels(provider)) {
        for (const key of [model.id, ...(model.aliases ?? [])]) {
          expect({ provider, key, found: findModel(provider, key)?.id }).toEqual({ provider, key, found: model.id });
        }
      }
    }
  });
});

describe("listCatalogModels", () => {
  test("returns the provider's models in file order, stamped with the provider", () => {
    const models = listCatalogModels("anthropic");
    const file = data.providers.anthropic.models.map((m) => m.id);
    expect(models.map((m) => m.id)).toEqual(file);
    expect(new Set(models.map((m) => m.provider))).toEqual(new Set(["anthropic"]));
  });

  test("hands out a fresh array over frozen models", () => {
    const a = listCatalogModels("openai");
    a.length = 0;
    expect(listCatalogModels("openai").length).toBeGreaterThan(0);
    const model = findModel("openai", "gpt-5");
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model?.price)).toBe(true);
    expect(() => {
      (model as { context_length: number | null }).context_length = 1;
    }).toThrow();
  });
});

describe("models.json integrity", () => {
  const PRICE_FIELDS = ["input", "output", "cache_read", "cache_write"] as const;
  const MODEL_KEYS = new Set(["id", "name", "aliases", "context_length", "max_output", "capabilities", "tokenizer", "released", "retired", "price"]);
  const PRICE_KEYS = new Set([...PRICE_FIELDS, "tiers", "geographic_uplift", "source", "date"]);
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  const TIER_KEYS = new Set([...PRICE_FIELDS, "above_input_tokens"]);
  const providers = data.providers as unknown as Record<string, { name: unknown; models: Array<Record<string, unknown>> }>;

  const isRate = (v: unknown): boolean => v === undefined || v === null || (typeof v === "number" && Number.isFinite(v) && v >= 0);
  const isLimit = (v: unknown): boolean => v === null || (typeof v === "number" && Number.isInteger(v) && v > 0);

  test("lists models only for providers the registry has, each with at least one model", () => {
    const registered = [...createRegistry().keys()];
    expect(Object.keys(providers).filter((provider) => !registered.includes(provider))).toEqual([]);
    for (const provider of PROVIDER_IDS) {
      expect(typeof providers[provider]?.name).toBe("string");
      expect(providers[provider]?.models.length ?? 0).toBeGreaterThan(0);
    }
  });

  for (const provider of PROVIDER_IDS) {
    test(`${provider}: every entry is well formed`, () => {
      const problems: string[] = [];
      const seen = new Set<string>();
      for (const m of providers[provider]?.models ?? []) {
        const where = `${provider}/${String(m.id)}`;
        const bad = (what: string) => problems.push(`${where}: ${what}`);
        for (const key of Object.keys(m)) if (!MODEL_KEYS.has(key)) bad(`unknown key ${key}`);
        if (typeof m.id !== "string" || m.id === "" || m.id.trim() !== m.id) bad("id");
        if (typeof m.name !== "string" || m.name === "") bad("name");
        if (!isLimit(m.context_length)) bad("context_length");
        if (!isLimit(m.max_output)) bad("max_output");
        const caps = m.capabilities as Record<string, unknown> | undefined;
        if (!caps || Object.keys(caps).sort().join() !== "images,reasoning,tools" || Object.values(caps).some((v) => typeof v !== "boolean")) {
          bad("capabilities");
        }
        const aliases = m.aliases;
        if (aliases !== undefined && (!Array.isArray(aliases) || aliases.length === 0 || aliases.some((a) => typeof a !== "string" || a === ""))) {
          bad("aliases");
        }
        for (const key of [m.id, ...((aliases as unknown[] | undefined) ?? [])] as string[]) {
          if (seen.has(key)) bad(`duplicate id/alias ${key}`);
          seen.add(key);
        }
        for (const key of ["released", "retired"]) if (m[key] !== undefined && (typeof m[key] !== "string" || !DATE.test(m[key] as string))) bad(key);
        if (typeof m.released === "string" && typeof m.retired === "string" && m.retired <= m.released) bad("retired before released");
        if (m.tokenizer !== undefined) {
          // Only OpenAI-made models have an exact local tokenizer, and it must be the one tokens/ picks for the id.
          if (typeof m.id !== "string" || m.tokenizer !== encodingForModel(m.id)) bad(`tokenizer ${String(m.tokenizer)}`);
        }
        const price = m.price as Record<string, unknown> | null | undefined;
        if (price === undefined) bad("price missing (use null)");
        if (price) {
          for (const key of Object.keys(price)) if (!PRICE_KEYS.has(key)) bad(`unknown price key ${key}`);
          for (const f of PRICE_FIELDS) if (!isRate(price[f])) bad(`price.${f}`);
          if (typeof price.source !== "string" || price.source === "") bad("price.source");
          if (typeof price.date !== "string" || !DATE.test(price.date)) bad("price.date");
          const uplift = price.geographic_uplift;
          if (uplift !== undefined && (provider !== "bedrock" || typeof uplift !== "number" || !(uplift > 1 && uplift <= 2))) bad("price.geographic_uplift");
          if (typeof price.input !== "number" && typeof price.output !== "number") bad("price without input or output");
          const tiers = price.tiers as Array<Record<string, unknown>> | undefined;
          if (tiers !== undefined) {
            if (!Array.isArray(tiers) || tiers.length === 0) bad("tiers");
            const thresholds = new Set<unknown>();
            for (const t of tiers ?? []) {
              for (const key of Object.keys(t)) if (!TIER_KEYS.has(key)) bad(`unknown tier key ${key}`);
              if (!isLimit(t.above_input_tokens)) bad("tier.above_input_tokens");
              if (thresholds.has(t.above_input_tokens)) bad("two tiers with one threshold");
              thresholds.add(t.above_input_tokens);
              for (const f of PRICE_FIELDS) if (!isRate(t[f])) bad(`tier.${f}`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }

  test("Copilot has no per-token prices; everyone else prices every model", () => {
    for (const provider of PROVIDER_IDS) {
      for (const model of listCatalogModels(provider)) {
        expect({ id: model.id, priced: model.price !== null }).toEqual({ id: model.id, priced: provider !== "copilot" });
      }
    }
  });

  test("OpenAI and Azure models all carry a tokenizer (except GPT-6, pinned below); Anthropic and Vertex ones none", () => {
    for (const provider of ["openai", "azure"] as const) {
      for (const m of listCatalogModels(provider)) {
        // Known gap: src/tokens/tiktoken.ts has no gpt-6 prefix yet, so GPT-6 models get no local tokenizer.
        const expected = m.id.startsWith("gpt-6") ? undefined : "o200k_base";
        expect({ id: m.id, tokenizer: m.tokenizer }).toEqual({ id: m.id, tokenizer: expected });
      }
    }
    for (const provider of ["anthropic", "vertex"] as const) {
      for (const m of listCatalogModels(provider)) expect({ id: m.id, tokenizer: m.tokenizer }).toEqual({ id: m.id, tokenizer: undefined });
    }
    expect(findModel("copilot", "gpt-5.4")?.tokenizer).toBe("o200k_base");
    expect(findModel("copilot", "claude-sonnet-4.5")?.tokenizer).toBeUndefined();
  });
});

/**
 * Published list prices copied by hand from the models.dev snapshot of
 * 2026-07-02 (anomalyco/models.dev f3fc69229967, named in src/catalog/README.md):
 * USD per 1M tokens; null = no such price there. tier = [above, input,
 * output, cache_read, cache_write]. Rows marked "corrected" carry the later
 * figure and name its source in their comment (the corrections are listed in
 * src/catalog/README.md); new models: spot-check-2026.test.ts.
 */
describe("spot check against the models.dev snapshot of 2026-07-02", () => {
  type Row = {
    provider: ProviderId;
    id: string;
    price: [number, number, number | null, number | null] | null;
    tier?: [number, number, number, number | null, number | null];
    context: number;
    output: number;
  };
  const rows: Row[] = [
    { provider: "anthropic", id: "claude-opus-4-8", price: [5, 25, 0.5, 6.25], context: 1_000_000, output: 128_000 },
    { provider: "anthropic", id: "claude-opus-4-7", price: [5, 25, 0.5, 6.25], context: 1_000_000, output: 128_000 },
    { provider: "anthropic", id: "claude-opus-4-6", price: [5, 25, 0.5, 6.25], context: 1_000_000, output: 128_000 },
    { provider: "anthropic", id: "claude-fable-5", price: [10, 50, 1, 12.5], context: 1_000_000, output: 128_000 },
    { provider: "anthropic", id: "claude-sonnet-5", price: [2, 10, 0.2, 2.5], context: 1_000_000, output: 128_000 },
    // corrected: 128K max output (platform.claude.com models overview)
    { provider: "anthropic", id: "claude-sonnet-4-6", price: [3, 15, 0.3, 3.75], context: 1_000_000, output: 128_000 },
    { provider: "anthropic", id: "claude-sonnet-4-5", price: [3, 15, 0.3, 3.75], context: 200_000, output: 64_000 },
    { provider: "anthropic", id: "claude-haiku-4-5", price: [1, 5, 0.1, 1.25], context: 200_000, output: 64_000 },
    { provider: "openai", id: "gpt-5.5", price: [5, 30, 0.5, null], tier: [272_000, 10, 45, 1, null], context: 1_050_000, output: 128_000 },
    { provider: "openai", id: "gpt-5.5-pro", price: [30, 180, null, null], tier: [272_000, 60, 270, null, null], context: 1_050_000, output: 128_000 },
    { provider: "openai", id: "gpt-5.4", price: [2.5, 15, 0.25, null], tier: [272_000, 5, 22.5, 0.5, null], context: 1_050_000, output: 128_000 },
    { provider: "openai", id: "gpt-5.4-mini", price: [0.75, 4.5, 0.075, null], context: 400_000, output: 128_000 },
    { provider: "openai", id: "gpt-5.4-nano", price: [0.2, 1.25, 0.02, null], context: 400_000, output: 128_000 },
    { provider: "openai", id: "gpt-5.3-codex", price: [1.75, 14, 0.175, null], context: 400_000, output: 128_000 },
    { provider: "openai", id: "gpt-5.2", price: [1.75, 14, 0.175, null], context: 400_000, output: 128_000 },
    { provider: "openai", id: "gpt-5", price: [1.25, 10, 0.125, null], context: 400_000, output: 128_000 },
    { provider: "openai", id: "gpt-5-mini", price: [0.25, 2, 0.025, null], context: 400_000, output: 128_000 },
    { provider: "openai", id: "gpt-4.1", price: [2, 8, 0.5, null], context: 1_047_576, output: 32_768 },
    { provider: "azure", id: "gpt-5.5", price: [5, 30, 0.5, null], tier: [272_000, 10, 45, 1, null], context: 1_050_000, output: 128_000 },
    { provider: "azure", id: "gpt-5.4", price: [2.5, 15, 0.25, null], tier: [272_000, 5, 22.5, 0.5, null], context: 1_050_000, output: 128_000 },
    // corrected: the exact cached-input prices, not the page's 2-decimal rounding (LiteLLM azure/gpt-5, azure/gpt-5-mini)
    { provider: "azure", id: "gpt-5", price: [1.25, 10, 0.125, null], context: 272_000, output: 128_000 },
    { provider: "azure", id: "gpt-5-mini", price: [0.25, 2, 0.025, null], context: 272_000, output: 128_000 },
    { provider: "vertex", id: "gemini-3.1-pro-preview", price: [2, 12, 0.2, null], tier: [200_000, 4, 18, 0.4, null], context: 1_048_576, output: 65_536 },
    { provider: "vertex", id: "gemini-3.5-flash", price: [1.5, 9, 0.15, null], context: 1_048_576, output: 65_536 },
    { provider: "vertex", id: "gemini-3-flash-preview", price: [0.5, 3, 0.05, null], context: 1_048_576, output: 65_536 },
    { provider: "vertex", id: "gemini-3.1-flash-lite", price: [0.25, 1.5, 0.025, null], context: 1_048_576, output: 65_536 },
    { provider: "vertex", id: "gemini-2.5-pro", price: [1.25, 10, 0.125, null], tier: [200_000, 2.5, 15, 0.25, null], context: 1_048_576, output: 65_536 },
    // corrected: cache read 10 % of input, no cache-write price (LiteLLM gemini-2.5-flash, vertex_ai-language-models)
    { provider: "vertex", id: "gemini-2.5-flash", price: [0.3, 2.5, 0.03, null], context: 1_048_576, output: 65_536 },
    // corrected: no >200k tier (disputed; the catalog follows Anthropic's flat 1M-window price, src/catalog/README.md)
    { provider: "vertex", id: "claude-opus-4-8@default", price: [5, 25, 0.5, 6.25], context: 1_000_000, output: 128_000 },
    { provider: "vertex", id: "claude-sonnet-4-6@default", price: [3, 15, 0.3, 3.75], context: 1_000_000, output: 128_000 },
    { provider: "bedrock", id: "global.anthropic.claude-opus-4-8", price: [5, 25, 0.5, 6.25], context: 1_000_000, output: 128_000 },
    // corrected: geographic profiles cost 1.1 × the global price (AWS global-cross-region-inference)
    { provider: "bedrock", id: "us.anthropic.claude-opus-4-8", price: [5.5, 27.5, 0.55, 6.875], context: 1_000_000, output: 128_000 },
    { provider: "bedrock", id: "global.anthropic.claude-sonnet-5", price: [2, 10, 0.2, 2.5], context: 1_000_000, output: 128_000 },
    { provider: "bedrock", id: "us.anthropic.claude-sonnet-5", price: [2.2, 11, 0.22, 2.75], context: 1_000_000, output: 128_000 },
    { provider: "bedrock", id: "eu.anthropic.claude-sonnet-5", price: [2.2, 11, 0.22, 2.75], context: 1_000_000, output: 128_000 },
    { provider: "bedrock", id: "us.anthropic.claude-haiku-4-5-20251001-v1:0", price: [1.1, 5.5, 0.11, 1.375], context: 200_000, output: 64_000 },
    { provider: "copilot", id: "claude-opus-4.8", price: null, context: 200_000, output: 64_000 },
  ];

  test.each(rows.map((r) => [`${r.provider} ${r.id}`, r] as const))("%s", (_, row) => {
    const model = findModel(row.provider, row.id);
    expect(model?.id).toBe(row.id);
    expect(model?.context_length).toBe(row.context);
    expect(model?.max_output).toBe(row.output);
    const price = model?.price ?? null;
    if (row.price === null) {
      expect(price).toBeNull();
      return;
    }
    const [input, output, cacheRead, cacheWrite] = row.price;
    expect({
      input: price?.input,
      output: price?.output,
      cache_read: price?.cache_read ?? null,
      cache_write: price?.cache_write ?? null,
    }).toEqual({ input, output, cache_read: cacheRead, cache_write: cacheWrite });
    if (row.tier === undefined) {
      expect(price?.tiers).toBeUndefined();
    } else {
      const [above, tIn, tOut, tRead, tWrite] = row.tier;
      expect(price?.tiers?.length).toBe(1);
      const t = price?.tiers?.[0];
      expect({
        above: t?.above_input_tokens,
        input: t?.input,
        output: t?.output,
        cache_read: t?.cache_read ?? null,
        cache_write: t?.cache_write ?? null,
      }).toEqual({ above, input: tIn, output: tOut, cache_read: tRead, cache_write: tWrite });
    }
  });
});

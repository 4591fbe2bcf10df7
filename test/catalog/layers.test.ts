/**
 * Catalog layers: bundled < refreshed cache < the user's override file, each
 * file checked whole (a bad one is ignored whole, with the reason on stderr
 * and in ping), never fetched from the network.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { findModel } from "../../src/catalog/catalog.ts";
import { catalogLayers, loadCatalogLayers, MAX_PRICE, resetCatalogLayers } from "../../src/catalog/layers.ts";
import { shapeChat } from "../../src/rules/shape.ts";
import { createHarness, memoryFiles } from "../support/in-process.ts";

const OVERRIDE = "/cfg/plue-ai-provider/models.json";
const CACHE = "/cache/plue-ai-provider/catalog.json";

afterEach(() => resetCatalogLayers());

function harnessWith(files: Record<string, unknown>) {
  const text = Object.fromEntries(Object.entries(files).map(([path, value]) => [path, typeof value === "string" ? value : JSON.stringify(value)]));
  return createHarness({ files: memoryFiles(text), catalogFiles: { cache: CACHE, override: OVERRIDE } });
}

const NEW_MODEL = {
  id: "claude-test-9",
  name: "Claude Test 9",
  context_length: 500000,
  max_output: 64000,
  capabilities: { tools: true, reasoning: true, images: true },
  price: { input: 1, output: 2, source: "a test", date: "2026-12-01" },
};

describe("layers over the bundled catalog", () => {
  test("no files: the bundled catalog alone, and ping says so", async () => {
    const harness = harnessWith({});
    await loadCatalogLayers(harness.deps);
    expect(catalogLayers()).toEqual([{ layer: "bundled", date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }]);
    const [line] = await harness.run({ id: 1, action: "ping" });
    expect(line!.data.catalog).toEqual(catalogLayers());
  });

  test("the override file adds a model and corrects one price field of a bundled one, keeping the rest", async () => {
    const bundled = findModel("anthropic", "claude-opus-4-7")!.price!;
    const harness = harnessWith({
      [OVERRIDE]: { providers: { anthropic: { models: [NEW_MODEL, { id: "claude-opus-4-7", price: { input: 4.5, source: "my invoice", date: "2026-12-02" } }] } } },
    });
    await loadCatalogLayers(harness.deps);
    expect(findModel("anthropic", "claude-test-9")?.price).toMatchObject({ input: 1, output: 2 });
    expect(findModel("anthropic", "claude-opus-4-7")?.price).toMatchObject({ input: 4.5, output: bundled.output, cache_read: bundled.cache_read, source: "my invoice" });
    expect(catalogLayers()[1]).toEqual({ layer: "override", path: OVERRIDE, date: "2026-12-02", models: 2, rules: 0 });
    const [line] = await harness.run({ id: 2, action: "list_models", provider: "anthropic" });
    expect((line!.data as Array<{ id: string }>).some((model) => model.id === "claude-test-9")).toBe(true);
  });

  test("the override wins over the cache, the cache over the bundled data", async () => {
    const harness = harnessWith({
      [CACHE]: {
        providers: {
          openai: {
            models: [
              { id: "gpt-4o", price: { input: 7, output: 8 } },
              { id: "gpt-4.1", price: { input: 9 } },
            ],
          },
        },
      },
      [OVERRIDE]: { providers: { openai: { models: [{ id: "gpt-4o", price: { input: 1 } }] } } },
    });
    await loadCatalogLayers(harness.deps);
    expect(findModel("openai", "gpt-4o")?.price).toMatchObject({ input: 1, output: 8 });
    expect(findModel("openai", "gpt-4.1")?.price).toMatchObject({ input: 9 });
    expect(catalogLayers().map((layer) => layer.layer)).toEqual(["bundled", "cache", "override"]);
  });

  test("rules in the override file apply after the bundled ones", async () => {
    const harness = harnessWith({
      [OVERRIDE]: { rules: [{ id: "my-no-temperature", match: { model: ["gpt-4o"] }, set: { drop: ["temperature"] }, source: "my own tests of the proxy I use" }] },
    });
    await loadCatalogLayers(harness.deps);
    const shaped = shapeChat("openai", "openai-chat", { model: "gpt-4o", messages: [{ role: "user", content: "Hi" }], temperature: 0.3 });
    expect(shaped.params.temperature).toBeUndefined();
    expect(shaped.adjustments[0]?.reason).toContain('rule "my-no-temperature"');
  });
});

describe("a bad file is ignored whole, with the reason", () => {
  const bad: Array<[string, unknown, string]> = [
    ["not JSON", "{ providers: ", "not JSON"],
    ["a provider id that is no id", { providers: { "Acme Corp": { models: [] } } }, "providers.Acme Corp: not a provider id"],
    [
      "a price of 1e9",
      { providers: { openai: { models: [{ id: "gpt-4o", price: { input: 1e9 } }] } } },
      `providers.openai.models[0].price.input: must be null or a number from 0 to ${MAX_PRICE}`,
    ],
    ["a negative price", { providers: { openai: { models: [{ id: "gpt-4o", price: { output: -1 } }] } } }, "price.output"],
    ["an unknown field", { providers: { openai: { models: [{ id: "gpt-4o", cost: 1 }] } } }, "providers.openai.models[0].cost: unknown field"],
    [
      "a new model without its limits",
      { providers: { openai: { models: [{ id: "gpt-test", name: "x", price: null }] } } },
      "context_length: required for a model the bundled catalog does not list",
    ],
    ["a bad date", { providers: { openai: { models: [{ id: "gpt-4o", retired: "soon" }] } } }, "retired: must be a date"],
    ["a bad rule", { rules: [{ id: "r", match: {}, set: { drop: ["seed"] }, source: "somewhere public" }] }, "rules[0].set.drop"],
    ["a model listed twice", { providers: { openai: { models: [{ id: "gpt-4o" }, { id: "gpt-4o" }] } } }, "listed twice"],
  ];
  for (const [name, content, reason] of bad) {
    test(name, async () => {
      const before = findModel("openai", "gpt-4o");
      const harness = harnessWith({ [OVERRIDE]: content });
      await loadCatalogLayers(harness.deps);
      expect(findModel("openai", "gpt-4o")).toEqual(before);
      const override = catalogLayers().find((layer) => layer.layer === "override");
      expect(override?.error).toContain(reason);
      expect(override?.models).toBeUndefined();
      expect(harness.logs.some((line) => line.includes("catalog override file ignored") && line.includes(reason.slice(0, 20)))).toBe(true);
    });
  }

  test("a good cache still applies when the override is bad", async () => {
    const harness = harnessWith({
      [CACHE]: { providers: { openai: { models: [{ id: "gpt-4o", price: { input: 7 } }] } } },
      [OVERRIDE]: "[]",
    });
    await loadCatalogLayers(harness.deps);
    expect(findModel("openai", "gpt-4o")?.price?.input).toBe(7);
    expect(catalogLayers().find((layer) => layer.layer === "override")?.error).toContain("must be a JSON object");
  });

  test("rules are refused in the cache (it comes from the network)", async () => {
    const harness = harnessWith({ [CACHE]: { rules: [], providers: {} } });
    await loadCatalogLayers(harness.deps);
    expect(catalogLayers().find((layer) => layer.layer === "cache")?.error).toBeUndefined();
    const withRule = harnessWith({ [CACHE]: { rules: [{ id: "r", match: {}, set: { prefill: true }, source: "somewhere public" }] } });
    await loadCatalogLayers(withRule.deps);
    expect(catalogLayers().find((layer) => layer.layer === "cache")?.error).toContain("only the override file may carry rules");
  });
});

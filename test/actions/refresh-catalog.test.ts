/**
 * refresh_catalog against a loopback server (never the internet): a good
 * answer is written to the cache and used at once; a truncated, shrunken or
 * hostile one changes nothing and says why.
 *
 * The "good" answer is hand-made in models.dev's api.json format (its
 * README and packages/core/src/schema.ts): every model of the bundled
 * catalog for openai and anthropic, one price changed, one model added.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findModel } from "../../src/catalog/catalog.ts";
import { catalogLayers, loadCatalogLayers, resetCatalogLayers } from "../../src/catalog/layers.ts";
import type { Cassette } from "../support/cassette.ts";
import { createHarness, memoryFiles } from "../support/in-process.ts";
import { startReplayServer } from "../support/replay-server.ts";

const CACHE = "/cache/plue-ai-provider/catalog.json";
afterEach(() => resetCatalogLayers());

type Json = Record<string, any>;
const BUNDLED = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "src", "catalog", "models.json"), "utf8")) as Json;

/** The bundled models of a provider in models.dev's shape. */
function modelsDevProvider(provider: string): Json {
  const models: Json = {};
  for (const model of BUNDLED.providers[provider].models as Json[]) {
    models[model.id] = {
      id: model.id,
      name: model.name,
      tool_call: model.capabilities.tools,
      reasoning: model.capabilities.reasoning,
      modalities: { input: model.capabilities.images ? ["text", "image"] : ["text"], output: ["text"] },
      limit: { context: model.context_length, output: model.max_output },
      ...(model.price && { cost: { input: model.price.input, output: model.price.output } }),
    };
  }
  return { id: provider, name: provider, models };
}

function goodAnswer(): Json {
  const answer: Json = { openai: modelsDevProvider("openai"), anthropic: modelsDevProvider("anthropic"), "some-other-host": { id: "x", models: {} } };
  answer.openai.models["gpt-4o"].cost = { input: 2, output: 9, cache_read: 1 };
  answer.anthropic.models["claude-next-1"] = {
    id: "claude-next-1",
    name: "Claude Next",
    tool_call: true,
    reasoning: true,
    release_date: "2026-11-30",
    modalities: { input: ["text", "image"], output: ["text"] },
    limit: { context: 1000000, output: 128000 },
    cost: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, tiers: [{ tier: { size: 200000 }, input: 6, output: 22.5 }] },
  };
  answer.openai.models["text-embedding-3-large"] = { id: "text-embedding-3-large", modalities: { input: ["text"], output: ["text"] }, cost: { input: 0.13 } };
  return answer;
}

function serving(body: string | Uint8Array, status = 200): Cassette {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return {
    scenario: "a catalog answer (hand-made)",
    provenance: { source: "hand-written in this test" },
    interactions: [{ request: { method: "GET", path: "/api.json" }, response: { status, headers: { "content-type": "application/json" } }, body: [{ chunk: bytes }] }],
  };
}

async function refresh(body: string | Uint8Array, status = 200): Promise<{ line: Json; harness: ReturnType<typeof createHarness> }> {
  const server = await startReplayServer(serving(body, status));
  const harness = createHarness({ files: memoryFiles(), catalogFiles: { cache: CACHE }, now: () => Date.parse("2026-12-06T12:00:00Z") });
  try {
    const lines = await harness.run({ id: "r", action: "refresh_catalog", params: { url: `${server.url}/api.json` } });
    return { line: lines[lines.length - 1] as Json, harness };
  } finally {
    await server.close();
  }
}

describe("refresh_catalog", () => {
  test("a good answer: written to the cache, used at once, and ping says so", async () => {
    const { line, harness } = await refresh(JSON.stringify(goodAnswer()));
    expect(line.success).toBe(true);
    const openai = (BUNDLED.providers.openai.models as Json[]).length;
    const anthropic = (BUNDLED.providers.anthropic.models as Json[]).length + 1;
    expect(line.data).toEqual({ source: expect.stringContaining("/api.json"), date: "2026-12-06", path: CACHE, models: openai + anthropic, providers: { openai, anthropic } });
    // The changed price replaced field by field; a known price models.dev does not give (cache_write) stays.
    expect(findModel("openai", "gpt-4o")?.price).toMatchObject({ input: 2, output: 9, cache_read: 1, date: "2026-12-06" });
    expect(findModel("anthropic", "claude-next-1")).toMatchObject({
      context_length: 1000000,
      released: "2026-11-30",
      price: { input: 3, tiers: [{ above_input_tokens: 200000, input: 6, output: 22.5 }] },
    });
    expect(findModel("openai", "text-embedding-3-large")).toBeUndefined();
    expect(catalogLayers().find((layer) => layer.layer === "cache")).toMatchObject({ path: CACHE, date: "2026-12-06" });
    // The next start reads the same file and gets the same catalog.
    resetCatalogLayers();
    expect(findModel("anthropic", "claude-next-1")).toBeUndefined();
    await loadCatalogLayers(harness.deps);
    expect(findModel("anthropic", "claude-next-1")?.price?.input).toBe(3);
  });

  const refusals: Array<[string, () => string | Uint8Array, number, string]> = [
    ["truncated", () => JSON.stringify(goodAnswer()).slice(0, 5000), 200, "not JSON"],
    [
      "shrunken to a few models",
      () => JSON.stringify({ openai: { id: "openai", models: { "gpt-4o": { id: "gpt-4o", cost: { input: 1, output: 2 } } } } }),
      200,
      "where the bundled catalog has",
    ],
    [
      "prices of 1e9",
      () => {
        const answer = goodAnswer();
        answer.openai.models["gpt-4o"].cost.input = 1e9;
        return JSON.stringify(answer);
      },
      200,
      "must be null or a number from 0 to 2000",
    ],
    ["deeply nested", () => `${"[".repeat(100_000)}${"]".repeat(100_000)}`, 200, "not a JSON object of providers"],
    ["not models.dev", () => JSON.stringify({ data: [] }), 200, "none of our providers"],
    ["an HTTP error", () => "oops", 503, "HTTP 503"],
    ["larger than the cap", () => new Uint8Array(33 * 1024 * 1024).fill(32), 200, "larger than"],
  ];
  for (const [name, body, status, reason] of refusals) {
    test(`${name}: refused with the reason, nothing written, nothing changed`, async () => {
      const before = findModel("openai", "gpt-4o");
      const { line, harness } = await refresh(body(), status);
      expect(line.success).toBe(false);
      expect(line.error.message).toContain(reason);
      if (status === 200) expect(line.error.message).toContain("the catalog is unchanged");
      expect(await harness.deps.files.read(CACHE)).toBeNull();
      expect(findModel("openai", "gpt-4o")).toEqual(before);
      expect(catalogLayers().map((layer) => layer.layer)).toEqual(["bundled"]);
    }, 20_000);
  }

  test("a bad url is refused before anything is fetched", async () => {
    const harness = createHarness({ catalogFiles: { cache: CACHE } });
    const lines = await harness.run({ id: "u", action: "refresh_catalog", params: { url: "file:///etc/passwd" } }, { invalid: true });
    expect(lines[0]).toMatchObject({ success: false, error: { code: "INVALID_REQUEST", field: "params.url" } });
  });
});

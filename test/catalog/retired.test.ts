/**
 * Retired models through the real list_models action, with no credentials
 * (so every provider answers from the catalog, offline): left out from
 * their `retired` date on (UTC, the date included), listed with their
 * dates when params.include_retired is true. The clock is fixed: what is
 * retired depends on the day.
 */
import { describe, expect, test } from "bun:test";
import { listCatalogModels, PROVIDER_IDS } from "../../src/catalog/catalog.ts";
import { createHarness } from "../support/in-process.ts";

type Entry = { id: string; source: string; retired?: string; released?: string; price_date?: string };

async function listModels(day: string, provider: string, params: Record<string, unknown> = {}): Promise<Entry[]> {
  const harness = createHarness({
    now: () => Date.parse(`${day}T12:00:00Z`),
    fetch: (async () => {
      throw new Error("no network in this test");
    }) as unknown as typeof fetch,
  });
  const [line] = await harness.run({ id: "lm", action: "list_models", provider, params });
  expect(line?.success).toBe(true);
  return line!.data as Entry[];
}

// Retirement dates on the Claude API, each with its source in RETIREMENTS (test/catalog/catalog-fixes.ts):
// Opus 4.0 and Sonnet 4.0 on 2026-06-15 (Anthropic release notes, via ottto-ai/ai-provider-watch), Opus 4.1
// on 2026-08-05 ("retired, except on Bedrock and Google Cloud": platform.claude.com pricing; the date from
// multidotdev/cli's notes), Sonnet 4.5 on 2026-11-30 (platform.claude.com/docs/en/models/sonnet-4-5/overview).
const RETIRED = ["claude-opus-4-0", "claude-sonnet-4-0", "claude-opus-4-1", "claude-sonnet-4-5"];

describe("list_models leaves retired models out", () => {
  test("Anthropic on 2026-12-06: the four retired Claude models are gone, the rest listed from the catalog", async () => {
    const ids = (await listModels("2026-12-06", "anthropic")).map((m) => m.id);
    for (const id of RETIRED) expect(ids).not.toContain(id);
    expect(ids).toContain("claude-opus-5");
    expect(ids).toContain("claude-sonnet-5-5");
    expect(ids).toContain("claude-haiku-4-5");
    expect(ids.length).toBe(listCatalogModels("anthropic").length - RETIRED.length);
  });

  test("the retirement day itself is the first day a model is left out", async () => {
    expect((await listModels("2026-11-29", "anthropic")).map((m) => m.id)).toContain("claude-sonnet-4-5");
    expect((await listModels("2026-11-30", "anthropic")).map((m) => m.id)).not.toContain("claude-sonnet-4-5");
    expect((await listModels("2026-08-04", "anthropic")).map((m) => m.id)).toContain("claude-opus-4-1");
    expect((await listModels("2026-08-05", "anthropic")).map((m) => m.id)).not.toContain("claude-opus-4-1");
  });

  test("params.include_retired lists them, with their retirement dates", async () => {
    const models = await listModels("2026-12-06", "anthropic", { include_retired: true });
    expect(models.length).toBe(listCatalogModels("anthropic").length);
    const byId = new Map(models.map((m) => [m.id, m]));
    expect(byId.get("claude-opus-4-0")?.retired).toBe("2026-06-15");
    expect(byId.get("claude-sonnet-4-0")?.retired).toBe("2026-06-15");
    expect(byId.get("claude-opus-4-1")?.retired).toBe("2026-08-05");
    expect(byId.get("claude-sonnet-4-5")?.retired).toBe("2026-11-30");
    expect(byId.get("claude-opus-5")?.released).toBe("2026-07-24");
  });

  test("Opus 4.1 is retired on the Claude API only: Vertex and Bedrock keep their Claude models", async () => {
    for (const provider of ["vertex", "bedrock"] as const) {
      expect(listCatalogModels(provider).filter((m) => m.retired !== undefined)).toEqual([]);
    }
    expect((await listModels("2026-12-06", "vertex")).map((m) => m.id)).toContain("claude-sonnet-4-5@20250929");
  });

  test.each(PROVIDER_IDS)("%s without credentials: exactly the catalog's models not retired by the day, all from the catalog", async (provider) => {
    const day = "2026-12-06";
    const models = await listModels(day, provider);
    const expected = listCatalogModels(provider)
      .filter((m) => m.retired === undefined || m.retired > day)
      .map((m) => m.id);
    expect(models.map((m) => m.id)).toEqual(expected);
    for (const model of models) expect(model.source).toBe("catalog");
  });
});

/**
 * A call is priced by the first of its ids the catalog prices: the answered
 * id, the requested one, each without its date, Vertex's @ spelling
 * (the spellings providers answer with are recorded: Anthropic answers
 * claude-sonnet-4-5 as claude-sonnet-4-5-20250929 in
 * recordings/anthropic/count-tokens.ndjson, OpenAI gpt-5 as gpt-5-2025-08-07 in
 * recordings/openai/chat-text.ndjson, Vertex claude-3-7-sonnet@20250219 as
 * claude-3-7-sonnet-20250219 in recordings/vertex/claude-text.ndjson).
 * Expected prices are read from models.json as data, not through the code.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { costOf } from "../../src/actions/usage-report.ts";
import { priceIds, type ProviderId } from "../../src/catalog/catalog.ts";
import { emptyUsage } from "../../src/protocol/chunks.ts";

const DATA = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "src", "catalog", "models.json"), "utf8")) as {
  providers: Record<string, { models: Array<{ id: string; price: { input: number } | null }> }>;
};
const inputPrice = (provider: string, id: string): number => DATA.providers[provider]!.models.find((m) => m.id === id)!.price!.input;

describe("priceIds", () => {
  test.each([
    ["gpt-5.4-2026-03-05", "gpt-5.4", ["gpt-5.4-2026-03-05", "gpt-5.4"]],
    ["claude-opus-4-6-20260205", "claude-opus-4-6", ["claude-opus-4-6-20260205", "claude-opus-4-6", "claude-opus-4-6@20260205"]],
    ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5@20250929", ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5", "claude-sonnet-4-5@20250929"]],
    ["gpt-4o", undefined, ["gpt-4o"]],
  ] as const)("%s (asked %s) → %j", (answered, requested, ids) => {
    expect(priceIds(answered, requested)).toEqual([...ids]);
  });
});

describe("a dated answer is priced", () => {
  // Below every long-prompt tier (272k, 200k), so the base price applies.
  const usage = { ...emptyUsage(), input_tokens: 100_000 };
  test.each([
    // [provider, answered, requested, the catalog entry whose price applies]
    ["openai", "gpt-5.4-2026-03-05", "gpt-5.4", "gpt-5.4"],
    ["openai", "gpt-5.1-2025-11-13", "gpt-5.1", "gpt-5.1"],
    ["openai", "gpt-5.5-2026-04-23", "gpt-5.5", "gpt-5.5"],
    ["azure", "gpt-4o-2024-11-20", "gpt-4o", "gpt-4o"],
    ["anthropic", "claude-opus-4-6-20260205", "claude-opus-4-6", "claude-opus-4-6"],
    // Vertex answers a request to claude-sonnet-4-5@20250929 as claude-sonnet-4-5-20250929 (recordings: fantasy vertex-claude).
    ["vertex", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5@20250929", "claude-sonnet-4-5@20250929"],
    ["vertex", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5@20250929"],
  ] as const)("%s %s (asked %s) → the price of %s", (provider, answered, requested, entry) => {
    expect(costOf(provider as ProviderId, answered, usage, requested)?.input).toBeCloseTo(inputPrice(provider, entry) / 10, 12);
  });

  test("an id no spelling finds stays unpriced", () => {
    expect(costOf("openai", "gpt-9-2030-01-01", usage, "gpt-9")).toBeNull();
  });
});

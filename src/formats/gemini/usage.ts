/**
 * Gemini `usageMetadata` → wire usage
 * (https://cloud.google.com/vertex-ai/docs/reference/rest/v1/GenerateContentResponse#UsageMetadata;
 * recordings/vertex/gemini-text.ndjson).
 *
 * - `promptTokenCount` already includes `cachedContentTokenCount` (the cache
 *   is a breakdown of it, as in OpenAI), so cache reads pass through as parts
 *   of input.
 * - `toolUsePromptTokenCount` (what built-in tools such as Google Search fed
 *   back to the model) is *outside* `promptTokenCount` but processed and
 *   billed as input, so it is added: recorded 55 prompt + 51 candidates + 89
 *   tool-use prompt + 56 thoughts = 251 total (vercel/ai fixture
 *   google-tool-use-usage.json).
 * - `thoughtsTokenCount` is *outside* `candidatesTokenCount` (recorded 9 + 73
 *   + 778 = 860 total), so output is candidates + thoughts and reasoning is
 *   the thoughts.
 * - Gemini has no cache write: explicit caches are created by a separate
 *   call and implicit caching charges nothing to write, so it is 0.
 *
 * Figures are only reported from an object that has `promptTokenCount`:
 * intermediate stream chunks carry just `{trafficType}`. Next to it, an absent
 * figure is 0, because Google's JSON (proto3) omits zero-valued fields (a
 * blocked prompt has no `candidatesTokenCount` at all).
 */
import type { Usage } from "../../protocol/chunks.ts";

export function mapGeminiUsage(usage: Record<string, unknown>): Partial<Usage> | undefined {
  const prompt = num(usage["promptTokenCount"]);
  if (prompt === undefined) return undefined;
  const toolUse = num(usage["toolUsePromptTokenCount"]) ?? 0;
  const candidates = num(usage["candidatesTokenCount"]) ?? 0;
  const thoughts = num(usage["thoughtsTokenCount"]) ?? 0;
  return {
    input_tokens: prompt + toolUse,
    output_tokens: candidates + thoughts,
    cache_read_tokens: num(usage["cachedContentTokenCount"]) ?? 0,
    cache_write_tokens: 0,
    reasoning_tokens: thoughts,
  };
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * `GET {base}/models` of an OpenAI-compatible server → `list_models`
 * entries. Every model the server lists is taken, whatever its id looks like
 * (`qwen2.5-coder:7b`, `meta-llama/Llama-3.3-70B`): no OpenAI id pattern
 * filters them (zed-industries/zed#34327 is a complaint about one that did).
 *
 * The answer is `{data: [...]}` (OpenAI's shape) or a bare array; each model
 * needs only an `id`. Limits and capabilities are taken where the server
 * says them: `context_length` (OpenRouter, Together), `context_window`
 * (Groq), `max_model_len` (vLLM); `top_provider.max_completion_tokens`
 * (OpenRouter) or `max_completion_tokens` (Groq); `architecture.input_modalities`
 * and `supported_parameters` (OpenRouter). Prices: the catalog's where it
 * knows the model; else OpenRouter's own `pricing` (USD per token, as
 * strings: openrouter.ai/docs/api-reference/list-available-models), turned
 * into USD per million tokens; else none (unknown, not free).
 */
import { findModel } from "../../catalog/catalog.ts";
import { isRecord, type JsonObject } from "../../formats/json.ts";
import { catalogEntry } from "../listing.ts";
import type { ModelEntry } from "../types.ts";

/** OpenRouter's cache prices, beside `prompt` and `completion`. */
const CACHE_PRICES = [
  ["input_cache_read", "cache_read"],
  ["input_cache_write", "cache_write"],
] as const;

/** A price a listing gave, in USD per million tokens; null for OpenRouter's "-1" (the price depends on the route: `openrouter/auto`). */
function perMillion(value: unknown): number | null | undefined {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : typeof value === "number" ? value : Number.NaN;
  if (!Number.isFinite(number)) return undefined;
  if (number < 0) return null;
  // Rounded to 1e-9 USD per million tokens: per-token figures such as 0.0000003 are not exact in binary.
  return Math.round(number * 1e6 * 1e9) / 1e9;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function modelsOf(answer: unknown): JsonObject[] {
  const list = Array.isArray(answer) ? answer : isRecord(answer) && Array.isArray(answer["data"]) ? answer["data"] : [];
  return list.filter((item): item is JsonObject => isRecord(item) && typeof item["id"] === "string" && item["id"] !== "");
}

/** The server's listing, merged with the catalog; `today` (YYYY-MM-DD) dates prices taken from the listing. */
export function listingEntries(provider: string, answer: unknown, today: string): ModelEntry[] {
  const seen = new Set<string>();
  const entries: ModelEntry[] = [];
  for (const item of modelsOf(answer)) {
    const id = item["id"] as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const top = isRecord(item["top_provider"]) ? item["top_provider"] : {};
    const contextLength = count(item["context_length"]) ?? count(item["context_window"]) ?? count(item["max_model_len"]);
    const maxOutput = count(top["max_completion_tokens"]) ?? count(item["max_completion_tokens"]);
    const known = findModel(provider, id);
    if (known !== undefined) {
      const entry = catalogEntry(known, "both", id);
      if (contextLength !== undefined) entry.context_length = contextLength;
      if (maxOutput !== undefined) entry.max_output = maxOutput;
      entries.push(entry);
      continue;
    }
    const architecture = isRecord(item["architecture"]) ? item["architecture"] : {};
    const modalities = Array.isArray(architecture["input_modalities"]) ? architecture["input_modalities"] : undefined;
    const parameters = Array.isArray(item["supported_parameters"]) ? item["supported_parameters"] : undefined;
    const name = typeof item["name"] === "string" && item["name"] !== "" ? item["name"] : typeof item["display_name"] === "string" ? item["display_name"] : id;
    const entry: ModelEntry = {
      id,
      name,
      provider,
      context_length: contextLength ?? null,
      max_output: maxOutput ?? null,
      cost: null,
      capabilities: {
        // What the server does not say is assumed of a chat model: tools yes, reasoning and images no.
        tools: parameters === undefined ? true : parameters.includes("tools"),
        reasoning: parameters === undefined ? false : parameters.includes("reasoning"),
        images: modalities === undefined ? false : modalities.includes("image"),
      },
      source: "api",
    };
    const pricing = isRecord(item["pricing"]) ? item["pricing"] : undefined;
    if (pricing !== undefined) {
      const cost: NonNullable<ModelEntry["cost"]> = { input: perMillion(pricing["prompt"]) ?? null, output: perMillion(pricing["completion"]) ?? null };
      for (const [theirs, ours] of CACHE_PRICES) {
        const price = perMillion(pricing[theirs]);
        if (price !== undefined) cost[ours] = price;
      }
      if (cost.input !== null || cost.output !== null) {
        entry.cost = cost;
        entry.price_source = `${provider} /models`;
        entry.price_date = today;
      }
    }
    entries.push(entry);
  }
  return entries;
}

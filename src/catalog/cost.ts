/**
 * Usage × catalog prices → USD cost, per the protocol's usage semantics:
 * `input_tokens` already includes the cache reads and writes, so only the
 * rest is billed at the plain input rate; `output_tokens` already includes
 * reasoning tokens.
 *
 * Cache writes are priced at the catalog's `cache_write`, which is the
 * 5-minute rate. Anthropic's 1-hour writes cost 2 × input instead of
 * 1.25 ×, and usage does not say which kind was written, so requests that
 * use 1-hour caching are under-counted on the write part.
 *
 * All input counts as text: models.dev's separate audio-input prices and
 * priority ("fast mode") prices are not applied.
 */
import type { Cost, Usage } from "../protocol/chunks.ts";
import type { CatalogModel, Price, Tier } from "./catalog.ts";

type Rate = number | null | undefined;

interface Rates {
  input: Rate;
  output: Rate;
  cache_read: Rate;
  cache_write: Rate;
}

/**
 * The cost of one request, or null when the model is unknown, is not billed
 * per token, or lacks a price that a non-zero count needs (an unknown price
 * is never read as free).
 */
export function computeCost(model: CatalogModel | undefined, usage: Usage): Cost | null {
  const price = model?.price;
  if (price === undefined || price === null) return null;
  const rates = ratesFor(price, usage.input_tokens);
  // Clamped: inconsistent counts from an adapter must not produce a negative charge.
  const uncached = Math.max(0, usage.input_tokens - usage.cache_read_tokens - usage.cache_write_tokens);

  const input = part(uncached, rates.input);
  const cache_read = part(usage.cache_read_tokens, rates.cache_read);
  const cache_write = part(usage.cache_write_tokens, rates.cache_write);
  const output = part(usage.output_tokens, rates.output);
  if (input === null || cache_read === null || cache_write === null || output === null) return null;
  return { input, output, cache_read, cache_write, total: round(input + cache_read + cache_write + output) };
}

/**
 * Base prices, or those of the highest tier the prompt exceeds: a tier
 * reprices the whole request, not only the tokens above its threshold.
 * A field the tier leaves out keeps the base price; a null one is unknown.
 */
function ratesFor(price: Price, inputTokens: number): Rates {
  let tier: Tier | undefined;
  for (const candidate of price.tiers ?? []) {
    if (inputTokens > candidate.above_input_tokens && (tier === undefined || candidate.above_input_tokens > tier.above_input_tokens)) {
      tier = candidate;
    }
  }
  const pick = (field: keyof Rates): Rate => {
    const tiered = tier?.[field];
    return tiered !== undefined ? tiered : price[field];
  };
  return { input: pick("input"), output: pick("output"), cache_read: pick("cache_read"), cache_write: pick("cache_write") };
}

/** USD for `tokens` at `perMillion`; null when tokens are billed at an unknown rate. */
function part(tokens: number, perMillion: Rate): number | null {
  // Negative counts are meaningless; they must not turn a charge into a credit.
  if (!(tokens > 0)) return 0;
  if (perMillion === null || perMillion === undefined) return null;
  return round((tokens * perMillion) / 1_000_000);
}

/**
 * The cost of two calls of one request (a resumed answer). Costs add per
 * call rather than being computed from the summed usage: a tiered price
 * depends on each call's own prompt size. Unknown stays unknown.
 */
export function addCost(a: Cost | null, b: Cost | null): Cost | null {
  if (a === null || b === null) return null;
  return {
    input: round(a.input + b.input),
    output: round(a.output + b.output),
    cache_read: round(a.cache_read + b.cache_read),
    cache_write: round(a.cache_write + b.cache_write),
    total: round(a.total + b.total),
  };
}

/** To 1e-10 USD: drops float noise (700 × 3 / 1e6 = 0.0021000000000000003) far below any billed unit. */
function round(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

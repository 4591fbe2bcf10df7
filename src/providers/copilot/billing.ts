/**
 * GitHub Copilot's usage-based billing (GitHub AI Credits, since 2026-06-01):
 * what one call was billed, from the `copilot_usage` block Copilot adds to its
 * answers, and the per-token prices `/models` advertises.
 *
 * Units, with their sources:
 * - 1 AI credit = 0.01 USD (docs.github.com "Models and pricing for GitHub
 *   Copilot" and "Usage-based billing for individuals").
 * - `copilot_usage.total_nano_aiu` is the billed amount in nano-AIU, 1 credit
 *   = 1e9 nano-AIU (microsoft/vscode `src/vs/platform/agentHost/node/claude/
 *   claudeProxyService.ts`: "CAPI returns the actual billed credits for a
 *   `/v1/messages` request as `copilot_usage.total_nano_aiu`", "in nano-AIU
 *   (1 credit = 1e9 nano-AIU)"). So USD = nano-AIU / 1e11.
 * - `copilot_usage.token_details[]` = `{token_type: input | cache_read |
 *   cache_write | output, token_count, cost_per_batch, batch_size}`,
 *   `cost_per_batch` in nano-AIU per `batch_size` tokens, and the total is
 *   their sum. Our own recording (recordings/copilot/responses-id-rotation,
 *   from vercel/ai) bears this out: gpt-5.3-codex at 175e9 / 17.5e9 / 1400e9
 *   nano-AIU per 1M input / cache-read / output tokens is OpenAI's list price
 *   $1.75 / $0.175 / $14, and 19 × 175e3 + 105 × 1.4e6 = its total 150,325,000.
 * - `/models` `billing.token_prices` = `{batch_size, default: {input_price,
 *   output_price, cache_price, cache_write_price?, context_max?},
 *   long_context?: {…, context_max}}` (microsoft/vscode
 *   `extensions/copilot/src/platform/endpoint/common/endpointProvider.ts`,
 *   `IModelTokenPrices`), in AI credits per `batch_size` tokens (OpenCode
 *   `packages/opencode/src/plugin/github-copilot/models.ts`: "Copilot prices
 *   are AIC per billing batch", USD per 1M = price × 10,000 / batch_size).
 *   Another capture spells the cache price `cache_read_price` and a tier's
 *   prompt limit `max_prompt_tokens`; both are read.
 */
import { computeCost } from "../../catalog/cost.ts";
import type { Tier } from "../../catalog/catalog.ts";
import type { Cost, Usage } from "../../protocol/chunks.ts";
import type { ModelEntry } from "../types.ts";
import { amount } from "../../formats/json.ts";
import { isJsonObject } from "../../protocol/json.ts";

const USD_PER_AI_CREDIT = 0.01;
const NANO_AIU_PER_AI_CREDIT = 1e9;
/** What `list_models` names as the source of Copilot's own prices. */
const PRICE_SOURCE = "copilot /models";
/**
 * No model is priced anywhere near this (the dearest list price is a few
 * hundred USD per 1M output tokens); a figure above it is a field we do not
 * understand, e.g. a capture of `token_prices` with nano-AIU-sized values
 * (500,000,000,000 for a $5 input price), and is not read as a price.
 */
const MAX_USD_PER_MILLION = 10_000;

type CostPart = "input" | "output" | "cache_read" | "cache_write";
const TOKEN_TYPES: Record<string, CostPart> = { input: "input", output: "output", cache_read: "cache_read", cache_write: "cache_write" };

export interface CopilotTokenDetail {
  token_type: string;
  token_count: number;
  cost_per_batch: number;
  batch_size: number;
}

/** The parts of a `copilot_usage` block we read; `undefined` fields were absent or not understood. */
export interface CopilotUsageBlock {
  total_nano_aiu?: number;
  token_details: CopilotTokenDetail[];
}

/** USD per 1M tokens for one price tier of a model. */
export interface TokenPriceTier {
  input: number;
  output: number;
  cache_read?: number;
  cache_write?: number;
  /** The largest prompt this tier covers. */
  context_max?: number;
}

export interface CopilotTokenPrices {
  default: TokenPriceTier;
  long_context?: TokenPriceTier;
}

/** What `done.details.copilot_billing` says about one call. */
export interface CopilotBilling {
  kind: "ai_credits";
  /**
   * Where the amount comes from: always Copilot's own account of the call.
   * `/models` prices only share a bare total into parts; a call without the
   * block is not priced from them, since a plan still on premium requests
   * cannot be told apart.
   */
  source: "copilot_usage";
  /** How the parts of `cost` were found when the total is the billed amount. */
  parts?: "token_details" | "apportioned_by_token_details" | "apportioned_by_models_token_prices";
  total_nano_aiu?: number;
  ai_credits?: number;
  /** USD, the protocol's cost shape; null when the parts cannot be told. */
  cost: Cost | null;
  /** The billed amount in USD when `cost` is null. */
  total_usd?: number;
}

/** Copilot's `copilot_usage` block, or undefined when it carries neither a total nor a token detail we understand. */
export function readCopilotUsage(value: unknown): CopilotUsageBlock | undefined {
  if (!isJsonObject(value)) return undefined;
  const details: CopilotTokenDetail[] = [];
  for (const item of Array.isArray(value["token_details"]) ? value["token_details"] : []) {
    if (!isJsonObject(item) || typeof item["token_type"] !== "string") continue;
    const count = amount(item["token_count"]);
    const cost = amount(item["cost_per_batch"]);
    const batch = amount(item["batch_size"]);
    if (count === undefined || cost === undefined || batch === undefined || batch === 0) continue;
    details.push({ token_type: item["token_type"], token_count: count, cost_per_batch: cost, batch_size: batch });
  }
  const total = amount(value["total_nano_aiu"]);
  if (total === undefined && details.length === 0) return undefined;
  return { ...(total !== undefined && { total_nano_aiu: total }), token_details: details };
}

function priceTier(value: unknown, batchSize: number): TokenPriceTier | undefined {
  if (!isJsonObject(value)) return undefined;
  const usd = (field: unknown): number | undefined => {
    const credits = amount(field);
    if (credits === undefined) return undefined;
    const perMillion = (credits * USD_PER_AI_CREDIT * 1_000_000) / batchSize;
    return perMillion <= MAX_USD_PER_MILLION ? roundUsd(perMillion) : Number.NaN;
  };
  const input = usd(value["input_price"]);
  const output = usd(value["output_price"]);
  const cacheRead = usd(value["cache_price"] ?? value["cache_read_price"]);
  const cacheWrite = usd(value["cache_write_price"]);
  if (input === undefined || output === undefined) return undefined;
  if ([input, output, cacheRead, cacheWrite].some((price) => Number.isNaN(price))) return undefined;
  const contextMax = value["context_max"] ?? value["max_prompt_tokens"];
  return {
    input,
    output,
    ...(cacheRead !== undefined && { cache_read: cacheRead }),
    ...(cacheWrite !== undefined && { cache_write: cacheWrite }),
    ...(typeof contextMax === "number" && Number.isInteger(contextMax) && contextMax > 0 && { context_max: contextMax }),
  };
}

/** `/models` `billing.token_prices` in USD per 1M tokens, or undefined when absent or not in the shape described above. */
export function readTokenPrices(billing: unknown): CopilotTokenPrices | undefined {
  const prices = isJsonObject(billing) ? billing["token_prices"] : undefined;
  if (!isJsonObject(prices)) return undefined;
  const batchSize = amount(prices["batch_size"]);
  if (batchSize === undefined || batchSize === 0) return undefined;
  const base = priceTier(prices["default"], batchSize);
  if (base === undefined) return undefined;
  const long = priceTier(prices["long_context"], batchSize);
  return { default: base, ...(long !== undefined && { long_context: long }) };
}

/** The long-context tier as the catalog's Tier: it prices the whole request once the prompt exceeds the default tier's `context_max`. */
function longContextTier(prices: CopilotTokenPrices): Tier | undefined {
  const threshold = prices.default.context_max;
  const long = prices.long_context;
  if (long === undefined || threshold === undefined) return undefined;
  return { above_input_tokens: threshold, input: long.input, output: long.output, cache_read: long.cache_read ?? null, cache_write: long.cache_write ?? null };
}

/** `list_models` fields for a model `/models` prices: `cost` (USD per 1M tokens), `tiers`, `price_source`, `price_date`. */
export function listingPrices(prices: CopilotTokenPrices, date: string): Pick<ModelEntry, "cost" | "tiers" | "price_source" | "price_date"> {
  const base = prices.default;
  const tier = longContextTier(prices);
  return {
    cost: {
      input: base.input,
      output: base.output,
      ...(base.cache_read !== undefined && { cache_read: base.cache_read }),
      ...(base.cache_write !== undefined && { cache_write: base.cache_write }),
    },
    ...(tier !== undefined && { tiers: [tier] }),
    price_source: PRICE_SOURCE,
    price_date: date,
  };
}

/** `usage` at `/models` prices (tiers applied as the catalog applies them); null when a price the usage needs is unknown. */
function costAtListPrices(prices: CopilotTokenPrices, usage: Usage): Cost | null {
  const base = prices.default;
  const tier = longContextTier(prices);
  return computeCost(
    {
      id: "copilot /models",
      name: "copilot /models",
      provider: "copilot",
      context_length: null,
      max_output: null,
      capabilities: { tools: false, reasoning: false, images: false },
      price: {
        input: base.input,
        output: base.output,
        cache_read: base.cache_read ?? null,
        cache_write: base.cache_write ?? null,
        ...(tier !== undefined && { tiers: [tier] }),
        source: PRICE_SOURCE,
        date: "",
      },
    },
    usage,
  );
}

/**
 * What one call cost, in AI credits and USD. The billed total (without one,
 * the sum of the token details) comes first: its parts are the token details
 * when they add up to it (they do in every capture we found), else the total
 * shared out in the proportions of the token details (a discount off the
 * whole call, say), else in those of the call's usage at `/models` prices;
 * with nothing to share it by, `cost` is null and `total_usd` says the amount.
 */
export function billCall(block: CopilotUsageBlock, usage: Partial<Usage>, prices: CopilotTokenPrices | undefined): CopilotBilling {
  const detailed = nanoByPart(block.token_details);
  const total = block.total_nano_aiu ?? (detailed !== undefined ? sumNano(detailed.parts) + detailed.unknown : 0);
  if (detailed !== undefined && detailed.unknown === 0 && Math.abs(sumNano(detailed.parts) - total) <= block.token_details.length) {
    return copilotUsageBilling(total, detailed.parts, "token_details");
  }
  if (detailed !== undefined && sumNano(detailed.parts) > 0) return copilotUsageBilling(total, share(total, detailed.parts), "apportioned_by_token_details");
  const listed = prices !== undefined ? listCost(prices, usage) : null;
  if (listed !== null && listed.total > 0) {
    const weights = { input: listed.input, output: listed.output, cache_read: listed.cache_read, cache_write: listed.cache_write };
    return copilotUsageBilling(total, share(total, weights), "apportioned_by_models_token_prices");
  }
  if (total === 0) return copilotUsageBilling(0, { input: 0, output: 0, cache_read: 0, cache_write: 0 }, "token_details");
  return { kind: "ai_credits", source: "copilot_usage", total_nano_aiu: total, ai_credits: total / NANO_AIU_PER_AI_CREDIT, cost: null, total_usd: usdOfNano(total) };
}

type Parts = Record<CostPart, number>;

function nanoByPart(details: CopilotTokenDetail[]): { parts: Parts; unknown: number } | undefined {
  if (details.length === 0) return undefined;
  const parts: Parts = { input: 0, output: 0, cache_read: 0, cache_write: 0 };
  let unknown = 0;
  for (const detail of details) {
    const nano = (detail.token_count * detail.cost_per_batch) / detail.batch_size;
    const part = TOKEN_TYPES[detail.token_type];
    if (part === undefined) unknown += nano;
    else parts[part] += nano;
  }
  return { parts, unknown };
}

function sumNano(parts: Parts): number {
  return parts.input + parts.output + parts.cache_read + parts.cache_write;
}

function share(total: number, weights: Parts): Parts {
  const sum = sumNano(weights);
  const of = (part: CostPart) => (total * weights[part]) / sum;
  return { input: of("input"), output: of("output"), cache_read: of("cache_read"), cache_write: of("cache_write") };
}

function copilotUsageBilling(totalNano: number, nano: Parts, parts: NonNullable<CopilotBilling["parts"]>): CopilotBilling {
  return {
    kind: "ai_credits",
    source: "copilot_usage",
    parts,
    total_nano_aiu: totalNano,
    ai_credits: totalNano / NANO_AIU_PER_AI_CREDIT,
    cost: {
      input: usdOfNano(nano.input),
      output: usdOfNano(nano.output),
      cache_read: usdOfNano(nano.cache_read),
      cache_write: usdOfNano(nano.cache_write),
      total: usdOfNano(totalNano),
    },
  };
}

/** The call's own counts at `/models` prices; null unless the provider reported input and output. */
function listCost(prices: CopilotTokenPrices, usage: Partial<Usage>): Cost | null {
  if (usage.input_tokens === undefined || usage.output_tokens === undefined) return null;
  return costAtListPrices(prices, {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_read_tokens: usage.cache_read_tokens ?? 0,
    cache_write_tokens: usage.cache_write_tokens ?? 0,
    reasoning_tokens: usage.reasoning_tokens ?? 0,
  });
}

function usdOfNano(nano: number): number {
  return roundUsd((nano / NANO_AIU_PER_AI_CREDIT) * USD_PER_AI_CREDIT);
}

/** To 1e-12 USD: finer than one nano-AIU (1e-11 USD), so no billed unit is lost, while float noise is. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e12) / 1e12;
}

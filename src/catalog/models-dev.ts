/**
 * models.dev's public catalog (`https://models.dev/api.json`, the data of
 * anomalyco/models.dev, MIT) → a catalog layer in our own format
 * (src/catalog/layers.ts). Pure: the action that downloads it is
 * src/actions/refresh-catalog.ts.
 *
 * api.json is one object keyed by provider, each `{id, name, models: {id:
 * model}}`; a model has `name`, `limit {context, output}`, `tool_call`,
 * `reasoning`, `modalities {input, output}`, `release_date` and `cost` in USD
 * per million tokens (`input`, `output`, `cache_read`, `cache_write`, and
 * prompt-size tiers as `tiers: [{tier: {size}, …}]` or the older
 * `context_over_200k`) (models.dev README and packages/core/src/schema.ts).
 *
 * What is taken: chat models of our six providers. A price models.dev does
 * not give is left out, so the layer never replaces a known price with an
 * unknown one; Copilot's list-price equivalents are not taken (Copilot does
 * not bill them: src/catalog/README.md).
 */
import { isBundled, PRICE_FIELDS, type ProviderId } from "./catalog.ts";
import { isJsonObject } from "../protocol/json.ts";

export const MODELS_DEV_URL = "https://models.dev/api.json";

/** models.dev provider id → ours. */
const PROVIDERS: Record<string, ProviderId> = {
  anthropic: "anthropic",
  openai: "openai",
  azure: "azure",
  "amazon-bedrock": "bedrock",
  "google-vertex": "vertex",
  "google-vertex-anthropic": "vertex",
  "github-copilot": "copilot",
};

/** Not chat models, whatever their modalities say. */
const NOT_CHAT = /(embed|tts|whisper|transcribe|dall-e|image|moderation|realtime|audio|rerank)/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

type Json = Record<string, unknown>;
const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

export interface Converted {
  /** The layer file (catalog format), as JSON text. */
  text: string;
  /** Models taken, per provider of ours. */
  counts: Partial<Record<ProviderId, number>>;
}

/** A models.dev `api.json` value → a cache layer, or an Error saying what is wrong with the answer. */
export function convertModelsDev(value: unknown, date: string, source: string): Converted {
  if (!isJsonObject(value)) throw new Error("the answer is not a JSON object of providers");
  const providers: Partial<Record<ProviderId, { models: Json[] }>> = {};
  const counts: Partial<Record<ProviderId, number>> = {};
  for (const [theirs, ours] of Object.entries(PROVIDERS)) {
    const provider = value[theirs];
    if (provider === undefined) continue;
    if (!isJsonObject(provider) || !isJsonObject(provider.models)) throw new Error(`${theirs}: no models object`);
    providers[ours] ??= { models: [] };
    const models = providers[ours].models;
    const seen = new Set(models.map((model) => model.id as string));
    for (const [id, model] of Object.entries(provider.models)) {
      if (!isJsonObject(model) || seen.has(id)) continue;
      const entry = convertModel(id, model, ours, date, source);
      if (entry === undefined) continue;
      seen.add(id);
      models.push(entry);
    }
    counts[ours] = models.length;
  }
  if (Object.keys(providers).length === 0) throw new Error("none of our providers is in the answer (is it models.dev's api.json?)");
  const file = {
    $comment: `Refreshed from ${source} on ${date} by refresh_catalog (models.dev data, MIT License, Copyright (c) 2025 models.dev).`,
    date,
    providers,
  };
  return { text: `${JSON.stringify(file)}\n`, counts };
}

function convertModel(id: string, model: Json, provider: ProviderId, date: string, source: string): Json | undefined {
  const modalities = isJsonObject(model.modalities) ? model.modalities : {};
  const input = Array.isArray(modalities.input) ? modalities.input : ["text"];
  const output = Array.isArray(modalities.output) ? modalities.output : ["text"];
  if (!output.includes("text") || !input.includes("text") || NOT_CHAT.test(id)) return undefined;
  if (id.length > 200 || !/^[\w.:@/-]+$/.test(id)) return undefined;
  const limit = isJsonObject(model.limit) ? model.limit : {};
  const known = isBundled(provider, id);
  const entry: Json = {
    id,
    name: typeof model.name === "string" && model.name !== "" ? model.name.slice(0, 300) : id,
    capabilities: { tools: model.tool_call === true, reasoning: model.reasoning === true, images: input.includes("image") },
  };
  // What the answer does not say stays as the bundled catalog has it; only a model new to us gets unknowns (null).
  const fields: Json = {
    context_length: count(limit.context),
    max_output: count(limit.output),
    price: provider === "copilot" ? null : price(model.cost, date, source),
  };
  for (const [field, value] of Object.entries(fields)) if (value !== null || !known) entry[field] = value;
  if (typeof model.release_date === "string" && DATE.test(model.release_date)) entry.released = model.release_date;
  return entry;
}

function count(value: unknown): number | null {
  return Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : null;
}

/** `into` with each price field of `from` that is a finite number. */
function pickPrices(from: Json, into: Json): Json {
  for (const field of PRICE_FIELDS) if (finite(from[field])) into[field] = from[field];
  return into;
}

function price(cost: unknown, date: string, source: string): Json | null {
  if (!isJsonObject(cost)) return null;
  const out = pickPrices(cost, {});
  if (out.input === undefined && out.output === undefined) return null;
  const tiers: Json[] = [];
  if (Array.isArray(cost.tiers)) {
    for (const tier of cost.tiers) {
      if (!isJsonObject(tier) || !isJsonObject(tier.tier) || !Number.isSafeInteger(tier.tier.size)) continue;
      tiers.push(pickPrices(tier, { above_input_tokens: tier.tier.size }));
    }
  } else if (isJsonObject(cost.context_over_200k)) {
    tiers.push(pickPrices(cost.context_over_200k, { above_input_tokens: 200_000 }));
  }
  if (tiers.length > 0) out.tiers = tiers;
  out.source = `models.dev api.json ${source === MODELS_DEV_URL ? "" : `(${source}) `}refreshed ${date}`.replace("  ", " ");
  out.date = date;
  return out;
}

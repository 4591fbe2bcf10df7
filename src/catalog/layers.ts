/**
 * Catalog layers over the bundled data, lowest first: the bundled
 * models.json < the refreshed cache (`refresh_catalog`) < the user's
 * override file. Both files are in the catalog's own format (models.json's
 * `providers`), an entry giving only what it changes; the override file may
 * also carry `rules` (src/catalog/rules.json's format).
 *
 * A file is checked whole before any of it is used: a damaged or invalid
 * file is reported on stderr with the reason and ignored as a whole, never
 * half-applied, and never stops the executable. Nothing here touches the
 * network: the files are read once at start (and the cache again after a
 * refresh).
 */
import type { Deps } from "../deps.ts";
import { parseRules, setExtraRules } from "../rules/table.ts";
import type { Rule } from "../rules/types.ts";
import { bundledDate, isBundled, PRICE_FIELDS, PROVIDER_IDS, setCatalogLayers, type CatalogLayer, type ModelPatch, type ProviderId } from "./catalog.ts";
import { isJsonObject } from "../protocol/json.ts";

/** A catalog file larger than this is refused unread (the bundled one is ~100 KB). */
export const MAX_LAYER_BYTES = 16 * 1024 * 1024;
/** USD per million tokens above which a price is taken for a unit mistake (the dearest list price today is $600/M). */
export const MAX_PRICE = 2000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PROVIDER_ID = /^[a-z][a-z0-9_-]{0,63}$/;
const TOKENIZERS = ["o200k_base", "cl100k_base"];

type Json = Record<string, unknown>;

export interface ParsedLayer {
  layer: CatalogLayer;
  rules: Rule[];
  models: number;
  /** The file's own `date`, or its newest price date. */
  date?: string;
}

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

function only(object: Json, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(object)) if (!allowed.includes(key)) fail(`${where}.${key}`, "unknown field");
}

function count(value: unknown, where: string, max = 100_000_000): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max) fail(where, `must be an integer from 0 to ${max}`);
}

function usd(value: unknown, where: string): void {
  if (value === null) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_PRICE)
    fail(where, `must be null or a number from 0 to ${MAX_PRICE} (USD per million tokens)`);
}

function date(value: unknown, where: string): void {
  if (typeof value !== "string" || !DATE.test(value)) fail(where, "must be a date YYYY-MM-DD");
}

function text(value: unknown, where: string, max = 300): void {
  if (typeof value !== "string" || value === "" || value.length > max) fail(where, `must be a string of 1 to ${max} characters`);
}

function checkPrice(price: unknown, where: string): void {
  if (price === null) return;
  if (!isJsonObject(price)) fail(where, "must be an object or null");
  only(price, [...PRICE_FIELDS, "tiers", "geographic_uplift", "source", "date"], where);
  for (const field of PRICE_FIELDS) if (price[field] !== undefined) usd(price[field], `${where}.${field}`);
  if (price.source !== undefined) text(price.source, `${where}.source`);
  if (price.date !== undefined) date(price.date, `${where}.date`);
  if (price.geographic_uplift !== undefined && (typeof price.geographic_uplift !== "number" || !(price.geographic_uplift >= 1 && price.geographic_uplift <= 2))) {
    fail(`${where}.geographic_uplift`, "must be a number from 1 to 2");
  }
  if (price.tiers !== undefined) {
    if (!Array.isArray(price.tiers) || price.tiers.length > 10) fail(`${where}.tiers`, "must be an array of at most 10 tiers");
    price.tiers.forEach((tier, k) => {
      const at = `${where}.tiers[${k}]`;
      if (!isJsonObject(tier)) fail(at, "must be an object");
      only(tier, ["above_input_tokens", ...PRICE_FIELDS], at);
      count(tier.above_input_tokens, `${at}.above_input_tokens`);
      for (const field of PRICE_FIELDS) if (tier[field] !== undefined) usd(tier[field], `${at}.${field}`);
    });
  }
}

const MODEL_FIELDS = ["id", "name", "aliases", "context_length", "max_output", "capabilities", "tokenizer", "price", "released", "retired"];

function checkModel(provider: ProviderId, model: unknown, where: string): ModelPatch {
  if (!isJsonObject(model)) fail(where, "must be an object");
  only(model, MODEL_FIELDS, where);
  text(model.id, `${where}.id`, 200);
  if (model.name !== undefined) text(model.name, `${where}.name`);
  if (model.aliases !== undefined) {
    if (!Array.isArray(model.aliases) || model.aliases.length > 50) fail(`${where}.aliases`, "must be an array of at most 50 ids");
    model.aliases.forEach((alias, k) => {
      text(alias, `${where}.aliases[${k}]`, 200);
    });
  }
  for (const field of ["context_length", "max_output"] as const) {
    if (model[field] !== undefined && model[field] !== null) count(model[field], `${where}.${field}`);
  }
  if (model.capabilities !== undefined) {
    const capabilities = model.capabilities;
    if (!isJsonObject(capabilities)) fail(`${where}.capabilities`, "must be an object");
    only(capabilities, ["tools", "reasoning", "images"], `${where}.capabilities`);
    for (const field of ["tools", "reasoning", "images"]) {
      if (typeof capabilities[field] !== "boolean") fail(`${where}.capabilities.${field}`, "must be true or false");
    }
  }
  if (model.tokenizer !== undefined && !TOKENIZERS.includes(model.tokenizer as string)) fail(`${where}.tokenizer`, `must be one of ${TOKENIZERS.join(", ")}`);
  if (model.price !== undefined) checkPrice(model.price, `${where}.price`);
  if (model.released !== undefined) date(model.released, `${where}.released`);
  if (model.retired !== undefined) date(model.retired, `${where}.retired`);
  // A model the bundled data does not know needs a whole entry; a known one may give only what it changes.
  if (!isBundled(provider, model.id as string)) {
    for (const field of ["name", "context_length", "max_output", "capabilities", "price"]) {
      if (!(field in model)) fail(`${where}.${field}`, `required for a model the bundled catalog does not list (${model.id as string})`);
    }
    if (isJsonObject(model.price) && (typeof model.price.source !== "string" || typeof model.price.date !== "string")) {
      fail(`${where}.price`, "a new model's price needs its source and date");
    }
  }
  return model as unknown as ModelPatch;
}

/** A catalog layer file → its models and rules, or an Error naming the first problem (nothing of the file is used then). */
export function parseCatalogLayer(textContent: string, name: CatalogLayer["name"]): ParsedLayer {
  if (textContent.length > MAX_LAYER_BYTES) fail("file", `larger than ${MAX_LAYER_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(textContent);
  } catch (error) {
    fail("file", `not JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(value)) fail("file", "must be a JSON object");
  only(value, ["$comment", "$license", "date", "providers", "rules"], "file");
  if (value.date !== undefined) date(value.date, "date");
  const providers: CatalogLayer["providers"] = {};
  let models = 0;
  let newest = "";
  if (value.providers !== undefined) {
    if (!isJsonObject(value.providers)) fail("providers", "must be an object");
    for (const [provider, entry] of Object.entries(value.providers)) {
      const where = `providers.${provider}`;
      // Any provider the registry may hold (presets, the user's endpoints): a lower-case id, not checked against a list.
      if (!PROVIDER_ID.test(provider)) fail(where, `not a provider id (lower-case letters, digits, _ and -; e.g. ${PROVIDER_IDS.join(", ")})`);
      if (!isJsonObject(entry)) fail(where, "must be an object");
      only(entry, ["name", "models"], where);
      if (!Array.isArray(entry.models) || entry.models.length > 5000) fail(`${where}.models`, "must be an array of at most 5000 models");
      const seen = new Set<string>();
      const checked = entry.models.map((model, i) => {
        const patch = checkModel(provider as ProviderId, model, `${where}.models[${i}]`);
        if (seen.has(patch.id)) fail(`${where}.models[${i}].id`, `${patch.id} is listed twice`);
        seen.add(patch.id);
        if (patch.price?.date !== undefined && patch.price.date > newest) newest = patch.price.date;
        return patch;
      });
      providers[provider as ProviderId] = { models: checked };
      models += checked.length;
    }
  }
  const rules = value.rules === undefined ? [] : parseRules(value.rules, "rules");
  if (rules.length > 0 && name !== "override") fail("rules", "only the override file may carry rules");
  const fileDate = (value.date as string | undefined) ?? (newest === "" ? undefined : newest);
  return { layer: { name, providers }, rules, models, ...(fileDate !== undefined && { date: fileDate }) };
}

export interface LayerStatus {
  layer: "bundled" | "cache" | "override";
  /** The newest date of the layer's data. */
  date?: string;
  path?: string;
  models?: number;
  rules?: number;
  /** Why the file was ignored. */
  error?: string;
}

/** The layers in use, for `ping`; the bundled one always. */
let status: LayerStatus[] = [{ layer: "bundled", date: bundledDate() }];
let installed: { cache?: ParsedLayer; override?: ParsedLayer } = {};

export function catalogLayers(): LayerStatus[] {
  return status.map((entry) => ({ ...entry }));
}

function install(next: { cache?: ParsedLayer; override?: ParsedLayer }, paths: { cache?: string; override?: string }, errors: { cache?: string; override?: string }): void {
  installed = next;
  setCatalogLayers([next.cache, next.override].flatMap((parsed) => (parsed === undefined ? [] : [parsed.layer])));
  setExtraRules(next.override?.rules ?? []);
  status = [{ layer: "bundled", date: bundledDate() }];
  for (const layer of ["cache", "override"] as const) {
    const parsed = next[layer];
    const error = errors[layer];
    if (parsed === undefined && error === undefined) continue;
    status.push({
      layer,
      ...(paths[layer] !== undefined && { path: paths[layer] }),
      ...(parsed?.date !== undefined && { date: parsed.date }),
      ...(parsed !== undefined && { models: parsed.models }),
      ...(parsed !== undefined && layer === "override" && { rules: parsed.rules.length }),
      ...(error !== undefined && { error }),
    });
  }
}

async function readLayer(deps: Deps, path: string | undefined, name: CatalogLayer["name"]): Promise<{ parsed?: ParsedLayer; error?: string }> {
  if (path === undefined) return {};
  let textContent: string | null;
  try {
    textContent = await deps.files.read(path);
  } catch (error) {
    return { error: `cannot read ${path}: ${(error as Error).message}` };
  }
  if (textContent === null) return {};
  try {
    return { parsed: parseCatalogLayer(textContent, name) };
  } catch (error) {
    return { error: `${path}: ${(error as Error).message}` };
  }
}

/** Read the cache and override files (where `deps.catalogFiles` names them) and put them over the bundled data. */
export async function loadCatalogLayers(deps: Deps): Promise<LayerStatus[]> {
  const paths = deps.catalogFiles ?? {};
  const [cache, override] = await Promise.all([readLayer(deps, paths.cache, "cache"), readLayer(deps, paths.override, "override")]);
  for (const [layer, result] of [
    ["cache", cache],
    ["override", override],
  ] as const) {
    if (result.error !== undefined) deps.log.log("warn", `catalog ${layer} file ignored`, { problem: result.error });
  }
  install({ ...(cache.parsed && { cache: cache.parsed }), ...(override.parsed && { override: override.parsed }) }, paths, {
    ...(cache.error !== undefined && { cache: cache.error }),
    ...(override.error !== undefined && { override: override.error }),
  });
  return catalogLayers();
}

/** A freshly refreshed cache, already written to disk: used from now on, under the override file. */
export function useRefreshedCache(parsed: ParsedLayer, path: string | undefined): void {
  const errors = status.find((entry) => entry.layer === "override")?.error;
  install({ ...installed, cache: parsed }, { ...(path !== undefined && { cache: path }), ...overridePath() }, errors === undefined ? {} : { override: errors });
}

function overridePath(): { override?: string } {
  const path = status.find((entry) => entry.layer === "override")?.path;
  return path === undefined ? {} : { override: path };
}

/** Back to the bundled data alone (tests). */
export function resetCatalogLayers(): void {
  install({}, {}, {});
}

/**
 * The model catalog: context window, output limit, capabilities and list
 * prices for each provider's current models, read from models.json (bundled
 * into the executable; how to update it: README.md beside this file).
 *
 * Lookups are exact. An unknown model is `undefined`, never the nearest
 * match: a guessed model would put a wrong price on a real bill.
 */
import data from "./models.json" with { type: "json" };

/**
 * A provider's id, as the registry names it (src/providers/registry.ts). The
 * catalog lists models for some providers; one it does not list (a local
 * server, a user's endpoint) simply has no catalog entries.
 */
export type ProviderId = string;

/** The per-million-token prices a price (and each of its tiers) can give. */
export const PRICE_FIELDS = ["input", "output", "cache_read", "cache_write"] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];

/** The providers the bundled catalog lists models for, in its order. */
export const PROVIDER_IDS: readonly ProviderId[] = Object.freeze(Object.keys((data as { providers: Record<string, unknown> }).providers));

/** Prices (USD per 1M tokens) that replace the base ones once the prompt exceeds `above_input_tokens`. */
export interface Tier {
  above_input_tokens: number;
  input?: number | null;
  output?: number | null;
  cache_read?: number | null;
  cache_write?: number | null;
}

/**
 * List prices in USD per 1M tokens; a missing or null field is unknown, not
 * free. `cache_write` is the 5-minute prompt-cache write rate (Anthropic also
 * sells a 1-hour write at 2 × input, which the catalog does not carry).
 */
export interface Price {
  input?: number | null;
  output?: number | null;
  cache_read?: number | null;
  cache_write?: number | null;
  tiers?: Tier[];
  /**
   * Bedrock: a geographic cross-Region inference profile (`us.`, `eu.`, `jp.`,
   * `au.`, `apac.`) the catalog does not list costs this multiple of these
   * prices; `global.` and bare ids do not (AWS: global inference "offers
   * approximately 10% savings ... compared to geographic cross-Region
   * inference": the Bedrock user guide's global-cross-region-inference page,
   * docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html).
   */
  geographic_uplift?: number;
  /** Where the figures come from, e.g. "models.dev f3fc69229967". */
  source: string;
  /** Date of that source (YYYY-MM-DD), to show next to any computed cost. */
  date: string;
}

export interface CatalogModel {
  id: string;
  name: string;
  provider: ProviderId;
  /** Other ids the provider accepts or answers with for the same model at the same price (dated snapshots, bare Vertex ids). */
  aliases?: string[];
  context_length: number | null;
  max_output: number | null;
  capabilities: { tools: boolean; reasoning: boolean; images: boolean };
  /** js-tiktoken encoding name; only for OpenAI-made models. */
  tokenizer?: string;
  /** `null` when the provider does not bill per token (Copilot). */
  price: Price | null;
  /** Release date (YYYY-MM-DD), where known. */
  released?: string;
  /** The date the provider retires (or retired) the model on this provider (YYYY-MM-DD); listings leave it out from then on. */
  retired?: string;
}

/** models.json as written, before the provider is stamped on each model. */
interface CatalogFile {
  providers: Record<ProviderId, { name: string; models: Array<Omit<CatalogModel, "provider">> }>;
}

/**
 * An entry of a layer over the bundled data (the refreshed cache, the
 * user's override file, src/catalog/layers.ts): for a listed id, the fields
 * it gives replace the bundled ones (price fields one by one); a new id
 * carries a whole entry, which the layer parser checks.
 */
export type ModelPatch = Partial<Omit<CatalogModel, "provider" | "price">> & { id: string; price?: Partial<Price> | null };

export interface CatalogLayer {
  name: "cache" | "override";
  providers: Partial<Record<ProviderId, { models: ModelPatch[] }>>;
}

let layers: readonly CatalogLayer[] = [];

/** Put layers over the bundled data, in order (later wins); [] leaves the bundled data alone. */
export function setCatalogLayers(next: readonly CatalogLayer[]): void {
  layers = next;
  index = undefined;
  profiles.clear();
}

/** Whether the bundled data lists this id (or alias) for the provider, before any layer. */
export function isBundled(provider: ProviderId, id: string): boolean {
  const file = data as unknown as CatalogFile;
  return (file.providers[provider]?.models ?? []).some((model) => model.id === id || (model.aliases ?? []).includes(id));
}

/** How many models the bundled data lists for the provider. */
export function bundledModelCount(provider: ProviderId): number {
  return ((data as unknown as CatalogFile).providers[provider]?.models ?? []).length;
}

/** The newest price date in the bundled data: how old the executable's own prices are. */
export function bundledDate(): string {
  const file = data as unknown as CatalogFile;
  let newest = "";
  for (const provider of Object.values(file.providers)) {
    for (const model of provider.models) if (model.price !== null && model.price.date > newest) newest = model.price.date;
  }
  return newest;
}

function applyPatch(base: Omit<CatalogModel, "provider"> | undefined, patch: ModelPatch): Omit<CatalogModel, "provider"> {
  const { price, ...fields } = patch;
  const merged = { ...(base ?? {}), ...structuredClone(fields) } as Omit<CatalogModel, "provider">;
  if (price === null) merged.price = null;
  else if (price !== undefined) merged.price = { ...(base?.price ?? {}), ...structuredClone(price) } as Price;
  return merged;
}

interface ProviderIndex {
  models: CatalogModel[];
  byId: Map<string, CatalogModel>;
}

let index: Map<ProviderId, ProviderIndex> | undefined;

function buildIndex(): Map<ProviderId, ProviderIndex> {
  const file = data as unknown as CatalogFile;
  const result = new Map<ProviderId, ProviderIndex>();
  // The bundled providers, then any a layer adds (a user's override for a provider the catalog does not list).
  const providers = new Set([...PROVIDER_IDS, ...layers.flatMap((layer) => Object.keys(layer.providers))]);
  for (const provider of providers) {
    let entries = file.providers[provider]?.models ?? [];
    for (const layer of layers) {
      const patches = layer.providers[provider]?.models ?? [];
      if (patches.length === 0) continue;
      const at = new Map(entries.map((entry, i) => [entry.id, i]));
      entries = [...entries];
      for (const patch of patches) {
        const i = at.get(patch.id);
        if (i === undefined) {
          at.set(patch.id, entries.length);
          entries.push(applyPatch(undefined, patch));
        } else {
          entries[i] = applyPatch(entries[i], patch);
        }
      }
    }
    const models: CatalogModel[] = [];
    const byId = new Map<string, CatalogModel>();
    for (const entry of entries) {
      // Frozen because every caller shares these objects.
      const model = deepFreeze({ ...structuredClone(entry), provider });
      models.push(model);
      for (const key of [model.id, ...(model.aliases ?? [])]) {
        // First entry wins; the data-integrity test keeps ids unique anyway.
        if (!byId.has(key)) byId.set(key, model);
      }
    }
    result.set(provider, { models, byId });
  }
  return result;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function providerIndex(provider: ProviderId): ProviderIndex | undefined {
  index ??= buildIndex();
  return index.get(provider);
}

/**
 * The geographies of Bedrock's cross-Region (system-defined) inference
 * profiles, which AWS writes in front of the model id
 * (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`), `global.` included. The
 * one list every reader of Bedrock ids uses: pricing here, the model rules'
 * key (rules/model-key.ts), the provider's profile retry and CountTokens
 * (providers/bedrock.ts). `us`, `eu`, `apac`, `jp`, `au`, `us-gov` and
 * `global` are the members of the AWS CDK's CrossRegionInferenceProfileRegion
 * (@aws-cdk/aws-bedrock-alpha). `ca` was in two of the three lists this one
 * replaces, and third-party configurations use it, but no AWS page we found
 * names a `ca.` profile (AWS's Nov 2025 post on cross-Region inference from
 * Canada routes through `us.` and `global.` profiles): it is recognised
 * when read, never produced.
 */
export const BEDROCK_GEOGRAPHIES = ["us", "eu", "apac", "jp", "au", "ca", "us-gov", "global"] as const;
export type BedrockGeography = (typeof BEDROCK_GEOGRAPHIES)[number];

const GEO = `(?:${BEDROCK_GEOGRAPHIES.join("|")})\\.`;
/** A geography at the start of a Bedrock model id, with its dot. */
export const BEDROCK_GEOGRAPHY_PREFIX = new RegExp(`^${GEO}`);
/**
 * A geography, then a base id that has none (`us.eu.…` is no model). Where
 * the catalog lists the profile itself it wins (EU profiles cost 10 % more);
 * otherwise the base model's entry stands in, times its geographic uplift.
 * GovCloud is its own partition with its own price list: a `us-gov.` profile
 * the catalog does not list has no price, never the commercial one.
 */
const BEDROCK_GEO_PROFILE = new RegExp(`^${GEO}(?!${GEO})(.+)$`);

/** The catalog entry for an exact id or alias, with the Bedrock and Vertex fallbacks described above; otherwise undefined. */
export function findModel(provider: ProviderId, modelId: string): CatalogModel | undefined {
  const byId = providerIndex(provider)?.byId;
  if (byId === undefined) return undefined;
  const exact = byId.get(modelId);
  if (exact !== undefined) return exact;
  if (provider === "bedrock") {
    if (modelId.startsWith("us-gov.")) return undefined;
    const match = BEDROCK_GEO_PROFILE.exec(modelId);
    // The base id, else its global profile (a model served only through profiles, like Fable 5).
    const base = match?.[1] === undefined ? undefined : (byId.get(match[1]) ?? byId.get(`global.${match[1]}`));
    const uplift = base?.price?.geographic_uplift;
    if (base === undefined || uplift === undefined || modelId.startsWith("global.")) return base;
    return geographicProfile(base, modelId, uplift);
  }
  if (provider === "vertex") {
    // Vertex pins versions as `model@version`; an unlisted version of a listed model is the same model.
    const at = modelId.indexOf("@");
    return at > 0 ? byId.get(modelId.slice(0, at)) : undefined;
  }
  return undefined;
}

const profiles = new Map<string, CatalogModel>();

/** A geographic profile the catalog does not list: the base model at its prices × the uplift (made once, frozen). */
function geographicProfile(base: CatalogModel, id: string, uplift: number): CatalogModel {
  const known = profiles.get(id);
  if (known !== undefined) return known;
  const price = base.price!;
  const times = (value: number | null): number | null => (value === null ? null : Math.round(value * uplift * 1e6) / 1e6);
  const scale = <T extends Partial<Record<PriceField, number | null>>>(prices: T): T => {
    const out: Record<string, unknown> = { ...prices };
    for (const field of PRICE_FIELDS) {
      const value = prices[field];
      if (value !== undefined) out[field] = times(value);
    }
    return out as T;
  };
  const scaled: Price = {
    ...scale(price),
    ...(price.tiers !== undefined && { tiers: price.tiers.map(scale) }),
    source: `${price.source} × ${uplift} (geographic profile)`,
  };
  const { aliases: _, ...rest } = base;
  const model = deepFreeze({ ...structuredClone(rest), id, price: scaled });
  profiles.set(id, model);
  return model;
}

/** The provider's catalog models in file order (a fresh array; the models themselves are frozen). */
export function listCatalogModels(provider: ProviderId): CatalogModel[] {
  return [...(providerIndex(provider)?.models ?? [])];
}

/**
 * The ids a price may be listed under for a call, in the order to try them:
 * the id the provider answered with, the id requested, each without a date
 * suffix (`-YYYY-MM-DD`, `-YYYYMMDD`), and Vertex's `@YYYYMMDD` spelling of a
 * dated id. Providers answer with dated snapshots the catalog may not list
 * (`gpt-5` is answered as `gpt-5-2025-08-07`: recordings/openai/chat-text.ndjson;
 * Vertex answers `claude-3-7-sonnet@20250219` as `claude-3-7-sonnet-20250219`:
 * recordings/vertex/claude-text.ndjson).
 */
/** A model id without its snapshot date: `-2025-08-07` (OpenAI) or `-20250929` (Anthropic). */
export function withoutDateSuffix(id: string): string {
  return id.replace(/-\d{4}-\d{2}-\d{2}$/, "").replace(/-\d{8}$/, "");
}

export function priceIds(answered: string, requested?: string): string[] {
  const ids: string[] = [];
  for (const id of requested === undefined ? [answered] : [answered, requested]) {
    const undated = withoutDateSuffix(id);
    const date = /-(\d{8})$/.exec(id)?.[1];
    ids.push(id, undated);
    if (date !== undefined) ids.push(`${undated}@${date}`);
  }
  return [...new Set(ids)];
}

/** Model listings: catalog entries, merged with a provider's live listing where one exists. */
import { findModel, listCatalogModels, type CatalogModel, type ProviderId, type Tier } from "../catalog/catalog.ts";
import type { ModelEntry } from "./types.ts";

export function catalogEntry(model: CatalogModel, source: ModelEntry["source"], id = model.id): ModelEntry {
  const price = model.price;
  return {
    id,
    name: model.name,
    provider: model.provider,
    context_length: model.context_length,
    max_output: model.max_output,
    cost: price
      ? {
          input: price.input ?? null,
          output: price.output ?? null,
          ...(price.cache_read !== undefined && { cache_read: price.cache_read }),
          ...(price.cache_write !== undefined && { cache_write: price.cache_write }),
        }
      : null,
    capabilities: { ...model.capabilities },
    source,
    ...(price && { price_source: price.source, price_date: price.date }),
    ...(price?.tiers !== undefined && { tiers: structuredClone(price.tiers) as Tier[] }),
    ...(model.released !== undefined && { released: model.released }),
    ...(model.retired !== undefined && { retired: model.retired }),
  };
}

export function catalogListing(provider: ProviderId): ModelEntry[] {
  return listCatalogModels(provider).map((model) => catalogEntry(model, "catalog"));
}

export interface LiveModel {
  id: string;
  name?: string;
  context_length?: number;
  max_output?: number;
  images?: boolean;
  reasoning?: boolean;
}

/**
 * The provider's list is the truth about what this key can use; the catalog
 * adds prices and limits. Live models the catalog does not know are listed
 * with what the provider said and a null price (never a guessed one).
 */
export function mergeListing(provider: ProviderId, live: LiveModel[]): ModelEntry[] {
  return live.map((item) => {
    const known = findModel(provider, item.id);
    if (known) {
      const entry = catalogEntry(known, "both", item.id);
      if (item.context_length) entry.context_length = item.context_length;
      if (item.max_output) entry.max_output = item.max_output;
      return entry;
    }
    return {
      id: item.id,
      name: item.name ?? item.id,
      provider,
      context_length: item.context_length ?? null,
      max_output: item.max_output ?? null,
      cost: null,
      capabilities: { tools: true, reasoning: item.reasoning ?? false, images: item.images ?? false },
      source: "api",
    };
  });
}

/**
 * The pages of a listing that pages by `nextPageToken` (Google's APIs), at
 * most 20: a misbehaving server cannot keep us paging for ever.
 */
export async function* tokenPages<T extends { nextPageToken?: string | undefined }>(fetchPage: (pageToken: string | undefined) => Promise<T>): AsyncGenerator<T> {
  let pageToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const answer = await fetchPage(pageToken);
    yield answer;
    pageToken = answer.nextPageToken;
    if (!pageToken) return;
  }
}

/** ping and list_providers: answered without any network call. */
import { catalogLayers } from "../catalog/layers.ts";
import type { ActionContext, Outcome } from "./types.ts";

export const PROTOCOL_VERSION = 1;

export function ping(ctx: ActionContext): Outcome {
  return { kind: "result", data: { version: ctx.deps.version, protocol: PROTOCOL_VERSION, catalog: catalogLayers() } };
}

export async function listProviders(ctx: ActionContext): Promise<Outcome> {
  const data = await Promise.all(
    [...ctx.providers.values()].map(async (provider) => ({
      id: provider.id,
      name: provider.name,
      configured: await provider.isConfigured(ctx.deps),
      auth: provider.auth,
      // Protocol 1 keeps the field: a provider is listed only when this version implements it.
      available: true,
    })),
  );
  return { kind: "result", data };
}

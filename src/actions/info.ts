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
      configured: provider.available && (await provider.isConfigured(ctx.deps)),
      auth: provider.auth,
      available: provider.available,
    })),
  );
  return { kind: "result", data };
}

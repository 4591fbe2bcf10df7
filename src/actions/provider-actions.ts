/**
 * The provider-bound actions that answer with one result: list_models,
 * count_tokens, calculate_cost, authenticate, logout. Each is orchestration
 * only; the provider does the talking.
 */
import { saveStoredCredentials, removeStoredCredentials } from "../auth/store.ts";
import type { ProviderId } from "../catalog/catalog.ts";
import { emptyUsage, type Usage } from "../protocol/chunks.ts";
import type { Action, RequestOf } from "../protocol/request.ts";
import type { Provider } from "../providers/types.ts";
import type { ActionContext, Outcome } from "./types.ts";
import { costOf } from "./usage-report.ts";

type Of<A extends Action> = ActionContext<RequestOf<A>>;

export async function listModels(ctx: Of<"list_models">, provider: Provider): Promise<Outcome> {
  const models = await provider.listModels(ctx.request.params, { deps: ctx.deps, signal: ctx.signal });
  if (ctx.request.params.include_retired === true) return { kind: "result", data: models };
  // Retired on the day its date names (UTC), whatever a provider's stale listing still says.
  const today = new Date(ctx.deps.now()).toISOString().slice(0, 10);
  return { kind: "result", data: models.filter((model) => model.retired === undefined || model.retired > today) };
}

export async function countTokens(ctx: Of<"count_tokens">, provider: Provider): Promise<Outcome> {
  const data = await provider.countTokens(ctx.request.params, { deps: ctx.deps, signal: ctx.signal });
  return { kind: "result", data };
}

/** Pure catalog arithmetic, so it works for every provider, including those whose chat is not available yet. */
export function calculateCost(ctx: Of<"calculate_cost">, provider: Provider): Outcome {
  const usage: Usage = { ...emptyUsage(), ...ctx.request.params.usage };
  return { kind: "result", data: costOf(provider.id as ProviderId, ctx.request.params.model, usage) };
}

export async function authenticate(ctx: Of<"authenticate">, provider: Provider): Promise<Outcome> {
  const credentials = await provider.authenticate(ctx.request.params, { deps: ctx.deps, signal: ctx.signal, emit: ctx.emit });
  if (credentials !== null) await saveStoredCredentials(ctx.deps, provider.id, credentials);
  return { kind: "result", data: { type: "authenticated", provider: provider.id, stored: credentials !== null } };
}

export async function logout(ctx: Of<"logout">, provider: Provider): Promise<Outcome> {
  const removed = await removeStoredCredentials(ctx.deps, provider.id);
  return { kind: "result", data: { provider: provider.id, removed } };
}

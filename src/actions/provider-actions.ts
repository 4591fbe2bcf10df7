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
import { findModel } from "../catalog/catalog.ts";

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

/**
 * Catalog arithmetic, so it works for every provider without a network call;
 * only a name the catalog does not know, on a provider that can say what is
 * behind it (Azure deployments, given the endpoint and credentials), asks
 * the provider (cached). If that fails, the name is priced as it is.
 */
export async function calculateCost(ctx: Of<"calculate_cost">, provider: Provider): Promise<Outcome> {
  const params = ctx.request.params;
  const usage: Usage = { ...emptyUsage(), ...params.usage };
  const id = provider.id as ProviderId;
  let cost = costOf(id, params.model, usage);
  if (cost === null && provider.modelBehind !== undefined && findModel(id, params.model) === undefined) {
    try {
      const behind = await provider.modelBehind(params, { deps: ctx.deps, signal: ctx.signal });
      if (behind !== undefined) cost = costOf(id, behind, usage);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      ctx.deps.log.log("info", "calculate_cost: could not ask what model is behind the name; priced as it is", { error });
    }
  }
  return { kind: "result", data: cost };
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

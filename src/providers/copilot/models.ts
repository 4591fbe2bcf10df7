/**
 * Copilot's own model list (`GET {api}/models`, as zed-industries/zed
 * crates/copilot_chat/src/copilot_chat.rs reads it; recorded in
 * recordings/copilot/models.ndjson): which
 * endpoint each model is served on, whether it must be switched on first
 * (its policy), and the listing the editor sees. The list is kept per
 * process for a while: routing needs it on every request.
 */
import { TimedCache } from "../timed-cache.ts";
import { findModel } from "../../catalog/catalog.ts";
import type { Deps, StateSlot } from "../../deps.ts";
import type { ModelEntry } from "../types.ts";
import { listingPrices, readTokenPrices } from "./billing.ts";

export interface CopilotModel {
  id: string;
  name?: string;
  vendor?: string;
  model_picker_enabled?: boolean;
  /** Premium requests (legacy annual plans) and, since 2026-06-01, `token_prices` in AI credits (./billing.ts). */
  billing?: { is_premium?: boolean; multiplier?: number; restricted_to?: string[]; token_prices?: unknown };
  policy?: { state?: string; terms?: string };
  supported_endpoints?: string[];
  capabilities?: {
    type?: string;
    tokenizer?: string;
    limits?: { max_context_window_tokens?: number; max_prompt_tokens?: number; max_output_tokens?: number };
    supports?: { tool_calls?: boolean; vision?: boolean; reasoning_effort?: string[]; max_thinking_budget?: number; adaptive_thinking?: boolean };
  };
}

export type CopilotRoute = "chat" | "responses" | "messages";

/** How long a fetched /models list is trusted for routing. */
export const MODELS_TTL_MS = 10 * 60_000;

/** The process's cache of Copilot model lists, per account and API base (src/server/state.ts). */
export const COPILOT_MODELS: StateSlot<TimedCache<CopilotModel[]>> = { name: "copilot model lists", make: () => new TimedCache(MODELS_TTL_MS) };

/** The list fetched for this account and API base less than MODELS_TTL_MS ago, if any. */
export function cachedModels(deps: Deps, key: string): CopilotModel[] | undefined {
  return deps.state.get(COPILOT_MODELS).get(key, deps.now());
}

export function rememberModels(deps: Deps, key: string, models: CopilotModel[]): void {
  deps.state.get(COPILOT_MODELS).set(key, models, deps.now());
}

/** Tolerant reading of the /models answer: entries without an id are dropped, unknown fields ignored. */
export function parseModelList(answer: unknown): CopilotModel[] {
  const data = (answer as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return [];
  return data.filter((item): item is CopilotModel => typeof item === "object" && item !== null && typeof (item as { id?: unknown }).id === "string");
}

/**
 * The endpoint a model is served on: Anthropic Messages where offered (Claude:
 * thinking signatures and cache breakpoints survive), then Responses, then
 * Chat Completions, which is also the answer for models /models does not
 * describe. `params.api` forces Chat Completions or Responses.
 */
export function routeFor(model: CopilotModel | undefined, forced: "chat" | "responses" | undefined): CopilotRoute {
  if (forced !== undefined) return forced;
  const endpoints = model?.supported_endpoints ?? [];
  if (endpoints.includes("/v1/messages")) return "messages";
  if (endpoints.includes("/responses")) return "responses";
  return "chat";
}

export const ROUTE_PATH: Record<CopilotRoute, string> = {
  chat: "/chat/completions",
  responses: "/responses",
  messages: "/v1/messages",
};

export function needsEnabling(model: CopilotModel | undefined): boolean {
  const state = model?.policy?.state;
  return state !== undefined && state !== "enabled";
}

function reasons(model: CopilotModel): boolean {
  const supports = model.capabilities?.supports;
  return Boolean((supports?.reasoning_effort?.length ?? 0) > 0 || supports?.max_thinking_budget || supports?.adaptive_thinking);
}

export function isReasoningModel(model: CopilotModel | undefined): boolean {
  return model !== undefined && reasons(model);
}

/**
 * Chat models the account can use or switch on. Models hidden from the
 * picker without a policy to accept are Copilot's internal ones.
 * `context_length` is the prompt budget Copilot enforces
 * (`max_prompt_tokens`, often below the window). `cost` is the model's
 * `billing.token_prices` in USD per 1M tokens, dated `today` (the list is
 * live), or null where `/models` gives none.
 */
export function modelListing(models: CopilotModel[], today: string): ModelEntry[] {
  const entries: ModelEntry[] = [];
  for (const model of models) {
    const capabilities = model.capabilities;
    if (capabilities?.type !== undefined && capabilities.type !== "chat") continue;
    if (model.model_picker_enabled === false && model.policy === undefined) continue;
    const limits = capabilities?.limits;
    const entry: ModelEntry = {
      id: model.id,
      name: model.name || model.id,
      provider: "copilot",
      context_length: limits?.max_prompt_tokens ?? limits?.max_context_window_tokens ?? null,
      max_output: limits?.max_output_tokens ?? null,
      cost: null,
      capabilities: { tools: capabilities?.supports?.tool_calls ?? false, reasoning: reasons(model), images: capabilities?.supports?.vision ?? false },
      source: findModel("copilot", model.id) ? "both" : "api",
    };
    const billing = model.billing;
    const prices = readTokenPrices(billing);
    if (prices !== undefined) Object.assign(entry, listingPrices(prices, today));
    // A billing block with token prices only says nothing about premium requests.
    if (billing !== undefined && (billing.is_premium !== undefined || billing.multiplier !== undefined || billing.restricted_to !== undefined)) {
      entry.billing = { is_premium: billing.is_premium ?? false, multiplier: typeof billing.multiplier === "number" ? billing.multiplier : null };
      if (Array.isArray(billing.restricted_to)) entry.billing.restricted_to = billing.restricted_to.filter((plan) => typeof plan === "string");
    }
    entries.push(entry);
  }
  return entries;
}

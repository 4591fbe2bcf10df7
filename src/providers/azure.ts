/**
 * Azure OpenAI: the OpenAI dialects (one implementation, shared) on Azure's
 * URL surfaces. The model is the deployment name. By default the GA `/openai/v1/`
 * surface (no api-version); a dated `api_version` selects the classic
 * deployment URLs `/openai/deployments/{deployment}/...?api-version=`.
 * Errors users hit most (missing deployment, wrong resource, unsupported
 * api-version) are reworded to say which one is wrong.
 */
import { TimedCache } from "./timed-cache.ts";
import { localEncoding } from "./counting.ts";
import { findApiKey, mergeHeaders, type ApiKeySource } from "../auth/api-key.ts";
import { createSseStreamDecoder } from "../decode/stream-decoder.ts";
import type { Deps, StateSlot } from "../deps.ts";
import { createOpenAIChatFormat } from "../formats/openai-chat/index.ts";
import { classifyOpenAIError } from "../formats/openai-chat/errors.ts";
import { createOpenAIResponsesFormat } from "../formats/openai-responses/index.ts";
import type { ErrorResponse } from "../formats/types.ts";
import { fetchJson } from "../http/json.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { registerSecret } from "../redact.ts";
import { catalogListing, mergeListing } from "./listing.ts";
import type { ChatRequestParams, ModelEntry, Provider, ProviderCall, TokenCount } from "./types.ts";
import { countLocally } from "../tokens/local-count.ts";
import { shapeChat } from "../rules/shape.ts";

const KEY: ApiKeySource = { provider: "azure", envVars: ["AZURE_OPENAI_API_KEY", "AZURE_API_KEY"] };
/**
 * The latest GA dated version (the newest folder under Azure/azure-rest-api-specs
 * specification/cognitiveservices/data-plane/AzureOpenAI/inference/stable; Azure's
 * API version lifecycle page, learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle),
 * named in api-version error messages.
 */
export const AZURE_GA_API_VERSION = "2024-10-21";

interface AzureTarget {
  endpoint: string;
  /** "v1", or a dated version for the deployment URLs. */
  apiVersion: string;
}

function target(params: ProviderParams, deps: Deps): AzureTarget {
  const resource = deps.env.AZURE_RESOURCE_NAME;
  const raw = params.base_url ?? deps.env.AZURE_OPENAI_ENDPOINT ?? (resource ? `https://${resource}.openai.azure.com` : undefined);
  if (!raw) {
    throw new BridgeError("INVALID_REQUEST", "azure needs an endpoint: pass params.base_url, or set AZURE_OPENAI_ENDPOINT or AZURE_RESOURCE_NAME", { field: "params.base_url" });
  }
  // Accept the resource root in any of the forms the portal shows.
  const endpoint = raw.replace(/\/+$/, "").replace(/\/openai(\/v1)?$/, "");
  const apiVersion = (params.api_version as string | undefined) ?? deps.env.AZURE_OPENAI_API_VERSION ?? "v1";
  return { endpoint, apiVersion };
}

function chatUrl(target: AzureTarget, deployment: string, api: "chat" | "responses"): string {
  const path = api === "responses" ? "responses" : "chat/completions";
  if (target.apiVersion === "v1") return `${target.endpoint}/openai/v1/${path}`;
  const query = `api-version=${encodeURIComponent(target.apiVersion)}`;
  // The dated Responses API is not deployment-scoped: the deployment travels as `model` in the body.
  if (api === "responses") return `${target.endpoint}/openai/responses?${query}`;
  return `${target.endpoint}/openai/deployments/${encodeURIComponent(deployment)}/${path}?${query}`;
}

async function authHeaders(params: ProviderParams, deps: Deps): Promise<Record<string, string>> {
  const token = params.credentials?.azure_ad_token ?? deps.env.AZURE_OPENAI_AD_TOKEN;
  if (typeof token === "string" && token.length > 0) {
    registerSecret(token);
    return { authorization: `Bearer ${token}` };
  }
  const key = await findApiKey(params, deps, KEY);
  if (key === undefined) {
    throw new BridgeError("AUTH_REQUIRED", "no azure credentials: pass params.credentials.api_key or azure_ad_token, set AZURE_OPENAI_API_KEY, or run authenticate");
  }
  return { "api-key": key };
}

/** Turn Azure's terse 404s into a message that says which part of the address is wrong. */
export function classifyAzureError(response: ErrorResponse, deployment: string, target: AzureTarget): BridgeError {
  const error = classifyOpenAIError(response);
  const code = error.providerType ?? "";
  const options = {
    retryable: error.retryable,
    status: response.status,
    ...(error.requestId !== undefined && { requestId: error.requestId }),
    ...(error.providerType !== undefined && { providerType: error.providerType }),
  };
  if (code === "DeploymentNotFound") {
    return new BridgeError(
      "NOT_FOUND",
      `azure: deployment "${deployment}" does not exist on ${target.endpoint} (check the deployment name in the Azure portal; params.model is the deployment name, not the model name)`,
      options,
    );
  }
  if (response.status === 404) {
    return new BridgeError(
      "NOT_FOUND",
      `azure: ${target.endpoint} answered "resource not found": check the endpoint (https://<resource>.openai.azure.com) and api version "${target.apiVersion}" (${error.message})`,
      options,
    );
  }
  if (/api[- ]version/i.test(error.message) && (response.status === 400 || code === "BadRequest")) {
    return new BridgeError(
      "INVALID_PARAMS",
      `azure: api version "${target.apiVersion}" is not supported here; use "v1" or a current dated version such as ${AZURE_GA_API_VERSION} (${error.message})`,
      options,
    );
  }
  return error;
}

/**
 * The data-plane deployments route (id = deployment name, model = the model
 * behind it). Later api versions dropped it, but it is still served for this
 * one and needs only the key, unlike the ARM control plane.
 */
export const DEPLOYMENTS_API_VERSION = "2023-03-15-preview";

interface AzureDeployment {
  id: string;
  model?: string;
  status?: string;
}

/** Deployments of models that cannot chat are not offered to the editor. */
const NOT_CHAT = /embedding|dall-e|whisper|tts|transcribe|gpt-image|sora/i;

/** Each ready chat deployment, priced from the catalog by the model behind it (the deployment name is the user's). */
export function deploymentListing(deployments: AzureDeployment[]): ModelEntry[] {
  const entries: ModelEntry[] = [];
  for (const deployment of deployments) {
    const model = deployment.model ?? deployment.id;
    if (deployment.status !== undefined && deployment.status !== "succeeded") continue;
    if (NOT_CHAT.test(model)) continue;
    const entry = mergeListing("azure", [{ id: model }])[0]!;
    if (deployment.id !== model) entry.name = `${deployment.id} (${entry.name})`;
    entries.push({ ...entry, id: deployment.id, model });
  }
  return entries;
}

/** How long a resource's deployment names are trusted for pricing (a new deployment shows up within this). */
const DEPLOYMENTS_TTL_MS = 10 * 60 * 1000;
/** The process's cache of Azure deployment names → models, per resource and credential (src/server/state.ts). */
export const AZURE_DEPLOYMENTS: StateSlot<TimedCache<Map<string, string>>> = { name: "azure deployments", make: () => new TimedCache(DEPLOYMENTS_TTL_MS) };

export const azureProvider: Provider = {
  id: "azure",
  name: "Azure OpenAI",
  auth: "api_key",

  async isConfigured(deps) {
    const hasEndpoint = Boolean(deps.env.AZURE_OPENAI_ENDPOINT || deps.env.AZURE_RESOURCE_NAME);
    return hasEndpoint && (Boolean(deps.env.AZURE_OPENAI_AD_TOKEN) || (await findApiKey({}, deps, KEY)) !== undefined);
  },

  async planChat(params, { deps }) {
    const where = target(params, deps);
    // Deployment names are the user's choice, so the dialect defaults to Chat Completions (served by every
    // deployment and api version); Responses on request.
    const api = params.api ?? "chat";
    const shaping = shapeChat("azure", api === "responses" ? "openai-responses" : "openai-chat", params);
    const format = api === "responses" ? createOpenAIResponsesFormat({ reasoningModel: shaping.rules.thinking === "effort" }) : createOpenAIChatFormat();
    const body = JSON.stringify(format.encodeRequest(shaping.params));
    const headers = mergeHeaders({ "content-type": "application/json", ...(await authHeaders(params, deps)) }, params.headers);
    const url = chatUrl(where, params.model, api);
    return {
      format: { ...format, classifyError: (response) => classifyAzureError(response, params.model, where) },
      shaping,
      createDecoder: createSseStreamDecoder,
      // Never follow a redirect with the key attached (as openai-node does for Azure).
      buildRequest: () => new Request(url, { method: "POST", headers, body, redirect: "manual" }),
    };
  },

  async listModels(params, { deps, signal }) {
    let headers: Headers;
    let where: AzureTarget;
    try {
      where = target(params, deps);
      headers = mergeHeaders(await authHeaders(params, deps), params.headers);
    } catch (error) {
      if (error instanceof BridgeError && (error.code === "AUTH_REQUIRED" || error.code === "INVALID_REQUEST")) return catalogListing("azure");
      throw error;
    }
    const get = <T>(url: string): Promise<T> =>
      fetchJson<T>(
        deps,
        () => new Request(url, { headers, redirect: "manual" }),
        signal,
        (response) => classifyAzureError(response, "", where),
      );
    try {
      const answer = await get<{ data?: AzureDeployment[] }>(`${where.endpoint}/openai/deployments?api-version=${DEPLOYMENTS_API_VERSION}`);
      return deploymentListing(answer.data ?? []);
    } catch (error) {
      // Resources (or gateways) that no longer serve the deployments route: list what the resource offers instead.
      if (!(error instanceof BridgeError && (error.code === "NOT_FOUND" || error.code === "INVALID_PARAMS"))) throw error;
      deps.log.log("info", "azure deployments listing unavailable; listing the resource's models", { error });
    }
    const answer = await get<{ data?: Array<{ id: string; capabilities?: { chat_completion?: boolean } }> }>(`${where.endpoint}/openai/v1/models`);
    // The listing mixes in embeddings, image and audio models; Azure flags which ones can chat.
    const chat = (answer.data ?? []).filter((model) => model.capabilities?.chat_completion !== false);
    return mergeListing(
      "azure",
      chat.map((model) => ({ id: model.id })),
    );
  },

  async modelBehind(params, call) {
    const where = target(params, call.deps);
    // Per resource and credential: two accounts never share what they can see.
    const key = `${where.endpoint}\n${JSON.stringify(await authHeaders(params, call.deps))}`;
    const cache = call.deps.state.get(AZURE_DEPLOYMENTS);
    let known = cache.get(key, call.deps.now());
    if (known === undefined) {
      const listing = await azureProvider.listModels(params, call);
      known = new Map(listing.flatMap((entry) => (entry.model ? [[entry.id, entry.model]] : [])));
      cache.set(key, known, call.deps.now());
    }
    return known.get(params.model);
  },

  async countTokens(params: ChatRequestParams, { signal }: ProviderCall): Promise<TokenCount> {
    // A deployment named after its model counts exactly; a name of the user's own gets an estimate.
    // Counted as the route planChat takes: Chat unless `api` asks for Responses.
    return countLocally(params, {
      provider: "azure",
      encoding: localEncoding("azure", params.model),
      route: params.api ?? "chat",
      signal,
    });
  },

  async authenticate(params, { deps, signal }) {
    const where = target(params, deps);
    const headers = await authHeaders(params, deps);
    const url = `${where.endpoint}/openai/v1/models`;
    await fetchJson(
      deps,
      () => new Request(url, { headers: mergeHeaders(headers, params.headers), redirect: "manual" }),
      signal,
      (response) => classifyAzureError(response, "", where),
    );
    return headers["api-key"] ? { api_key: headers["api-key"] } : null;
  },
};

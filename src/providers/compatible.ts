/**
 * OpenAI-compatible services and servers: the presets (compatible/presets.ts),
 * the generic `openai_compatible` provider (any server, `params.base_url`
 * required, key optional) and the user's named endpoints
 * (compatible/endpoints.ts). One provider implementation for all of them;
 * what differs is data (compatible/spec.ts, compatible/flags.ts).
 *
 * - Endpoint: `params.base_url`, else the preset's environment variables
 *   (`<ID>_BASE_URL`; Ollama also `OLLAMA_HOST`), else the preset's URL.
 * - Credentials: `Authorization: Bearer` with `params.credentials.api_key`,
 *   the service's variable, then the store; local servers need none, and
 *   get none unless one is found.
 * - Dialect: Chat Completions, with the server's flags; `params.api:
 *   "responses"` where the server speaks the Responses API too.
 * - Listing: what `GET {base}/models` returns, merged with the catalog
 *   (compatible/models.ts). Counting: local, by model family
 *   (src/tokens/), marked as an estimate where no tokenizer fits.
 * - A server that does not answer the connection is named with its URL,
 *   and a local one is said not to be running.
 */
import { localEncoding } from "./counting.ts";
import { findApiKey, mergeHeaders, requireApiKey } from "../auth/api-key.ts";
import type { Deps } from "../deps.ts";
import { createSseStreamDecoder } from "../decode/stream-decoder.ts";
import { createOpenAIChatFormat } from "../formats/openai-chat/index.ts";
import { classifyOpenAIError } from "../formats/openai-chat/errors.ts";
import { createOpenAIResponsesFormat } from "../formats/openai-responses/index.ts";
import { fetchJson } from "../http/json.ts";
import { inCauseChain } from "../http/network-error.ts";
import { BridgeError, systemErrorCode } from "../protocol/errors.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { shapeChat } from "../rules/shape.ts";
import { familyOf } from "../tokens/families.ts";
import { countLocally } from "../tokens/local-count.ts";
import { chatOptions, GENERIC_FLAGS } from "./compatible/flags.ts";
import { ReportedCostMeter } from "./compatible/reported-cost.ts";
import { listingEntries } from "./compatible/models.ts";
import { PRESETS } from "./compatible/presets.ts";
import { type CompatDialect, type CompatibleSpec, displayUrl, isLoopback, resolveBaseUrl } from "./compatible/spec.ts";
import { catalogListing } from "./listing.ts";
import type { Provider } from "./types.ts";

export type { CompatibleSpec } from "./compatible/spec.ts";

/**
 * Gateways that send OpenAI's models to the Responses API whatever dialect
 * they are asked in: OpenRouter bills an openai/* request with tools 72 to 82
 * tokens below the Chat Completions count, as OpenAI's own Responses API does
 * (fantasy TestOpenRouterCommon openai tool_streaming and multi_tool,
 * pydantic-ai test_eager_input_streaming_sent_to_openrouter; pairs in
 * test/fixtures/tokens/pairs/openrouter.json).
 */
const OPENAI_VIA_RESPONSES: ReadonlySet<string> = new Set(["openrouter"]);

/** Any server, named by `params.base_url` in each request. */
export const GENERIC_SPEC: CompatibleSpec = {
  id: "openai_compatible",
  name: "OpenAI-compatible server",
  base_url_env: [],
  key_env: [],
  key_required: false,
  // The server changes with every request: a stored key would be sent wherever the next request points.
  key_store: false,
  local: false,
  dialects: ["chat", "responses"],
  flags: GENERIC_FLAGS,
};

/** The presets, the generic provider and the user's endpoints, in that order. */
export function compatibleProviders(endpoints: readonly CompatibleSpec[] = []): Provider[] {
  return [...PRESETS, GENERIC_SPEC, ...endpoints].map(createCompatibleProvider);
}

/** Connection failures: the server is not there (not started, wrong port, unknown host), as opposed to one that broke off. */
const NOT_ANSWERING = new Set(["ECONNREFUSED", "ConnectionRefused", "FailedToOpenSocket", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

function notAnswering(error: BridgeError): boolean {
  return error.code === "NETWORK_ERROR" && inCauseChain(error.cause, (current) => NOT_ANSWERING.has(systemErrorCode(current) ?? ""));
}

/** A connection failure, restated with the server's URL (and, for a server on this machine, that it does not answer). */
export function explainConnectFailure(spec: CompatibleSpec, base: string, error: BridgeError): BridgeError {
  if (!notAnswering(error)) return error;
  const where = `${spec.name} at ${displayUrl(base)}`;
  const message = spec.local || isLoopback(base) ? `${where}: the local server does not answer (is it running?): ${error.message}` : `${where} does not answer: ${error.message}`;
  return new BridgeError("NETWORK_ERROR", message, { retryable: error.retryable, cause: error });
}

function chooseDialect(spec: CompatibleSpec, params: ProviderParams): CompatDialect {
  const asked = params["api"];
  if (asked === undefined) return spec.dialects[0] ?? "chat";
  if ((asked === "chat" || asked === "responses") && spec.dialects.includes(asked)) return asked;
  throw new BridgeError("INVALID_REQUEST", `params.api: ${spec.id} speaks ${spec.dialects.map((d) => `"${d}"`).join(" and ")} here`, { field: "params.api" });
}

export function createCompatibleProvider(spec: CompatibleSpec): Provider {
  const keySource = { provider: spec.id, envVars: spec.key_env };

  /** The key to send, if any: required ones are demanded, optional ones taken where found. */
  const keyFor = async (params: ProviderParams, deps: Deps, required = spec.key_required): Promise<string | undefined> => {
    // The generic provider takes only a key given with the request (see GENERIC_SPEC).
    if (!spec.key_store && params.credentials?.["api_key"] === undefined) return undefined;
    return required ? requireApiKey(params, deps, keySource) : findApiKey(params, deps, keySource);
  };

  const headersFor = (key: string | undefined, params: ProviderParams): Headers =>
    mergeHeaders({ "content-type": "application/json", ...(key !== undefined && { authorization: `Bearer ${key}` }) }, params.headers);

  /** GET {base}/models, a failure to connect explained. */
  const getModels = async (base: string, key: string | undefined, params: ProviderParams, deps: Deps, signal: AbortSignal): Promise<unknown> => {
    try {
      return await fetchJson<unknown>(deps, () => new Request(`${base}/models`, { headers: headersFor(key, params) }), signal, classifyOpenAIError);
    } catch (error) {
      throw error instanceof BridgeError ? explainConnectFailure(spec, base, error) : error;
    }
  };

  return {
    id: spec.id,
    name: spec.name,
    auth: "api_key",

    async isConfigured(deps) {
      if (!spec.key_required) return true;
      return (await keyFor({}, deps, false)) !== undefined;
    },

    async planChat(params, { deps }) {
      const base = resolveBaseUrl(spec, params, deps);
      const key = await keyFor(params, deps);
      const dialect = chooseDialect(spec, params);
      const shaping = shapeChat(spec.id, dialect === "responses" ? "openai-responses" : "openai-chat", params);
      // Responses: encrypted reasoning only when the request thinks or hands some back; these servers need not know `include`.
      const format = dialect === "responses" ? createOpenAIResponsesFormat() : createOpenAIChatFormat(chatOptions(spec.flags));
      const body = JSON.stringify(format.encodeRequest(shaping.params));
      const url = `${base}/${dialect === "responses" ? "responses" : "chat/completions"}`;
      const meter = spec.flags.usage_cost ? new ReportedCostMeter() : undefined;
      return {
        format: meter === undefined ? format : { ...format, createMapper: () => meter.wrap(format.createMapper()) },
        ...(meter !== undefined && { billedCost: () => meter.billed }),
        shaping,
        createDecoder: createSseStreamDecoder,
        buildRequest: () => new Request(url, { method: "POST", headers: headersFor(key, params), body }),
        explainFailure: (error) => explainConnectFailure(spec, base, error),
      };
    },

    async listModels(params, { deps, signal }) {
      const base = resolveBaseUrl(spec, params, deps);
      const key = await keyFor(params, deps, false);
      if (key === undefined && spec.key_required) return catalogListing(spec.id);
      const answer = await getModels(base, key, params, deps, signal);
      return listingEntries(spec.id, answer, new Date(deps.now()).toISOString().slice(0, 10));
    },

    async countTokens(params, { signal }) {
      // No compatible server has a counting endpoint in common: the model family's tokenizer, else a marked estimate.
      return countLocally(params, {
        provider: spec.id,
        encoding: localEncoding(spec.id, params.model),
        // gpt-oss is served there by Chat hosts (Groq, Cerebras), which bill its own framing.
        route: OPENAI_VIA_RESPONSES.has(spec.id) && familyOf(params.model) === "openai" ? "responses" : "chat",
        signal,
      });
    },

    async authenticate(params, { deps, signal }) {
      const base = resolveBaseUrl(spec, params, deps);
      const key = await keyFor(params, deps);
      await getModels(base, key, params, deps, signal);
      return key !== undefined && spec.key_store ? { api_key: key } : null;
    },
  };
}

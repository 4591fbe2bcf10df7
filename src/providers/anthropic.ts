/** Anthropic Messages API: api.anthropic.com (or ANTHROPIC_BASE_URL), `x-api-key`, SSE. */
import { mergeHeaders, requireApiKey, findApiKey, type ApiKeySource } from "../auth/api-key.ts";
import type { Deps } from "../deps.ts";
import { createSseStreamDecoder } from "../decode/stream-decoder.ts";
import { anthropicMessagesFormat } from "../formats/anthropic-messages/index.ts";
import { classifyAnthropicError } from "../formats/anthropic-messages/errors.ts";
import { encodeAnthropicRequest } from "../formats/anthropic-messages/request.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { fetchJson } from "../http/json.ts";
import { catalogListing, mergeListing, type LiveModel } from "./listing.ts";
import { countLocally } from "../tokens/local-count.ts";
import { shapeChat } from "../rules/shape.ts";
import { providerFirst } from "./counting.ts";
import type { ChatRequestParams, Provider, ProviderCall, ShapedRequestParams, TokenCount } from "./types.ts";

const KEY: ApiKeySource = { provider: "anthropic", envVars: ["ANTHROPIC_API_KEY"] };
export const ANTHROPIC_VERSION = "2023-06-01";

function baseUrl(params: ProviderParams, deps: Deps): string {
  return (params.base_url ?? deps.env.ANTHROPIC_BASE_URL ?? "https://api.anthropic.com").replace(/\/+$/, "");
}

function headersFor(apiKey: string, params: ProviderParams): Headers {
  return mergeHeaders({ "content-type": "application/json", accept: "application/json", "anthropic-version": ANTHROPIC_VERSION, "x-api-key": apiKey }, params.headers);
}

interface AnthropicModelPage {
  data?: Array<{
    id: string;
    display_name?: string;
    max_input_tokens?: number;
    max_tokens?: number;
    capabilities?: { image_input?: { supported?: boolean }; thinking?: { supported?: boolean } };
  }>;
  has_more?: boolean;
  last_id?: string;
}

/** Fields count_tokens accepts: the sampling and output controls of /v1/messages are rejected there. */
const COUNT_FIELDS = ["model", "messages", "system", "tools", "tool_choice", "thinking"];

export const anthropicProvider: Provider = {
  id: "anthropic",
  name: "Anthropic",
  auth: "api_key",

  async isConfigured(deps) {
    return (await findApiKey({}, deps, KEY)) !== undefined;
  },

  async planChat(params, { deps }) {
    const apiKey = await requireApiKey(params, deps, KEY);
    const shaping = shapeChat("anthropic", "anthropic-messages", params);
    const encode = (chat: ShapedRequestParams): string => JSON.stringify({ ...encodeAnthropicRequest(chat), stream: true });
    let body = encode(shaping.params);
    const url = `${baseUrl(params, deps)}/v1/messages`;
    return {
      format: anthropicMessagesFormat,
      shaping,
      createDecoder: createSseStreamDecoder,
      buildRequest: () => new Request(url, { method: "POST", headers: headersFor(apiKey, params), body }),
      continueWith(next) {
        body = encode(next);
      },
    };
  },

  async listModels(params, { deps, signal }) {
    const apiKey = await findApiKey(params, deps, KEY);
    if (apiKey === undefined) return catalogListing("anthropic");
    const live: LiveModel[] = [];
    let after: string | undefined;
    // Pages are bounded so a misbehaving server cannot keep us paging for ever.
    for (let page = 0; page < 20; page++) {
      const query = new URLSearchParams({ limit: "1000", ...(after && { after_id: after }) });
      const url = `${baseUrl(params, deps)}/v1/models?${query}`;
      const answer = await fetchJson<AnthropicModelPage>(deps, () => new Request(url, { headers: headersFor(apiKey, params) }), signal, classifyAnthropicError);
      for (const model of answer.data ?? []) {
        const item: LiveModel = { id: model.id };
        if (model.display_name) item.name = model.display_name;
        if (model.max_input_tokens) item.context_length = model.max_input_tokens;
        if (model.max_tokens) item.max_output = model.max_tokens;
        if (model.capabilities?.image_input?.supported !== undefined) item.images = model.capabilities.image_input.supported;
        if (model.capabilities?.thinking?.supported !== undefined) item.reasoning = model.capabilities.thinking.supported;
        live.push(item);
      }
      if (!answer.has_more || !answer.last_id) break;
      after = answer.last_id;
    }
    return mergeListing("anthropic", live);
  },

  async countTokens(params: ChatRequestParams, call: ProviderCall): Promise<TokenCount> {
    const { deps, signal } = call;
    const estimate = (): Promise<TokenCount> => countLocally(params, { provider: "anthropic", signal });
    const apiKey = await findApiKey(params, deps, KEY);
    if (apiKey === undefined) return estimate();
    return providerFirst(call, "anthropic", params.messages, estimate, async () => {
      const encoded = encodeAnthropicRequest(shapeChat("anthropic", "anthropic-messages", params).params);
      const body = JSON.stringify(Object.fromEntries(Object.entries(encoded).filter(([key]) => COUNT_FIELDS.includes(key))));
      const url = `${baseUrl(params, deps)}/v1/messages/count_tokens`;
      const answer = await fetchJson<{ input_tokens?: number }>(
        deps,
        () => new Request(url, { method: "POST", headers: headersFor(apiKey, params), body }),
        signal,
        classifyAnthropicError,
        { limit: "answer" },
      );
      if (typeof answer.input_tokens !== "number") throw new BridgeError("PROVIDER_ERROR", "count_tokens answer has no input_tokens", { retryable: true });
      return { input_tokens: answer.input_tokens, exact: true, method: "api" };
    });
  },

  async authenticate(params, { deps, signal }) {
    const apiKey = await requireApiKey(params, deps, KEY);
    const url = `${baseUrl(params, deps)}/v1/models?limit=1`;
    await fetchJson(deps, () => new Request(url, { headers: headersFor(apiKey, params) }), signal, classifyAnthropicError);
    return { api_key: apiKey };
  },
};

/**
 * OpenAI: api.openai.com/v1 (or OPENAI_BASE_URL), bearer key, Chat
 * Completions or Responses over SSE. Reasoning models go to Responses (the
 * only API that returns their reasoning summaries and encrypted reasoning to
 * hand back); others to Chat Completions; `params.api` overrides.
 */
import { localEncoding } from "./counting.ts";
import { findApiKey, mergeHeaders, requireApiKey, type ApiKeySource } from "../auth/api-key.ts";
import type { Deps } from "../deps.ts";
import { createSseStreamDecoder } from "../decode/stream-decoder.ts";
import { createOpenAIChatFormat } from "../formats/openai-chat/index.ts";
import { classifyOpenAIError } from "../formats/openai-chat/errors.ts";
import { createOpenAIResponsesFormat } from "../formats/openai-responses/index.ts";
import { fetchJson } from "../http/json.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { catalogListing, mergeListing } from "./listing.ts";
import { shapeChat } from "../rules/shape.ts";
import { resolveRules } from "../rules/table.ts";
import type { ChatRequestParams, Provider, TokenCount } from "./types.ts";
import { countLocally } from "../tokens/local-count.ts";

const KEY: ApiKeySource = { provider: "openai", envVars: ["OPENAI_API_KEY"] };

function baseUrl(params: ProviderParams, deps: Deps): string {
  return (params.base_url ?? deps.env.OPENAI_BASE_URL ?? "https://api.openai.com/v1").replace(/\/+$/, "");
}

function headersFor(apiKey: string, params: ProviderParams, deps: Deps): Headers {
  const base: Record<string, string> = { "content-type": "application/json", authorization: `Bearer ${apiKey}` };
  if (deps.env.OPENAI_ORG_ID) base["openai-organization"] = deps.env.OPENAI_ORG_ID;
  if (deps.env.OPENAI_PROJECT_ID) base["openai-project"] = deps.env.OPENAI_PROJECT_ID;
  return mergeHeaders(base, params.headers);
}

/**
 * Models the rules know as reasoning models (a family rule gives them the
 * effort style, src/catalog/rules.json) go to Responses, the only API that
 * returns their reasoning summaries and encrypted reasoning; the rest,
 * unknown ids included, to Chat.
 */
export function chooseOpenAIApi(params: ChatRequestParams): "chat" | "responses" {
  if (params.api) return params.api;
  const { rules, from } = resolveRules("openai", "openai-responses", params.model);
  return rules.thinking === "effort" && from.thinking?.match.model !== undefined ? "responses" : "chat";
}

/**
 * Non-chat models in /v1/models (embeddings, audio, images, moderation) are
 * not offered for chat. Fine-tunes (`ft:gpt-4o-mini-...:org::id`) are chat
 * models of the account and are.
 */
const CHAT_MODEL = /^(ft:)?(gpt-|o\d|chatgpt-|codex)/;
const NOT_CHAT = /(embedding|tts|whisper|dall-e|audio|realtime|transcribe|image|moderation|search)/;

export const openaiProvider: Provider = {
  id: "openai",
  name: "OpenAI",
  auth: "api_key",

  async isConfigured(deps) {
    return (await findApiKey({}, deps, KEY)) !== undefined;
  },

  async planChat(params, { deps }) {
    const apiKey = await requireApiKey(params, deps, KEY);
    const api = chooseOpenAIApi(params);
    const shaping = shapeChat("openai", api === "responses" ? "openai-responses" : "openai-chat", params);
    const format = api === "responses" ? createOpenAIResponsesFormat({ reasoningModel: shaping.rules.thinking === "effort" }) : createOpenAIChatFormat();
    const body = JSON.stringify(format.encodeRequest(shaping.params));
    const url = `${baseUrl(params, deps)}/${api === "responses" ? "responses" : "chat/completions"}`;
    return {
      format,
      shaping,
      createDecoder: createSseStreamDecoder,
      buildRequest: () => new Request(url, { method: "POST", headers: headersFor(apiKey, params, deps), body }),
    };
  },

  async listModels(params, { deps, signal }) {
    const apiKey = await findApiKey(params, deps, KEY);
    if (apiKey === undefined) return catalogListing("openai");
    const url = `${baseUrl(params, deps)}/models`;
    const answer = await fetchJson<{ data?: Array<{ id: string }> }>(deps, () => new Request(url, { headers: headersFor(apiKey, params, deps) }), signal, classifyOpenAIError);
    const ids = (answer.data ?? []).map((model) => model.id).filter((id) => CHAT_MODEL.test(id) && !NOT_CHAT.test(id));
    return mergeListing(
      "openai",
      ids.sort().map((id) => ({ id })),
    );
  },

  async countTokens(params, { signal }): Promise<TokenCount> {
    return countLocally(params, {
      provider: "openai",
      encoding: localEncoding("openai", params.model),
      route: chooseOpenAIApi(params),
      signal,
    });
  },

  async authenticate(params, { deps, signal }) {
    const apiKey = await requireApiKey(params, deps, KEY);
    const url = `${baseUrl(params, deps)}/models`;
    await fetchJson(deps, () => new Request(url, { headers: headersFor(apiKey, params, deps) }), signal, classifyOpenAIError);
    return { api_key: apiKey };
  },
};

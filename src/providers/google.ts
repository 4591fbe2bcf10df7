/**
 * The Gemini API with an API key (Google AI Studio):
 * generativelanguage.googleapis.com/v1beta, `x-goog-api-key`, the Gemini
 * dialect over SSE (the one Vertex's Gemini route speaks).
 *
 * - Base URL: `params.base_url` (with its version, like the default), else
 *   `GOOGLE_GEMINI_BASE_URL` + `/v1beta`, else the public endpoint. Google's
 *   SDKs read that variable as the root the API version is appended to
 *   (googleapis/python-genai `google/genai/_base_url.py`; js-genai
 *   `getBaseUrl`), so it means the same here.
 * - The key goes in the `x-goog-api-key` header, never in the URL (`?key=`
 *   would put it in every proxy and server log on the way).
 * - `list_models`: `GET /models`, paged with `pageToken`; only models whose
 *   `supportedGenerationMethods` include `generateContent` (embedding,
 *   Imagen and Veo models are listed too), ids without `models/`, limits
 *   from `inputTokenLimit` / `outputTokenLimit` (ai.google.dev/api/models).
 * - `count_tokens`: `POST /models/{model}:countTokens`. The Gemini API's
 *   CountTokensRequest takes `contents` or a whole `generateContentRequest`,
 *   not Vertex's top-level `systemInstruction` / `tools`
 *   (ai.google.dev/api/tokens), so the countable fields travel in a
 *   `generateContentRequest` that names the model.
 */
import { findApiKey, mergeHeaders, requireApiKey, type ApiKeySource } from "../auth/api-key.ts";
import { createSseStreamDecoder } from "../decode/stream-decoder.ts";
import type { Deps } from "../deps.ts";
import { createGeminiFormat, parseGeminiCountTokens } from "../formats/gemini/index.ts";
import { fetchJson } from "../http/json.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { shapeChat } from "../rules/shape.ts";
import { countLocally } from "../tokens/local-count.ts";
import { catalogListing, mergeListing, tokenPages, type LiveModel } from "./listing.ts";
import { providerFirst } from "./counting.ts";
import type { ChatRequestParams, Provider, ProviderCall, TokenCount } from "./types.ts";

const KEY: ApiKeySource = { provider: "google", envVars: ["GEMINI_API_KEY", "GOOGLE_API_KEY"] };
const DEFAULT_BASE = "https://generativelanguage.googleapis.com/v1beta";
const API_VERSION = "v1beta";

const geminiApiFormat = createGeminiFormat("google");
const classifyGeminiApiError = geminiApiFormat.classifyError;

function baseUrl(params: ProviderParams, deps: Deps): string {
  if (params.base_url !== undefined) return params.base_url.replace(/\/+$/, "");
  const root = deps.env.GOOGLE_GEMINI_BASE_URL;
  if (root) return `${root.replace(/\/+$/, "")}/${API_VERSION}`;
  return DEFAULT_BASE;
}

function headersFor(apiKey: string, params: ProviderParams): Headers {
  return mergeHeaders({ "content-type": "application/json", "x-goog-api-key": apiKey }, params.headers);
}

function modelUrl(params: ProviderParams & { model: string }, deps: Deps, method: string): string {
  return `${baseUrl(params, deps)}/models/${encodeURIComponent(params.model)}:${method}`;
}

interface GeminiModelPage {
  models?: Array<{
    name?: string;
    displayName?: string;
    inputTokenLimit?: number;
    outputTokenLimit?: number;
    supportedGenerationMethods?: string[];
    thinking?: boolean;
  }>;
  nextPageToken?: string;
}

/** Fields of a GenerateContentRequest that count as input; generation settings do not. */
const COUNTED = ["contents", "systemInstruction", "tools"];

export const googleProvider: Provider = {
  id: "google",
  name: "Google Gemini API",
  auth: "api_key",

  async isConfigured(deps) {
    return (await findApiKey({}, deps, KEY)) !== undefined;
  },

  async planChat(params, { deps }) {
    const apiKey = await requireApiKey(params, deps, KEY);
    const shaping = shapeChat("google", "gemini", params);
    const body = JSON.stringify(geminiApiFormat.encodeRequest(shaping.params));
    const url = modelUrl(params, deps, "streamGenerateContent?alt=sse");
    return {
      format: geminiApiFormat,
      shaping,
      createDecoder: createSseStreamDecoder,
      buildRequest: () => new Request(url, { method: "POST", headers: headersFor(apiKey, params), body }),
    };
  },

  async listModels(params, { deps, signal }) {
    const apiKey = await findApiKey(params, deps, KEY);
    if (apiKey === undefined) return catalogListing("google");
    const live: LiveModel[] = [];
    // 1000 is the largest page the API gives.
    const pages = tokenPages((pageToken) => {
      const query = new URLSearchParams({ pageSize: "1000", ...(pageToken && { pageToken }) });
      const url = `${baseUrl(params, deps)}/models?${query}`;
      return fetchJson<GeminiModelPage>(deps, () => new Request(url, { headers: headersFor(apiKey, params) }), signal, classifyGeminiApiError);
    });
    for await (const answer of pages) {
      for (const model of answer.models ?? []) {
        if (!model.supportedGenerationMethods?.includes("generateContent")) continue;
        const id = model.name?.replace(/^models\//, "");
        if (!id) continue;
        const item: LiveModel = { id };
        if (model.displayName) item.name = model.displayName;
        if (model.inputTokenLimit) item.context_length = model.inputTokenLimit;
        if (model.outputTokenLimit) item.max_output = model.outputTokenLimit;
        if (typeof model.thinking === "boolean") item.reasoning = model.thinking;
        live.push(item);
      }
    }
    return mergeListing("google", live);
  },

  async countTokens(params: ChatRequestParams, call: ProviderCall): Promise<TokenCount> {
    const { deps, signal } = call;
    const estimate = (): Promise<TokenCount> => countLocally(params, { provider: "google", signal });
    const apiKey = await findApiKey(params, deps, KEY);
    if (apiKey === undefined) return estimate();
    return providerFirst(call, "google", params.messages, estimate, async () => {
      const encoded = geminiApiFormat.encodeRequest(shapeChat("google", "gemini", params).params);
      const counted = Object.fromEntries(Object.entries(encoded).filter(([key]) => COUNTED.includes(key)));
      const body = JSON.stringify({ generateContentRequest: { model: `models/${params.model}`, ...counted } });
      const url = modelUrl(params, deps, "countTokens");
      const answer = await fetchJson<unknown>(deps, () => new Request(url, { method: "POST", headers: headersFor(apiKey, params), body }), signal, classifyGeminiApiError, {
        limit: "answer",
      });
      return { input_tokens: parseGeminiCountTokens(answer, "google"), exact: true, method: "api" };
    });
  },

  async authenticate(params, { deps, signal }) {
    const apiKey = await requireApiKey(params, deps, KEY);
    const url = `${baseUrl(params, deps)}/models?pageSize=1`;
    await fetchJson(deps, () => new Request(url, { headers: headersFor(apiKey, params) }), signal, classifyGeminiApiError);
    return { api_key: apiKey };
  },
};

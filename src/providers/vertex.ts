/**
 * Google Vertex AI: Gemini through `:streamGenerateContent?alt=sse` and
 * Claude through `:streamRawPredict` with the same Anthropic Messages
 * mapping as the Anthropic provider (one implementation). Bearer tokens
 * come from the Google credential chain (service-account JWTs signed with
 * jose, gcloud ADC, the metadata server), resolved per attempt so a
 * refreshed token is picked up by retries.
 */
import { createGoogleCredentialResolver, googleAuthHeaders, resolveVertexLocation, type GoogleAccess, type GoogleCredentialResolver } from "../auth/google-credentials.ts";
import { createSseStreamDecoder } from "../decode/stream-decoder.ts";
import type { Deps, StateSlot } from "../deps.ts";
import { anthropicMessagesFormat } from "../formats/anthropic-messages/index.ts";
import { classifyAnthropicError } from "../formats/anthropic-messages/errors.ts";
import { encodeAnthropicRequest } from "../formats/anthropic-messages/request.ts";
import { createGeminiFormat, parseGeminiCountTokens } from "../formats/gemini/index.ts";
import type { ChatFormat } from "../formats/types.ts";
import { fetchJson } from "../http/json.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { countLocally } from "../tokens/local-count.ts";
import { catalogListing, mergeListing, tokenPages, type LiveModel } from "./listing.ts";
import { shapeChat } from "../rules/shape.ts";
import { providerFirst } from "./counting.ts";
import type { ChatRequestParams, Provider, ProviderCall, ShapedRequestParams, TokenCount } from "./types.ts";

/**
 * The `anthropic_version` Claude on Vertex requires in the body (Anthropic's
 * "Claude on Vertex AI" page, platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai:
 * it "must be set to the value vertex-2023-10-16";
 * anthropics/anthropic-sdk-typescript packages/vertex-sdk/src/client.ts sends it;
 * recordings/vertex/claude-text.ndjson).
 */
export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

const geminiFormat = createGeminiFormat("vertex");
const classifyVertexGemini = geminiFormat.classifyError;

/** The process's Google credential chain and its token cache (src/server/state.ts). */
export const GOOGLE_CREDENTIALS: StateSlot<GoogleCredentialResolver> = { name: "google credentials", make: (deps) => createGoogleCredentialResolver(deps) };

function resolverFor(deps: Deps): GoogleCredentialResolver {
  return deps.state.get(GOOGLE_CREDENTIALS);
}

function isClaude(model: string): boolean {
  return model.startsWith("claude");
}

interface Target {
  access: GoogleAccess;
  /** `https://{host}/v1/projects/{p}/locations/{l}` (or the override base with that path). */
  root: string;
  base: string;
}

/** `location`: where the model is served when the request and the environment say nothing (a model rule). */
async function target(params: ProviderParams, call: ProviderCall, location?: string): Promise<Target> {
  const access = await resolverFor(call.deps).resolve(params, call.signal);
  const where = resolveVertexLocation(params, call.deps, access, location);
  const base = (params.base_url ?? `https://${where.host}`).replace(/\/+$/, "");
  return { access, base, root: `${base}/v1/projects/${encodeURIComponent(where.project)}/locations/${where.location}` };
}

function headersFor(access: GoogleAccess, params: ProviderParams): Headers {
  const headers = new Headers({ "content-type": "application/json", ...googleAuthHeaders(access) });
  if (params.headers) for (const [name, value] of Object.entries(params.headers)) headers.set(name, value);
  return headers;
}

function modelUrl(root: string, model: string, method: string): string {
  const publisher = isClaude(model) ? "anthropic" : "google";
  // `@` is a legal path character and how Vertex names Claude versions (`claude-3-7-sonnet@20250219`): keep it as sent by Google's own clients.
  return `${root}/publishers/${publisher}/models/${encodeURIComponent(model).replaceAll("%40", "@")}:${method}`;
}

function claudeBody(params: ShapedRequestParams, forCounting: boolean): string {
  const { model, ...body } = encodeAnthropicRequest(params);
  if (forCounting) {
    const counted = Object.fromEntries(Object.entries(body).filter(([key]) => ["messages", "system", "tools", "tool_choice", "thinking"].includes(key)));
    return JSON.stringify({ ...counted, model, anthropic_version: VERTEX_ANTHROPIC_VERSION });
  }
  return JSON.stringify({ ...body, anthropic_version: VERTEX_ANTHROPIC_VERSION, stream: true });
}

export const vertexProvider: Provider = {
  id: "vertex",
  name: "Google Vertex AI",
  auth: "google",

  async isConfigured(deps) {
    return Boolean(deps.env.GOOGLE_APPLICATION_CREDENTIALS || deps.env.GOOGLE_CLOUD_PROJECT || deps.env.GOOGLE_VERTEX_PROJECT);
  },

  async planChat(params, call) {
    const claude = isClaude(params.model);
    const format = (claude ? anthropicMessagesFormat : geminiFormat) as ChatFormat<unknown>;
    const shaping = shapeChat("vertex", claude ? "anthropic-messages" : "gemini", params);
    const location = shaping.rules.vertex_location;
    let body = claude ? claudeBody(shaping.params, false) : JSON.stringify(geminiFormat.encodeRequest(shaping.params));
    let first: Target | undefined = await target(params, call, location);
    // One fresh token per request: a second 401 is an answer, not a stale token (without this, every 401 retried again, forever).
    let refreshed = false;
    let used: GoogleAccess | undefined;
    return {
      format,
      shaping,
      createDecoder: createSseStreamDecoder,
      buildRequest: async () => {
        // The first attempt uses the token resolved while planning; retries ask again (cached unless near expiry).
        const current = first ?? (await target(params, call, location));
        first = undefined;
        used = current.access;
        const url = modelUrl(current.root, params.model, claude ? "streamRawPredict" : "streamGenerateContent?alt=sse");
        return new Request(url, { method: "POST", headers: headersFor(current.access, params), body });
      },
      recover(error) {
        // A token the caller gave is the only one there is: sending it again would only be refused again.
        if (!refreshed && used?.fixed !== true && error.code === "AUTH_FAILED" && error.status === 401) {
          refreshed = true;
          resolverFor(call.deps).invalidate();
          first = undefined;
          return "vertex: access token rejected; fetching a new one";
        }
        return undefined;
      },
      ...(claude && {
        continueWith(next: ShapedRequestParams) {
          body = claudeBody(next, false);
        },
      }),
    };
  },

  async listModels(params, call) {
    let current: Target;
    try {
      current = await target(params, call);
    } catch (error) {
      if (error instanceof BridgeError && (error.code === "AUTH_REQUIRED" || error.code === "INVALID_REQUEST")) return catalogListing("vertex");
      throw error;
    }
    const live: LiveModel[] = [];
    const pages = tokenPages((pageToken) => {
      const query = new URLSearchParams({ pageSize: "200", ...(pageToken && { pageToken }) });
      const url = `${current.base}/v1beta1/publishers/google/models?${query}`;
      return fetchJson<{ publisherModels?: Array<{ name?: string }>; nextPageToken?: string }>(
        call.deps,
        () => new Request(url, { headers: headersFor(current.access, params) }),
        call.signal,
        classifyVertexGemini,
      );
    });
    for await (const answer of pages) {
      for (const model of answer.publisherModels ?? []) {
        const id = model.name?.split("/").pop();
        if (id?.startsWith("gemini")) live.push({ id });
      }
    }
    // The publisher listing covers Google's models only; Claude on Vertex comes from the catalog.
    const claude = catalogListing("vertex").filter((entry) => isClaude(entry.id));
    return [...mergeListing("vertex", live), ...claude];
  },

  async countTokens(params: ChatRequestParams, call: ProviderCall): Promise<TokenCount> {
    const estimate = (): Promise<TokenCount> => countLocally(params, { provider: "vertex", signal: call.signal });
    const claude = isClaude(params.model);
    const shaping = shapeChat("vertex", claude ? "anthropic-messages" : "gemini", params);
    let current: Target;
    try {
      current = await target(params, call, shaping.rules.vertex_location);
    } catch (error) {
      if (error instanceof BridgeError && error.code === "AUTH_REQUIRED") return estimate();
      throw error;
    }
    const url = claude ? `${current.root}/publishers/anthropic/models/count-tokens:rawPredict` : modelUrl(current.root, params.model, "countTokens");
    const body = claude ? claudeBody(shaping.params, true) : JSON.stringify(countableGemini(geminiFormat.encodeRequest(shaping.params)));
    return providerFirst(call, "vertex", params.messages, estimate, async () => {
      const answer = await fetchJson<unknown>(
        call.deps,
        () => new Request(url, { method: "POST", headers: headersFor(current.access, params), body }),
        call.signal,
        claude ? classifyAnthropicError : classifyVertexGemini,
        { limit: "answer" },
      );
      const count = claude ? (answer as { input_tokens?: unknown }).input_tokens : parseGeminiCountTokens(answer, "vertex");
      if (typeof count !== "number") throw new BridgeError("PROVIDER_ERROR", "vertex: count answer has no token count");
      return { input_tokens: count, exact: true, method: "api" };
    });
  },

  async authenticate(params, call) {
    await target(params, call);
    // Google credentials live in their own files (ADC, key files) and are read from there each time: nothing to store.
    return null;
  },
};

/** countTokens takes the content fields; generation settings are rejected there. */
function countableGemini(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => ["contents", "systemInstruction", "tools"].includes(key)));
}

/**
 * GitHub Copilot: a GitHub login (device flow, src/auth/github-device-flow.ts)
 * exchanged for short-lived Copilot tokens (src/auth/copilot-token.ts), and
 * each model sent to the endpoint Copilot's /models says it serves it on,
 * spoken with our existing dialects: Chat Completions, Responses, or
 * Anthropic Messages for Claude. What a call was billed (AI credits, since
 * 2026-06-01) comes from Copilot's own answer and the prices from its
 * /models (src/providers/copilot/billing.ts), never from our catalog.
 */
import { localEncoding } from "./counting.ts";
import { mergeHeaders } from "../auth/api-key.ts";
import {
  CLIENT_NOT_SUPPORTED,
  COPILOT_API_VERSION,
  copilotClientRefused,
  copilotTokensFor,
  editorIdentity,
  exchangeForCopilotToken,
  findGitHubToken,
  githubEndpoints,
  storedSession,
  type CopilotSession,
  type GitHubCredential,
} from "../auth/copilot-token.ts";
import { COPILOT_CLIENT_ID, COPILOT_SCOPE, pollForToken, requestDeviceCode } from "../auth/github-device-flow.ts";
import { createSseStreamDecoder } from "../decode/stream-decoder.ts";
import { anthropicMessagesFormat } from "../formats/anthropic-messages/index.ts";
import { encodeAnthropicRequest } from "../formats/anthropic-messages/request.ts";
import { createOpenAIChatFormat } from "../formats/openai-chat/index.ts";
import { classifyOpenAIError } from "../formats/openai-chat/errors.ts";
import { createOpenAIResponsesFormat } from "../formats/openai-responses/index.ts";
import type { SseEvent } from "../decode/sse-event.ts";
import type { ChatFormat, ErrorResponse } from "../formats/types.ts";
import type { ErrorClassifier } from "../http/client.ts";
import { runAttempts } from "../http/attempts.ts";
import { fetchJson } from "../http/json.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { chooseOpenAIApi } from "./openai.ts";
import { readTokenPrices } from "./copilot/billing.ts";
import { CopilotBillingMeter } from "./copilot/billing-stream.ts";
import { hasImage, initiatorOf } from "./copilot/headers.ts";
import {
  cachedModels,
  isReasoningModel,
  modelListing,
  needsEnabling,
  parseModelList,
  rememberModels,
  ROUTE_PATH,
  routeFor,
  type CopilotModel,
  type CopilotRoute,
} from "./copilot/models.ts";
import { catalogListing } from "./listing.ts";
import { shapeChat } from "../rules/shape.ts";
import type { Dialect } from "../rules/types.ts";
import type { ChatPlan, ChatRequestParams, Provider, ProviderCall, ShapedRequestParams, TokenCount } from "./types.ts";
import { countLocally } from "../tokens/local-count.ts";

export const COPILOT_SETTINGS_URL = "https://github.com/settings/copilot";

function baseOf(params: ProviderParams, session: CopilotSession): string {
  return (params.base_url ?? session.api).replace(/\/+$/, "");
}

/** Everything a Copilot API call carries; params.headers last, so each value can be replaced. */
function apiHeaders(session: CopilotSession, params: ProviderParams, identity: Record<string, string>, extra: Record<string, string> = {}): Headers {
  return mergeHeaders(
    {
      "content-type": "application/json",
      accept: "application/json",
      authorization: `Bearer ${session.token}`,
      ...identity,
      "x-github-api-version": COPILOT_API_VERSION,
      "openai-intent": "conversation-edits",
      ...extra,
    },
    params.headers,
  );
}

/** Copilot's own answers outside chat (/models, policy): a refused client identity first, then the OpenAI reading. */
function copilotApiClassifier(identity: Record<string, string>): ErrorClassifier {
  return (response) => copilotClientRefused(response, identity) ?? classifyOpenAIError(response);
}

function isRejectedToken(error: unknown): boolean {
  return error instanceof BridgeError && error.code === "AUTH_FAILED" && error.status === 401;
}

/** Run a call with a Copilot token; a 401 (token revoked or expired early) gets one retry with a fresh token. */
async function withSession<T>(params: ProviderParams, call: ProviderCall, work: (session: CopilotSession) => Promise<T>): Promise<T> {
  const tokens = copilotTokensFor(call.deps);
  let session = await tokens.session(params, call.signal);
  return runAttempts({
    deps: call.deps,
    signal: call.signal,
    attempt: async (n) => {
      if (n > 0) session = await tokens.session(params, call.signal);
      return work(session);
    },
    decide: (error, n) =>
      n === 0 && isRejectedToken(error)
        ? {
            retry: true,
            announce: () => {
              call.deps.log.log("info", "copilot: token rejected; exchanging for a new one and retrying once");
              tokens.invalidate(session.token);
            },
          }
        : { retry: false },
  });
}

async function fetchModels(params: ProviderParams, call: ProviderCall, session: CopilotSession): Promise<CopilotModel[]> {
  const base = baseOf(params, session);
  const identity = editorIdentity(params, call.deps);
  const answer = await fetchJson<unknown>(
    call.deps,
    () => new Request(`${base}/models`, { headers: apiHeaders(session, params, identity) }),
    call.signal,
    copilotApiClassifier(identity),
  );
  const models = parseModelList(answer);
  rememberModels(call.deps, modelsKey(base, session), models);
  return models;
}

/** What one account sees at one API base: plans differ in models and policies, so two logins in one process do not share. */
function modelsKey(base: string, session: CopilotSession): string {
  return `${base}\n${session.token}`;
}

/** The model as /models describes it (cached per process), or undefined when the list is unavailable or lacks it. */
async function describeModel(params: ChatRequestParams, call: ProviderCall, session: CopilotSession): Promise<CopilotModel | undefined> {
  let models = cachedModels(call.deps, modelsKey(baseOf(params, session), session));
  if (models === undefined) {
    try {
      models = await withSession(params, call, (current) => fetchModels(params, call, current));
    } catch (error) {
      // Routing can fall back to Chat Completions; Copilot itself will say if the model is wrong there.
      if (call.signal.aborted || (error instanceof BridgeError && error.code.startsWith("AUTH_"))) throw error;
      call.deps.log.log("info", "copilot: model list unavailable; routing by default", { error });
      return undefined;
    }
  }
  return models.find((model) => model.id === params.model);
}

/** Accept the model's terms for this account (what VS Code does when the user picks such a model). */
async function enableModel(params: ChatRequestParams, call: ProviderCall, model: CopilotModel): Promise<void> {
  const identity = editorIdentity(params, call.deps);
  try {
    await withSession(params, call, (session) =>
      fetchJson<unknown>(
        call.deps,
        () =>
          new Request(`${baseOf(params, session)}/models/${encodeURIComponent(model.id)}/policy`, {
            method: "POST",
            headers: apiHeaders(session, params, identity, { "openai-intent": "chat-policy", "x-interaction-type": "chat-policy" }),
            body: JSON.stringify({ state: "enabled" }),
          }),
        call.signal,
        copilotApiClassifier(identity),
        { limit: "answer" },
      ),
    );
  } catch (error) {
    // A refused client identity is not about this model: it says so itself.
    if (call.signal.aborted || !(error instanceof BridgeError) || error.providerType === CLIENT_NOT_SUPPORTED) throw error;
    throw new BridgeError(
      "AUTH_FAILED",
      `copilot: model "${model.id}" is not enabled for this account (policy "${model.policy?.state}") and enabling it failed: ${error.message}. Enable it at ${COPILOT_SETTINGS_URL} (or ask your organisation's admin), then try again`,
      {
        ...(error.status !== undefined && { status: error.status }),
      },
    );
  }
  model.policy = { ...model.policy, state: "enabled" };
}

const NOT_SUPPORTED = /model_not_supported|requested model is not supported/i;

/**
 * Copilot's answers first (a refused client identity, an unknown or disabled
 * model), then the dialect's own reading; the dialects stay as OpenAI and
 * Anthropic define them.
 */
function copilotClassifier(dialect: ErrorClassifier, model: string, route: CopilotRoute, identity: Record<string, string>): ErrorClassifier {
  return (response: ErrorResponse) => {
    const refused = copilotClientRefused(response, identity);
    if (refused) return refused;
    if (response.status < 500 && NOT_SUPPORTED.test(response.body)) {
      return new BridgeError(
        "NOT_FOUND",
        `copilot: model "${model}" is not supported for this account on ${ROUTE_PATH[route]}. Run list_models for the models your plan offers; if it is listed, enable it at ${COPILOT_SETTINGS_URL} (or ask your organisation's admin to allow it) and try again`,
        { status: response.status, providerType: "model_not_supported" },
      );
    }
    // Copilot's own failures (plain-text `quota exceeded`, OpenAI-style JSON) also reach the Messages route;
    // only an Anthropic error envelope is read by the Anthropic dialect.
    if (route === "messages" && !ANTHROPIC_ERROR.test(response.body)) return classifyOpenAIError(response);
    return dialect(response);
  };
}

const ANTHROPIC_ERROR = /"type"\s*:\s*"error"/;

const ROUTE_DIALECT: Record<CopilotRoute, Dialect> = { messages: "anthropic-messages", responses: "openai-responses", chat: "openai-chat" };

/** `reasoningModel`: Copilot's /models or the model rules say the model reasons (Responses then asks for its encrypted reasoning). */
function formatFor(route: CopilotRoute, reasoningModel: boolean, params: ShapedRequestParams): { format: ChatFormat<SseEvent>; body: string } {
  if (route === "messages") {
    return { format: anthropicMessagesFormat, body: JSON.stringify({ ...encodeAnthropicRequest(params), stream: true }) };
  }
  // Chat: the assistant turn's reasoning_opaque goes back (formats/openai-chat/request.ts).
  const format = route === "responses" ? createOpenAIResponsesFormat({ reasoningModel }) : createOpenAIChatFormat({ reasoningHandBack: "reasoning_opaque" });
  return { format, body: JSON.stringify(format.encodeRequest(params)) };
}

function storedEntry(credential: GitHubCredential, session: CopilotSession): Record<string, unknown> {
  return {
    github_token: credential.token,
    github: { url: credential.endpoints.githubUrl, api_url: credential.endpoints.githubApiUrl },
    copilot_token: storedSession(session),
  };
}

async function deviceFlowLogin(params: ProviderParams, call: ProviderCall): Promise<GitHubCredential> {
  const clientId = params.credentials?.client_id ?? COPILOT_CLIENT_ID;
  if (typeof clientId !== "string" || clientId.length === 0) {
    throw new BridgeError("INVALID_REQUEST", "params.credentials.client_id: must be a non-empty string", { field: "params.credentials.client_id" });
  }
  if (call.emit === undefined) throw new BridgeError("INTERNAL", "copilot: the device flow needs a way to show the user code");
  const endpoints = githubEndpoints(params);
  const options = { githubUrl: endpoints.githubUrl, clientId, scope: COPILOT_SCOPE, headers: { "user-agent": editorIdentity(params, call.deps)["user-agent"] ?? "" } };
  const code = await requestDeviceCode(call.deps, options, call.signal);
  await call.emit([{ type: "device_flow", user_code: code.user_code, verification_uri: code.verification_uri, expires_in: code.expires_in, interval: code.interval }]);
  const token = await pollForToken(call.deps, options, code, call.signal);
  return { token: token.access_token, source: "store", endpoints };
}

export const copilotProvider: Provider = {
  id: "copilot",
  name: "GitHub Copilot",
  auth: "oauth_device",

  async isConfigured(deps) {
    try {
      return (await findGitHubToken({}, deps)) !== undefined;
    } catch {
      return false; // a damaged stored login is reported when it is used
    }
  },

  async planChat(params, call) {
    const tokens = copilotTokensFor(call.deps);
    const planned = await tokens.session(params, call.signal);
    const model = await describeModel(params, call, planned);
    if (model !== undefined && needsEnabling(model)) await enableModel(params, call, model);
    const route = routeFor(model, params.api);
    const shaping = shapeChat("copilot", ROUTE_DIALECT[route], params);
    const reasoningModel = isReasoningModel(model) || shaping.rules.thinking === "effort";
    const { format, body: firstBody } = formatFor(route, reasoningModel, shaping.params);
    const identity = editorIdentity(params, call.deps);
    let body = firstBody;
    const perRequest: Record<string, string> = { "x-initiator": initiatorOf(params.messages) };
    if (hasImage(params.messages)) perRequest["copilot-vision-request"] = "true";
    if (route === "messages") perRequest["anthropic-version"] = "2023-06-01";
    let used: CopilotSession | undefined;
    // The first attempt uses the token planning got; later ones ask again (each ask reads the store).
    let first: CopilotSession | undefined = planned;
    let renewed = false;
    const meter = new CopilotBillingMeter(readTokenPrices(model?.billing));
    const plan: ChatPlan = {
      format: {
        ...format,
        createMapper: () => meter.wrap(format.createMapper()),
        classifyError: copilotClassifier(format.classifyError, params.model, route, identity),
      },
      billedCost: () => meter.billed,
      shaping,
      createDecoder: createSseStreamDecoder,
      // Asked for again on every later attempt: cached, unless it is near expiry or was rejected.
      async buildRequest() {
        used = first ?? (await tokens.session(params, call.signal));
        first = undefined;
        return new Request(`${baseOf(params, used)}${ROUTE_PATH[route]}`, {
          method: "POST",
          headers: apiHeaders(used, params, identity, { ...perRequest, accept: "text/event-stream" }),
          body,
        });
      },
      recover(error) {
        // Once per request: a second 401 with a fresh token is an answer, not a stale token.
        if (renewed || !isRejectedToken(error) || used === undefined) return undefined;
        renewed = true;
        tokens.invalidate(used.token);
        return "copilot: token rejected; exchanging the GitHub token for a new one";
      },
      // Claude on the Messages route continues from a prefill like Anthropic's own API; the continuation is the
      // model's follow-up, not a user turn, so it is sent (and billed) as agent-initiated.
      ...(route === "messages" && {
        continueWith(next: ShapedRequestParams) {
          body = formatFor(route, reasoningModel, next).body;
          perRequest["x-initiator"] = initiatorOf(next.messages);
        },
      }),
    };
    return plan;
  },

  async listModels(params, call) {
    if ((await findGitHubToken(params, call.deps)) === undefined) return catalogListing("copilot");
    const models = await withSession(params, call, (session) => fetchModels(params, call, session));
    return modelListing(models, new Date(call.deps.now()).toISOString().slice(0, 10));
  },

  async countTokens(params: ChatRequestParams, { signal }: ProviderCall): Promise<TokenCount> {
    // Copilot has no counting endpoint; GPT models get their own tokenizer, the others (Claude, Gemini) a marked estimate.
    // The route planChat takes comes from /models, which counting does not fetch: OpenAI's own choice
    // (Responses for the reasoning models) stands in for it, unless `api` forces one.
    return countLocally(params, {
      provider: "copilot",
      encoding: localEncoding("copilot", params.model),
      route: chooseOpenAIApi(params),
      signal,
    });
  },

  async authenticate(params, call) {
    const given = await findGitHubToken(params, call.deps);
    // A token passed in (or in the environment) is checked and stored as it is; otherwise the user signs in in a browser.
    const credential = given !== undefined && given.source !== "store" ? given : await deviceFlowLogin(params, call);
    // The exchange proves the account has Copilot before anything is stored.
    const session = await exchangeForCopilotToken(call.deps, credential, params, call.signal);
    copilotTokensFor(call.deps).remember(credential.token, session);
    return storedEntry(credential, session);
  },
};

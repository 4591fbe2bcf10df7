/**
 * AWS Bedrock: every model family through ConverseStream
 * (`/model/{modelId}/converse-stream`), binary event-stream bodies, SigV4
 * (service `bedrock`) or a Bedrock API key, credentials from the AWS chain.
 * Requests are signed per attempt, so a retry never reuses a stale date or
 * expired session token.
 */
import { createAwsCredentialResolver, type AwsCredentialResolver, type AwsCredentials } from "../auth/aws-credentials.ts";
import { awsServiceHost } from "../auth/aws/source-context.ts";
import { signBedrockRequest } from "../auth/sigv4.ts";
import { BEDROCK_GEOGRAPHY_PREFIX, type BedrockGeography } from "../catalog/catalog.ts";
import { createBedrockStreamDecoder } from "../decode/stream-decoder.ts";
import type { Deps, StateSlot } from "../deps.ts";
import { classifyBedrockError, isExpiredToken, isInferenceProfileRequired } from "../formats/bedrock-converse/errors.ts";
import { bedrockConverseFormat } from "../formats/bedrock-converse/index.ts";
import { encodeConverseRequest } from "../formats/bedrock-converse/request.ts";
import type { StreamMapper } from "../formats/types.ts";
import { fetchJson } from "../http/json.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { catalogListing, mergeListing, type LiveModel } from "./listing.ts";
import { localEncoding, providerFirst } from "./counting.ts";
import type { ChatRequestParams, Provider, ProviderCall, ShapedRequestParams, TokenCount } from "./types.ts";
import { countLocally } from "../tokens/local-count.ts";
import { shapeChat } from "../rules/shape.ts";

/** One resolver (and so one credential cache) per process. */
/** The process's AWS credential chain and its cache (src/server/state.ts). */
export const AWS_CREDENTIALS: StateSlot<AwsCredentialResolver> = { name: "aws credentials", make: (deps) => createAwsCredentialResolver(deps) };

function resolverFor(deps: Deps): AwsCredentialResolver {
  return deps.state.get(AWS_CREDENTIALS);
}

/**
 * The geographic inference profile a request from `region` can use, one of
 * BEDROCK_GEOGRAPHIES: the geography whose source Regions include it in AWS's
 * "Supported Regions and models for inference profiles" (2026-11). The Canada
 * Regions are US-profile sources; Regions in no geography fall back to the
 * `global.` profile.
 */
export function profilePrefixForRegion(region: string): BedrockGeography {
  if (region.startsWith("us-gov-")) return "us-gov";
  if (region.startsWith("us-") || region.startsWith("ca-")) return "us";
  if (region.startsWith("eu-")) return "eu";
  if (region === "ap-northeast-1") return "jp";
  if (region === "ap-southeast-2" || region === "ap-southeast-4") return "au";
  if (region.startsWith("ap-")) return "apac";
  return "global";
}

function runtimeBase(params: ProviderParams, deps: Deps, region: string): string {
  return (params.base_url ?? deps.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME ?? `https://${awsServiceHost("bedrock-runtime", region)}`).replace(/\/+$/, "");
}

/** The control plane (model listings); the runtime override also serves here so one replay server answers both. */
function controlBase(params: ProviderParams, deps: Deps, region: string): string {
  return (params.base_url ?? deps.env.AWS_ENDPOINT_URL_BEDROCK ?? `https://${awsServiceHost("bedrock", region)}`).replace(/\/+$/, "");
}

function modelPath(modelId: string): string {
  // ARNs carry ':' and '/': both must stay inside one path segment.
  return `/model/${encodeURIComponent(modelId)}`;
}

interface Session {
  region: string;
  credentials: AwsCredentials;
}

async function session(params: ProviderParams, call: ProviderCall): Promise<Session> {
  const resolver = resolverFor(call.deps);
  const [region, credentials] = await Promise.all([resolver.region(params), resolver.resolve(params, call.signal)]);
  return { region, credentials };
}

async function signedRequest(deps: Deps, params: ProviderParams, session: Session, url: string, init: RequestInit): Promise<Request> {
  const headers = new Headers({ "content-type": "application/json" });
  if (params.headers) for (const [name, value] of Object.entries(params.headers)) headers.set(name, value);
  return signBedrockRequest(new Request(url, { ...init, headers }), session.credentials, session.region, "bedrock", new Date(deps.now()));
}

interface FoundationModels {
  modelSummaries?: Array<{ modelId: string; modelName?: string; inferenceTypesSupported?: string[]; inputModalities?: string[]; outputModalities?: string[] }>;
}
interface InferenceProfiles {
  inferenceProfileSummaries?: Array<{ inferenceProfileId: string; inferenceProfileName?: string; status?: string }>;
  nextToken?: string;
}

export const bedrockProvider: Provider = {
  id: "bedrock",
  name: "AWS Bedrock",
  auth: "aws",

  async isConfigured(deps) {
    const env = deps.env;
    return Boolean(
      env.AWS_BEARER_TOKEN_BEDROCK ||
        (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) ||
        env.AWS_PROFILE ||
        env.AWS_WEB_IDENTITY_TOKEN_FILE ||
        env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ||
        env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
    );
  },

  async planChat(params, call) {
    const { deps } = call;
    let current = await session(params, call);
    let modelId = params.model;
    let profileTried = BEDROCK_GEOGRAPHY_PREFIX.test(modelId) || modelId.startsWith("arn:");
    let refreshedCredentials = false;
    let resolveAgain = false;
    const shaping = shapeChat("bedrock", "bedrock-converse", params);
    let body = JSON.stringify(bedrockConverseFormat.encodeRequest(shaping.params));
    return {
      shaping,
      format: {
        ...bedrockConverseFormat,
        // Created per attempt, so it names the id this attempt called (the profile after a recovery, whose price applies).
        createMapper: () => announcingModel(bedrockConverseFormat.createMapper(), modelId),
      },
      createDecoder: createBedrockStreamDecoder,
      buildRequest: async () => {
        if (resolveAgain) {
          resolveAgain = false;
          current = await session(params, call);
        }
        const url = `${runtimeBase(params, deps, current.region)}${modelPath(modelId)}/converse-stream`;
        return signedRequest(deps, params, current, url, { method: "POST", body });
      },
      recover(error) {
        if (!profileTried && isInferenceProfileRequired(error)) {
          profileTried = true;
          const previous = modelId;
          modelId = `${profilePrefixForRegion(current.region)}.${previous}`;
          return `bedrock: ${previous} needs an inference profile in ${current.region}; retrying as ${modelId}`;
        }
        if (!refreshedCredentials && isExpiredToken(error)) {
          refreshedCredentials = true;
          resolverFor(deps).invalidate();
          resolveAgain = true;
          return "bedrock: credentials expired; resolving them again";
        }
        return undefined;
      },
      // Only models whose rules say `prefill: true` are resumed (Claude up to 4.5); other families' support is unverified.
      continueWith(next: ShapedRequestParams) {
        body = JSON.stringify(bedrockConverseFormat.encodeRequest(next));
      },
    };
  },

  async listModels(params, call) {
    let current: Session;
    try {
      current = await session(params, call);
    } catch (error) {
      if (error instanceof BridgeError && error.code === "AUTH_REQUIRED") return catalogListing("bedrock");
      throw error;
    }
    const { deps, signal } = call;
    const base = controlBase(params, deps, current.region);
    const get = async <T>(path: string): Promise<T> => {
      const request = await signedRequest(deps, params, current, `${base}${path}`, { method: "GET" });
      return fetchJson<T>(deps, () => request.clone(), signal, classifyBedrockError);
    };
    const live: LiveModel[] = [];
    const foundation = await get<FoundationModels>("/foundation-models?byOutputModality=TEXT");
    for (const model of foundation.modelSummaries ?? []) {
      if (model.inferenceTypesSupported && !model.inferenceTypesSupported.includes("ON_DEMAND")) continue;
      live.push({ id: model.modelId, ...(model.modelName && { name: model.modelName }), images: model.inputModalities?.includes("IMAGE") ?? false });
    }
    let next: string | undefined;
    for (let page = 0; page < 20; page++) {
      const query = new URLSearchParams({ maxResults: "1000", ...(next && { nextToken: next }) });
      const profiles = await get<InferenceProfiles>(`/inference-profiles?${query}`);
      for (const profile of profiles.inferenceProfileSummaries ?? []) {
        if (profile.status && profile.status !== "ACTIVE") continue;
        live.push({ id: profile.inferenceProfileId, ...(profile.inferenceProfileName && { name: profile.inferenceProfileName }) });
      }
      next = profiles.nextToken;
      if (!next) break;
    }
    return mergeListing("bedrock", live);
  },

  async countTokens(params: ChatRequestParams, call: ProviderCall): Promise<TokenCount> {
    // Only when CountTokens cannot answer: a local count loads the tokenizer and reads the whole request.
    const local = (): Promise<TokenCount> => localCount(params, call.signal);
    let current: Session;
    try {
      current = await session(params, call);
    } catch (error) {
      if (error instanceof BridgeError && error.code === "AUTH_REQUIRED") return local();
      throw error;
    }
    const encoded = encodeConverseRequest(shapeChat("bedrock", "bedrock-converse", params).params);
    const converse = Object.fromEntries(Object.entries(encoded).filter(([key]) => ["messages", "system", "toolConfig"].includes(key)));
    // CountTokens takes the foundation model id, not an inference profile (reported 2026; unconfirmed in AWS docs).
    const bareModel = params.model.replace(BEDROCK_GEOGRAPHY_PREFIX, "");
    const url = `${runtimeBase(params, call.deps, current.region)}${modelPath(bareModel)}/count-tokens`;
    // Only some models support CountTokens (providerFirst: any failure but a cancel answers the local count).
    return providerFirst(call, "bedrock", params.messages, local, async () => {
      const request = await signedRequest(call.deps, params, current, url, { method: "POST", body: JSON.stringify({ input: { converse } }) });
      const answer = await fetchJson<{ inputTokens?: number }>(call.deps, () => request.clone(), call.signal, classifyBedrockError, { limit: "answer" });
      if (typeof answer.inputTokens !== "number") throw new BridgeError("PROVIDER_ERROR", "CountTokens answer has no inputTokens");
      return { input_tokens: answer.inputTokens, exact: true, method: "api" };
    });
  },

  async authenticate(params, call) {
    const current = await session(params, call);
    const request = await signedRequest(call.deps, params, current, `${controlBase(params, call.deps, current.region)}/foundation-models?byOutputModality=TEXT`, { method: "GET" });
    await fetchJson(call.deps, () => request.clone(), call.signal, classifyBedrockError);
    // Keys given in the request are kept for later sessions; the AWS chain's own sources stay where they are.
    return params.credentials ?? null;
  },
};

/** ConverseStream events never name the model: report the id that was called, ahead of the first event. */
function announcingModel<E>(mapper: StreamMapper<E>, model: string): StreamMapper<E> {
  let announced = false;
  return {
    map(event, out) {
      if (!announced) {
        announced = true;
        out.push({ type: "model", model });
      }
      mapper.map(event, out);
    },
  };
}

/** OpenAI's open-weight models on Bedrock count exactly with their tokenizer; others get an estimate. */
function localCount(params: ChatRequestParams, signal: AbortSignal): Promise<TokenCount> {
  return countLocally(params, { provider: "bedrock", encoding: localEncoding("bedrock", params.model), signal });
}

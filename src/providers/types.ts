/**
 * What a provider is: endpoint, credentials, auth scheme and dialect. No
 * parsing here; dialects live in src/formats/, HTTP in src/http/.
 */
import type { ProviderId, Tier } from "../catalog/catalog.ts";
import type { Deps } from "../deps.ts";
import type { StreamDecoder } from "../decode/stream-decoder.ts";
import type { ChatFormat } from "../formats/types.ts";
import type { ChatParams } from "../protocol/chat.ts";
import type { ProviderParams } from "../protocol/request.ts";
import type { Cost, WireChunk } from "../protocol/chunks.ts";
import type { BridgeError } from "../protocol/errors.ts";
import type { Shaped } from "../rules/shape.ts";
import type { ShapedParams } from "../rules/types.ts";

export type ChatRequestParams = ChatParams & ProviderParams;

/** A chat request after the model rules (src/rules/shape.ts): what the encoders take. */
export type ShapedRequestParams = ShapedParams & ProviderParams;

export interface ChatPlan<E = unknown> {
  format: ChatFormat<E>;
  /** The request as the model rules shaped it, what they changed, and the tool names they mapped. */
  shaping: Shaped<ShapedRequestParams>;
  createDecoder(): StreamDecoder<E>;
  /** Build the HTTP request for one attempt; called again for each retry (re-signing, token refresh). */
  buildRequest(): Request | Promise<Request>;
  /**
   * A provider-specific way out of an error before any content, tried before
   * the generic retry policy (e.g. Bedrock: switch a bare model id to its
   * inference profile). Returns the reason for the `retry` chunk, or
   * undefined when it has nothing to offer.
   */
  recover?(error: BridgeError): string | undefined;
  /**
   * Say more about an attempt's failure, before it is retried or reported
   * (an OpenAI-compatible server that does not answer: its URL, and that a
   * local server is not running). Returns the error to use instead; absent:
   * the error as it is.
   */
  explainFailure?(error: BridgeError): BridgeError;
  /**
   * Anthropic family only (Anthropic, Claude on Bedrock, Vertex and
   * Copilot's Messages route): send `params` in the following attempts
   * instead, keeping the plan's state (model id, credentials). The action
   * passes the shaped request with the answer so far as a trailing assistant
   * message, to continue a broken stream (src/actions/resume.ts), and only
   * where the model rules say the model accepts a prefill. Absent where a
   * prefill is not understood.
   */
  continueWith?(params: ShapedRequestParams): void;
  /**
   * What the provider says the current attempt was billed, in USD, once its
   * answer said so (Copilot's `copilot_usage`); undefined: the catalog
   * prices the usage.
   */
  billedCost?(): Cost | undefined;
}

export interface ModelEntry {
  id: string;
  name: string;
  provider: ProviderId;
  context_length: number | null;
  max_output: number | null;
  /** USD per million tokens; null when there is no per-token price. */
  cost: { input: number | null; output: number | null; cache_read?: number | null; cache_write?: number | null } | null;
  capabilities: { tools: boolean; reasoning: boolean; images: boolean };
  /** The model behind `id` when `id` is a name the user chose (an Azure deployment). */
  model?: string;
  /** Copilot: how the subscription bills the model (premium requests), as its /models listing says; never a per-token price. */
  billing?: { is_premium: boolean; multiplier: number | null; restricted_to?: string[] };
  /** Where the entry comes from: our catalog, the provider's live listing, or both. */
  source: "catalog" | "api" | "both";
  /** The prices' source and its date (catalog entries). */
  price_source?: string;
  price_date?: string;
  /** Prices for the whole request once the prompt exceeds a size (catalog entries). */
  tiers?: Tier[];
  released?: string;
  retired?: string;
}

export interface TokenCount {
  input_tokens: number;
  exact: boolean;
  method: "api" | "tokenizer" | "estimate";
}

export interface ProviderCall {
  deps: Deps;
  signal: AbortSignal;
  /** Write chunks for this request before its result (authenticate's `device_flow`); absent where nothing may stream. */
  emit?(chunks: WireChunk[]): Promise<void>;
}

export interface Provider {
  id: ProviderId;
  name: string;
  /** How the provider authenticates, as list_providers reports it. */
  auth: "api_key" | "oauth_device" | "aws" | "google";
  /** Whether credentials can be found without a network call. */
  isConfigured(deps: Deps): Promise<boolean>;
  planChat(params: ChatRequestParams, call: ProviderCall): Promise<ChatPlan>;
  listModels(params: ProviderParams, call: ProviderCall): Promise<ModelEntry[]>;
  countTokens(params: ChatRequestParams, call: ProviderCall): Promise<TokenCount>;
  /**
   * Check the given credentials against the provider and return what should
   * be stored, or null when the credentials live elsewhere (AWS profiles,
   * Google ADC) and there is nothing for our store.
   */
  authenticate(params: ProviderParams, call: ProviderCall): Promise<Record<string, unknown> | null>;
  /**
   * The catalog model behind a name the user chose (an Azure deployment), for
   * pricing; undefined when the provider cannot say. Absent where model ids
   * are the provider's own.
   */
  modelBehind?(params: ProviderParams & { model: string }, call: ProviderCall): Promise<string | undefined>;
}

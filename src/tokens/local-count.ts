/**
 * count_tokens without a provider endpoint: OpenAI-made models (and gpt-oss)
 * with their own tokenizer and the framing of the API the request goes to,
 * every other family with its calibrated estimate (family-estimate.ts).
 */
import type { ChatParams } from "../protocol/chat.ts";
import { countChatTokens } from "./chat-tokens.ts";
import { countPaced } from "./count-session.ts";
import { familyOf } from "./families.ts";
import { estimateFamilyTokens } from "./family-estimate.ts";
import { getEncoder } from "./tiktoken.ts";

export interface LocalTokenCount {
  input_tokens: number;
  exact: boolean;
  method: "tokenizer" | "estimate";
}

export interface LocalCountOptions {
  /** The provider id serving the model: hosts bill the same family differently. */
  provider?: string;
  /** The model's tokenizer as the catalog or the model name gives it, if any. */
  encoding?: string | undefined;
  /** The API an OpenAI-made model's request is sent to (OpenAI, Azure, Copilot, OpenRouter); Chat elsewhere. */
  route?: "chat" | "responses";
  /** Ends a long count: the request's cancel or deadline. */
  signal?: AbortSignal;
}

export async function countLocally(params: ChatParams, options: LocalCountOptions = {}): Promise<LocalTokenCount> {
  const family = familyOf(params.model);
  const { encoding, signal } = options;
  // A tokenizer the catalog names for a family we would estimate (a host's own model) is trusted too.
  if ((encoding === "o200k_base" || encoding === "cl100k_base") && (family === "openai" || family === "gpt-oss" || family === "other")) {
    const route = options.route ?? "chat";
    // Counted a slice at a time, yielding to other requests (count-session.ts).
    const { value, exact } = await countPaced(await getEncoder(encoding), (counter) => countChatTokens(params, counter, route), signal);
    return { input_tokens: value, exact: family === "openai" && route === "chat" && exactByConstruction(params) && exact, method: "tokenizer" };
  }
  const { value } = await countPaced(await getEncoder("o200k_base"), (counter) => estimateFamilyTokens(params, family, options.provider, counter), signal);
  return { input_tokens: value, exact: false, method: "estimate" };
}

/**
 * Where the Chat Completions count follows published rules only (the
 * cookbook's framing over the exact tokenizer): no tool definitions or calls
 * (their rendering is reconstructed and partly fitted), no images (a flat
 * figure), no reasoning handed back, and not a model known to bill more:
 * search models bill their search context (gpt-4o-search-preview +11 in
 * pydantic-ai test_openai_web_search_tool), o1-mini 8 tokens more
 * (test_system_prompt_role_o1_mini). test/tokens/openai-exact.test.ts holds
 * it to billed == counted on every recorded request of that kind.
 */
const BILLS_MORE = /search|^o1-(mini|preview)/i;

function exactByConstruction(params: ChatParams): boolean {
  if ((params.tools?.length ?? 0) > 0 || BILLS_MORE.test(params.model.replace(/^openai\//, ""))) return false;
  for (const message of params.messages) {
    if (typeof message.content === "string") continue;
    if (message.content.some((part) => part.type !== "text")) return false;
  }
  return true;
}

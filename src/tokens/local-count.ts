/**
 * count_tokens without a provider endpoint: exact with one of the bundled
 * encodings, otherwise an estimate that says so.
 */
import type { ChatParams } from "../protocol/chat.ts";
import { countChatTokens } from "./chat-tokens.ts";
import { estimateChatTokens } from "./estimate.ts";
import { chatTexts, countSession } from "./count-session.ts";
import { getEncoder } from "./tiktoken.ts";

export interface LocalTokenCount {
  input_tokens: number;
  exact: boolean;
  method: "tokenizer" | "estimate";
}

/**
 * `encoding`: the model's tokenizer as the catalog or the model name gives it, if any.
 * `signal` ends a long count (the request's cancel or deadline).
 */
export async function countLocally(params: ChatParams, encoding: string | undefined, signal?: AbortSignal): Promise<LocalTokenCount> {
  if (encoding !== "o200k_base" && encoding !== "cl100k_base") {
    return { input_tokens: estimateChatTokens(params), exact: false, method: "estimate" };
  }
  const counter = await countSession(await getEncoder(encoding), chatTexts(params), signal);
  const input_tokens = countChatTokens(params, counter);
  return { input_tokens, exact: counter.exact, method: "tokenizer" };
}

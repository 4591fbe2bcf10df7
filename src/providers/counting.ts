/**
 * count_tokens: the provider's counting endpoint first, the local count
 * otherwise. The editor asks to decide whether a conversation still fits, so
 * a marked local count (`exact: false` or the tokenizer's) is a better answer
 * than a failure: on any failure but a cancel (a gateway or region without
 * the endpoint answering 404 or 400, a refused key, 5xx, the network, a
 * timeout) the local count is answered and the reason logged at info. An
 * empty conversation is counted locally (Anthropic refuses one with 400).
 */
import { findModel } from "../catalog/catalog.ts";
import { encodingForModel } from "../tokens/tiktoken.ts";
import type { ProviderCall, TokenCount } from "./types.ts";

/** The tokenizer a provider's model counts with: the catalog's, else the one its OpenAI model name implies (undefined: estimated). */
export function localEncoding(provider: string, model: string): string | undefined {
  return findModel(provider, model)?.tokenizer ?? encodingForModel(model);
}

export async function providerFirst(
  call: ProviderCall,
  provider: string,
  messages: readonly unknown[],
  local: () => TokenCount | Promise<TokenCount>,
  remote: () => Promise<TokenCount>,
): Promise<TokenCount> {
  if (messages.length === 0) return local();
  try {
    return await remote();
  } catch (error) {
    if (call.signal.aborted) throw error;
    call.deps.log.log("info", `${provider} count_tokens unavailable; answering a local count`, { error });
    return local();
  }
}

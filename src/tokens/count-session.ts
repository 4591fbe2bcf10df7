/**
 * One request's tokenizer count without stalling the process. The framing
 * rules (chat-tokens.ts) count synchronously, text by text; a 10 MB message
 * counted that way would hold the event loop for seconds. So the long texts
 * of the request are counted first with the encoder's yielding count, and
 * the synchronous pass finds them already counted.
 */
import type { ChatParams, ContentPart } from "../protocol/chat.ts";
import type { Encoder, TokenCounter } from "./tiktoken.ts";

/** Texts below this many characters are counted in one go: ~0.1 ms of merging at most. */
export const YIELDING_CHARS = 4096;

export interface CountSession extends TokenCounter {
  /** False once any count was not the tokenizer's exact one. */
  readonly exact: boolean;
}

/** A counter for one request, with `texts` of YIELDING_CHARS or more counted up front. */
export async function countSession(encoder: Encoder, texts: Iterable<string>, signal?: AbortSignal): Promise<CountSession> {
  const counted = new Map<string, number>();
  let exact = true;
  for (const text of texts) {
    if (text.length < YIELDING_CHARS || counted.has(text)) continue;
    const tally = await encoder.tallyYielding(text, signal);
    counted.set(text, tally.tokens);
    exact &&= tally.exact;
  }
  return {
    get exact() {
      return exact;
    },
    count(text) {
      const known = counted.get(text);
      if (known !== undefined) return known;
      const tally = encoder.tally(text);
      exact &&= tally.exact;
      return tally.tokens;
    },
  };
}

/** The texts of a chat request that can be long: message and result text, call arguments. Not images' data. */
export function* chatTexts(params: ChatParams): Generator<string> {
  for (const message of params.messages) {
    if (typeof message.content === "string") yield message.content;
    else yield* partTexts(message.content);
  }
}

function* partTexts(parts: readonly ContentPart[]): Generator<string> {
  for (const part of parts) {
    switch (part.type) {
      case "text":
      case "reasoning":
        yield part.text;
        break;
      case "tool_call":
        yield part.arguments;
        break;
      case "tool_result":
        if (typeof part.content === "string") yield part.content;
        else yield* partTexts(part.content);
        break;
      case "image":
        break;
      default:
        part satisfies never;
    }
  }
}

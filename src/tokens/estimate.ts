/**
 * Token estimates for models we have no local tokenizer for (Claude, Gemini,
 * Llama, ...). Answers carry `exact: false`.
 *
 * Base rule: 4 characters per token, OpenAI's rule of thumb for English
 * ("What are tokens and how to count them?", help.openai.com). Adjusted for
 * what an editor sends:
 * - punctuation and symbols weigh double: code spends a token on most runs of
 *   brackets and operators;
 * - whitespace weighs half: the space before a word and runs of indentation
 *   fold into neighbouring tokens;
 * - CJK ideographs, kana and hangul cost 0.8 token each, where chars/4 would
 *   give 0.25 (o200k_base spends 0.6 to 0.7 per character on them, Claude's
 *   tokenizer more);
 * - characters outside the Basic Multilingual Plane (emoji) cost 1 token.
 * Calibrated against o200k_base on English prose (the project's design
 * notes), TypeScript declarations, compiled JavaScript, JSON and
 * TypeScript's localized diagnostics (de, ru, ja, zh-cn, ko): 0.90x to 1.13x
 * of the exact count on each, where plain chars/4 ranges from 0.42x (CJK) to
 * 1.13x. Claude's and Gemini's tokenizers are less frugal than o200k_base, so
 * leaning high is the safer error for context-window checks.
 * test/tokens/estimate.test.ts holds it to ±30% on a mixed prose and code sample.
 */
import type { ChatParams, ContentPart } from "../protocol/chat.ts";
import { type ImageScheme, imageSchemeFor, imageTokens } from "./image-tokens.ts";

const CHARS_PER_TOKEN = 4;
const SYMBOL_WEIGHT = 2;
const WHITESPACE_WEIGHT = 0.5;
const CJK_TOKENS_PER_CHAR = 0.8;
const ASTRAL_TOKENS_PER_CHAR = 1;

/**
 * Per-message framing (role markers, separators) as in OpenAI's chat format,
 * and the reply priming: other providers' templates are of the same order.
 */
const TOKENS_PER_MESSAGE = 4;
const REPLY_PRIMING = 3;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const SYMBOL = /[\p{P}\p{S}]/u;
const WHITESPACE = /\s/u;

export function estimateTokens(text: string): number {
  const estimate = new TokenEstimate();
  estimate.add(text);
  return estimate.tokens;
}

/**
 * The estimate of a text that arrives in pieces, without keeping the pieces:
 * after `add(a)` and `add(b)`, `tokens` equals `estimateTokens(a + b)`,
 * including a surrogate pair split between two pieces. For counting streamed
 * output, where keeping every delta to join at the end holds the whole answer
 * in memory for as long as the stream runs.
 */
export class TokenEstimate {
  private weight = 0; // in characters-equivalent, divided by CHARS_PER_TOKEN at the end
  private direct = 0; // tokens counted per character
  // A high surrogate that ended the last piece: its pair may open the next one.
  private pendingHigh = "";

  add(piece: string): void {
    let text = piece;
    if (this.pendingHigh !== "") {
      text = this.pendingHigh + text;
      this.pendingHigh = "";
    }
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.pendingHigh = text.slice(-1);
      text = text.slice(0, -1);
    }
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x80) {
        // ASCII fast path: this loop runs over whole files.
        if (code === 32 || (code >= 9 && code <= 13)) this.weight += WHITESPACE_WEIGHT;
        else if (isAsciiAlphanumeric(code)) this.weight += 1;
        else this.weight += SYMBOL_WEIGHT;
        continue;
      }
      const point = text.codePointAt(i)!;
      const ch = String.fromCodePoint(point);
      if (point > 0xffff) i++; // the low surrogate
      if (CJK.test(ch)) this.direct += CJK_TOKENS_PER_CHAR;
      else if (point > 0xffff) this.direct += ASTRAL_TOKENS_PER_CHAR;
      else if (WHITESPACE.test(ch)) this.weight += WHITESPACE_WEIGHT;
      else if (SYMBOL.test(ch)) this.weight += SYMBOL_WEIGHT;
      else this.weight += 1;
    }
  }

  get tokens(): number {
    // A lone high surrogate at the very end weighs as one ordinary character, as estimateTokens counts it.
    const weight = this.pendingHigh === "" ? this.weight : this.weight + 1;
    return Math.ceil(weight / CHARS_PER_TOKEN + this.direct);
  }
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** A whole request: message text, framing, tool definitions as JSON, images. */
export function estimateChatTokens(params: ChatParams): number {
  const images = imageSchemeFor(params.model);
  let total = REPLY_PRIMING;
  for (const message of params.messages) {
    total += TOKENS_PER_MESSAGE;
    total += typeof message.content === "string" ? estimateTokens(message.content) : estimateParts(message.content, images);
  }
  for (const tool of params.tools ?? []) {
    total += TOKENS_PER_MESSAGE + estimateTokens(JSON.stringify(tool));
  }
  return total;
}

function estimateParts(parts: readonly ContentPart[], images: ImageScheme): number {
  let total = 0;
  for (const part of parts) {
    switch (part.type) {
      case "text":
      case "reasoning":
        total += estimateTokens(part.text);
        break;
      case "image":
        total += imageTokens(part.data, images);
        break;
      case "tool_call":
        total += TOKENS_PER_MESSAGE + estimateTokens(part.name) + estimateTokens(part.arguments);
        break;
      case "tool_result":
        total += TOKENS_PER_MESSAGE + (typeof part.content === "string" ? estimateTokens(part.content) : estimateParts(part.content, images));
        break;
      default:
        part satisfies never;
    }
  }
  return total;
}

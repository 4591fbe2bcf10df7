/**
 * The calibrated estimate for models without a local tokenizer: the o200k
 * count of the request's text, then what each family's provider bills
 * beyond it, as a linear model whose constants are fitted per family on
 * recorded (request, billed input tokens) pairs (family-constants.json,
 * fitted by test/tokens/calibration/fit.ts).
 *
 * The terms, and why each is there:
 * - text (messages, tool calls and results) and reasoning handed back, each
 *   with its own scale: tokenizers differ from o200k by a roughly constant
 *   ratio on the same text (Claude about 1.1x, GLM 1.4x, Grok 1.5x;
 *   provider-facts-2026 §9.1), and providers drop or keep earlier reasoning;
 * - per message and per tool call or result: chat-template framing, which
 *   Gemini and Nova do not have (fits near 0) and Llama-style templates do;
 * - tool definitions (their JSON as a count), per tool, and a preamble paid
 *   once when tools are present: Anthropic's hidden tool-use system prompt,
 *   Groq's Llama template, Grok's and GLM's tool preambles (§9.1);
 * - signed or redacted reasoning handed back, by the signature's size:
 *   Gemini re-reads the thoughts a signature stands for and bills them
 *   (second turns of the fantasy TestGoogleThinking recordings bill far above
 *   their text); Anthropic bills little for them;
 * - a conversation opening with an assistant message: Claude bills about 14
 *   tokens more, the same on Bedrock and Anthropic (pydantic-ai
 *   test_bedrock_anthropic_message_history_starting_with_response and
 *   test_anthropic_model_empty_message_on_history; each predicts the other
 *   held out), as if a user turn were put before it;
 * - thinking asked for: templates that switch it on add instructions (Claude
 *   with extended thinking bills about 25 tokens more on a one-line prompt:
 *   pydantic-ai test_anthropic_model_thinking_part_stream);
 * - a constant per request (reply priming, template system prompts).
 */
import type { ChatParams, ContentPart } from "../protocol/chat.ts";
import { imageSchemeFor, imageTokens } from "./image-tokens.ts";
import type { Family } from "./families.ts";
import fitted from "./family-constants.json" with { type: "json" };
import type { TokenCounter } from "./tiktoken.ts";

/** The request's measurements, in this order everywhere (the fit's columns). */
export const FEATURES = ["text", "reasoning", "messages", "blocks", "tool_defs", "tools", "has_tools", "thinking", "signatures", "assistant_first", "one"] as const;
export type Feature = (typeof FEATURES)[number];
export type Features = Record<Feature, number>;
export type Constants = Record<Feature, number>;

export function requestFeatures(params: ChatParams, encoder: TokenCounter): Features {
  const f: Features = { text: 0, reasoning: 0, messages: 0, blocks: 0, tool_defs: 0, tools: 0, has_tools: 0, thinking: 0, signatures: 0, assistant_first: 0, one: 1 };
  const add = (parts: string | readonly ContentPart[]): void => {
    if (typeof parts === "string") {
      f.text += encoder.count(parts);
      return;
    }
    for (const part of parts) {
      switch (part.type) {
        case "text":
          f.text += encoder.count(part.text);
          break;
        case "reasoning":
          f.reasoning += encoder.count(part.text);
          // In characters / 4: opaque base64, where a BPE count says nothing about what it stands for.
          f.signatures += ((part.signature?.length ?? 0) + (part.redacted?.length ?? 0)) / 4;
          break;
        case "tool_call":
          f.blocks += 1;
          f.text += encoder.count(part.name) + encoder.count(part.arguments);
          break;
        case "tool_result":
          f.blocks += 1;
          add(part.content);
          break;
        case "image":
          break; // counted apart (image-tokens.ts): the fit excludes requests with images
        default:
          part satisfies never;
      }
    }
  };
  for (const message of params.messages) {
    f.messages += 1;
    add(message.content);
  }
  for (const tool of params.tools ?? []) {
    f.tools += 1;
    f.tool_defs += encoder.count(JSON.stringify({ name: tool.name, description: tool.description ?? "", parameters: tool.parameters }));
  }
  f.has_tools = f.tools > 0 ? 1 : 0;
  f.assistant_first = params.messages.find((m) => m.role !== "system")?.role === "assistant" ? 1 : 0;
  f.thinking = thinks(params) ? 1 : 0;
  return f;
}

function thinks(params: ChatParams): boolean {
  const r = params.reasoning;
  // OpenRouter's `:thinking` variants think without being asked (anthropic/claude-3.7-sonnet:thinking).
  if (r === undefined) return params.model.endsWith(":thinking");
  return "effort" in r ? r.effort !== "none" : r.budget_tokens > 0;
}

export function applyConstants(features: Features, constants: Constants): number {
  let total = 0;
  for (const name of FEATURES) total += features[name] * constants[name];
  return Math.max(1, Math.round(total));
}

/**
 * The constants for a family as served by one provider (Vertex bills Gemini's
 * tool declarations lower than the Gemini API does), else the family's, else
 * the pooled fit ("other") for families with too few recordings.
 */
export function lookup(table: Readonly<Record<string, Constants>>, family: Family, provider: string | undefined): Constants {
  return table[`${family}@${provider}`] ?? table[family] ?? (table["other"] as Constants);
}

const FAMILIES = fitted.families as Record<string, Constants>;

export function estimateFamilyTokens(params: ChatParams, family: Family, provider: string | undefined, encoder: TokenCounter): number {
  const scheme = imageSchemeFor(params.model);
  let images = 0;
  for (const message of params.messages) {
    if (typeof message.content === "string") continue;
    for (const part of message.content) {
      if (part.type === "image") images += imageTokens(part.data, scheme);
      else if (part.type === "tool_result" && typeof part.content !== "string") {
        for (const inner of part.content) if (inner.type === "image") images += imageTokens(inner.data, scheme);
      }
    }
  }
  return applyConstants(requestFeatures(params, encoder), lookup(FAMILIES, family, provider)) + images;
}

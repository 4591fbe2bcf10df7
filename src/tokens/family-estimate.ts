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
 * - the words of the tool definitions (`tool_words`: names, descriptions,
 *   parameter names, enum values; not the schema's keywords, types or
 *   punctuation, see schemaWords). Gemini does not bill a declaration by its
 *   JSON: Gemini 3 on the Gemini API bills 16 tokens for pydantic-ai
 *   test_google_model_thinking_part's parameterless `dummy` (22 o200k tokens
 *   of JSON, one word) but 52 for fantasy TestGoogleCommon's `weather` (39
 *   of JSON, ten words) and 130 for its `add` and `multiply` (100 of JSON):
 *   words, which is where parameters are, cost more than JSON punctuation.
 *   Vertex and Gemini 2.0 bill about the words alone (fantasy
 *   TestGoogleCommon vertex-gemini-2-5-flash tool: 15 tokens beyond the
 *   text for `weather`; pydantic-ai test_google_model_iter_stream on
 *   gemini-2.0-flash: 36 for two tools of 41 words and 83 tokens of JSON);
 * - signed or redacted reasoning handed back, by the signature's size, in
 *   three columns:
 *   - `signatures`: signatures of the turn in progress (the assistant steps
 *     after the last user message that is more than tool results). Gemini
 *     re-reads the thoughts a signature stands for and bills them: the
 *     second request of every fantasy TestGoogleCommon/TestGoogleThinking
 *     tool recording on Gemini 3 and on Vertex bills the previous reply's
 *     thoughtsTokenCount on top of its text (within a few tokens; about 0.6-0.8
 *     tokens per 4 characters of signature); Anthropic bills little for them;
 *   - `past_signatures`: signatures of earlier, finished turns. Both
 *     providers drop the reasoning of finished turns (Anthropic's extended
 *     thinking docs: "thinking blocks from previous turns are stripped";
 *     Gemini's thought-signature docs tie signatures to the function-calling
 *     turn): pydantic-ai test_google_model_thinking_part's second request
 *     hands back a 5,180-character signature from the turn before and bills
 *     about the visible text only, not the 1,001 thoughts it stands for;
 *   - `streamed_signatures`: signatures of the turn in progress that are
 *     several concatenated parts (a Gemini 2.5 signature assembled from a
 *     streamed reply: protobuf field 1 repeated, see signatureParts). The
 *     Gemini API bills Gemini 2.5's thoughts for these and not for a
 *     one-part signature: fantasy TestGoogleThinking gemini-2.5-flash
 *     thinking-streaming and TestGoogleCommon gemini-2.5-flash
 *     multi_tool_streaming bill their previous thoughtsTokenCount (62, 38)
 *     on top, the non-streaming TestGoogleCommon gemini-2.5-flash tool,
 *     TestGoogleThinking gemini-2.5-pro thinking and pydantic-ai
 *     test_google_prompted_output_with_tools bill none of theirs (48, 64,
 *     395); Vertex bills both kinds. Less each part's own bytes
 *     (PART_OVERHEAD), what is left is close to the thoughts;
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
import { Base64Bytes } from "./base64.ts";
import { imageSchemeFor, imageTokens } from "./image-tokens.ts";
import type { Family } from "./families.ts";
import { families as packedFamilies, features as packedFeatures } from "./family-constants.json" with { type: "json" };
import type { TokenCounter } from "./tiktoken.ts";

/** The request's measurements, in this order everywhere (the fit's columns). */
export const FEATURES = [
  "text",
  "reasoning",
  "messages",
  "blocks",
  "tool_defs",
  "tool_words",
  "tools",
  "has_tools",
  "thinking",
  "signatures",
  "past_signatures",
  "streamed_signatures",
  "assistant_first",
  "one",
] as const;
export type Feature = (typeof FEATURES)[number];
export type Features = Record<Feature, number>;
export type Constants = Record<Feature, number>;

export function requestFeatures(params: ChatParams, encoder: TokenCounter): Features {
  const f: Features = {
    text: 0,
    reasoning: 0,
    messages: 0,
    blocks: 0,
    tool_defs: 0,
    tool_words: 0,
    tools: 0,
    has_tools: 0,
    thinking: 0,
    signatures: 0,
    past_signatures: 0,
    streamed_signatures: 0,
    assistant_first: 0,
    one: 1,
  };
  const turn = currentTurnStart(params.messages);
  let past = false;
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
          {
            // In characters / 4: opaque base64, where a BPE count says nothing about what it stands for.
            const size = (signatureSize(part.signature ?? "") + (part.redacted?.length ?? 0)) / 4;
            const parts = signatureParts(part.signature ?? "");
            if (past) f.past_signatures += size;
            else if (parts > 1) f.streamed_signatures += Math.max(0, size - PART_OVERHEAD * parts);
            else f.signatures += size;
          }
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
  params.messages.forEach((message, i) => {
    f.messages += 1;
    past = i < turn;
    add(message.content);
  });
  for (const tool of params.tools ?? []) {
    f.tools += 1;
    f.tool_words += encoder.count([tool.name, tool.description ?? "", ...schemaWords(tool.parameters)].filter((w) => w !== "").join(" "));
    f.tool_defs += encoder.count(JSON.stringify({ name: tool.name, description: tool.description ?? "", parameters: tool.parameters }));
  }
  f.has_tools = f.tools > 0 ? 1 : 0;
  f.assistant_first = params.messages.find((m) => m.role !== "system")?.role === "assistant" ? 1 : 0;
  f.thinking = thinks(params) ? 1 : 0;
  return f;
}

/** Schema keywords whose values are words of the declaration, and those whose values are schemas. */
const WORD_KEYWORDS = new Set(["description", "title", "enum", "const", "default", "examples"]);
const SCHEMA_KEYWORDS = new Set(["items", "prefixItems", "anyOf", "oneOf", "allOf", "not", "additionalProperties"]);

/** The words of a JSON schema: parameter names, descriptions, enum values; not its keywords, types or punctuation. */
export function schemaWords(schema: unknown, out: string[] = []): string[] {
  if (Array.isArray(schema)) for (const item of schema) schemaWords(item, out);
  else if (typeof schema === "object" && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === "properties" && typeof value === "object" && value !== null) {
        for (const [name, property] of Object.entries(value)) {
          out.push(name);
          schemaWords(property, out);
        }
      } else if (key === "$defs" || key === "definitions") schemaWords(Object.values(value ?? {}), out);
      else if (SCHEMA_KEYWORDS.has(key)) schemaWords(value, out);
      else if (WORD_KEYWORDS.has(key)) for (const word of [value].flat()) if (typeof word === "string" || typeof word === "number") out.push(String(word));
    }
  }
  return out;
}

/**
 * Where the turn in progress starts: the last user message that says
 * something (text or an image, not only tool results). Reasoning before it
 * belongs to finished turns.
 */
export function currentTurnStart(messages: ChatParams["messages"]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== "user") continue;
    if (typeof m.content === "string" || m.content.some((p) => p.type !== "tool_result")) return i;
  }
  return 0;
}

/**
 * The values Gemini's thought-signature docs give for skipping the check
 * (ai.google.dev/gemini-api/docs/thought-signatures, "FAQs"): they stand for
 * no thoughts, so nothing is re-read or billed for them (pydantic-ai
 * test_thinking_with_tool_calls_from_other_model hands one back, base64).
 */
const DUMMY_SIGNATURES = new Set(["context_engineering_is_the_way_to_go", "skip_thought_signature_validator"]);

/** Base64 text, standard or URL-safe, padded or not. */
const BASE64_TEXT = /^[A-Za-z0-9+/_-]*=*$/;

/** Base64 text as a byte string; "" when it is not base64. */
function latin1(base64: string): string {
  if (!BASE64_TEXT.test(base64)) return "";
  const bytes = new Base64Bytes(base64);
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes.byte(i));
  return text;
}

/** A signature's size in characters; nothing for the documented dummy signatures, as sent or as base64. */
function signatureSize(signature: string): number {
  if (signature === "" || DUMMY_SIGNATURES.has(signature)) return 0;
  if (signature.length <= 64 && DUMMY_SIGNATURES.has(latin1(signature))) return 0;
  return signature.length;
}

/**
 * What each part of a several-part signature carries beyond the thoughts, in
 * characters / 4: about 33 bytes (44 base64 characters). Vertex's signatures
 * for the same thoughts grow by that much per part: fantasy TestGoogleCommon
 * vertex-gemini-2-5-pro tool and tool_streaming, 520 bytes in one part and
 * 685 in six, both for 117 thoughts; vertex-gemini-2-5-flash tool and
 * tool_streaming, 264 bytes in one and 359 in four, for 52 and 51.
 */
const PART_OVERHEAD = 11;

/**
 * How many parts a signature is made of, read as Gemini writes them: base64
 * (standard or URL-safe) of a protobuf message. Gemini 2.5 signatures are
 * field 1 (length-delimited) once per part, and a streamed reply's signature
 * repeats it, one part per streamed chunk of thought (fantasy
 * TestGoogleCommon gemini-2.5-flash multi_tool_streaming: two parts; the
 * non-streaming recordings: one). Anything else (Gemini 3's field 2,
 * Anthropic's signatures, text that is not base64 protobuf) counts as one.
 */
export function signatureParts(signature: string): number {
  if (signature.length < 8 || !BASE64_TEXT.test(signature)) return 1;
  const bytes = new Base64Bytes(signature);
  let parts = 0;
  for (let at = 0; at < bytes.length; ) {
    if (bytes.byte(at) !== 0x0a) return 1; // not field 1, length-delimited
    let length = 0;
    let shift = 0;
    for (at++; ; at++) {
      if (at >= bytes.length || shift > 28) return 1;
      const byte = bytes.byte(at);
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    at += 1 + length;
    if (at > bytes.length) return 1;
    parts++;
  }
  return Math.max(parts, 1);
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

/**
 * The fitted table (family-constants.json lists each family's constants in
 * the order of its `features`, which keeps the table small in the bundle),
 * as records; a table written for other features is a build error, caught
 * here at load and by the tests.
 */
export function unpackConstants(features: readonly string[], packed: Readonly<Record<string, readonly number[]>>): Record<string, Constants> {
  if (features.join() !== FEATURES.join()) throw new Error(`family-constants.json lists features ${features.join(", ")}, not ${FEATURES.join(", ")}`);
  const table: Record<string, Constants> = {};
  for (const [name, values] of Object.entries(packed)) {
    if (values.length !== FEATURES.length) throw new Error(`family-constants.json: ${name} has ${values.length} constants, not ${FEATURES.length}`);
    table[name] = Object.fromEntries(FEATURES.map((feature, i) => [feature, values[i]!])) as Constants;
  }
  return table;
}

/** Packs a table for family-constants.json (test/tokens/calibration/fit.ts writes it). */
export function packConstants(table: Readonly<Record<string, Constants>>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(table).map(([name, constants]) => [name, FEATURES.map((feature) => constants[feature])]));
}

export const FAMILY_CONSTANTS: Readonly<Record<string, Constants>> = unpackConstants(packedFeatures, packedFamilies);

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
  return applyConstants(requestFeatures(params, encoder), lookup(FAMILY_CONSTANTS, family, provider)) + images;
}

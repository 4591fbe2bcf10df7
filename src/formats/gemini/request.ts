/**
 * Unified chat params → Gemini `GenerateContentRequest` (Vertex REST reference below).
 * @see https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/generateContent
 *
 * The body has no model (it is in the URL path) and no stream flag (the
 * method, `:streamGenerateContent?alt=sse`, says it); `:countTokens` takes
 * the same `contents` / `systemInstruction` / `tools`.
 *
 * Choices worth knowing:
 * - `system` messages, wherever they appear, become `systemInstruction`
 *   parts in order. `assistant` turns are `model` turns; `tool` messages
 *   become `user` turns of `functionResponse` parts; consecutive turns of
 *   one role are merged, with the `functionResponse` parts first in a user
 *   turn (they answer the model turn just before).
 * - Gemini pairs a `functionResponse` with its call by function *name*, so
 *   the name is looked up from the assistant tool_call with the same id
 *   (the latest one before the result, so a reused id answers the most
 *   recent call). Neither
 *   `functionCall` nor `functionResponse` carries an `id`: Vertex rejects it
 *   ("Unknown name \"id\" at 'contents[1].parts[0].function_call'",
 *   vercel/ai#15891, googleapis/java-genai#694).
 * - A tool result's text goes in `response.output`, or `response.error` when
 *   `is_error`: the keys Google documents ("Use "output" key to specify
 *   function output and "error" key to specify error details"). Images in a
 *   tool result become `inlineData` parts of the same user turn, after its
 *   `functionResponse` parts, which every Gemini version reads (only
 *   Gemini 3 takes them inside the response).
 * - Thought signatures. A wire `tool_call` part has no signature field, so
 *   callers hand signatures back the way the stream mapper delivers them: as
 *   `reasoning` parts with a `signature`. A signed reasoning part right
 *   before a `tool_call` lends its signature to that call's `functionCall`
 *   part (the one Gemini validates) and keeps its text, if any, as an
 *   unsigned thought. A signed reasoning part with empty text lends it to the
 *   next text or tool_call part of the message (Gemini 3 signs text parts
 *   too); with nothing after it, it is dropped (Gemini takes no empty part).
 *   Any other signed reasoning part is a thought part carrying its
 *   signature. Unsigned reasoning text is sent back as a thought part;
 *   `redacted` data (Anthropic's) has no Gemini form and is dropped.
 * - Gemini 3 rejects a replayed function call without a signature (HTTP
 *   400). For those models (the rules' `tool_call_signatures`) the first
 *   call of each run of calls that still has none gets Google's documented placeholder
 *   `skip_thought_signature_validator`, as the AI SDK does; later calls of
 *   a parallel run legitimately have none.
 * - The thinking the rules chose (src/rules/) → `thinkingConfig`: a budget
 *   for 2.5, a level for 3.
 * - Empty text parts are dropped, and a turn left empty with them.
 * - `cache` flags are ignored: Vertex caches prompt prefixes implicitly.
 */
import type { ContentPart, Message, ToolChoice, ToolDefinition } from "../../protocol/chat.ts";
import type { ShapedParams } from "../../rules/types.ts";
import { BridgeError } from "../../protocol/errors.ts";
import { toGeminiSchema } from "./schema.ts";
import { invalidField, parseToolArguments } from "../json.ts";

type Part = Record<string, unknown>;

interface Turn {
  role: "user" | "model";
  parts: Part[];
}

/** Google's documented stand-in for a function call whose thought signature is lost. */
export const GEMINI_SKIP_SIGNATURE = "skip_thought_signature_validator";

export function encodeGeminiRequest(params: ShapedParams): Record<string, unknown> {
  const system: Part[] = [];
  const turns: Turn[] = [];
  // Tool call id → function name, latest first, filled as assistant messages go by.
  const callNames = new Map<string, string>();
  const signaturesRequired = params.tool_call_signatures === true;

  params.messages.forEach((message, i) => {
    if (message.role === "system") {
      system.push(...systemParts(message, i));
      return;
    }
    const role = message.role === "assistant" ? "model" : "user";
    const parts = message.role === "assistant" ? modelParts(message.content, i, signaturesRequired, callNames) : userParts(message, i, callNames);
    if (parts.length === 0) return;
    const previous = turns[turns.length - 1];
    if (previous !== undefined && previous.role === role) previous.parts.push(...parts);
    else turns.push({ role, parts });
  });

  if (turns.length === 0) {
    throw new BridgeError("INVALID_REQUEST", "messages: Gemini needs at least one user or assistant message with content", {
      field: "messages",
    });
  }
  const body: Record<string, unknown> = {
    contents: turns.map((turn) => ({ role: turn.role, parts: turn.role === "user" ? responsesFirst(turn.parts) : turn.parts })),
  };
  if (system.length > 0) body["systemInstruction"] = { parts: system };

  const generation: Record<string, unknown> = {};
  if (params.max_tokens !== undefined) generation["maxOutputTokens"] = params.max_tokens;
  if (params.temperature !== undefined) generation["temperature"] = params.temperature;
  if (params.top_p !== undefined) generation["topP"] = params.top_p;
  if (params.stop !== undefined && params.stop.length > 0) generation["stopSequences"] = params.stop;
  const thinking = geminiThinkingConfig(params.thinking);
  if (thinking !== undefined) generation["thinkingConfig"] = thinking;
  if (Object.keys(generation).length > 0) body["generationConfig"] = generation;

  if (params.tools !== undefined && params.tools.length > 0) {
    body["tools"] = [{ functionDeclarations: params.tools.map(functionDeclaration) }];
    body["toolConfig"] = { functionCallingConfig: functionCallingConfig(params.tool_choice ?? "auto") };
  }
  return body;
}

/**
 * `thinkingBudget` (2.5) or `thinkingLevel` (3), never both (400, Gemini 3
 * guide), as the rules chose; `includeThoughts` whenever the model thinks,
 * or the thoughts are spent but never streamed.
 */
function geminiThinkingConfig(thinking: ShapedParams["thinking"]): Record<string, unknown> | undefined {
  switch (thinking?.type) {
    case "budget":
      return thinking.budget_tokens === 0 ? { thinkingBudget: 0 } : { thinkingBudget: thinking.budget_tokens, includeThoughts: true };
    case "level":
      // The enum's own spelling (ThinkingLevel: MINIMAL, LOW, MEDIUM, HIGH), as Google's Go SDK sent it in a
      // recorded request Gemini 3 accepted (charmbracelet/fantasy TestGoogleThinking/gemini-3-pro-preview).
      return { thinkingLevel: thinking.level.toUpperCase(), includeThoughts: true };
    default:
      return undefined;
  }
}

function functionDeclaration(tool: ToolDefinition): Part {
  const parameters = toGeminiSchema(tool.parameters);
  return {
    name: tool.name,
    ...(tool.description === undefined || tool.description === "" ? {} : { description: tool.description }),
    ...(parameters === undefined ? {} : { parameters }),
  };
}

function functionCallingConfig(choice: ToolChoice): Part {
  switch (choice) {
    case "auto":
      return { mode: "AUTO" };
    case "none":
      return { mode: "NONE" };
    case "required":
      return { mode: "ANY" };
    default:
      return { mode: "ANY", allowedFunctionNames: [choice.name] };
  }
}

function systemParts(message: Message, i: number): Part[] {
  if (typeof message.content === "string") return textParts(message.content);
  const parts: Part[] = [];
  message.content.forEach((part, j) => {
    if (part.type !== "text") {
      throw invalidField(`messages[${i}].content[${j}]`, `a system message can only hold text, got a ${part.type} part`);
    }
    parts.push(...textParts(part.text));
  });
  return parts;
}

function userParts(message: Message, i: number, callNames: Map<string, string>): Part[] {
  if (typeof message.content === "string") {
    if (message.role === "tool") {
      throw invalidField(`messages[${i}].content`, "a tool message needs tool_result parts (they carry tool_call_id)");
    }
    return textParts(message.content);
  }
  const parts: Part[] = [];
  message.content.forEach((part, j) => {
    const field = `messages[${i}].content[${j}]`;
    switch (part.type) {
      case "text":
        parts.push(...textParts(part.text));
        return;
      case "image":
        parts.push(inlineData(part));
        return;
      case "tool_result":
        parts.push(...functionResponse(part, field, callNames));
        return;
      default:
        throw invalidField(field, `${part.type} parts belong in assistant messages, not ${message.role}`);
    }
  });
  return parts;
}

function functionResponse(part: ContentPart & { type: "tool_result" }, field: string, callNames: Map<string, string>): Part[] {
  const name = callNames.get(part.tool_call_id);
  if (name === undefined) {
    throw invalidField(`${field}.tool_call_id`, `no earlier assistant tool_call has id ${JSON.stringify(part.tool_call_id)}; Gemini needs that call's function name to answer it`);
  }
  let text: string;
  const images: Part[] = [];
  if (typeof part.content === "string") {
    text = part.content;
  } else {
    const texts: string[] = [];
    part.content.forEach((inner, k) => {
      if (inner.type === "text") texts.push(inner.text);
      else if (inner.type === "image") images.push(inlineData(inner));
      else throw invalidField(`${field}.content[${k}]`, `a tool result can only hold text and images, got a ${inner.type} part`);
    });
    text = texts.join("\n\n");
  }
  const response = part.is_error === true ? { error: text } : { output: text };
  return [{ functionResponse: { name, response } }, ...images];
}

function modelParts(content: string | ContentPart[], i: number, signaturesRequired: boolean, callNames: Map<string, string>): Part[] {
  if (typeof content === "string") return textParts(content);
  const parts: Part[] = [];
  // A signature from a signed reasoning part with no text, waiting for its part.
  let pending: string | undefined;
  content.forEach((part, j) => {
    const field = `messages[${i}].content[${j}]`;
    switch (part.type) {
      case "text": {
        if (part.text === "") return;
        const text: Part = { text: part.text };
        if (pending !== undefined) text["thoughtSignature"] = pending;
        pending = undefined;
        parts.push(text);
        return;
      }
      case "reasoning": {
        const signature = part.signature === undefined || part.signature === "" ? undefined : part.signature;
        const lendsToCall = signature !== undefined && content[j + 1]?.type === "tool_call";
        if (signature !== undefined && part.text === "" && !lendsToCall) pending = signature;
        if (part.text === "") return;
        const thought: Part = { text: part.text, thought: true };
        if (signature !== undefined && !lendsToCall) thought["thoughtSignature"] = signature;
        parts.push(thought);
        return;
      }
      case "tool_call": {
        callNames.set(part.id, part.name);
        const call: Part = { functionCall: { name: part.name, args: parseToolArguments(part.arguments, `${field}.arguments`) } };
        const before = content[j - 1];
        const lent = before?.type === "reasoning" && before.signature !== undefined && before.signature !== "" ? before.signature : undefined;
        const signature = lent ?? pending;
        pending = undefined;
        if (signature !== undefined) call["thoughtSignature"] = signature;
        else if (signaturesRequired && before?.type !== "tool_call") call["thoughtSignature"] = GEMINI_SKIP_SIGNATURE;
        parts.push(call);
        return;
      }
      default:
        throw invalidField(field, `assistant messages cannot hold ${part.type} parts`);
    }
  });
  return parts;
}

function inlineData(part: { media_type: string; data: string }): Part {
  return { inlineData: { mimeType: part.media_type, data: part.data } };
}

function textParts(text: string): Part[] {
  return text === "" ? [] : [{ text }];
}

/** Stable partition: functionResponse parts first, the rest after, each in its own order. */
function responsesFirst(parts: Part[]): Part[] {
  return [...parts.filter((p) => "functionResponse" in p), ...parts.filter((p) => !("functionResponse" in p))];
}

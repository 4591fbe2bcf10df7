/**
 * Unified chat params → Chat Completions request body (`POST /chat/completions`).
 *
 * Choices worth knowing:
 * - System prompts use the `system` role, which OpenAI, Azure, Copilot and
 *   compatible servers all accept; OpenAI's newer `developer` role is
 *   available through `systemRole` for a provider that needs it (o1-mini
 *   rejected `system`, see test fixtures).
 * - `max_tokens` is sent as `max_completion_tokens`: reasoning models reject
 *   `max_tokens` (recorded 400 `unsupported_parameter`). Compatible servers
 *   that read only the older field get it through `maxTokensField`.
 * - Reasoning parts in assistant history are dropped (Chat Completions has no
 *   field for them) unless the server takes reasoning back (`reasoningHandBack`):
 *   DeepSeek as `reasoning_content`, the parts' text joined: in thinking mode a
 *   tool loop's assistant turn without it gets 400 "Missing `reasoning_content`
 *   field" (issue text: continuedev/continue#11285, earendil-works/pi#3636;
 *   vercel/ai packages/deepseek/src/chat/convert-to-deepseek-chat-messages.ts
 *   sends it); OpenRouter as `reasoning_details`, the entries the parts'
 *   `provider_data.reasoning_details` carry, in order
 *   (openrouter.ai/docs/use-cases/reasoning-tokens, "Preserving reasoning blocks");
 *   Copilot as `reasoning_opaque`, the parts' `provider_data.reasoning_opaque`
 *   its stream gave, with the text as `reasoning_text` (the fields
 *   of its assistant messages: anomalyco/opencode
 *   packages/opencode/src/provider/sdk/copilot/chat/convert-to-openai-compatible-chat-messages.ts,
 *   which sends the text only beside an opaque blob).
 * - A tool_call part's `provider_data.extra_content` goes back on its
 *   `tool_calls` entry as it came: Gemini's OpenAI endpoint needs its
 *   `extra_content.google.thought_signature` there
 *   (ai.google.dev/gemini-api/docs/thought-signatures, "OpenAI compatibility").
 * - `is_error` on tool results has no Chat field and is dropped.
 * - The body already carries `stream: true` and `stream_options.include_usage`
 *   (this dialect is only used for streaming, and usage never arrives without
 *   the option), so providers need not add them; `streamUsage: false` leaves
 *   the option out for a server that refuses it and sends usage anyway.
 * - A reasoning effort is `reasoning_effort`, or `reasoning: {effort}` for a
 *   server that takes OpenRouter's form (`reasoningParam`).
 * - Nothing here sends `store`: compatible servers that refuse it (xAI,
 *   DeepSeek, Cerebras: pi-mono `detectCompat`) need no switch.
 */
import type { ContentPart, Message, ToolChoice } from "../../protocol/chat.ts";
import { BridgeError } from "../../protocol/errors.ts";
import type { ShapedParams } from "../../rules/types.ts";

export interface OpenAIChatRequestOptions {
  /** Role used for system messages; default `system`. */
  systemRole?: "system" | "developer";
  /** The field that carries `max_tokens`; default `max_completion_tokens`. */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** Ask for usage in the stream (`stream_options.include_usage`); default true. */
  streamUsage?: boolean;
  /** How a reasoning effort is sent: `reasoning_effort` (default) or `reasoning: {effort}`. */
  reasoningParam?: "reasoning_effort" | "reasoning";
  /** Where assistant reasoning parts go back: nowhere (default), `reasoning_content` (DeepSeek), `reasoning_details` (OpenRouter) or `reasoning_opaque` (Copilot). */
  reasoningHandBack?: "none" | "reasoning_content" | "reasoning_details" | "reasoning_opaque";
}

export function encodeOpenAIChatRequest(params: ShapedParams, options: OpenAIChatRequestOptions = {}): Record<string, unknown> {
  const systemRole = options.systemRole ?? "system";
  const handBack = options.reasoningHandBack ?? "none";
  const messages: Record<string, unknown>[] = [];
  params.messages.forEach((message, i) => {
    messages.push(...encodeMessage(message, i, systemRole, handBack));
  });

  const body: Record<string, unknown> = { model: params.model, messages };
  if (params.max_tokens !== undefined) body[options.maxTokensField ?? "max_completion_tokens"] = params.max_tokens;
  if (params.temperature !== undefined) body["temperature"] = params.temperature;
  if (params.top_p !== undefined) body["top_p"] = params.top_p;
  if (params.stop !== undefined && params.stop.length > 0) body["stop"] = params.stop;
  if (params.tools !== undefined && params.tools.length > 0) {
    body["tools"] = params.tools.map((tool) => ({
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.parameters,
        // Chat Completions is non-strict unless asked (OpenAI function-calling guide); only a caller's `strict: true` is sent.
        ...(tool.strict === true && { strict: true }),
      },
    }));
  }
  if (params.tool_choice !== undefined) body["tool_choice"] = encodeOpenAIChatToolChoice(params.tool_choice);
  if (params.thinking?.type === "effort") {
    if (options.reasoningParam === "reasoning") body["reasoning"] = { effort: params.thinking.effort };
    else body["reasoning_effort"] = params.thinking.effort;
  }
  if (params.reasoning_format !== undefined) body["reasoning_format"] = params.reasoning_format;
  body["stream"] = true;
  if (options.streamUsage !== false) body["stream_options"] = { include_usage: true };
  return body;
}

function encodeOpenAIChatToolChoice(choice: ToolChoice): unknown {
  if (typeof choice === "string") return choice;
  return { type: "function", function: { name: choice.name } };
}

/** A base64 image part as a `data:` URL, the form both OpenAI dialects accept inline. */
export function toOpenAIImageUrl(part: { media_type: string; data: string }): string {
  return `data:${part.media_type};base64,${part.data}`;
}

type ReasoningHandBack = NonNullable<OpenAIChatRequestOptions["reasoningHandBack"]>;

function encodeMessage(message: Message, i: number, systemRole: string, handBack: ReasoningHandBack): Record<string, unknown>[] {
  const field = `messages[${i}].content`;
  switch (message.role) {
    case "system":
      return [{ role: systemRole, content: textOnly(message.content, field, "system") }];
    case "user":
      return encodeUser(message.content, field);
    case "assistant":
      return [encodeAssistant(message.content, field, handBack)];
    case "tool":
      return encodeToolResults(message.content, field);
  }
}

function encodeUser(content: string | ContentPart[], field: string): Record<string, unknown>[] {
  if (typeof content === "string") return [{ role: "user", content }];
  // Tool results inside a user message (the Anthropic habit) become tool
  // messages placed first: Chat requires them right after the assistant turn.
  const out = encodeToolResults(
    content.filter((p) => p.type === "tool_result"),
    field,
  );
  const parts: Record<string, unknown>[] = [];
  content.forEach((part, j) => {
    if (part.type === "text") parts.push({ type: "text", text: part.text });
    else if (part.type === "image") parts.push({ type: "image_url", image_url: { url: toOpenAIImageUrl(part) } });
    else if (part.type !== "tool_result") throw unsupported(`${field}[${j}]`, part.type, "user");
  });
  if (parts.length > 0) out.push({ role: "user", content: parts });
  return out;
}

function encodeAssistant(content: string | ContentPart[], field: string, handBack: ReasoningHandBack): Record<string, unknown> {
  if (typeof content === "string") return { role: "assistant", content };
  let text = "";
  let reasoning: string | undefined;
  let opaque: string | undefined;
  const details: unknown[] = [];
  const toolCalls: Record<string, unknown>[] = [];
  content.forEach((part, j) => {
    if (part.type === "text") text += part.text;
    else if (part.type === "tool_call") {
      const call: Record<string, unknown> = { id: part.id, type: "function", function: { name: part.name, arguments: part.arguments } };
      const extra = part.provider_data?.["extra_content"];
      if (extra !== undefined) call["extra_content"] = extra;
      toolCalls.push(call);
    } else if (part.type === "reasoning") {
      reasoning = (reasoning ?? "") + part.text;
      const blob = part.provider_data?.["reasoning_opaque"];
      if (opaque === undefined && typeof blob === "string" && blob !== "") opaque = blob;
      const entries = part.provider_data?.["reasoning_details"];
      if (Array.isArray(entries)) details.push(...entries);
    } else throw unsupported(`${field}[${j}]`, part.type, "assistant");
  });
  const message: Record<string, unknown> = { role: "assistant" };
  if (text !== "" || toolCalls.length === 0) message["content"] = text;
  if (handBack === "reasoning_content" && reasoning !== undefined) message["reasoning_content"] = reasoning;
  if (handBack === "reasoning_details" && details.length > 0) message["reasoning_details"] = details;
  if (handBack === "reasoning_opaque" && opaque !== undefined) {
    message["reasoning_opaque"] = opaque;
    if (reasoning !== undefined && reasoning !== "") message["reasoning_text"] = reasoning;
  }
  if (toolCalls.length > 0) message["tool_calls"] = toolCalls;
  return message;
}

/** One Chat `tool` message per tool_result part. */
function encodeToolResults(content: string | ContentPart[], field: string): Record<string, unknown>[] {
  if (typeof content === "string") {
    throw new BridgeError("INVALID_REQUEST", `${field}: a tool message needs tool_result parts (a tool_call_id to answer)`, {
      field,
    });
  }
  return content.map((part, j) => {
    if (part.type !== "tool_result") throw unsupported(`${field}[${j}]`, part.type, "tool");
    return {
      role: "tool",
      tool_call_id: part.tool_call_id,
      content: textOnly(part.content, `${field}[${j}].content`, "tool result"),
    };
  });
}

/** Text-only content as one string; Chat has nowhere to put anything else there. */
function textOnly(content: string | ContentPart[], field: string, where: string): string {
  if (typeof content === "string") return content;
  return content
    .map((part, j) => {
      if (part.type !== "text") throw unsupported(`${field}[${j}]`, part.type, where);
      return part.text;
    })
    .join("\n\n");
}

function unsupported(field: string, type: string, where: string): BridgeError {
  return new BridgeError("INVALID_REQUEST", `${field}: a ${type} part is not supported in a ${where} message by the OpenAI Chat API`, {
    field,
  });
}

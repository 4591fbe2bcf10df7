/**
 * Unified chat params → Responses API request body (`POST /responses`).
 *
 * Choices worth knowing:
 * - Stateless: `store: false`, so every turn carries the whole history as
 *   `input` items and nothing is kept on the provider's side.
 * - System messages are joined (blank line between) into `instructions`.
 * - Reasoning is handed back as `reasoning` items built from reasoning parts
 *   whose `signature` is the `encrypted_content` the stream reported, with
 *   the text as its summary and no item `id` (with `store: false` an id is
 *   only a reference to an item that was never stored; the AI SDK sends
 *   id-less items the same way). Unsigned reasoning parts cannot be replayed
 *   and are dropped.
 * - `include: ["reasoning.encrypted_content"]` is requested only when the
 *   request thinks, hands reasoning back, or the model rules say the model
 *   reasons (`reasoningModel`): non-reasoning models reject it with 400
 *   "Encrypted content is not supported with this model".
 * - Function tools carry `strict: false` unless the caller asks for strict.
 * - There is no stop-sequence parameter in the Responses API; `params.stop`
 *   is ignored here rather than failing the request (a provider that knows
 *   better can route such requests to the Chat dialect).
 * - The body carries `stream: true`; providers need not add it.
 */
import type { ContentPart, Message, ToolChoice } from "../../protocol/chat.ts";
import { BridgeError } from "../../protocol/errors.ts";
import type { ShapedParams } from "../../rules/types.ts";
import { toOpenAIImageUrl } from "../openai-chat/request.ts";

export interface OpenAIResponsesRequestOptions {
  /** The model reasons (the rules give it an effort style): always request encrypted reasoning. */
  reasoningModel?: boolean;
}

type Item = Record<string, unknown>;

export function encodeOpenAIResponsesRequest(params: ShapedParams, options: OpenAIResponsesRequestOptions = {}): Record<string, unknown> {
  const instructions: string[] = [];
  const input: Item[] = [];
  params.messages.forEach((message, i) => {
    if (message.role === "system") instructions.push(systemText(message.content, `messages[${i}].content`));
    else input.push(...encodeMessage(message, `messages[${i}].content`));
  });

  const body: Record<string, unknown> = { model: params.model };
  if (instructions.length > 0) body["instructions"] = instructions.join("\n\n");
  body["input"] = input;
  if (params.max_tokens !== undefined) body["max_output_tokens"] = params.max_tokens;
  if (params.temperature !== undefined) body["temperature"] = params.temperature;
  if (params.top_p !== undefined) body["top_p"] = params.top_p;
  if (params.tools !== undefined && params.tools.length > 0) {
    body["tools"] = params.tools.map((tool) => ({
      type: "function",
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
      // Omitted, Responses "will attempt to normalize your schema into strict mode", making every optional
      // property required, which models then fill with invented values; `strict: false` opts out (OpenAI
      // function-calling guide, quoted in 0xPlaygrounds/rig#2477 and juspay/neurolink PR #1691).
      strict: tool.strict ?? false,
    }));
  }
  if (params.tool_choice !== undefined) body["tool_choice"] = encodeToolChoice(params.tool_choice);
  const effort = params.thinking?.type === "effort" ? params.thinking.effort : undefined;
  // Summaries are what the editor shows as thinking; with effort none there is nothing to summarise.
  if (effort !== undefined) body["reasoning"] = effort === "none" ? { effort } : { effort, summary: "auto" };
  const replaysReasoning = input.some((item) => item["type"] === "reasoning");
  if ((effort !== undefined && effort !== "none") || replaysReasoning || options.reasoningModel === true) {
    body["include"] = ["reasoning.encrypted_content"];
  }
  body["store"] = false;
  body["stream"] = true;
  return body;
}

function encodeToolChoice(choice: ToolChoice): unknown {
  if (typeof choice === "string") return choice;
  return { type: "function", name: choice.name };
}

function encodeMessage(message: Message, field: string): Item[] {
  switch (message.role) {
    case "user":
      return encodeUser(message.content, field);
    case "assistant":
      return encodeAssistant(message.content, field);
    case "tool":
      if (typeof message.content === "string") {
        throw new BridgeError("INVALID_REQUEST", `${field}: a tool message needs tool_result parts (a tool_call_id to answer)`, {
          field,
        });
      }
      return message.content.map((part, j) => {
        if (part.type !== "tool_result") throw unsupported(`${field}[${j}]`, part.type, "tool");
        return functionCallOutput(part, `${field}[${j}]`);
      });
    case "system":
      return []; // collected into `instructions` by the caller
  }
}

function encodeUser(content: string | ContentPart[], field: string): Item[] {
  if (typeof content === "string") return [userMessage([{ type: "input_text", text: content }])];
  // Tool results inside a user message (the Anthropic habit) become
  // function_call_output items ahead of the user's own content.
  const items: Item[] = [];
  const parts: Item[] = [];
  content.forEach((part, j) => {
    if (part.type === "tool_result") items.push(functionCallOutput(part, `${field}[${j}]`));
    else if (part.type === "text") parts.push({ type: "input_text", text: part.text });
    else if (part.type === "image") parts.push(inputImage(part));
    else throw unsupported(`${field}[${j}]`, part.type, "user");
  });
  if (parts.length > 0) items.push(userMessage(parts));
  return items;
}

/** Assistant history in its original order: text runs become messages, calls and reasoning their own items. */
function encodeAssistant(content: string | ContentPart[], field: string): Item[] {
  if (typeof content === "string") return content === "" ? [] : [assistantMessage(content)];
  const items: Item[] = [];
  let text = "";
  const flush = (): void => {
    if (text !== "") items.push(assistantMessage(text));
    text = "";
  };
  content.forEach((part, j) => {
    switch (part.type) {
      case "text":
        text += part.text;
        return;
      case "tool_call":
        flush();
        items.push({ type: "function_call", call_id: part.id, name: part.name, arguments: part.arguments });
        return;
      case "reasoning":
        flush();
        if (part.signature !== undefined && part.signature !== "") {
          items.push({
            type: "reasoning",
            encrypted_content: part.signature,
            summary: part.text === "" ? [] : [{ type: "summary_text", text: part.text }],
          });
        }
        return;
      default:
        throw unsupported(`${field}[${j}]`, part.type, "assistant");
    }
  });
  flush();
  return items;
}

function functionCallOutput(part: ContentPart & { type: "tool_result" }, field: string): Item {
  if (typeof part.content === "string") return { type: "function_call_output", call_id: part.tool_call_id, output: part.content };
  // Plain text stays a string: array outputs are newer and not every
  // Responses server (Azure, Copilot) is known to take them.
  if (part.content.every((inner) => inner.type === "text")) {
    const output = part.content.map((inner) => (inner.type === "text" ? inner.text : "")).join("\n\n");
    return { type: "function_call_output", call_id: part.tool_call_id, output };
  }
  const output = part.content.map((inner, k) => {
    if (inner.type === "text") return { type: "input_text", text: inner.text };
    if (inner.type === "image") return inputImage(inner);
    throw unsupported(`${field}.content[${k}]`, inner.type, "tool result");
  });
  return { type: "function_call_output", call_id: part.tool_call_id, output };
}

function userMessage(content: Item[]): Item {
  return { type: "message", role: "user", content };
}

function assistantMessage(text: string): Item {
  return { type: "message", role: "assistant", content: [{ type: "output_text", text }] };
}

function inputImage(part: { media_type: string; data: string }): Item {
  return { type: "input_image", image_url: toOpenAIImageUrl(part), detail: "auto" };
}

function systemText(content: string | ContentPart[], field: string): string {
  if (typeof content === "string") return content;
  return content
    .map((part, j) => {
      if (part.type !== "text") throw unsupported(`${field}[${j}]`, part.type, "system");
      return part.text;
    })
    .join("\n\n");
}

function unsupported(field: string, type: string, where: string): BridgeError {
  return new BridgeError("INVALID_REQUEST", `${field}: a ${type} part is not supported in a ${where} message by the OpenAI Responses API`, { field });
}

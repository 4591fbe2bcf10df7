/**
 * Unified chat params → Anthropic Messages request body.
 *
 * The body carries `model` and no `stream`: Anthropic, Bedrock and Vertex
 * differ exactly there (Bedrock drops both, Vertex drops `model`, both add an
 * `anthropic_version`), so each provider adds or removes them itself.
 *
 * Choices worth knowing:
 * - `system` messages, wherever they appear, become the top-level `system`
 *   blocks in order; the Messages API has no system turn.
 * - `tool` messages become `user` turns of `tool_result` blocks, and
 *   consecutive turns of one role are merged, because the API wants user and
 *   assistant to alternate. Inside a merged user turn the `tool_result` blocks
 *   go first: the API requires them to lead the turn that answers a `tool_use`.
 * - Empty text parts are dropped (the API rejects empty text blocks with 400),
 *   and a turn left with no blocks is dropped with them.
 * - Reasoning parts without a signature or redacted data are dropped: the API
 *   rejects unsigned thinking blocks, and such reasoning came from another
 *   provider, which Claude could not verify anyway.
 * - A tool schema without `type` gets `type: "object"`, which `input_schema`
 *   requires (editors send `{}` for tools without parameters).
 */
import type { ContentPart, Message, ToolChoice } from "../../protocol/chat.ts";
import type { ShapedParams, Thinking } from "../../rules/types.ts";
import { invalidField, parseToolArguments } from "../json.ts";

type Block = Record<string, unknown>;

interface Turn {
  role: "user" | "assistant";
  blocks: Block[];
}

/**
 * Used when the request gives no `max_tokens`, which Anthropic requires. 4096
 * is the largest value every Claude model accepts (Claude 3 Haiku caps output
 * at 4096), so the default never fails on an older model.
 */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/** At most this many `cache_control` breakpoints per request (the API rejects more). */
const MAX_CACHE_BREAKPOINTS = 4;

export function encodeAnthropicRequest(params: ShapedParams): Record<string, unknown> {
  const cacheMarks: Block[] = [];
  const system: Block[] = [];
  const turns: Turn[] = [];

  params.messages.forEach((message, i) => {
    if (message.role === "system") {
      const blocks = encodeSystem(message, i, cacheMarks);
      if (message.cache === true) markLast(blocks, cacheMarks);
      system.push(...blocks);
      return;
    }
    const role = message.role === "assistant" ? "assistant" : "user";
    const blocks = encodeTurnBlocks(message, i, cacheMarks);
    if (blocks.length === 0) return;
    if (message.cache === true) markLast(blocks, cacheMarks);
    const previous = turns[turns.length - 1];
    if (previous !== undefined && previous.role === role) previous.blocks.push(...blocks);
    else turns.push({ role, blocks });
  });

  if (params.cache === true) {
    markLast(system, cacheMarks);
    const last = turns[turns.length - 1];
    if (last !== undefined) markLast(last.blocks, cacheMarks);
  }

  const body: Record<string, unknown> = { model: params.model };
  // budget_tokens < max_tokens is the rules' business (src/rules/shape.ts), which sets max_tokens where it must grow.
  body["max_tokens"] = params.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS;
  if (system.length > 0) body["system"] = system;
  const messages = turns.map((turn) => ({
    role: turn.role,
    content: turn.role === "user" ? toolResultsFirst(turn.blocks) : turn.blocks,
  }));
  body["messages"] = messages;
  applyCacheMarks(cacheMarks, [...system, ...messages.flatMap((message) => message.content)]);
  if (params.tools !== undefined && params.tools.length > 0) {
    body["tools"] = params.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      input_schema: "type" in tool.parameters ? tool.parameters : { type: "object", ...tool.parameters },
    }));
  }
  if (params.tool_choice !== undefined) body["tool_choice"] = encodeAnthropicToolChoice(params.tool_choice);
  if (params.stop !== undefined && params.stop.length > 0) body["stop_sequences"] = params.stop;
  if (params.temperature !== undefined) body["temperature"] = params.temperature;
  if (params.top_p !== undefined) body["top_p"] = params.top_p;
  if (params.thinking !== undefined) Object.assign(body, anthropicThinkingFields(params.thinking));
  return body;
}

/**
 * The body fields for the thinking the rules chose: `thinking` and, for
 * adaptive thinking, `output_config.effort` beside it (never inside it).
 * Shared with Claude on Bedrock, where they go in `additionalModelRequestFields`.
 * @see https://platform.claude.com/docs/en/build-with-claude/adaptive-thinking
 */
export function anthropicThinkingFields(thinking: Thinking): Record<string, unknown> {
  switch (thinking.type) {
    case "budget":
      return { thinking: { type: "enabled", budget_tokens: thinking.budget_tokens } };
    case "adaptive":
      return {
        thinking: { type: "adaptive", ...(thinking.display && { display: thinking.display }) },
        ...(thinking.effort !== undefined && { output_config: { effort: thinking.effort } }),
      };
    case "disabled":
      return { thinking: { type: "disabled" } };
    default:
      return {}; // other dialects' forms; the rules never give them to a Messages model
  }
}

function encodeAnthropicToolChoice(choice: ToolChoice): Block {
  switch (choice) {
    case "auto":
      return { type: "auto" };
    case "none":
      return { type: "none" };
    case "required":
      return { type: "any" };
    default:
      return { type: "tool", name: choice.name };
  }
}

function encodeSystem(message: Message, i: number, cacheMarks: Block[]): Block[] {
  if (typeof message.content === "string") return textBlocks(message.content);
  const blocks: Block[] = [];
  message.content.forEach((part, j) => {
    if (part.type !== "text") {
      throw invalidField(`messages[${i}].content[${j}]`, `a system message can only hold text, got a ${part.type} part`);
    }
    if (part.text === "") return;
    const block: Block = { type: "text", text: part.text };
    if (part.cache === true) cacheMarks.push(block);
    blocks.push(block);
  });
  return blocks;
}

function encodeTurnBlocks(message: Message, i: number, cacheMarks: Block[]): Block[] {
  if (typeof message.content === "string") {
    if (message.role === "tool") {
      throw invalidField(`messages[${i}].content`, "a tool message needs tool_result parts (they carry tool_call_id)");
    }
    return textBlocks(message.content);
  }
  const blocks: Block[] = [];
  message.content.forEach((part, j) => {
    const block = encodePart(part, message.role, `messages[${i}].content[${j}]`);
    if (block === undefined) return;
    if (part.type === "text" && part.cache === true) cacheMarks.push(block);
    blocks.push(block);
  });
  return blocks;
}

function encodePart(part: ContentPart, role: Message["role"], field: string): Block | undefined {
  switch (part.type) {
    case "text":
      return part.text === "" ? undefined : { type: "text", text: part.text };
    case "image":
      if (role === "assistant") throw invalidField(field, "assistant messages cannot hold images");
      return imageBlock(part);
    case "tool_call":
      if (role !== "assistant") throw invalidField(field, `tool_call parts belong in assistant messages, not ${role}`);
      return { type: "tool_use", id: part.id, name: part.name, input: parseToolArguments(part.arguments, `${field}.arguments`) };
    case "tool_result":
      if (role === "assistant") throw invalidField(field, "tool_result parts belong in tool messages");
      return toolResultBlock(part, field);
    case "reasoning":
      if (role !== "assistant") throw invalidField(field, `reasoning parts belong in assistant messages, not ${role}`);
      if (part.redacted !== undefined && part.redacted !== "") return { type: "redacted_thinking", data: part.redacted };
      if (part.signature === undefined || part.signature === "") return undefined;
      return { type: "thinking", thinking: part.text, signature: part.signature };
  }
}

function toolResultBlock(part: ContentPart & { type: "tool_result" }, field: string): Block {
  let content: string | Block[];
  if (typeof part.content === "string") {
    content = part.content;
  } else {
    content = [];
    part.content.forEach((inner, k) => {
      const innerField = `${field}.content[${k}]`;
      if (inner.type === "text") {
        if (inner.text !== "") (content as Block[]).push({ type: "text", text: inner.text });
      } else if (inner.type === "image") {
        (content as Block[]).push(imageBlock(inner));
      } else {
        throw invalidField(innerField, `a tool result can only hold text and images, got a ${inner.type} part`);
      }
    });
  }
  const block: Block = { type: "tool_result", tool_use_id: part.tool_call_id, content };
  if (part.is_error !== undefined) block["is_error"] = part.is_error;
  return block;
}

function imageBlock(part: { media_type: string; data: string }): Block {
  return { type: "image", source: { type: "base64", media_type: part.media_type, data: part.data } };
}

function textBlocks(text: string): Block[] {
  return text === "" ? [] : [{ type: "text", text }];
}

/** Mark the last block that can carry `cache_control` (thinking blocks cannot). */
function markLast(blocks: Block[], cacheMarks: Block[]): void {
  for (let k = blocks.length - 1; k >= 0; k--) {
    const block = blocks[k];
    if (block === undefined || block["type"] === "thinking" || block["type"] === "redacted_thinking") continue;
    cacheMarks.push(block);
    return;
  }
}

/**
 * Put `cache_control` on the marked blocks. Beyond the API's limit of four,
 * the earliest marks go: a later breakpoint caches a longer prefix, which
 * includes what the earlier one would have cached.
 */
function applyCacheMarks(marks: Block[], inOrder: Block[]): void {
  const marked = new Set(marks);
  const ordered = inOrder.filter((block) => marked.has(block));
  const keep = new Set(ordered.slice(Math.max(0, ordered.length - MAX_CACHE_BREAKPOINTS)));
  for (const block of keep) block["cache_control"] = { type: "ephemeral" };
}

/** Stable partition: tool_result blocks first, the rest after, each in its own order. */
function toolResultsFirst(blocks: Block[]): Block[] {
  return [...blocks.filter((b) => b["type"] === "tool_result"), ...blocks.filter((b) => b["type"] !== "tool_result")];
}

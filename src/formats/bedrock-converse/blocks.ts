/**
 * One unified message's content → Converse content blocks
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html):
 * `{text}`, `{image}`, `{toolUse}`, `{toolResult}`, `{reasoningContent}`.
 * Turn structure, cache points and tool configuration are request.ts's job.
 *
 * - Empty text parts give no block (Bedrock rejects blank text).
 * - Reasoning goes back with its signature as `reasoningText`, or as
 *   `redactedContent` (the base64 text the stream gave, unchanged); reasoning
 *   with neither is dropped: Claude rejects unsigned reasoning, and no other
 *   family needs its own reasoning back.
 * - A tool result's `status: "error"` is written only when the caller allows
 *   it (request.ts decides per model family).
 */
import type { ContentPart, Message } from "../../protocol/chat.ts";
import { invalidField, parseToolArguments } from "../json.ts";

export type ConverseBlock = Record<string, unknown>;

export interface BlockOptions {
  /** Blocks a cachePoint should follow, appended in the order they are marked (`part.cache`). */
  marks: ConverseBlock[];
  /** Whether tool results may carry `status`. */
  toolStatus: boolean;
}

const IMAGE_FORMATS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

/** A system message's blocks (text only). */
export function encodeSystemBlocks(message: Message, i: number, options: BlockOptions): ConverseBlock[] {
  if (typeof message.content === "string") return textBlocks(message.content);
  const blocks: ConverseBlock[] = [];
  message.content.forEach((part, j) => {
    if (part.type !== "text") {
      throw invalidField(`messages[${i}].content[${j}]`, `a system message can only hold text, got a ${part.type} part`);
    }
    if (part.text === "") return;
    const block: ConverseBlock = { text: part.text };
    if (part.cache === true) options.marks.push(block);
    blocks.push(block);
  });
  return blocks;
}

/** A user, assistant or tool message's blocks. */
export function encodeMessageBlocks(message: Message, i: number, options: BlockOptions): ConverseBlock[] {
  if (typeof message.content === "string") {
    if (message.role === "tool") {
      throw invalidField(`messages[${i}].content`, "a tool message needs tool_result parts (they carry tool_call_id)");
    }
    return textBlocks(message.content);
  }
  const blocks: ConverseBlock[] = [];
  message.content.forEach((part, j) => {
    const block = encodePart(part, message.role, `messages[${i}].content[${j}]`, options);
    if (block === undefined) return;
    if (part.type === "text" && part.cache === true) options.marks.push(block);
    blocks.push(block);
  });
  return blocks;
}

function encodePart(part: ContentPart, role: Message["role"], field: string, options: BlockOptions): ConverseBlock | undefined {
  switch (part.type) {
    case "text":
      return part.text === "" ? undefined : { text: part.text };
    case "image":
      if (role === "assistant") throw invalidField(field, "assistant messages cannot hold images");
      return imageBlock(part, field);
    case "tool_call":
      if (role !== "assistant") throw invalidField(field, `tool_call parts belong in assistant messages, not ${role}`);
      return { toolUse: { toolUseId: part.id, name: part.name, input: parseToolArguments(part.arguments, `${field}.arguments`) } };
    case "tool_result":
      if (role === "assistant") throw invalidField(field, "tool_result parts belong in tool messages");
      return toolResultBlock(part, field, options);
    case "reasoning":
      if (role !== "assistant") throw invalidField(field, `reasoning parts belong in assistant messages, not ${role}`);
      if (part.redacted !== undefined && part.redacted !== "") return { reasoningContent: { redactedContent: part.redacted } };
      if (part.signature === undefined || part.signature === "") return undefined;
      return { reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } };
  }
}

function toolResultBlock(part: ContentPart & { type: "tool_result" }, field: string, options: BlockOptions): ConverseBlock {
  const content: ConverseBlock[] = [];
  if (typeof part.content === "string") {
    content.push({ text: part.content });
  } else {
    part.content.forEach((inner, k) => {
      const innerField = `${field}.content[${k}]`;
      if (inner.type === "text") {
        if (inner.text !== "") content.push({ text: inner.text });
      } else if (inner.type === "image") {
        content.push(imageBlock(inner, innerField));
      } else {
        throw invalidField(innerField, `a tool result can only hold text and images, got a ${inner.type} part`);
      }
    });
  }
  const result: ConverseBlock = { toolUseId: part.tool_call_id, content };
  if (part.is_error === true && options.toolStatus) result["status"] = "error";
  return { toolResult: result };
}

function imageBlock(part: { media_type: string; data: string }, field: string): ConverseBlock {
  const format = IMAGE_FORMATS[part.media_type.toLowerCase()];
  if (format === undefined) {
    throw invalidField(`${field}.media_type`, `Bedrock accepts png, jpeg, gif and webp images, got ${part.media_type}`);
  }
  return { image: { format, source: { bytes: part.data } } };
}

function textBlocks(text: string): ConverseBlock[] {
  return text === "" ? [] : [{ text }];
}

/**
 * The Anthropic Messages dialect, shared by Anthropic, Claude on Bedrock
 * (InvokeModelWithResponseStream) and Claude on Vertex (streamRawPredict).
 * The body it encodes carries `model` and no `stream`; each provider adjusts
 * those and adds its `anthropic_version` where the cloud wants one.
 */
import type { SseEvent } from "../../decode/sse-event.ts";
import type { ChatFormat } from "../types.ts";
import { classifyAnthropicError } from "./errors.ts";
import { encodeAnthropicRequest } from "./request.ts";
import { createAnthropicMapper } from "./stream.ts";

export const anthropicMessagesFormat: ChatFormat<SseEvent> = {
  encodeRequest: encodeAnthropicRequest,
  createMapper: createAnthropicMapper,
  classifyError: classifyAnthropicError,
};

/**
 * The OpenAI Responses dialect, spoken by OpenAI, Azure OpenAI (`/openai/v1/responses`)
 * and GitHub Copilot (`/responses`). Errors share the Chat dialect's classifier:
 * both APIs use the same error body.
 */
import type { SseEvent } from "../../decode/sse-event.ts";
import type { ChatFormat } from "../types.ts";
import { classifyOpenAIError } from "../openai-chat/errors.ts";
import { encodeOpenAIResponsesRequest, type OpenAIResponsesRequestOptions } from "./request.ts";
import { createOpenAIResponsesMapper } from "./stream.ts";

/** The dialect with non-default request options (e.g. a model known to reason). */
export function createOpenAIResponsesFormat(options: OpenAIResponsesRequestOptions = {}): ChatFormat<SseEvent> {
  return {
    encodeRequest: (params) => encodeOpenAIResponsesRequest(params, options),
    createMapper: createOpenAIResponsesMapper,
    classifyError: classifyOpenAIError,
  };
}

export const openaiResponsesFormat: ChatFormat<SseEvent> = createOpenAIResponsesFormat();

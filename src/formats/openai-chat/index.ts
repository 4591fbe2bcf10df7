/**
 * The OpenAI Chat Completions dialect, shared by OpenAI, Azure OpenAI and
 * GitHub Copilot (and OpenAI-compatible servers).
 */
import type { SseEvent } from "../../decode/sse-event.ts";
import type { ChatFormat } from "../types.ts";
import { classifyOpenAIError } from "./errors.ts";
import { encodeOpenAIChatRequest, type OpenAIChatRequestOptions } from "./request.ts";
import { createOpenAIChatMapper } from "./stream.ts";

/** The dialect with non-default request options (e.g. the `developer` system role). */
export function createOpenAIChatFormat(options: OpenAIChatRequestOptions = {}): ChatFormat<SseEvent> {
  return {
    encodeRequest: (params) => encodeOpenAIChatRequest(params, options),
    createMapper: createOpenAIChatMapper,
    classifyError: classifyOpenAIError,
  };
}

export const openaiChatFormat: ChatFormat<SseEvent> = createOpenAIChatFormat();

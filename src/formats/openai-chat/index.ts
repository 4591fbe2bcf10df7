/**
 * The OpenAI Chat Completions dialect, shared by OpenAI, Azure OpenAI,
 * GitHub Copilot and the OpenAI-compatible servers (src/providers/compatible.ts),
 * whose differences are options here, not copies of the dialect.
 */
import type { SseEvent } from "../../decode/sse-event.ts";
import type { ChatFormat } from "../types.ts";
import { classifyOpenAIError } from "./errors.ts";
import { encodeOpenAIChatRequest, type OpenAIChatRequestOptions } from "./request.ts";
import { createOpenAIChatMapper, type OpenAIChatStreamOptions } from "./stream.ts";

export type OpenAIChatOptions = OpenAIChatRequestOptions & OpenAIChatStreamOptions;

/** The dialect with non-default options (the `developer` system role, a compatible server's flags). */
export function createOpenAIChatFormat(options: OpenAIChatOptions = {}): ChatFormat<SseEvent> {
  return {
    encodeRequest: (params) => encodeOpenAIChatRequest(params, options),
    createMapper: () => createOpenAIChatMapper(options),
    classifyError: classifyOpenAIError,
  };
}

export const openaiChatFormat: ChatFormat<SseEvent> = createOpenAIChatFormat();

/**
 * The Gemini dialect, spoken by Vertex AI (`publishers/google` models) and
 * the Gemini API (`generativelanguage.googleapis.com`). The body it encodes
 * has no model and no stream flag: the provider puts the model in the URL
 * and picks `:streamGenerateContent?alt=sse`, or `:countTokens` (read with
 * `parseGeminiCountTokens`) for exact counts. One format per provider, so
 * its error messages name the provider that failed.
 */
import type { SseEvent } from "../../decode/sse-event.ts";
import type { ChatFormat } from "../types.ts";
import { classifyGeminiError, type GeminiProvider } from "./errors.ts";
import { encodeGeminiRequest } from "./request.ts";
import { createGeminiMapper } from "./stream.ts";

export { parseGeminiCountTokens, type GeminiProvider } from "./errors.ts";

export function createGeminiFormat(provider: GeminiProvider): ChatFormat<SseEvent> {
  return {
    encodeRequest: encodeGeminiRequest,
    createMapper: () => createGeminiMapper(provider),
    classifyError: (response) => classifyGeminiError(response, provider),
  };
}

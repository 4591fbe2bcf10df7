/**
 * The Gemini dialect (Vertex AI `publishers/google` models). The body it
 * encodes has no model and no stream flag: the provider puts the model in
 * the URL and picks `:streamGenerateContent?alt=sse`, or `:countTokens`
 * (read with `parseGeminiCountTokens`) for exact counts.
 */
import type { SseEvent } from "../../decode/sse-event.ts";
import type { ChatFormat } from "../types.ts";
import { classifyGeminiError } from "./errors.ts";
import { encodeGeminiRequest } from "./request.ts";
import { createGeminiMapper } from "./stream.ts";

export { parseGeminiCountTokens } from "./errors.ts";

export const geminiFormat: ChatFormat<SseEvent> = {
  encodeRequest: encodeGeminiRequest,
  createMapper: createGeminiMapper,
  classifyError: classifyGeminiError,
};

/**
 * Gemini `finishReason` and `promptFeedback.blockReason` → wire finish reason.
 * @see https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/generateContent (Candidate.FinishReason)
 *
 * - `STOP` is also what Gemini says after function calls (it has no
 *   tool-use reason), so the stream mapper turns it into `tool_calls` when
 *   calls were emitted; here it is `stop`.
 * - Every block by a filter (safety, recitation, blocklist, prohibited
 *   content, sensitive personal data, Model Armor, image safety) is
 *   `content_filter`.
 * - `MALFORMED_FUNCTION_CALL` (the model produced a call that did not parse),
 *   `UNEXPECTED_TOOL_CALL`, `LANGUAGE`, `OTHER` and reasons added later are
 *   `other`; the raw value travels with it.
 */
import type { FinishReason } from "../../protocol/chunks.ts";

const FILTERED = new Set(["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "MODEL_ARMOR", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"]);

export function mapGeminiFinishReason(raw: string): FinishReason {
  if (raw === "STOP") return "stop";
  if (raw === "MAX_TOKENS") return "length";
  if (FILTERED.has(raw)) return "content_filter";
  return "other";
}

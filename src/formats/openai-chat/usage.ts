/**
 * Chat Completions usage → wire usage. OpenAI's `prompt_tokens` is already
 * the whole prompt (cached tokens are a breakdown of it) and
 * `completion_tokens` already includes reasoning, which is exactly the wire
 * meaning, so the figures pass through. Only figures the provider reported
 * are set: a missing breakdown is unknown, not zero.
 */
import type { Usage } from "../../protocol/chunks.ts";
import { asJsonObject } from "../../protocol/json.ts";

export function mapOpenAIChatUsage(usage: Record<string, unknown>): Partial<Usage> {
  const out: Partial<Usage> = {};
  const prompt = num(usage["prompt_tokens"]);
  const completion = num(usage["completion_tokens"]);
  const promptDetails = asJsonObject(usage["prompt_tokens_details"]);
  const completionDetails = asJsonObject(usage["completion_tokens_details"]);
  if (prompt !== undefined) out.input_tokens = prompt;
  if (completion !== undefined) out.output_tokens = completion;
  const cached = num(promptDetails?.["cached_tokens"]);
  if (cached !== undefined) out.cache_read_tokens = cached;
  const written = num(promptDetails?.["cache_write_tokens"]);
  if (written !== undefined) out.cache_write_tokens = written;
  const reasoning = num(completionDetails?.["reasoning_tokens"]);
  if (reasoning !== undefined) out.reasoning_tokens = reasoning;

  // Copilot (seen 2025-11 on gemini-3-pro-preview, recordings/copilot/chat-reasoning-tool.ndjson) puts a
  // top-level `reasoning_tokens` *outside* `completion_tokens`: recorded
  // prompt 6009 + completion 31 + reasoning 92 = total 6132. We only fold it
  // into output when `total_tokens` proves that arithmetic; otherwise where it
  // belongs is unknown and it is left out rather than guessed.
  const outside = num(usage["reasoning_tokens"]);
  const total = num(usage["total_tokens"]);
  if (reasoning === undefined && outside !== undefined && outside > 0 && prompt !== undefined && completion !== undefined) {
    if (total === prompt + completion + outside) {
      out.output_tokens = completion + outside;
      out.reasoning_tokens = outside;
    } else if (total === prompt + completion && outside <= completion) {
      out.reasoning_tokens = outside;
    }
  }
  return out;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

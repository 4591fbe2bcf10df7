/**
 * Responses API usage → wire usage. `input_tokens` is the whole prompt with
 * `input_tokens_details.cached_tokens` (and, on newer answers,
 * `cache_write_tokens`) as breakdowns of it; `output_tokens` includes
 * `output_tokens_details.reasoning_tokens`. That is the wire meaning, so the
 * figures pass through; unreported ones stay unset.
 */
import type { Usage } from "../../protocol/chunks.ts";
import { asJsonObject } from "../../protocol/json.ts";

export function mapOpenAIResponsesUsage(usage: Record<string, unknown>): Partial<Usage> {
  const out: Partial<Usage> = {};
  const inputDetails = asJsonObject(usage["input_tokens_details"]);
  const outputDetails = asJsonObject(usage["output_tokens_details"]);
  set(out, "input_tokens", usage["input_tokens"]);
  set(out, "output_tokens", usage["output_tokens"]);
  set(out, "cache_read_tokens", inputDetails?.["cached_tokens"]);
  set(out, "cache_write_tokens", inputDetails?.["cache_write_tokens"]);
  set(out, "reasoning_tokens", outputDetails?.["reasoning_tokens"]);
  return out;
}

function set(out: Partial<Usage>, key: keyof Usage, value: unknown): void {
  if (typeof value === "number" && Number.isFinite(value)) out[key] = value;
}

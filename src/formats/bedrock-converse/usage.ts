/**
 * Converse `metadata.usage` → wire usage (AWS API reference below; the figures
 * of recordings/bedrock/cache-write-then-read.ndjson).
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 *
 * Like Anthropic's, Bedrock's `inputTokens` leaves the prompt cache out:
 * recorded (pydantic-ai test_bedrock_cache_write_and_read) inputTokens 2,
 * cacheWriteInputTokens 1322, outputTokens 5, totalTokens 1329. The wire's
 * `input_tokens` is therefore `inputTokens + cacheReadInputTokens +
 * cacheWriteInputTokens`, with the two cache figures as its parts; a cache
 * figure Bedrock leaves out (models without caching do) counts as 0.
 * Reasoning tokens are not reported separately; they are inside
 * `outputTokens`, and `reasoning_tokens` stays unset (unknown, not 0).
 *
 * The stream reports usage once, in the final `metadata` event, so the
 * figures are totals.
 */
import type { Usage } from "../../protocol/chunks.ts";

export function mapConverseUsage(usage: Record<string, unknown>): Partial<Usage> {
  const out: Partial<Usage> = {};
  const input = num(usage["inputTokens"]);
  if (input !== undefined) {
    const read = num(usage["cacheReadInputTokens"]) ?? 0;
    const written = num(usage["cacheWriteInputTokens"]) ?? 0;
    out.input_tokens = input + read + written;
    out.cache_read_tokens = read;
    out.cache_write_tokens = written;
  }
  const output = num(usage["outputTokens"]);
  if (output !== undefined) out.output_tokens = output;
  return out;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * Anthropic usage → wire usage.
 *
 * Anthropic's `input_tokens` excludes the prompt cache, so the wire's
 * `input_tokens` is `input_tokens + cache_creation_input_tokens +
 * cache_read_input_tokens`, with the two cache figures reported as its parts.
 * `output_tokens` already includes thinking, and `output_tokens_details.thinking_tokens`
 * is its breakdown.
 *
 * Both `message_start.message.usage` and `message_delta.usage` are cumulative
 * totals (later reports replace earlier ones), and `message_delta` may carry
 * only `output_tokens` (recorded: codecompanion anthropic_tools_streaming).
 * So only figures the object actually holds are set. The three input figures
 * are one group: the wire total cannot be computed without `input_tokens`, so
 * cache figures are only reported together with it, and a cache figure that is
 * absent or `null` next to it counts as 0 (the API types them `number | null`).
 */
import type { Usage } from "../../protocol/chunks.ts";
import { asJsonObject } from "../../protocol/json.ts";

export function mapAnthropicUsage(usage: Record<string, unknown>): Partial<Usage> {
  const out: Partial<Usage> = {};
  const input = num(usage["input_tokens"]);
  const output = num(usage["output_tokens"]);

  // Server-side compaction (beta, 2026) runs an extra sampling step whose
  // tokens the top-level figures leave out: "A `compaction` entry's tokens are
  // not included in the top-level `usage` fields" (@anthropic-ai/sdk 0.137
  // BetaMessageDeltaUsage.iterations). They were processed and billed, so they
  // count. `message` iterations are already inside the top-level figures.
  const compactions = compactionIterations(usage["iterations"]);

  if (input !== undefined) {
    let read = num(usage["cache_read_input_tokens"]) ?? 0;
    let written = num(usage["cache_creation_input_tokens"]) ?? 0;
    let uncached = input;
    for (const step of compactions) {
      uncached += num(step["input_tokens"]) ?? 0;
      read += num(step["cache_read_input_tokens"]) ?? 0;
      written += num(step["cache_creation_input_tokens"]) ?? 0;
    }
    out.input_tokens = uncached + read + written;
    out.cache_read_tokens = read;
    out.cache_write_tokens = written;
  }

  if (output !== undefined) {
    let total = output;
    for (const step of compactions) total += num(step["output_tokens"]) ?? 0;
    out.output_tokens = total;
  }

  const details = asJsonObject(usage["output_tokens_details"]);
  const thinking = num(details?.["thinking_tokens"]);
  if (thinking !== undefined) out.reasoning_tokens = thinking;
  return out;
}

function compactionIterations(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  return value.filter((step): step is Record<string, unknown> => asJsonObject(step)?.["type"] === "compaction");
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

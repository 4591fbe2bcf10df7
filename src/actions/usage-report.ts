/**
 * The usage and cost reported on every terminal line of a chat request,
 * errors and cancels included: the provider's figures where it sent them
 * (input and cache counts arrive first on most providers), estimates from
 * the request and the text received where it did not, and a list of which
 * figures are estimates.
 */
import { computeCost } from "../catalog/cost.ts";
import { findModel, priceIds, type ProviderId } from "../catalog/catalog.ts";
import type { Cost, ReportedUsage, Usage, UsageField } from "../protocol/chunks.ts";
import type { ChatParams } from "../protocol/chat.ts";
import { estimateChatTokens, TokenEstimate } from "../tokens/estimate.ts";

const FIELDS: UsageField[] = ["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens"];

export class UsageTracker {
  private readonly reported: Partial<Usage> = {};
  /** Estimate of the generated text (content, reasoning, tool arguments) seen so far; the text itself is not kept. */
  private generated = new TokenEstimate();
  /** Estimate of the generated text that arrived after the provider's latest output count, which therefore does not cover it. */
  private uncounted = new TokenEstimate();
  private hasUncounted = false;

  /** Provider usage reports are cumulative: later values replace earlier ones. */
  update(usage: Partial<Usage>): void {
    for (const field of FIELDS) {
      const value = usage[field];
      if (value !== undefined) this.reported[field] = value;
    }
    if (usage.output_tokens !== undefined) {
      this.uncounted = new TokenEstimate();
      this.hasUncounted = false;
    }
  }

  noteGenerated(text: string): void {
    if (text.length === 0) return;
    this.generated.add(text);
    this.uncounted.add(text);
    this.hasUncounted = true;
  }

  /** Carry the figures of an earlier attempt's failure into nothing: a retried attempt starts from scratch. */
  reset(): void {
    for (const field of FIELDS) delete this.reported[field];
    this.generated = new TokenEstimate();
    this.uncounted = new TokenEstimate();
    this.hasUncounted = false;
  }

  /**
   * `complete` is false for a stream that failed or was cancelled. There an
   * output count the provider sent before the end (Anthropic's
   * `message_start` says 1-5 tokens) is a running figure that misses what
   * came after it; the answer is that count plus our estimate of the rest,
   * and is listed as an estimate.
   */
  report(params: ChatParams, complete = true): ReportedUsage {
    const estimated: UsageField[] = [];
    const value = (field: UsageField, estimate: () => number): number => {
      const reported = this.reported[field];
      if (reported !== undefined) return reported;
      estimated.push(field);
      return estimate();
    };
    const input_tokens = value("input_tokens", () => estimateChatTokens(params));
    let output_tokens: number;
    const runningOutput = this.reported.output_tokens;
    if (!complete && runningOutput !== undefined && this.hasUncounted) {
      estimated.push("output_tokens");
      output_tokens = runningOutput + this.uncounted.tokens;
    } else {
      output_tokens = value("output_tokens", () => this.generated.tokens);
    }
    const cache_read_tokens = value("cache_read_tokens", () => 0);
    const cache_write_tokens = value("cache_write_tokens", () => 0);
    const reasoning_tokens = value("reasoning_tokens", () => 0);
    return { input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, estimated };
  }
}

/** The cost of a call by the first of its ids whose catalog prices cover the usage (`priceIds`); null when none does. */
export function costOf(provider: ProviderId, answered: string, usage: Usage, requested?: string): Cost | null {
  for (const id of priceIds(answered, requested)) {
    const cost = computeCost(findModel(provider, id), usage);
    if (cost !== null) return cost;
  }
  return null;
}

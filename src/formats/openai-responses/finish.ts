/**
 * Responses API terminal state → wire finish reason. The API has no
 * finish_reason: a `completed` response stopped naturally (or to call tools),
 * an `incomplete` one says why in `incomplete_details.reason`.
 */
import type { FinishReason } from "../../protocol/chunks.ts";

export interface OpenAIResponsesOutcome {
  status: "completed" | "incomplete";
  /** `incomplete_details.reason` (`max_output_tokens`, `content_filter`). */
  incompleteReason?: string | undefined;
  /** Whether any function call was emitted in this response. */
  calledTools: boolean;
  /** Whether the model refused (refusal content was streamed). */
  refused: boolean;
}

export function mapOpenAIResponsesFinish(outcome: OpenAIResponsesOutcome): { finish_reason: FinishReason; raw: string } {
  if (outcome.status === "incomplete") {
    const raw = outcome.incompleteReason ?? "incomplete";
    if (raw === "max_output_tokens") return { finish_reason: "length", raw };
    if (raw === "content_filter") return { finish_reason: "content_filter", raw };
    return { finish_reason: "other", raw };
  }
  if (outcome.refused) return { finish_reason: "refusal", raw: "completed" };
  if (outcome.calledTools) return { finish_reason: "tool_calls", raw: "completed" };
  return { finish_reason: "stop", raw: "completed" };
}

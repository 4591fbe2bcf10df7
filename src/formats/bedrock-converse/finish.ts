/**
 * Converse `messageStop.stopReason` → wire finish reason.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_MessageStopEvent.html
 *
 * `guardrail_intervened` (a Bedrock guardrail blocked the output) and
 * `content_filtered` (the model's own filter) are both a filter stopping the
 * answer: `content_filter`. `model_context_window_exceeded` ran out of room
 * like `max_tokens` did: `length`. `malformed_model_output` /
 * `malformed_tool_use` mean the model produced something Bedrock could not
 * parse; nothing on the wire says that better than `other`, and the raw
 * reason travels next to it.
 */
import type { FinishReason } from "../../protocol/chunks.ts";

export function mapConverseFinishReason(raw: string): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "guardrail_intervened":
    case "content_filtered":
      return "content_filter";
    default:
      return "other";
  }
}

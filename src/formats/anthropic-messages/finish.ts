/**
 * Anthropic `stop_reason` → wire finish reason.
 *
 * `pause_turn` maps to `other`, not `stop`: the API paused a long server-tool
 * turn and expects the caller to send the conversation back to let the model
 * continue ("Send the assistant content back to continue":
 * platform.claude.com/docs/en/build-with-claude/handling-stop-reasons), so the
 * answer is not finished. The raw value
 * travels next to it (`raw_finish_reason`), which is what an editor needs to
 * decide to resend.
 */
import type { FinishReason } from "../../protocol/chunks.ts";

export function mapAnthropicFinishReason(raw: string): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "refusal";
    default:
      return "other";
  }
}

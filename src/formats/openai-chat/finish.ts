/** Chat Completions `finish_reason` → wire finish reason. */
import type { FinishReason } from "../../protocol/chunks.ts";

export function mapOpenAIChatFinishReason(raw: string): FinishReason {
  switch (raw) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call": // deprecated spelling of the same thing
      return "tool_calls";
    case "content_filter":
      return "content_filter";
    default:
      return "other";
  }
}

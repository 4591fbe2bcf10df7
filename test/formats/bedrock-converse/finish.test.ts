/**
 * Converse stopReason → wire finish reason, for every value the API documents
 * (MessageStopEvent.stopReason, https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_MessageStopEvent.html).
 */
import { expect, test } from "bun:test";
import { mapConverseFinishReason } from "../../../src/formats/bedrock-converse/finish.ts";

const CASES: [raw: string, expected: string][] = [
  ["end_turn", "stop"],
  ["stop_sequence", "stop"],
  ["max_tokens", "length"],
  ["model_context_window_exceeded", "length"],
  ["tool_use", "tool_calls"],
  ["guardrail_intervened", "content_filter"],
  ["content_filtered", "content_filter"],
  ["malformed_model_output", "other"],
  ["malformed_tool_use", "other"],
  ["something_new", "other"],
  ["", "other"],
];

test.each(CASES)("%p → %p", (raw, expected) => {
  expect(mapConverseFinishReason(raw)).toBe(expected as ReturnType<typeof mapConverseFinishReason>);
});

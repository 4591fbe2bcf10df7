import { describe, expect, test } from "bun:test";
import { mapAnthropicFinishReason } from "../../../src/formats/anthropic-messages/finish.ts";
import type { FinishReason } from "../../../src/protocol/chunks.ts";

const FINISH_CASES: [string, FinishReason][] = [
  ["end_turn", "stop"],
  ["stop_sequence", "stop"],
  ["pause_turn", "other"],
  ["max_tokens", "length"],
  ["model_context_window_exceeded", "length"],
  ["tool_use", "tool_calls"],
  ["refusal", "refusal"],
  ["something_new", "other"],
];

describe("mapAnthropicFinishReason", () => {
  for (const [raw, expected] of FINISH_CASES) {
    test(`${raw} → ${expected}`, () => {
      expect(mapAnthropicFinishReason(raw)).toBe(expected);
    });
  }
});

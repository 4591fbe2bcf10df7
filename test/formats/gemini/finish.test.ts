/** Gemini finishReason → wire finish reason. */
import { expect, test } from "bun:test";
import { mapGeminiFinishReason } from "../../../src/formats/gemini/finish.ts";
import type { FinishReason } from "../../../src/protocol/chunks.ts";

const CASES: [string, FinishReason][] = [
  ["STOP", "stop"],
  ["MAX_TOKENS", "length"],
  ["SAFETY", "content_filter"],
  ["RECITATION", "content_filter"],
  ["BLOCKLIST", "content_filter"],
  ["PROHIBITED_CONTENT", "content_filter"],
  ["SPII", "content_filter"],
  ["MODEL_ARMOR", "content_filter"],
  ["IMAGE_SAFETY", "content_filter"],
  ["MALFORMED_FUNCTION_CALL", "other"],
  ["UNEXPECTED_TOOL_CALL", "other"],
  ["OTHER", "other"],
  ["FINISH_REASON_UNSPECIFIED", "other"],
  ["SOMETHING_NEW", "other"],
];

test.each(CASES)("%s → %s", (raw, expected) => {
  expect(mapGeminiFinishReason(raw)).toBe(expected);
});

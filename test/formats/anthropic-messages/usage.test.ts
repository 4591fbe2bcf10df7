import { describe, expect, test } from "bun:test";
import { mapAnthropicUsage } from "../../../src/formats/anthropic-messages/usage.ts";
import type { Usage } from "../../../src/protocol/chunks.ts";

const USAGE_CASES: { name: string; usage: Record<string, unknown>; expected: Partial<Usage> }[] = [
  {
    name: "message_start with cache read and write: input is the sum of the three",
    usage: { input_tokens: 12, cache_creation_input_tokens: 1500, cache_read_input_tokens: 3000, output_tokens: 1 },
    expected: { input_tokens: 4512, cache_read_tokens: 3000, cache_write_tokens: 1500, output_tokens: 1 },
  },
  {
    name: "output-only message_delta sets only output",
    usage: { output_tokens: 137 },
    expected: { output_tokens: 137 },
  },
  {
    name: "null cache figures count as 0",
    usage: { input_tokens: 40, cache_creation_input_tokens: null, cache_read_input_tokens: null, output_tokens: 2 },
    expected: { input_tokens: 40, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 2 },
  },
  {
    name: "input without cache fields",
    usage: { input_tokens: 40 },
    expected: { input_tokens: 40, cache_read_tokens: 0, cache_write_tokens: 0 },
  },
  {
    name: "cache figures without input_tokens are not reported (the total is unknown)",
    usage: { cache_read_input_tokens: 100, output_tokens: 3 },
    expected: { output_tokens: 3 },
  },
  {
    name: "thinking tokens are the reasoning part of output",
    usage: { output_tokens: 300, output_tokens_details: { thinking_tokens: 250 } },
    expected: { output_tokens: 300, reasoning_tokens: 250 },
  },
  {
    name: "compaction iterations are added, message iterations are not",
    usage: {
      input_tokens: 181,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 8,
      iterations: [
        { type: "compaction", input_tokens: 100, output_tokens: 83, cache_read_input_tokens: 55096, cache_creation_input_tokens: 10 },
        { type: "message", input_tokens: 181, output_tokens: 8, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
      ],
    },
    // input 181 + 100, read 55096, write 10 → 55387; output 8 + 83.
    expected: { input_tokens: 55387, cache_read_tokens: 55096, cache_write_tokens: 10, output_tokens: 91 },
  },
  {
    name: "non-numeric figures are ignored",
    usage: { input_tokens: "12", output_tokens: null, server_tool_use: { web_search_requests: 1 } },
    expected: {},
  },
];

describe("mapAnthropicUsage", () => {
  for (const c of USAGE_CASES) {
    test(c.name, () => {
      expect(mapAnthropicUsage(c.usage)).toEqual(c.expected);
    });
  }
});

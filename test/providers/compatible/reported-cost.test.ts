import { describe, expect, test } from "bun:test";
import { readCost } from "../../../src/providers/compatible/reported-cost.ts";

/** OpenRouter's usage block as recordings/openrouter/text.ndjson has it, with one field changed per row. */
const RECORDED = {
  prompt_tokens: 19,
  completion_tokens: 7,
  cost: 0.00001255,
  is_byok: false,
  cost_details: { upstream_inference_cost: 0.00001255, upstream_inference_prompt_cost: 0.0000038, upstream_inference_completions_cost: 0.00000875 },
};

describe("readCost", () => {
  test("the recorded block: its parts and total", () => {
    expect(readCost(RECORDED)).toEqual({ input: 0.0000038, output: 0.00000875, cache_read: 0, cache_write: 0, total: 0.00001255 });
  });

  test.each([
    ["no usage", undefined],
    ["no cost", { ...RECORDED, cost: undefined }],
    ["a BYOK call: cost is OpenRouter's fee alone", { ...RECORDED, is_byok: true }],
    ["no parts (the docs' own example)", { ...RECORDED, cost_details: { upstream_inference_cost: 19 } }],
    ["parts that do not add up to the cost", { ...RECORDED, cost: 0.5 }],
    ["a negative cost", { ...RECORDED, cost: -1 }],
    ["a cost that is not a number", { ...RECORDED, cost: "0.00001255" }],
  ])("%s: not taken (the catalog prices the usage)", (_label, usage) => {
    expect(readCost(usage)).toBeUndefined();
  });
});

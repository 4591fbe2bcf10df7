import { expect, test } from "bun:test";
import { asJsonObject, isJsonObject } from "../../src/protocol/json.ts";

const CASES: Array<[string, unknown, boolean]> = [
  ["an object", { a: 1 }, true],
  ["an empty object", {}, true],
  ["null", null, false],
  ["an array", [1], false],
  ["a string", "{}", false],
  ["a number", 0, false],
  ["undefined", undefined, false],
];

test.each(CASES)("%s: a JSON object? %p", (_, value, expected) => {
  expect(isJsonObject(value)).toBe(expected);
  expect(asJsonObject(value) as unknown).toBe(expected ? value : undefined);
});

/** Function-call arguments streamed as JSON-path pieces. */
import { describe, expect, test } from "bun:test";
import { GeminiPartialArgs, parseJsonPath } from "../../../src/formats/gemini/partial-args.ts";

describe("parseJsonPath", () => {
  test.each([
    ["$.location", ["location"]],
    ["$.recipe.ingredients[0].amount", ["recipe", "ingredients", 0, "amount"]],
    ["$.recipe.steps[12]", ["recipe", "steps", 12]],
    ["$['a.b'][1]", ["a.b", 1]],
    ['$["x y"].z', ["x y", "z"]],
  ] as const)("%s", (path, segments) => {
    expect(parseJsonPath(path)).toEqual([...segments]);
  });

  test.each(["location", "$.a[", "$..a", "$.a]"])("%s is not a path", (path) => {
    expect(parseJsonPath(path)).toBeUndefined();
  });
});

describe("GeminiPartialArgs", () => {
  test("typed values land at their paths and string pieces continue each other", () => {
    const args = new GeminiPartialArgs();
    args.add([{ jsonPath: "$.title", stringValue: "Hel", willContinue: true }]);
    args.add([{ jsonPath: "$.title", stringValue: "lo" }]);
    args.add([
      { jsonPath: "$.count", numberValue: 3 },
      { jsonPath: "$.flags[0]", boolValue: true },
    ]);
    args.add([
      { jsonPath: "$.note", nullValue: null },
      { jsonPath: "$.nested.deep[1].x", stringValue: "y" },
    ]);
    expect(JSON.parse(JSON.stringify(args.value))).toEqual({ title: "Hello", count: 3, flags: [true], note: null, nested: { deep: [null, { x: "y" }] } });
  });

  test("a __proto__ key is data, not a prototype", () => {
    const args = new GeminiPartialArgs();
    args.add([{ jsonPath: "$.__proto__.polluted", stringValue: "yes" }]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(JSON.stringify(args.value)).toBe('{"__proto__":{"polluted":"yes"}}');
  });

  test("entries without a usable path or value are skipped", () => {
    const args = new GeminiPartialArgs();
    args.add([{ stringValue: "x" }, { jsonPath: "nope", stringValue: "x" }, { jsonPath: "$.a" }, "junk", null]);
    args.add("not a list");
    expect(args.value).toEqual({});
  });
});

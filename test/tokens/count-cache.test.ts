import { describe, expect, test } from "bun:test";
import { cachedCount } from "../../src/tokens/count-cache.ts";

/** A stand-in counter: one "token" per character, and a log of what it was asked. */
function spy(): { count: (text: string) => number; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    count: (text) => {
      calls.push(text);
      return text.length;
    },
  };
}

describe("cachedCount", () => {
  test("a text seen before is answered from the cache, by content, not identity", () => {
    const inner = spy();
    const count = cachedCount(inner.count).get;
    const text = "hello world";
    expect(count(text)).toBe(11);
    // A different string object with the same content, as JSON.parse makes for every request.
    const again = JSON.parse(JSON.stringify(text)) as string;
    expect(count(again)).toBe(11);
    expect(inner.calls).toEqual(["hello world"]);
  });

  test("different texts are counted separately", () => {
    const inner = spy();
    const count = cachedCount(inner.count).get;
    expect([count("a"), count("bb"), count("a"), count("ccc")]).toEqual([1, 2, 1, 3]);
    expect(inner.calls).toEqual(["a", "bb", "ccc"]);
  });

  test.each([
    ["entries", { maxEntries: 2, maxChars: 1000 }],
    ["characters", { maxEntries: 1000, maxChars: 5 }],
  ])("evicts the least recently used first when over its %s limit", (_, limits) => {
    const inner = spy();
    const count = cachedCount(inner.count, limits).get;
    count("aa");
    count("bb");
    count("aa"); // now "bb" is the least recently used
    count("cc"); // evicts "bb"
    count("aa");
    count("bb");
    expect(inner.calls).toEqual(["aa", "bb", "cc", "bb"]);
  });

  test("a text longer than the character budget is counted every time and never kept", () => {
    const inner = spy();
    const count = cachedCount(inner.count, { maxEntries: 10, maxChars: 4 }).get;
    count("short");
    count("short");
    count("ab");
    count("ab");
    expect(inner.calls).toEqual(["short", "short", "ab"]);
  });
});

import { expect, test } from "bun:test";
import { TimedCache } from "../../src/providers/timed-cache.ts";

test("a value is trusted for its time-to-live, and stale entries go when another is added", () => {
  const cache = new TimedCache<string>(1000);
  cache.set("old-token", "list A", 0);
  expect(cache.get("old-token", 999)).toBe("list A");
  expect(cache.get("old-token", 1000)).toBeUndefined();
  cache.set("new-token", "list B", 1000);
  // Asked as of its own time, the old entry would still answer: it is gone, not merely expired.
  expect(cache.get("old-token", 0)).toBeUndefined();
  expect(cache.get("new-token", 1500)).toBe("list B");
});

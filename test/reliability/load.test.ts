/**
 * The CI size of the load run (load.ts): 200 concurrent streams through one
 * compiled binary, content events ×10. The full size is
 * `bun test/reliability/load.ts` (200 × 200). Backpressure (a reader that
 * stops reading stdout) is tested in test/main.test.ts.
 */
import { expect, test } from "bun:test";
import { describeFigures, runLoad } from "./load.ts";

test("200 concurrent streams through one process all complete with the expected content", async () => {
  const figures = await runLoad({ streams: 200, amplify: 10 });
  console.log(describeFigures(figures));
  expect(figures.wrong).toEqual([]);
  expect(figures.completed).toBe(200);
  // Each stream carries several content chunks; none were lost or merged away.
  expect(figures.contentChunks).toBeGreaterThan(200 * 10);
}, 30_000);

/**
 * The bounded-read cells of bounded-reads.ts against this build's compiled
 * binary: every whole-answer call kind and credential endpoint, an endless
 * 200 body and a gzip bomb each, one fresh process per cell, one cell at a
 * time (about 30 s on two busy cores). The table is printed; any cell that
 * differs from its expectation fails the test with its reasons.
 */
import { expect, test } from "bun:test";
import { ensureBuilt } from "../support/build.ts";
import { CELLS, describeOutcome, readProblems, runReadCell } from "./bounded-reads.ts";

test("endless bodies and gzip bombs on every non-streaming call kind and credential endpoint: bounded RSS, a clear error, still serving", async () => {
  const binary = ensureBuilt();
  const rows: string[] = [];
  const found: string[] = [];
  for (const cell of CELLS) {
    for (const hostile of ["endless", "gzip-bomb"] as const) {
      const outcome = await runReadCell(binary, cell, hostile);
      rows.push(describeOutcome(outcome));
      found.push(...readProblems(cell, outcome).map((problem) => `${cell.name} × ${hostile}: ${problem}`));
    }
  }
  console.log(`\nbounded reads (${binary}):\n${rows.join("\n")}`);
  expect(found).toEqual([]);
}, 180_000);

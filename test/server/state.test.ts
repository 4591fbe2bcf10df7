/** The process's long-lived state: one list (src/server/state.ts), every slot in it, each made once per process. */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { StateSlot } from "../../src/deps.ts";
import { PROCESS_STATE } from "../../src/server/state.ts";
import { createHarness } from "../support/in-process.ts";

const SRC = join(import.meta.dir, "..", "..", "src");
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []));

describe("process state", () => {
  test("every slot declared in src/ is in the one list, and nothing keeps per-process state in a WeakMap beside it", () => {
    const declared = sources(SRC).flatMap((path) => [...readFileSync(path, "utf8").matchAll(/export const (\w+): StateSlot</g)].map((m) => m[1]!));
    expect(declared.length).toBe(PROCESS_STATE.length);
    expect(sources(SRC).filter((path) => /new WeakMap<Deps/.test(readFileSync(path, "utf8")))).toEqual([]);
  });

  test("made once per process: two harnesses (two processes) share nothing, one reuses its own", () => {
    const a = createHarness();
    const b = createHarness();
    for (const slot of PROCESS_STATE) {
      expect(a.deps.state.get(slot)).toBe(a.deps.state.get(slot));
      expect(a.deps.state.get(slot)).not.toBe(b.deps.state.get(slot));
    }
    expect(a.deps.state.names()).toEqual(PROCESS_STATE.map((slot) => slot.name));
  });

  test("a slot not in the list is a bug named at its first use", () => {
    const stray: StateSlot<number> = { name: "stray cache", make: () => 1 };
    expect(() => createHarness().deps.state.get(stray)).toThrow('process state "stray cache" is not listed in src/server/state.ts');
  });
});

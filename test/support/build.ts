/**
 * `npm run build` at most once per test process: every test file that needs
 * dist/ (the build test, the wire transcripts, the Zig client) calls
 * `ensureBuilt()`, and bun runs all test files in one process.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { BINARY, ROOT } from "./run-binary.ts";

export const BUNDLE = join(ROOT, "dist", "plue-ai-provider.mjs");

let built: { ok: true } | { ok: false; message: string } | undefined;

/** Builds dist/plue-ai-provider and dist/plue-ai-provider.mjs once; returns the binary's path. Throws if the build fails. */
export function ensureBuilt(): string {
  if (built === undefined) {
    const result = spawnSync(join(ROOT, "node_modules", ".bin", "bun"), ["run", "build"], { cwd: ROOT, encoding: "utf8" });
    built = result.status === 0 ? { ok: true } : { ok: false, message: `build failed (${result.status}): ${result.stderr}` };
  }
  if (!built.ok) throw new Error(built.message);
  return BINARY;
}

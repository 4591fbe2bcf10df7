import process from "node:process";

import type { Env } from "../deps.ts";

/** A frozen copy: the core reads configuration from this record only, so tests can hand in their own. */
export function snapshotEnv(): Env {
  return Object.freeze({ ...process.env });
}

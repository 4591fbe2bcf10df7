/**
 * The Zig toolchain for wire/zig (Zig 0.15.x; the editor declares
 * minimum_zig_version 0.15.2). Found in this order: $PLUE_ZIG, `zig` on PATH
 * if its version is 0.15.x, the project-local copy in
 * node_modules/.cache/zig-0.15.2 (ignored by git); else installed there from
 * PyPI (`ziglang==0.15.2`, the official toolchain as a wheel) with pip.
 * Never skipped: when none is found and pip fails, `findZig` throws with how
 * to fix it. `bun test/support/zig-toolchain.ts` installs it (.ci/run).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./run-binary.ts";

export const ZIG_VERSION = "0.15.2";
export const CACHE = join(ROOT, "node_modules", ".cache", `zig-${ZIG_VERSION}`);
const LOCAL = join(CACHE, "ziglang", "zig");

export interface Toolchain {
  zig: string;
  version: string;
  /** Where it came from, for messages. */
  source: string;
  /** Zig's own caches, kept under CACHE so a second run compiles nothing. */
  globalCache: string;
  localCache: string;
}

function versionOf(zig: string): string | undefined {
  const result = spawnSync(zig, ["version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function toolchain(zig: string, version: string, source: string): Toolchain {
  return { zig, version, source, globalCache: join(CACHE, "global"), localCache: join(CACHE, "local") };
}

/** pip install --target into the cache folder; returns pip's output when it fails. */
export function installZig(log: (line: string) => void = console.error): string | undefined {
  log(`Zig ${ZIG_VERSION} not found: installing it from PyPI (python3 -m pip install --target ${CACHE} ziglang==${ZIG_VERSION}, a 94 MB download, 380 MB installed)`);
  const result = spawnSync(
    "python3",
    ["-m", "pip", "install", "--disable-pip-version-check", "--no-warn-script-location", "--upgrade", "--target", CACHE, `ziglang==${ZIG_VERSION}`],
    { encoding: "utf8" },
  );
  if (result.status === 0 && existsSync(LOCAL)) return undefined;
  return `${result.error?.message ?? ""}${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
}

export function findZig(options: { install: boolean } = { install: true }): Toolchain {
  const given = process.env.PLUE_ZIG;
  if (given !== undefined && given !== "") {
    const version = versionOf(given);
    if (version === undefined)
      throw new Error(`PLUE_ZIG=${given} does not run (\`${given} version\` failed). Point PLUE_ZIG at a Zig 0.15.x binary, or unset it to use ${ZIG_VERSION} from PyPI.`);
    if (!version.startsWith("0.15.")) throw new Error(`PLUE_ZIG=${given} is Zig ${version}; wire/zig needs 0.15.x. Unset PLUE_ZIG to use ${ZIG_VERSION} from PyPI.`);
    return toolchain(given, version, "PLUE_ZIG");
  }
  const onPath = versionOf("zig");
  if (onPath?.startsWith("0.15.")) return toolchain("zig", onPath, "PATH");
  if (existsSync(LOCAL)) {
    const version = versionOf(LOCAL);
    if (version === ZIG_VERSION) return toolchain(LOCAL, version, CACHE);
  }
  if (options.install) {
    const failure = installZig();
    if (failure === undefined) return toolchain(LOCAL, versionOf(LOCAL) ?? ZIG_VERSION, `${CACHE} (installed from PyPI)`);
    throw new Error(
      `No Zig 0.15.x for wire/zig: PLUE_ZIG is unset, \`zig\` on PATH is ${onPath ?? "absent"}, and installing ziglang==${ZIG_VERSION} from PyPI failed:\n${failure}\n` +
        `Fix: make PyPI reachable and run \`bun test/support/zig-toolchain.ts\`, or set PLUE_ZIG to a Zig 0.15.x binary (https://ziglang.org/download/).`,
    );
  }
  throw new Error(`No Zig 0.15.x found (PLUE_ZIG unset, zig on PATH: ${onPath ?? "absent"}, nothing in ${CACHE}).`);
}

if (import.meta.main) {
  const found = findZig();
  console.log(`zig ${found.version} (${found.source}): ${found.zig}`);
}

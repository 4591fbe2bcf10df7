/**
 * The last step of `npm run build` on the compiled binary
 * (`bun test/support/harden-binary.ts dist/plue-ai-provider`): makes it deaf
 * to the two environment variables through which whoever sets its
 * environment could run code inside the process that holds every credential.
 *
 * Bun 1.4.5 reads both in every standalone executable and has no build option
 * to turn them off: its `--compile` options cover .env, bunfig.toml,
 * tsconfig.json and package.json autoloading, exec argv, bytecode and the
 * JIT policy, nothing else (bun-types docs/bundler/executables.mdx).
 * - `BUN_BE_BUN=1` turns the executable into the bun CLI ("Act as the Bun
 *   CLI"); Bun tests it before it even looks for the embedded program
 *   (`Command::start`, src/runtime/cli/mod.rs).
 * - `BUN_OPTIONS` is parsed as runtime flags ("Runtime arguments via
 *   BUN_OPTIONS"), `--preload <file>` included, and that file runs before our
 *   entry point (`boot_standalone`, same file).
 * Each name is stored once in the runtime as a NUL-terminated string, the
 * name the lookup asks the environment for. It is overwritten in place with a
 * name of the same length that no shell can export (it starts with `=`): every
 * offset, and the module graph appended after the runtime, stay as they were,
 * and the lookup never matches. Exactly one occurrence of each is required, so
 * a Bun that stores them differently fails the build instead of shipping a
 * binary that still obeys them; test/build.test.ts runs the result with both
 * set. macOS kills a Mach-O whose signature no longer matches its bytes, so
 * there the binary is signed again, ad hoc, as `bun build --compile` signs it.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";

const NEUTRALISED: ReadonlyArray<readonly [string, string]> = [
  ["BUN_BE_BUN", "=UN_BE_BUN"],
  ["BUN_OPTIONS", "=UN_OPTIONS"],
];

/** Overwrites each `\0NAME\0` with `\0=AME\0`; throws unless each occurs exactly once. */
export function neutraliseEnvironmentNames(binary: Uint8Array): Uint8Array {
  const out = Uint8Array.from(binary);
  const text = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  for (const [name, replacement] of NEUTRALISED) {
    const needle = Buffer.from(`\0${name}\0`, "latin1");
    const at = text.indexOf(needle);
    if (at === -1 || text.indexOf(needle, at + 1) !== -1) {
      const count = at === -1 ? 0 : "more than one";
      throw new Error(`harden-binary: expected exactly one NUL-terminated ${name} in the Bun runtime, found ${count}; check how this Bun version reads it before shipping`);
    }
    text.write(`\0${replacement}\0`, at, "latin1");
  }
  return out;
}

function harden(path: string): void {
  const mode = statSync(path).mode & 0o7777;
  const patched = neutraliseEnvironmentNames(readFileSync(path));
  const temporary = `${path}.hardening`;
  writeFileSync(temporary, patched);
  chmodSync(temporary, mode);
  renameSync(temporary, path);
  if (process.platform === "darwin") {
    const signed = spawnSync("codesign", ["--force", "--sign", "-", path], { encoding: "utf8" });
    if (signed.status !== 0) throw new Error(`harden-binary: codesign failed (${signed.status}): ${signed.stderr}`);
  }
}

if (import.meta.main) {
  const path = process.argv[2];
  if (path === undefined) throw new Error("usage: bun test/support/harden-binary.ts <compiled binary>");
  harden(path);
}

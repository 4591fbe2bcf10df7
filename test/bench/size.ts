/**
 * `npm run size`: the sizes the README reports. The payload is what we
 * control: the compiled binary minus a bare Bun binary compiled from an
 * empty file with the same Bun.
 */
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const root = join(import.meta.dir, "..", "..");
const bun = join(root, "node_modules", ".bin", "bun");
const scratch = mkdtempSync(join(tmpdir(), "plue-size-"));
const empty = join(scratch, "empty.ts");
writeFileSync(empty, "export {};\n");
const bare = join(scratch, "bare");
const run = (args: string[]): void => {
  const result = spawnSync(bun, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`bun ${args.join(" ")} failed`);
};
run(["run", "build"]);
run(["build", empty, "--compile", "--minify", "--outfile", bare]);
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;
const binary = statSync(join(root, "dist", "plue-ai-provider")).size;
const bareSize = statSync(bare).size;
const bundle = statSync(join(root, "dist", "plue-ai-provider.mjs")).size;
console.log(`binary   ${mb(binary)}`);
console.log(`bare bun ${mb(bareSize)}`);
console.log(`payload  ${mb(binary - bareSize)}`);
console.log(`bundle   ${mb(bundle)} (single-file JS for node)`);

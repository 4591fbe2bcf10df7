/**
 * Structural rules the compiler does not check: runtime-specific code lives
 * only in src/host/ (and the composition root), and imports flow one way:
 * host → server → actions → providers → (auth, http, decode, formats,
 * rules, catalog, tokens) → protocol.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const SRC = join(import.meta.dir, "..", "src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

const files = sources(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, "utf8") }));
const layerOf = (path: string): string => (path.includes("/") ? path.split("/")[0]! : path.replace(/\.ts$/, ""));

/** Lower number = lower layer; a file may import only its own layer or lower ones. */
const RANK: Record<string, number> = {
  protocol: 0,
  deps: 0,
  redact: 0,
  catalog: 1,
  rules: 1,
  tokens: 1,
  decode: 1,
  formats: 1,
  http: 1,
  auth: 1,
  providers: 2,
  actions: 3,
  server: 4,
  host: 5,
  main: 6,
};

describe("architecture", () => {
  test("every file belongs to a known layer", () => {
    expect(files.map((file) => layerOf(file.path)).filter((layer) => !(layer in RANK))).toEqual([]);
  });

  test("no node:, bun or runtime globals outside src/host and main.ts", () => {
    const offenders = files
      .filter((file) => !file.path.startsWith("host/") && file.path !== "main.ts")
      .filter((file) => /from\s+["'](node:|bun)|\bprocess\.|\bBun\.|\bBuffer\.|\brequire\(/.test(file.text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "")))
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  test("imports only flow down the layers", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file.path);
      for (const match of file.text.matchAll(/from\s+["'](\.[^"']+)["']/g)) {
        const target = relative(SRC, join(SRC, file.path, "..", match[1]!));
        if (target.startsWith("..")) continue; // package.json for the version
        const to = layerOf(target);
        if (RANK[to]! > RANK[from]!) violations.push(`${file.path} → ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  test("decode/ and formats/ are pure: no fetch, clock or randomness", () => {
    const impure = files
      .filter((file) => file.path.startsWith("decode/") || file.path.startsWith("formats/"))
      .filter((file) => /\bfetch\(|Date\.now\(|Math\.random\(|setTimeout\(/.test(file.text))
      .map((file) => file.path);
    expect(impure).toEqual([]);
  });
});

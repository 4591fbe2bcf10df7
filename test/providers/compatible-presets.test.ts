/**
 * The presets as data (src/providers/compatible/presets.ts): each names its
 * base URL, key variables and every flag it sets otherwise than its class
 * default with a source; ids are unique and lower-case; every preset has a
 * cassette and a row in README's provider table. And the connection-failure
 * wording for a remote server.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BridgeError } from "../../src/protocol/errors.ts";
import { explainConnectFailure, GENERIC_SPEC } from "../../src/providers/compatible.ts";
import { checkFlags, FLAG_NAMES, FLAG_VALUES, GENERIC_FLAGS } from "../../src/providers/compatible/flags.ts";
import { DEFAULT_SOURCES, HOSTED_FLAGS, PRESETS } from "../../src/providers/compatible/presets.ts";
import { createRegistry } from "../../src/providers/registry.ts";
import { RECORDINGS } from "./replay.ts";

const README = readFileSync(join(import.meta.dir, "..", "..", "README.md"), "utf8");
const ISSUE_IDS = ["openrouter", "groq", "xai", "deepseek", "mistral", "together", "fireworks", "cerebras", "ollama", "lmstudio", "vllm", "llamacpp"];

describe("the presets", () => {
  test("exactly the services and servers of issue 14, each once, all in the registry", () => {
    expect(PRESETS.map((p) => p.id)).toEqual(ISSUE_IDS);
    const registry = createRegistry();
    for (const id of [...ISSUE_IDS, GENERIC_SPEC.id]) expect(registry.get(id)?.id).toBe(id);
  });

  test.each(PRESETS.map((p) => [p.id, p] as const))("%s: URL, variables, dialects and flags well formed, each fact with a source", (_, p) => {
    expect(p.base_url).toMatch(p.local ? /^http:\/\/127\.0\.0\.1:\d+\/v1$/ : /^https:\/\/[a-z0-9.-]+(\/[\w/]*)?$/);
    expect(p.base_url_env[0]).toBe(`${p.id.toUpperCase()}_BASE_URL`);
    expect(p.key_required).toBe(!p.local);
    if (p.key_required) expect(p.key_env.length).toBeGreaterThan(0);
    for (const name of p.key_env) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(p.dialects[0]).toBe("chat");
    expect(checkFlags(p.flags, p.id)).toEqual(p.flags);
    expect(Object.keys(p.flags).sort()).toEqual([...FLAG_NAMES].sort());
    const defaults = p.local ? GENERIC_FLAGS : HOSTED_FLAGS;
    const needed = ["base_url", "key_env", ...(p.dialects.length > 1 ? ["dialects"] : []), ...FLAG_NAMES.filter((f) => p.flags[f] !== defaults[f])];
    for (const fact of needed) expect({ fact, source: p.sources[fact as keyof typeof p.sources] ?? "" }).toMatchObject({ fact, source: expect.stringMatching(/^.{20,}$/) });
    // A source for a flag the preset leaves at its default would be a claim nothing checks.
    for (const fact of Object.keys(p.sources)) expect(needed).toContain(fact);
  });

  test("every flag value has a default source, and the hosted and generic defaults are valid", () => {
    for (const name of FLAG_NAMES) {
      expect(DEFAULT_SOURCES[name].length).toBeGreaterThan(20);
      expect(FLAG_VALUES[name] as readonly unknown[]).toContain(HOSTED_FLAGS[name]);
      expect(FLAG_VALUES[name] as readonly unknown[]).toContain(GENERIC_FLAGS[name]);
    }
  });

  test.each([...ISSUE_IDS, GENERIC_SPEC.id])("%s has at least one cassette and a row in README's provider table", (id) => {
    const dir = join(RECORDINGS, id);
    expect(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(".ndjson"))).toBe(true);
    expect(README).toMatch(new RegExp(`^\\| \`${id}\` \\|`, "m"));
  });
});

describe("a server that does not answer", () => {
  const refused = (code: string) =>
    new BridgeError("NETWORK_ERROR", "POST api.groq.com failed: Unable to connect", { retryable: true, cause: Object.assign(new TypeError("fetch failed"), { cause: { code } }) });

  test("remote: named with its URL (no user info, no query), not called local", () => {
    const groq = PRESETS.find((p) => p.id === "groq")!;
    const error = explainConnectFailure(groq, "https://user:pw@api.groq.com/openai/v1?k=secret", refused("ENOTFOUND"));
    expect(error.message).toBe("Groq at https://api.groq.com/openai/v1 does not answer: POST api.groq.com failed: Unable to connect");
    expect(error).toMatchObject({ code: "NETWORK_ERROR", retryable: true });
  });

  test("a reset mid-answer or another failure is left as it is", () => {
    const groq = PRESETS.find((p) => p.id === "groq")!;
    const reset = refused("ECONNRESET");
    expect(explainConnectFailure(groq, "https://api.groq.com/openai/v1", reset)).toBe(reset);
    const limited = new BridgeError("RATE_LIMITED", "slow down", { retryable: true, status: 429 });
    expect(explainConnectFailure(groq, "https://api.groq.com/openai/v1", limited)).toBe(limited);
  });
});

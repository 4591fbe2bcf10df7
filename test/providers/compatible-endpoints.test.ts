/**
 * The user's named endpoints file (src/providers/compatible/endpoints.ts):
 * where it is, what a good one gives, every way a bad one is refused (whole,
 * naming the field), and the executable reading it at start: a good file's
 * endpoints listed and usable, a bad one reported on stderr and ignored
 * while the process keeps serving.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { providersFilePath } from "../../src/host/files.ts";
import { loadEndpoints, parseEndpointsFile } from "../../src/providers/compatible/endpoints.ts";
import { GENERIC_FLAGS } from "../../src/providers/compatible/flags.ts";
import { createRegistry } from "../../src/providers/registry.ts";
import { loadCassette } from "../support/cassette.ts";
import { memoryFiles } from "../support/in-process.ts";
import { startProcess, type RunningProcess } from "../support/run-binary.ts";
import { RECORDINGS, withReplay } from "./replay.ts";

const RESERVED = new Set(createRegistry().keys());
const entry = (fields: Record<string, unknown> = {}) => ({ id: "work", base_url: "https://llm.example.com/v1/", ...fields });
const file = (providers: unknown[]) => JSON.stringify({ providers });

describe("where the file is", () => {
  test.each([
    [{ PLUE_PROVIDERS_FILE: "/etc/plue/providers.json", XDG_CONFIG_HOME: "/x" }, "/etc/plue/providers.json"],
    [{ XDG_CONFIG_HOME: "/x/config/" }, "/x/config/plue-ai-provider/providers.json"],
    [{}, "/home/u/.config/plue-ai-provider/providers.json"],
  ])("%j → %s", (env, path) => {
    expect(providersFilePath(env, "/home/u/")).toBe(path);
  });
});

describe("a good file", () => {
  test("an entry with defaults: name = id, no key, the generic flags, both dialects", () => {
    expect(parseEndpointsFile(file([entry()]), RESERVED)).toEqual([
      {
        id: "work",
        name: "work",
        base_url: "https://llm.example.com/v1",
        base_url_env: [],
        key_env: [],
        key_required: false,
        key_store: true,
        local: false,
        dialects: ["chat", "responses"],
        flags: GENERIC_FLAGS,
      },
    ]);
  });

  test("name, key variable, key required, flags and dialects as given", () => {
    const [spec] = parseEndpointsFile(
      JSON.stringify({
        $comment: "my servers",
        providers: [
          entry({
            name: "Work gateway",
            api_key_env: "WORK_LLM_KEY",
            key_required: true,
            dialects: ["chat"],
            flags: { max_tokens_field: "max_completion_tokens", stream_usage: false, system_role: "developer", reasoning_field: "reasoning", tool_call_index: "index" },
          }),
        ],
      }),
      RESERVED,
    );
    expect(spec).toMatchObject({
      name: "Work gateway",
      key_env: ["WORK_LLM_KEY"],
      key_required: true,
      dialects: ["chat"],
      flags: {
        max_tokens_field: "max_completion_tokens",
        stream_usage: false,
        system_role: "developer",
        reasoning_field: "reasoning",
        reasoning_param: "reasoning_effort",
        tool_call_index: "index",
      },
    });
  });
});

describe("a bad file is refused whole, naming the field", () => {
  test.each([
    ["not JSON", "{providers: [", /^file: not JSON/],
    ["not an object", "[]", /^file: must be a JSON object/],
    ["unknown top-level field", JSON.stringify({ endpoints: [] }), /^endpoints: unknown field/],
    ["providers not an array", JSON.stringify({ providers: {} }), /^providers: must be an array/],
    ["an entry not an object", file(["x"]), /^providers\[0\]: must be an object/],
    ["unknown entry field", file([entry({ url: "x" })]), /^providers\[0\]\.url: unknown field/],
    ["bad id", file([entry({ id: "Work LLM" })]), /^providers\[0\]\.id: must be a lower-case id/],
    ["an id the executable has", file([entry({ id: "ollama" })]), /^providers\[0\]\.id: ollama is already a provider/],
    ["a native provider's id", file([entry({ id: "openai" })]), /^providers\[0\]\.id: openai is already a provider/],
    ["twice the same id", file([entry(), entry()]), /^providers\[1\]\.id: work is listed twice/],
    ["no base_url", file([{ id: "work" }]), /^providers\[0\]\.base_url: must be an http\(s\) URL/],
    ["base_url without scheme", file([entry({ base_url: "llm.example.com/v1" })]), /^providers\[0\]\.base_url/],
    ["bad key variable", file([entry({ api_key_env: "MY KEY" })]), /^providers\[0\]\.api_key_env/],
    ["key required without a variable", file([entry({ key_required: true })]), /^providers\[0\]\.key_required: needs api_key_env/],
    ["unknown flag", file([entry({ flags: { max_token_field: "max_tokens" } })]), /^providers\[0\]\.flags\.max_token_field: unknown flag/],
    ["bad flag value", file([entry({ flags: { stream_usage: "no" } })]), /^providers\[0\]\.flags\.stream_usage: must be one of true, false/],
    ["bad dialects", file([entry({ dialects: ["chat", "messages"] })]), /^providers\[0\]\.dialects/],
    ["a bad entry after a good one", file([entry({ id: "good" }), entry({ id: "bad", base_url: 3 })]), /^providers\[1\]\.base_url/],
  ])("%s", (_, text, message) => {
    expect(() => parseEndpointsFile(text, RESERVED)).toThrow(message);
  });
});

describe("loading at start", () => {
  const log = () => {
    const lines: string[] = [];
    return { lines, log: { log: (level: string, message: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, message, ...fields })) } };
  };

  test("no file: no endpoints, nothing said", async () => {
    const { lines, log: logger } = log();
    expect(await loadEndpoints({ files: memoryFiles(), log: logger }, "/nope/providers.json", RESERVED)).toEqual([]);
    expect(lines).toEqual([]);
  });

  test("a bad file: no endpoints, a warning naming the file and the problem", async () => {
    const { lines, log: logger } = log();
    const files = memoryFiles({ "/c/providers.json": file([entry({ id: "anthropic" })]) });
    expect(await loadEndpoints({ files, log: logger }, "/c/providers.json", RESERVED)).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("providers file ignored");
    expect(lines[0]).toContain("/c/providers.json: providers[0].id: anthropic is already a provider");
  });

  test("a file that cannot be read: no endpoints, a warning", async () => {
    const { lines, log: logger } = log();
    const files = { ...memoryFiles(), read: async () => Promise.reject(Object.assign(new Error("it is a directory"), { code: "FILE_REFUSED" })) };
    expect(await loadEndpoints({ files, log: logger }, "/c/providers.json", RESERVED)).toEqual([]);
    expect(lines[0]).toContain("cannot read /c/providers.json: it is a directory");
  });

  test("the registry holds the endpoints after the presets", () => {
    const ids = [...createRegistry(parseEndpointsFile(file([entry()]), RESERVED)).keys()];
    expect(ids.at(-1)).toBe("work");
    expect(ids.indexOf("openai_compatible")).toBe(ids.length - 2);
  });
});

describe("the executable reads PLUE_PROVIDERS_FILE at start", () => {
  const running: RunningProcess[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) child.child.kill("SIGKILL");
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const start = (text: string, env: Record<string, string> = {}): RunningProcess => {
    const dir = mkdtempSync(join(tmpdir(), "plue-providers-"));
    dirs.push(dir);
    writeFileSync(join(dir, "providers.json"), text);
    const child = startProcess({ PLUE_PROVIDERS_FILE: join(dir, "providers.json"), PLUE_AUTH_FILE: join(dir, "auth.json"), ...env });
    running.push(child);
    return child;
  };

  test("a good file: the endpoint is listed and streams with its key variable", async () => {
    const recorded = await loadCassette(join(RECORDINGS, "groq", "text.ndjson"));
    await withReplay(
      recorded,
      async (server) => {
        const child = start(file([entry({ id: "work", name: "Work gateway", base_url: `${server.url}/openai/v1`, api_key_env: "WORK_LLM_KEY", key_required: true })]), {
          WORK_LLM_KEY: "work-key-not-a-secret",
        });
        child.send({ id: "lp", action: "list_providers" });
        const listed = await child.waitFor((line) => line.id === "lp");
        expect((listed.data as Record<string, unknown>[]).at(-1)).toEqual({ id: "work", name: "Work gateway", configured: true, auth: "api_key", available: true });
        child.send({
          id: "s",
          action: "stream_chat",
          provider: "work",
          params: { model: "moonshotai/kimi-k2-instruct-0905", messages: [{ role: "user", content: "Say hi in Portuguese" }] },
        });
        const done = await child.waitFor((line) => line.id === "s" && (line.success === false || (line.data as { type?: string }).type === "done"));
        expect(done.success).toBe(true);
        expect(server.requests[0]!.headers.authorization).toBe("Bearer work-key-not-a-secret");
        expect(child.stderr()).not.toContain("providers file ignored");
      },
      { strictPath: true },
    );
  }, 20_000);

  test("a bad file: reported on stderr, ignored whole, the process serves on", async () => {
    const child = start(file([entry({ id: "fine" }), entry({ id: "broken", flags: { nope: 1 } })]));
    child.send({ id: "lp", action: "list_providers" });
    const listed = await child.waitFor((line) => line.id === "lp");
    const ids = (listed.data as { id: string }[]).map((p) => p.id);
    expect(ids).not.toContain("fine");
    expect(ids).toContain("ollama");
    child.send({ id: "u", action: "list_models", provider: "fine" });
    expect((await child.waitFor((line) => line.id === "u")).error).toMatchObject({ code: "UNKNOWN_PROVIDER" });
    expect(child.stderr()).toContain("providers file ignored");
    expect(child.stderr()).toContain("providers[1].flags.nope: unknown flag");
    child.closeStdin();
    expect(await child.exited).toBe(0);
  }, 20_000);
});

/**
 * The OpenAI-compatible providers' behaviour around the stream: where the
 * base URL and the key come from, key-less local servers, the generic
 * provider, a server that is not running, listing, counting, key checks,
 * and the model rules matched by provider (xAI, Groq, Mistral). Streams are
 * the recorded ones (recordings/<preset>/), served over loopback.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadCatalogLayers, resetCatalogLayers } from "../../src/catalog/layers.ts";
import { ollamaHostOrigin, resolveBaseUrl } from "../../src/providers/compatible/spec.ts";
import { GENERIC_SPEC } from "../../src/providers/compatible.ts";
import { PRESETS } from "../../src/providers/compatible/presets.ts";
import { loadCassette, type Cassette } from "../support/cassette.ts";
import { createHarness, memoryFiles, terminalOf } from "../support/in-process.ts";
import { closedPortUrl, everythingWritten, RECORDINGS, sentBody, single, streamChat, withReplay, type Json } from "./replay.ts";

afterEach(() => resetCatalogLayers());

const cassette = (file: string): Promise<Cassette> => loadCassette(join(RECORDINGS, `${file}.ndjson`));
const preset = (id: string) => PRESETS.find((p) => p.id === id)!;
/** A fetch that records being called and answers nothing useful. */
const noFetch = (called: () => void) =>
  (async () => {
    called();
    return new Response("");
  }) as unknown as typeof fetch;
const hi = [{ role: "user", content: "Hi" }];
const STORE = "/memory/auth.json";
const storeWith = (providers: Record<string, Json>) => memoryFiles({ [STORE]: JSON.stringify({ version: 1, providers }) });

describe("base URL: params.base_url, then <ID>_BASE_URL (Ollama also OLLAMA_HOST), then the preset", () => {
  test.each([
    ["groq", {}, {}, "https://api.groq.com/openai/v1"],
    ["groq", {}, { GROQ_BASE_URL: "https://proxy.example/groq/" }, "https://proxy.example/groq"],
    ["groq", { base_url: "http://127.0.0.1:1/v1/" }, { GROQ_BASE_URL: "https://proxy.example/groq" }, "http://127.0.0.1:1/v1"],
    ["ollama", {}, {}, "http://127.0.0.1:11434/v1"],
    ["ollama", {}, { OLLAMA_HOST: "192.168.1.20:11500" }, "http://192.168.1.20:11500/v1"],
    ["ollama", {}, { OLLAMA_HOST: "0.0.0.0", OLLAMA_BASE_URL: "http://gpu-box:11434/v1" }, "http://gpu-box:11434/v1"],
    ["vllm", {}, { VLLM_BASE_URL: "http://gpu-box:8000/v1" }, "http://gpu-box:8000/v1"],
    ["llamacpp", {}, { LLAMACPP_BASE_URL: "http://127.0.0.1:8081/v1" }, "http://127.0.0.1:8081/v1"],
  ] as const)("%s %j %j → %s", (id, params, env, expected) => {
    expect(resolveBaseUrl(preset(id), params, { env })).toBe(expected);
  });

  test.each([
    ["", "http://127.0.0.1:11434"],
    ["0.0.0.0", "http://127.0.0.1:11434"],
    [":11500", "http://127.0.0.1:11500"],
    ["gpu-box", "http://gpu-box:11434"],
    ["gpu-box:9000", "http://gpu-box:9000"],
    ["http://gpu-box", "http://gpu-box:80"],
    ["https://ollama.example.com", "https://ollama.example.com:443"],
    ["https://ollama.example.com:8443/", "https://ollama.example.com:8443"],
    ["[::1]:11434", "http://[::1]:11434"],
    ["::", "http://127.0.0.1:11434"],
  ])("OLLAMA_HOST %j → %s (ollama envconfig Host())", (value, origin) => {
    expect(ollamaHostOrigin(value)).toBe(origin);
  });

  test("a variable that is not an http(s) URL is refused naming it", () => {
    expect(() => resolveBaseUrl(preset("groq"), {}, { env: { GROQ_BASE_URL: "api.groq.com" } })).toThrow(/GROQ_BASE_URL is not an http\(s\) URL/);
  });

  test("openai_compatible without params.base_url: INVALID_REQUEST naming it, nothing sent", async () => {
    let fetched = false;
    const harness = createHarness({ fetch: noFetch(() => (fetched = true)) });
    for (const action of ["stream_chat", "list_models"] as const) {
      const lines = await harness.run({ id: action, action, provider: "openai_compatible", params: action === "stream_chat" ? { model: "m", messages: hi } : {} });
      expect(terminalOf(lines).error).toMatchObject({ code: "INVALID_REQUEST", field: "params.base_url" });
      expect(terminalOf(lines).error.message).toContain("http://127.0.0.1:8080/v1");
    }
    expect(fetched).toBe(false);
  });
});

describe("keys: params.credentials.api_key, the service's variable, then the store; local servers need none", () => {
  const ask = async (provider: string, harnessEnv: Json, files: ReturnType<typeof memoryFiles>, params: Json = {}) => {
    const recorded = await cassette("groq/text");
    return withReplay(
      recorded,
      async (server) => {
        const harness = createHarness({ env: harnessEnv as Record<string, string>, files });
        const result = await streamChat(harness, "k", provider, { model: "m", base_url: server.url, messages: hi, ...params });
        return { result, authorization: server.requests[0]?.headers.authorization, harness };
      },
      { strictPath: false },
    );
  };

  test("the order: params, then GROQ_API_KEY, then the store", async () => {
    const store = storeWith({ groq: { api_key: "stored-groq-key" } });
    expect((await ask("groq", { GROQ_API_KEY: "env-groq-key" }, store, { credentials: { api_key: "param-key" } })).authorization).toBe("Bearer param-key");
    expect((await ask("groq", { GROQ_API_KEY: "env-groq-key" }, store)).authorization).toBe("Bearer env-groq-key");
    expect((await ask("groq", {}, store)).authorization).toBe("Bearer stored-groq-key");
  });

  test("Together reads TOGETHER_API_KEY, then the AI SDK's TOGETHER_AI_API_KEY", async () => {
    expect((await ask("together", { TOGETHER_AI_API_KEY: "b" }, memoryFiles())).authorization).toBe("Bearer b");
    expect((await ask("together", { TOGETHER_API_KEY: "a", TOGETHER_AI_API_KEY: "b" }, memoryFiles())).authorization).toBe("Bearer a");
  });

  test("a hosted service without a key: AUTH_REQUIRED naming its variable, nothing sent", async () => {
    let fetched = false;
    const harness = createHarness({ fetch: noFetch(() => (fetched = true)) });
    const lines = await harness.run({ id: 1, action: "stream_chat", provider: "openrouter", params: { model: "m", messages: hi } });
    expect(terminalOf(lines).error).toMatchObject({ code: "AUTH_REQUIRED" });
    expect(terminalOf(lines).error.message).toContain("OPENROUTER_API_KEY");
    expect(fetched).toBe(false);
  });

  test("a local server: no Authorization without a key, Bearer with one (a proxy in front)", async () => {
    expect((await ask("ollama", {}, memoryFiles())).authorization).toBeUndefined();
    expect((await ask("vllm", { VLLM_API_KEY: "vllm-key" }, memoryFiles())).authorization).toBe("Bearer vllm-key");
    expect((await ask("lmstudio", {}, memoryFiles(), { credentials: { api_key: "given" } })).authorization).toBe("Bearer given");
  });

  test("openai_compatible sends only a key given with the request, never a stored or inherited one", async () => {
    const store = storeWith({ openai_compatible: { api_key: "stored-generic-key" } });
    expect((await ask("openai_compatible", { OPENAI_API_KEY: "sk-openai-env" }, store)).authorization).toBeUndefined();
    expect((await ask("openai_compatible", {}, store, { credentials: { api_key: "given" } })).authorization).toBe("Bearer given");
  });

  test("list_providers: configured where a key is found, and always for key-less local servers", async () => {
    const harness = createHarness({ env: { GROQ_API_KEY: "g" }, fetch: (() => Promise.reject(new Error("no network"))) as unknown as typeof fetch });
    const [line] = await harness.run({ id: 1, action: "list_providers" });
    const configured = Object.fromEntries((line!.data as Json[]).map((p) => [p.id, p.configured]));
    expect(configured).toMatchObject({ groq: true, openrouter: false, xai: false, ollama: true, lmstudio: true, vllm: true, llamacpp: true, openai_compatible: true });
    for (const p of line!.data as Json[]) if (PRESETS.some((x) => x.id === p.id)) expect(p.auth).toBe("api_key");
  });
});

describe("a server that is not running", () => {
  test("stream_chat to Ollama at a closed port: NETWORK_ERROR naming the URL, saying the local server does not answer", async () => {
    const url = await closedPortUrl();
    const harness = createHarness();
    const result = await streamChat(harness, "down", "ollama", { model: "qwen2.5-coder:7b", base_url: `${url}/v1`, max_retries: 1, messages: hi });
    expect(result.error).toMatchObject({ code: "NETWORK_ERROR", retryable: true, partial: false });
    expect(result.error?.message).toContain(`Ollama at ${url}/v1: the local server does not answer`);
    expect(result.retries).toHaveLength(1);
    expect(result.retries[0]?.reason).toContain("does not answer");
  });

  test("OLLAMA_HOST naming a closed port, and list_models: the same", async () => {
    const url = await closedPortUrl();
    const harness = createHarness({ env: { OLLAMA_HOST: new URL(url).host } });
    const lines = await harness.run({ id: "lm", action: "list_models", provider: "ollama" });
    const error = terminalOf(lines).error;
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.message).toContain(`Ollama at ${url}/v1: the local server does not answer`);
  });

  test("any server on this machine says so; a remote one is only named", async () => {
    const url = await closedPortUrl();
    const harness = createHarness();
    const local = await streamChat(harness, "g", "openai_compatible", { model: "m", base_url: `${url}/v1`, max_retries: 0, messages: hi });
    expect(local.error?.message).toContain(`OpenAI-compatible server at ${url}/v1: the local server does not answer`);
    // A hosted preset pointed at this machine (a proxy) is a local server too.
    const proxied = await streamChat(harness, "h", "groq", { model: "m", base_url: `${url}/v1`, max_retries: 0, credentials: { api_key: "k" }, messages: hi });
    expect(proxied.error?.message).toContain(`Groq at ${url}/v1: the local server does not answer`);
  });
});

describe("list_models: what GET {base}/models returns, unfiltered, with catalog or listing prices", () => {
  test("Ollama: every model, whatever its id looks like, without prices", async () => {
    const recorded = await cassette("ollama/models");
    const listed = JSON.parse(new TextDecoder().decode((recorded.interactions[0]!.body[0] as { chunk: Uint8Array }).chunk)).data as Json[];
    await withReplay(recorded, async (server) => {
      const lines = await createHarness().run({ id: 1, action: "list_models", provider: "ollama", params: { base_url: `${server.url}/v1` } });
      const models = terminalOf(lines).data as Json[];
      expect(models.map((m) => m.id)).toEqual(listed.map((m) => m.id));
      for (const model of models) expect(model).toMatchObject({ provider: "ollama", cost: null, source: "api", context_length: null });
      expect(server.requests[0]!.headers.authorization).toBeUndefined();
    });
  });

  test("OpenRouter: its own pricing (USD per token) in USD per million tokens, dated; -1 is unknown; limits and capabilities from the listing", async () => {
    const recorded = await cassette("openrouter/models");
    await withReplay(recorded, async (server) => {
      const harness = createHarness({ now: () => Date.parse("2026-12-01T12:00:00Z") });
      const lines = await harness.run({ id: 1, action: "list_models", provider: "openrouter", params: { base_url: `${server.url}/api/v1`, credentials: { api_key: "k" } } });
      const [large, free, auto] = terminalOf(lines).data as Json[];
      expect(large).toMatchObject({
        id: "acme/coder-large",
        name: "Acme: Coder Large",
        context_length: 262144,
        max_output: 65536,
        cost: { input: 0.3, output: 1.2, cache_read: 0.03 },
        capabilities: { tools: true, reasoning: true, images: true },
        source: "api",
        price_source: "openrouter /models",
        price_date: "2026-12-01",
      });
      expect(free).toMatchObject({ cost: { input: 0, output: 0 }, capabilities: { tools: false, reasoning: false, images: false }, max_output: null });
      expect(auto).toMatchObject({ id: "openrouter/auto", cost: null });
      expect(auto).not.toHaveProperty("price_source");
    });
  });

  test("a model the catalog knows for the provider gets the catalog's prices; a hosted service without a key lists the catalog, offline", async () => {
    const override = "/memory/models.json";
    const layer = {
      providers: {
        groq: {
          models: [
            {
              id: "moonshotai/kimi-k2-instruct-0905",
              name: "Kimi K2 0905",
              context_length: 262144,
              max_output: 16384,
              capabilities: { tools: true, reasoning: false, images: false },
              price: { input: 1, output: 3, source: "console.groq.com/docs/models (test layer)", date: "2026-11-01" },
            },
          ],
        },
      },
    };
    const files = memoryFiles({ [override]: JSON.stringify(layer) });
    await loadCatalogLayers(createHarness({ files, catalogFiles: { override } }).deps);
    const answer = JSON.stringify({ object: "list", data: [{ id: "moonshotai/kimi-k2-instruct-0905", context_window: 131072 }, { id: "whisper-large-v3" }] });
    const listing: Cassette = {
      scenario: "groq models (test)",
      provenance: { hand_written: true },
      interactions: [
        {
          request: { method: "GET", path: "/openai/v1/models" },
          response: { status: 200, headers: { "content-type": "application/json" } },
          body: [{ chunk: new TextEncoder().encode(answer) }],
        },
      ],
    };
    await withReplay(listing, async (server) => {
      const lines = await createHarness().run({ id: 1, action: "list_models", provider: "groq", params: { base_url: `${server.url}/openai/v1`, credentials: { api_key: "k" } } });
      const [kimi, whisper] = terminalOf(lines).data as Json[];
      expect(kimi).toMatchObject({ source: "both", cost: { input: 1, output: 3 }, context_length: 131072, max_output: 16384, price_date: "2026-11-01" });
      expect(whisper).toMatchObject({ id: "whisper-large-v3", source: "api", cost: null });
    });
    let fetched = false;
    const offline = createHarness({ fetch: noFetch(() => (fetched = true)) });
    const catalogOnly = terminalOf(await offline.run({ id: 2, action: "list_models", provider: "groq" })).data as Json[];
    expect(catalogOnly.map((m) => [m.id, m.source])).toEqual([["moonshotai/kimi-k2-instruct-0905", "catalog"]]);
    expect(fetched).toBe(false);
  });
});

describe("count_tokens: the tokenizer by model family, else the marked estimate; no network", () => {
  // Tokenizer counts are exact only on Chat Completions for OpenAI's own models: gpt-oss adds a host-rendered
  // system message (measured, not exact), and OpenRouter sends OpenAI's models to Responses (fitted framing).
  test.each([
    ["groq", "openai/gpt-oss-120b", "tokenizer", false],
    ["openrouter", "openai/gpt-4o", "tokenizer", false],
    ["together", "openai/gpt-4o", "tokenizer", true],
    ["ollama", "gpt-oss:20b", "tokenizer", false],
    ["ollama", "qwen2.5-coder:7b", "estimate", false],
    ["openai_compatible", "meta-llama/Llama-3.3-70B", "estimate", false],
  ])("%s %s → %s", async (provider, model, method, exact) => {
    const harness = createHarness({ fetch: (() => Promise.reject(new Error("no network"))) as unknown as typeof fetch });
    const lines = await harness.run({ id: 1, action: "count_tokens", provider, params: { model, messages: [{ role: "user", content: "Hello there, how are you?" }] } });
    expect(terminalOf(lines).data).toMatchObject({ method, exact });
    expect(terminalOf(lines).data.input_tokens).toBeGreaterThan(0);
  });
});

describe("authenticate: a key is checked against GET {base}/models and stored; key-less servers store nothing", () => {
  test.each([
    ["groq", "/openai/v1", { credentials: { api_key: "gsk-check" } }, true],
    ["ollama", "/v1", {}, false],
    ["openai_compatible", "/v1", { credentials: { api_key: "given" } }, false],
  ] as const)("%s", async (provider, prefix, params, stored) => {
    const answer: Cassette = {
      scenario: "models (test)",
      provenance: { hand_written: true },
      interactions: [
        {
          request: { method: "GET", path: `${prefix}/models` },
          response: { status: 200, headers: { "content-type": "application/json" } },
          body: [{ chunk: new TextEncoder().encode('{"data":[]}') }],
        },
      ],
    };
    await withReplay(answer, async (server) => {
      const files = memoryFiles();
      const harness = createHarness({ files });
      const lines = await harness.run({ id: 1, action: "authenticate", provider, params: { base_url: `${server.url}${prefix}`, ...params } });
      expect(terminalOf(lines).data).toEqual({ type: "authenticated", provider, stored });
      expect(files.files.has(STORE)).toBe(stored);
      if (stored) expect(JSON.parse(files.files.get(STORE)!).providers[provider]).toEqual({ api_key: "gsk-check" });
    });
  });
});

describe("model rules matched by provider (src/catalog/rules.json)", () => {
  const send = async (provider: string, file: string, prefix: string, params: Json) => {
    const recorded = single(await cassette(file), 0);
    return withReplay(recorded, async (server) => {
      const harness = createHarness();
      const result = await streamChat(harness, "r", provider, { base_url: `${server.url}${prefix}`, credentials: { api_key: "k" }, messages: hi, ...params });
      return { result, body: sentBody(server), written: everythingWritten(harness) };
    });
  };

  test("xAI: reasoning_effort is not sent to grok-code-fast-1 (and grok-4), reported as dropped", async () => {
    const { result, body } = await send("xai", "xai/tool-call", "/v1", { model: "grok-code-fast-1", reasoning: { effort: "high" } });
    expect(body).not.toHaveProperty("reasoning_effort");
    expect(result.done?.adjustments).toEqual([
      { param: "reasoning", action: "dropped", from: { effort: "high" }, reason: 'the model does not reason (rule "xai-no-reasoning-effort")' },
    ]);
  });

  test("xAI: grok-3-mini takes low and high; medium becomes high (reported); grok-4.3 takes none", async () => {
    const mini = await send("xai", "xai/tool-call", "/v1", { model: "grok-3-mini", reasoning: { effort: "medium" } });
    expect(mini.body.reasoning_effort).toBe("high");
    expect(mini.result.done?.adjustments?.[0]).toMatchObject({ param: "reasoning.effort", action: "changed", from: "medium", to: "high" });
    const g43 = await send("xai", "xai/tool-call", "/v1", { model: "grok-4.3", reasoning: { effort: "none" } });
    expect(g43.body.reasoning_effort).toBe("none");
  });

  test("Groq gpt-oss cannot stop reasoning: none becomes low, reported", async () => {
    const { result, body } = await send("groq", "groq/reasoning-tool", "/openai/v1", { model: "openai/gpt-oss-120b", reasoning: { effort: "none" } });
    expect(body.reasoning_effort).toBe("low");
    expect(result.done?.adjustments?.[0]).toMatchObject({ param: "reasoning.effort", action: "changed", from: "none", to: { effort: "low" } });
  });

  test("Mistral small takes none and high: low becomes high", async () => {
    const { body } = await send("mistral", "mistral/thinking-text", "/v1", { model: "mistral-small-latest", reasoning: { effort: "low" } });
    expect(body.reasoning_effort).toBe("high");
  });

  test("OpenRouter: an effort goes as reasoning: {effort}", async () => {
    const { body } = await send("openrouter", "openrouter/text", "/api/v1", { model: "openai/gpt-5.4-nano", reasoning: { effort: "low" } });
    expect(body.reasoning).toEqual({ effort: "low" });
    expect(body).not.toHaveProperty("reasoning_effort");
  });
});

test("the generic provider's spec: any server, chat by default, a key only from the request", () => {
  expect(GENERIC_SPEC).toMatchObject({ id: "openai_compatible", key_required: false, key_store: false, dialects: ["chat", "responses"] });
  expect(GENERIC_SPEC.base_url).toBeUndefined();
});

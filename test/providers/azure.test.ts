/**
 * End-to-end replay of every recordings/azure cassette through the real
 * Server in this process, with real fetch over loopback: both URL surfaces
 * (GA `/openai/v1/` and the dated deployment URLs), api-key and Entra ID
 * auth, content filtering, the reworded 404/400s, listing, counting, key
 * checks. Params are rebuilt from each recorded request body; expectations
 * are read from the recordings by hand (test/providers/replay.ts splits SSE
 * without the code under test), usage figures are written out literally.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCassette, type Cassette, type Interaction } from "../support/cassette.ts";
import { createHarness } from "../support/in-process.ts";
import { everythingWritten, interaction, pick, recordedEvents, recordedJson, RECORDINGS, sentBody, streamChat, withReplay, type Json, type ToolCallOut } from "./replay.ts";

/** Deliberately no provider key shape: the secret scan of recordings/ and logs must not trip on it. */
const KEY = "azure-replay-test-key-00000000000000000000";
const AD_TOKEN = "eyJhbGciOiJub25lIn0.replay-entra-token.0000";

function recording(name: string): Promise<Cassette> {
  return loadCassette(join(RECORDINGS, "azure", `${name}.ndjson`));
}

/** The cassette with its interactions' request paths moved (the replay server matches method + path). */
function atPath(cassette: Cassette, path: (it: Interaction, index: number) => string): Cassette {
  return { ...cassette, interactions: cassette.interactions.map((it, i) => ({ ...it, request: { ...it.request, path: path(it, i) } })) };
}

const deploymentPath = (deployment: string, version: string) => `/openai/deployments/${deployment}/chat/completions?api-version=${version}`;

// ---------------------------------------------------------------------------
// Recorded request bodies → our ChatParams.

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return (content as Json[]).map((part) => part.text as string).join("\n\n");
}

function chatParams(body: Json): Json {
  const messages = (body.messages as Json[]).map((m): Json => {
    switch (m.role) {
      case "system":
        return { role: "system", content: textOf(m.content) };
      case "user":
        return { role: "user", content: textOf(m.content) };
      case "assistant": {
        const parts: Json[] = m.content ? [{ type: "text", text: m.content }] : [];
        for (const call of (m.tool_calls ?? []) as Json[]) parts.push({ type: "tool_call", id: call.id, name: call.function.name, arguments: call.function.arguments });
        return { role: "assistant", content: parts };
      }
      case "tool":
        return { role: "tool", content: [{ type: "tool_result", tool_call_id: m.tool_call_id, content: textOf(m.content) }] };
      default:
        throw new Error(`cannot rebuild a ${m.role} message`);
    }
  });
  const params: Json = { model: body.model, messages };
  if (body.max_completion_tokens !== undefined) params.max_tokens = body.max_completion_tokens;
  if (body.tools !== undefined) {
    params.tools = (body.tools as Json[]).map((t) => ({ name: t.function.name, description: t.function.description, parameters: t.function.parameters }));
  }
  if (body.tool_choice !== undefined) params.tool_choice = body.tool_choice;
  if (body.reasoning_effort !== undefined) params.reasoning = { effort: body.reasoning_effort };
  return params;
}

function responsesParams(body: Json): Json {
  const messages = (body.input as Json[]).map((item): Json => {
    if (item.role === "developer" || item.role === "system") return { role: "system", content: textOf(item.content) };
    return { role: "user", content: textOf(item.content) };
  });
  const params: Json = { model: body.model, messages };
  if (body.max_output_tokens !== undefined) params.max_tokens = body.max_output_tokens;
  if (body.tools !== undefined) params.tools = (body.tools as Json[]).map((t) => ({ name: t.name, parameters: t.parameters }));
  return params;
}

function paramsFor(it: Interaction, dialect: "chat" | "responses", url: string, extra: Json = {}): Json {
  const body = it.request.body as Json;
  const rebuilt = dialect === "chat" ? chatParams(body) : { ...responsesParams(body), api: "responses" };
  return { ...rebuilt, base_url: url, credentials: { api_key: KEY }, ...extra };
}

/** Recorded tool definitions without `strict` (our ChatParams have none), for comparing what we send. */
function withoutStrict(tools: Json[] | undefined): Json[] | undefined {
  return tools?.map((tool) => {
    const copy = structuredClone(tool);
    delete copy.strict;
    if (copy.function) delete copy.function.strict;
    return copy;
  });
}

// ---------------------------------------------------------------------------
// What a recorded stream spells, read from the recorded SSE.

interface Expected {
  content: string;
  toolCalls: ToolCallOut[];
}

function expectedChat(it: Interaction): Expected {
  const out: Expected = { content: "", toolCalls: [] };
  const calls = new Map<number, ToolCallOut>();
  for (const { data } of recordedEvents(it)) {
    if (data === "[DONE]") continue;
    const choice = (data.choices as Json[]).find((c) => c.index === 0);
    if (choice === undefined) continue;
    if (typeof choice.delta?.content === "string") out.content += choice.delta.content;
    for (const call of (choice.delta?.tool_calls ?? []) as Json[]) {
      const known = calls.get(call.index) ?? { id: "", name: "", arguments: "" };
      if (call.id) known.id = call.id;
      if (call.function?.name) known.name = call.function.name;
      known.arguments += call.function?.arguments ?? "";
      calls.set(call.index, known);
    }
  }
  out.toolCalls = [...calls.values()];
  return out;
}

function expectedResponses(it: Interaction): Expected {
  const out: Expected = { content: "", toolCalls: [] };
  for (const { data } of recordedEvents(it)) {
    if (data.type === "response.output_text.delta") out.content += data.delta;
    if (data.type === "response.output_item.done" && data.item.type === "function_call") {
      out.toolCalls.push({ id: data.item.call_id, name: data.item.name, arguments: data.item.arguments });
    }
  }
  return out;
}

interface CatalogEntry {
  id: string;
  name: string;
  context_length: number | null;
  aliases?: string[];
  price: { input: number; output: number } | null;
}

/** The catalog's data (not its code): the azure entry listing `id` as id or alias. */
function catalogData(id: string): CatalogEntry | undefined {
  const file = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "src", "catalog", "models.json"), "utf8")) as {
    providers: Record<string, { models: CatalogEntry[] }>;
  };
  return file.providers.azure?.models.find((m) => m.id === id || (m.aliases ?? []).includes(id));
}

// ---------------------------------------------------------------------------

interface StreamCase {
  file: string;
  turn: number;
  dialect: "chat" | "responses";
  /** Path the recording was made on, which we must hit too (v1 surface: no query). */
  path: string;
  /** The model the stream reports (Chat: the dated model; Responses: the deployment name). */
  model: string;
  /** Usage read by hand from the recorded usage object. */
  input: number;
  output: number;
  reasoning: number;
  finish: string;
  content?: string;
  tools?: Array<{ name: string; arguments: string }>;
  /** A request we wrote ourselves (vercel/ai kept no request): compare only model, input and tools. */
  requestHandWritten?: boolean;
}

const STREAMS: StreamCase[] = [
  {
    file: "chat-text",
    turn: 0,
    dialect: "chat",
    path: "/openai/v1/chat/completions",
    model: "gpt-5-mini-2025-08-07",
    input: 19,
    output: 76,
    reasoning: 64,
    finish: "stop",
    content: "Oi!",
  },
  {
    file: "chat-tool-call",
    turn: 0,
    dialect: "chat",
    path: "/openai/v1/chat/completions",
    model: "gpt-5-mini-2025-08-07",
    input: 145,
    output: 154,
    reasoning: 128,
    finish: "tool_calls",
    tools: [{ name: "weather", arguments: '{"location":"Florence, Italy"}' }],
  },
  {
    file: "chat-tool-call",
    turn: 1,
    dialect: "chat",
    path: "/openai/v1/chat/completions",
    model: "gpt-5-mini-2025-08-07",
    input: 176,
    output: 192,
    reasoning: 128,
    finish: "stop",
  },
  {
    file: "chat-reasoning-tool",
    turn: 0,
    dialect: "chat",
    path: "/openai/v1/chat/completions",
    model: "gpt-5-mini-2025-08-07",
    input: 145,
    output: 90,
    reasoning: 64,
    finish: "tool_calls",
    tools: [{ name: "weather", arguments: '{"location":"Florence, Italy"}' }],
  },
  {
    file: "chat-reasoning-tool",
    turn: 1,
    dialect: "chat",
    path: "/openai/v1/chat/completions",
    model: "gpt-5-mini-2025-08-07",
    input: 176,
    output: 592,
    reasoning: 512,
    finish: "stop",
  },
  {
    file: "chat-model-router",
    turn: 0,
    dialect: "chat",
    path: "/openai/v1/chat/completions",
    model: "gpt-5-nano-2025-08-07",
    input: 15,
    output: 78,
    reasoning: 64,
    finish: "stop",
    content: "Capital of Denmark.",
    requestHandWritten: true,
  },
  {
    file: "responses-text",
    turn: 0,
    dialect: "responses",
    path: "/openai/v1/responses",
    model: "gpt-5-mini",
    input: 19,
    output: 208,
    reasoning: 192,
    finish: "stop",
    content: "Olá!",
  },
  {
    file: "responses-text-gpt-5.1",
    turn: 0,
    dialect: "responses",
    path: "/openai/v1/responses",
    model: "gpt-5.1",
    input: 11,
    output: 11,
    reasoning: 0,
    finish: "stop",
    content: "Hello",
    requestHandWritten: true,
  },
  {
    file: "responses-tool-call",
    turn: 0,
    dialect: "responses",
    path: "/openai/v1/responses",
    model: "gpt-5.1",
    input: 45,
    output: 24,
    reasoning: 0,
    finish: "tool_calls",
    tools: [{ name: "weather", arguments: '{"location":"San Francisco"}' }],
    requestHandWritten: true,
  },
];

describe("azure replay: streams on the v1 surface", () => {
  test.each(STREAMS)("$file turn $turn: text, tool calls, usage, cost, finish and the request sent", async (c) => {
    const cassette = await recording(c.file);
    const it = interaction(cassette, c.turn);
    const expected = c.dialect === "chat" ? expectedChat(it) : expectedResponses(it);
    if (c.content !== undefined) expect(expected.content).toBe(c.content);
    expect(expected.toolCalls.map(({ name, arguments: args }) => ({ name, arguments: args }))).toEqual(c.tools ?? []);

    const harness = createHarness();
    await withReplay({ ...cassette, interactions: [it] }, async (server) => {
      const result = await streamChat(harness, `${c.file}-${c.turn}`, "azure", paramsFor(it, c.dialect, server.url));
      expect(result.error).toBeUndefined();
      expect(result.retries).toEqual([]);
      expect(result.content).toBe(expected.content);
      expect(result.toolCalls).toEqual(expected.toolCalls);
      // Azure sends no reasoning text on Chat, and these Responses streams have no summary.
      expect(result.reasoning).toBe("");
      expect(result.done).toMatchObject({ type: "done", finish_reason: c.finish, model: c.model });
      expect(result.done!.details).toBeUndefined();
      expect(result.done!.usage).toEqual({
        input_tokens: c.input,
        output_tokens: c.output,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: c.reasoning,
        estimated: ["cache_write_tokens"],
      });

      const known = catalogData(c.model);
      expect(known?.price).toBeDefined();
      const price = known!.price!;
      expect(result.done!.cost.input).toBeCloseTo((c.input * price.input) / 1e6, 12);
      expect(result.done!.cost.output).toBeCloseTo((c.output * price.output) / 1e6, 12);

      expect(server.requests.length).toBe(1);
      const request = server.requests[0]!;
      expect(request.method).toBe("POST");
      expect(request.path).toBe(c.path);
      expect(request.headers["api-key"]).toBe(KEY);
      expect(request.headers.authorization).toBeUndefined();

      const sent = sentBody(server);
      const recorded = it.request.body as Json;
      // On the v1 surface the deployment travels as the body's model.
      expect(sent.model).toBe(recorded.model);
      if (c.dialect === "chat") {
        const keys = c.requestHandWritten
          ? ["model", "messages", "stream"]
          : ["model", "messages", "max_completion_tokens", "tool_choice", "reasoning_effort", "stream", "stream_options"];
        expect(pick(sent, keys)).toEqual(pick(recorded, keys));
        if (!c.requestHandWritten) expect(withoutStrict(sent.tools)).toEqual(withoutStrict(recorded.tools));
      } else {
        expect(sent.stream).toBe(true);
        expect(sent.max_output_tokens).toEqual(recorded.max_output_tokens);
        const tools = (sent.tools ?? []) as Json[];
        expect(tools.map((t) => ({ name: t.name, parameters: t.parameters }))).toEqual(((recorded.tools ?? []) as Json[]).map((t) => ({ name: t.name, parameters: t.parameters })));
      }
    });
  });

  test("Azure's first chunk (choices [], id '', model '') yields no line, and the model comes from the first real chunk", async () => {
    const cassette = await recording("chat-text");
    const it = interaction(cassette, 0);
    const first = recordedEvents(it)[0]!.data;
    expect(first).toMatchObject({ choices: [], id: "", model: "" });
    expect(first.prompt_filter_results).toHaveLength(1);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "first", "azure", paramsFor(it, "chat", server.url));
      // Exactly: "Oi", "!" and done; no empty content line for the annotation or the role chunk.
      expect(result.lines.map((line) => line.data.type)).toEqual(["content", "content", "done"]);
      expect(result.done!.model).toBe("gpt-5-mini-2025-08-07");
    });
  });

  test("a deployment name the catalog does not know is priced by the model the stream reports", async () => {
    const cassette = await recording("chat-text");
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "custom", "azure", paramsFor(it, "chat", server.url, { model: "team-chat-prod" }));
      expect(sentBody(server).model).toBe("team-chat-prod");
      expect(result.done!.model).toBe("gpt-5-mini-2025-08-07");
      expect(result.done!.cost).not.toBeNull();
    });
  });
});

describe("azure replay: content filtering", () => {
  test("finish_reason content_filter: finish content_filter, the category that fired in done.details, text before it kept", async () => {
    const cassette = await recording("content-filter-stream");
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "filtered", "azure", paramsFor(it, "chat", server.url));
      expect(result.error).toBeUndefined();
      expect(result.content).toBe("Oi");
      expect(result.done).toMatchObject({ finish_reason: "content_filter", raw_finish_reason: "content_filter" });
      expect(result.done!.details).toEqual({ content_filter: { violence: { filtered: true, severity: "medium" } } });
      expect(result.done!.usage).toMatchObject({ input_tokens: 19, output_tokens: 70, reasoning_tokens: 64, estimated: ["cache_write_tokens"] });
    });
  });

  test("prompt blocked (400 content_filter): INVALID_PARAMS naming the categories that fired, not retried", async () => {
    const cassette = await recording("content-filter-400");
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay([cassette, cassette], async (server) => {
      const result = await streamChat(harness, "blocked", "azure", paramsFor(it, "chat", server.url));
      expect(result.lines.length).toBe(1);
      expect(result.error).toMatchObject({ code: "INVALID_PARAMS", status: 400, retryable: false, partial: false, provider_type: "content_filter" });
      expect(result.error!.message).toContain("hate");
      expect(result.error!.message).toContain("violence");
      // Categories that did not fire are not named.
      expect(result.error!.message).not.toContain("self_harm");
      expect(result.error!.message).not.toContain("sexual");
      expect(server.requests.length).toBe(1);
    });
  });
});

describe("azure replay: URL surfaces, endpoint forms and auth headers", () => {
  test("api_version 2024-10-21: POST /openai/deployments/<deployment>/chat/completions?api-version=2024-10-21", async () => {
    const cassette = atPath(await recording("chat-text"), () => deploymentPath("gpt-5-mini", "2024-10-21"));
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "dated", "azure", paramsFor(it, "chat", server.url, { api_version: "2024-10-21" }));
      expect(result.content).toBe("Oi!");
      expect(result.done!.usage).toMatchObject({ input_tokens: 19, output_tokens: 76 });
      expect(server.requests[0]!.path).toBe("/openai/deployments/gpt-5-mini/chat/completions?api-version=2024-10-21");
      expect(server.requests[0]!.headers["api-key"]).toBe(KEY);
    });
  });

  test("a deployment name with a space is percent-encoded in the deployment URL", async () => {
    const cassette = atPath(await recording("chat-text"), () => deploymentPath("my%20chat", "2024-10-21"));
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "space", "azure", paramsFor(interaction(cassette, 0), "chat", server.url, { model: "my chat", api_version: "2024-10-21" }));
      expect(result.error).toBeUndefined();
      expect(server.requests[0]!.path).toBe("/openai/deployments/my%20chat/chat/completions?api-version=2024-10-21");
    });
  });

  test("Responses with a dated api_version: POST /openai/responses?api-version=… with the deployment as model", async () => {
    const cassette = atPath(await recording("responses-text"), () => "/openai/responses?api-version=2025-04-01-preview");
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "dated-r", "azure", paramsFor(it, "responses", server.url, { api_version: "2025-04-01-preview" }));
      expect(result.content).toBe("Olá!");
      expect(server.requests[0]!.path).toBe("/openai/responses?api-version=2025-04-01-preview");
      expect(sentBody(server).model).toBe("gpt-5-mini");
    });
  });

  test("AZURE_OPENAI_API_VERSION in the environment selects the dated surface", async () => {
    const cassette = atPath(await recording("chat-text"), () => deploymentPath("gpt-5-mini", "2024-06-01"));
    const harness = createHarness({ env: { AZURE_OPENAI_API_VERSION: "2024-06-01" } });
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "env-version", "azure", paramsFor(interaction(cassette, 0), "chat", server.url));
      expect(result.error).toBeUndefined();
      expect(server.requests[0]!.path).toBe(deploymentPath("gpt-5-mini", "2024-06-01"));
    });
  });

  // The portal shows the endpoint in several forms; all mean the resource root.
  test.each(["", "/", "/openai", "/openai/", "/openai/v1", "/openai/v1/"])("base_url = <resource>%s → /openai/v1/chat/completions", async (suffix) => {
    const cassette = await recording("chat-text");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "form", "azure", paramsFor(interaction(cassette, 0), "chat", `${server.url}${suffix}`));
      expect(result.error).toBeUndefined();
      expect(server.requests[0]!.path).toBe("/openai/v1/chat/completions");
    });
  });

  test("endpoint and key from AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY", async () => {
    const cassette = await recording("chat-text");
    const it = interaction(cassette, 0);
    await withReplay(cassette, async (server) => {
      const harness = createHarness({ env: { AZURE_OPENAI_ENDPOINT: `${server.url}/`, AZURE_OPENAI_API_KEY: KEY } });
      const params = chatParams(it.request.body as Json);
      const result = await streamChat(harness, "env", "azure", params);
      expect(result.content).toBe("Oi!");
      expect(server.requests[0]!.headers["api-key"]).toBe(KEY);
    });
  });

  test("AZURE_RESOURCE_NAME alone builds https://<name>.openai.azure.com/openai/v1/…", async () => {
    const seen: string[] = [];
    const unauthorized = interaction(await recording("error-401"), 0);
    const harness = createHarness({
      env: { AZURE_RESOURCE_NAME: "contoso-eastus" },
      fetch: (async (input: RequestInfo | URL) => {
        seen.push(input instanceof Request ? input.url : String(input));
        return new Response(JSON.stringify(recordedJson(unauthorized)), { status: 401, headers: { "content-type": "application/json" } });
      }) as typeof fetch,
    });
    const [line] = await harness.run({
      id: "rn",
      action: "stream_chat",
      provider: "azure",
      params: { model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }], credentials: { api_key: KEY } },
    });
    expect(line!.error).toMatchObject({ code: "AUTH_FAILED" });
    expect(seen).toEqual(["https://contoso-eastus.openai.azure.com/openai/v1/chat/completions"]);
  });

  test("azure_ad_token: authorization Bearer, and no api-key header", async () => {
    const cassette = await recording("chat-text");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "entra", "azure", paramsFor(interaction(cassette, 0), "chat", server.url, { credentials: { azure_ad_token: AD_TOKEN } }));
      expect(result.error).toBeUndefined();
      expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${AD_TOKEN}`);
      expect(server.requests[0]!.headers["api-key"]).toBeUndefined();
    });
    expect(everythingWritten(harness)).not.toContain(AD_TOKEN);
  });

  test("params.headers are passed through next to api-key", async () => {
    const cassette = await recording("chat-text");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const headers = { "x-ms-client-request-id": "replay-0001", "aoai-evals": "preview" };
      const result = await streamChat(harness, "hdr", "azure", paramsFor(interaction(cassette, 0), "chat", server.url, { headers }));
      expect(result.error).toBeUndefined();
      expect(pick(server.requests[0]!.headers, Object.keys(headers))).toEqual(headers);
      expect(server.requests[0]!.headers["api-key"]).toBe(KEY);
    });
  });

  test("a redirect is not followed with the key attached", async () => {
    const text = await recording("chat-text");
    const it = interaction(text, 0);
    // A 307 to another path on the same server; a following client would send the key there.
    const redirect: Cassette = {
      ...text,
      interactions: [
        { request: it.request, response: { status: 307, headers: { location: "/elsewhere/chat/completions" } }, body: [{ chunk: new TextEncoder().encode("") }] },
        { ...it, request: { ...it.request, path: "/elsewhere/chat/completions" } },
      ],
    };
    const harness = createHarness();
    await withReplay(redirect, async (server) => {
      const result = await streamChat(harness, "redir", "azure", paramsFor(it, "chat", server.url, { max_retries: 0 }));
      expect(result.error).toMatchObject({ status: 307, retryable: false });
      expect(server.requests.map((r) => r.path)).toEqual(["/openai/v1/chat/completions"]);
    });
  });
});

describe("azure replay: errors", () => {
  test("DeploymentNotFound → NOT_FOUND naming the deployment, not retried", async () => {
    const cassette = await recording("deployment-not-found-404");
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay([cassette, cassette], async (server) => {
      const result = await streamChat(harness, "nodep", "azure", paramsFor(it, "chat", server.url));
      expect(sentBody(server).model).toBe("gpt-5-mini-prod");
      expect(result.lines.length).toBe(1);
      expect(result.error).toMatchObject({ code: "NOT_FOUND", status: 404, retryable: false, partial: false, provider_type: "DeploymentNotFound" });
      expect(result.error!.message).toContain('"gpt-5-mini-prod"');
      expect(result.error!.message).toContain("deployment");
      expect(server.requests.length).toBe(1);
    });
  });

  test("plain 404 'Resource not found' → NOT_FOUND naming the endpoint and the api version", async () => {
    const cassette = await recording("resource-not-found-404");
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "nores", "azure", paramsFor(it, "chat", server.url, { api_version: "2024-10-21" }));
      expect(server.requests[0]!.path).toBe(it.request.path);
      expect(result.error).toMatchObject({ code: "NOT_FOUND", status: 404, retryable: false });
      expect(result.error!.message).toContain(server.url);
      expect(result.error!.message).toContain("2024-10-21");
      expect(result.error!.message).toContain("Resource not found");
    });
  });

  test.each([
    { file: "api-version-400", version: "2023-01-01", deployment: "gpt-5-mini", recorded: "API version not supported" },
    { file: "api-version-model-400", version: "2024-10-21", deployment: "o3-mini", recorded: "enabled only for api versions 2024-12-01-preview and later" },
  ])("$file: INVALID_PARAMS naming the api version $version", async ({ file, version, deployment, recorded }) => {
    const cassette = await recording(file);
    const it = interaction(cassette, 0);
    expect(JSON.stringify(recordedJson(it))).toContain(recorded);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, file, "azure", paramsFor(it, "chat", server.url, { api_version: version }));
      expect(server.requests[0]!.path).toBe(deploymentPath(deployment, version));
      expect(result.error).toMatchObject({ code: "INVALID_PARAMS", status: 400, retryable: false, provider_type: "BadRequest" });
      expect(result.error!.message).toContain(`"${version}"`);
      expect(result.error!.message).toContain(recorded);
    });
  });

  test("429 with retry-after (seconds) on the dated surface: one retry chunk of 2000 ms, then the whole answer", async () => {
    const cassette = await recording("rate-limit-429-then-success");
    const limited = interaction(cassette, 0);
    expect(limited.response.headers["retry-after"]).toBe("2");
    expect(limited.response.headers["retry-after-ms"]).toBeUndefined();
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const result = await streamChat(harness, "rl", "azure", paramsFor(limited, "chat", server.url, { api_version: "2024-10-21" }));
      expect(result.retries).toEqual([{ type: "retry", attempt: 1, delay_ms: 2000, reason: expect.stringContaining("RATE_LIMITED") }]);
      expect(harness.sleeps).toEqual([2000]);
      expect(result.content).toBe("Oi!");
      expect(result.done).toMatchObject({ finish_reason: "stop" });
      expect(result.done!.usage).toMatchObject({ input_tokens: 19, output_tokens: 76, reasoning_tokens: 64 });
      // The 429's message mentions "API version"; it must stay a rate limit, not an api-version error.
      expect(result.retries[0]!.reason).not.toContain("INVALID_PARAMS");
      expect(server.requests.map((r) => r.path)).toEqual([deploymentPath("gpt-5-mini", "2024-10-21"), deploymentPath("gpt-5-mini", "2024-10-21")]);
    });
  });

  test("401 → AUTH_FAILED with Azure's message, not retried, the key nowhere in the output", async () => {
    const cassette = await recording("error-401");
    const it = interaction(cassette, 0);
    const harness = createHarness();
    await withReplay([cassette, cassette], async (server) => {
      const result = await streamChat(harness, "401", "azure", paramsFor(it, "chat", server.url));
      expect(result.lines.length).toBe(1);
      expect(result.error).toMatchObject({ code: "AUTH_FAILED", status: 401, retryable: false, partial: false });
      expect(result.error!.message).toContain("Access denied due to invalid subscription key or wrong API endpoint");
      expect(server.requests.length).toBe(1);
    });
    expect(everythingWritten(harness)).not.toContain(KEY);
  });

  test("no endpoint anywhere → INVALID_REQUEST with field params.base_url, no request", async () => {
    const harness = createHarness();
    const [line] = await harness.run({
      id: "noep",
      action: "stream_chat",
      provider: "azure",
      params: { model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }], credentials: { api_key: KEY } },
    });
    expect(line).toMatchObject({ id: "noep", success: false, error: { code: "INVALID_REQUEST", field: "params.base_url" } });
  });

  test("no key and no token anywhere → AUTH_REQUIRED, no request", async () => {
    const cassette = await recording("chat-text");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({
        id: "nokey",
        action: "stream_chat",
        provider: "azure",
        params: { model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }], base_url: server.url },
      });
      expect(line).toMatchObject({ id: "nokey", success: false, error: { code: "AUTH_REQUIRED" } });
      expect(server.requests.length).toBe(0);
    });
  });
});

// ---------------------------------------------------------------------------

describe("azure replay: list_models", () => {
  test("the resource's ready chat deployments, each priced by the model behind it", async () => {
    const cassette = await recording("deployments");
    const recorded = recordedJson(interaction(cassette, 0)).data as Json[];
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({ id: "m", action: "list_models", provider: "azure", params: { base_url: server.url, credentials: { api_key: KEY } } });
      expect(line?.success).toBe(true);
      const models = line!.data as Json[];
      // Recorded: six deployments; the embeddings one cannot chat and gpt-41-rollout is still `running`.
      expect(models.map((m) => [m.id, m.model])).toEqual([
        ["gpt-4o", "gpt-4o"],
        ["contoso-support-bot", "gpt-5-mini"],
        ["reasoning", "o4-mini"],
        ["team-experiment", "gpt-oss-120b"],
      ]);
      for (const model of models) {
        const deployed = recorded.find((d) => d.id === model.id)!;
        const known = catalogData(deployed.model);
        if (known === undefined) {
          expect(model).toMatchObject({ source: "api", cost: null, name: "team-experiment (gpt-oss-120b)" });
        } else {
          expect(model.source).toBe("both");
          expect(model.cost.input).toBe(known.price!.input);
          expect(model.cost.output).toBe(known.price!.output);
          expect(model.context_length).toBe(known.context_length);
          expect(model.name).toBe(model.id === deployed.model ? known.name : `${model.id} (${known.name})`);
        }
      }
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /openai/deployments?api-version=2023-03-15-preview"]);
      expect(server.requests[0]!.headers["api-key"]).toBe(KEY);
    });
  });

  test("an Entra token lists deployments too (bearer, no api-key)", async () => {
    const harness = createHarness();
    await withReplay(await recording("deployments"), async (server) => {
      const [line] = await harness.run({ id: "m", action: "list_models", provider: "azure", params: { base_url: server.url, credentials: { azure_ad_token: AD_TOKEN } } });
      expect(line?.success).toBe(true);
      expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${AD_TOKEN}`);
      expect(server.requests[0]!.headers["api-key"]).toBeUndefined();
    });
  });

  test("no deployments route (404): the chat models of /openai/v1/models merged with the catalog", async () => {
    const cassette = await recording("models");
    const listed = (recordedJson(interaction(cassette, 0)).data as Json[]).map((m) => m.id);
    expect(listed).toContain("text-embedding-3-small");
    const harness = createHarness();
    await withReplay([await recording("deployments-404"), cassette], async (server) => {
      const [line] = await harness.run({ id: "m", action: "list_models", provider: "azure", params: { base_url: server.url, credentials: { api_key: KEY } } });
      expect(line?.success).toBe(true);
      const models = line!.data as Json[];
      // Recorded chat_completion: true for exactly these four.
      expect(models.map((m) => m.id).sort()).toEqual(["gpt-4o-2024-08-06", "gpt-4o-2024-11-20", "gpt-5-mini-2025-08-07", "o4-mini-2025-04-16"]);
      for (const model of models) {
        const known = catalogData(model.id);
        if (known === undefined) {
          expect(model.source).toBe("api");
          expect(model.cost).toBeNull();
        } else {
          expect(model.source).toBe("both");
          expect(model.cost.input).toBe(known.price!.input);
          expect(model.cost.output).toBe(known.price!.output);
        }
      }
      expect(models.find((m) => m.id === "gpt-4o-2024-11-20")!.source).toBe("api");
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /openai/deployments?api-version=2023-03-15-preview", "GET /openai/v1/models"]);
      expect(server.requests[1]!.headers["api-key"]).toBe(KEY);
      expect(server.requests[1]!.headers.authorization).toBeUndefined();
    });
  });

  test("a rejected key is an error, not a silent fallback", async () => {
    const harness = createHarness();
    const refused = await recording("error-401");
    const asListing = { ...refused, interactions: refused.interactions.map((it) => ({ ...it, request: { ...it.request, method: "GET", path: "/openai/deployments" } })) };
    await withReplay(asListing, async (server) => {
      const [line] = await harness.run({ id: "m", action: "list_models", provider: "azure", params: { base_url: server.url, credentials: { api_key: KEY } } });
      expect(line!.error).toMatchObject({ code: "AUTH_FAILED", status: 401 });
      expect(server.requests.length).toBe(1);
    });
  });

  test.each([
    { what: "without credentials", params: (url: string) => ({ base_url: url }) },
    { what: "without an endpoint", params: () => ({ credentials: { api_key: KEY } }) },
  ])("$what: the catalog listing, and no request at all", async ({ params }) => {
    const cassette = await recording("models");
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({ id: "m", action: "list_models", provider: "azure", params: params(server.url) });
      const models = line!.data as Json[];
      expect(models.map((m) => m.id)).toContain("gpt-5-mini");
      for (const model of models) expect(model.source).toBe("catalog");
      expect(server.requests.length).toBe(0);
    });
  });
});

describe("azure replay: count_tokens", () => {
  test.each([
    // The classic-URL recording: a deployment named gpt-4o, usage.prompt_tokens 14.
    { file: "chat-deployment-url", recorded: 14 },
    // gpt-5-mini with a system prompt: usage.prompt_tokens 19 in the usage chunk.
    { file: "chat-text", recorded: 19 },
  ])("$file: a known deployment name counts with the tokenizer, equal to Azure's $recorded, without a request", async ({ file, recorded }) => {
    const cassette = await recording(file);
    const it = interaction(cassette, 0);
    const usage = file === "chat-text" ? recordedEvents(it).find((e) => e.data !== "[DONE]" && e.data.usage)!.data.usage : recordedJson(it).usage;
    expect(usage.prompt_tokens).toBe(recorded);
    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({
        id: "n",
        action: "count_tokens",
        provider: "azure",
        params: { ...chatParams(it.request.body as Json), base_url: server.url, credentials: { api_key: KEY } },
      });
      expect(line).toEqual({ id: "n", success: true, data: { input_tokens: recorded, exact: true, method: "tokenizer" } });
      expect(server.requests.length).toBe(0);
    });
  });

  test("a custom deployment name: an estimate, not exact", async () => {
    const it = interaction(await recording("chat-deployment-url"), 0);
    const harness = createHarness();
    const [line] = await harness.run({ id: "e", action: "count_tokens", provider: "azure", params: { ...chatParams(it.request.body as Json), model: "contoso-support-bot" } });
    expect(line!.success).toBe(true);
    expect(line!.data).toMatchObject({ exact: false, method: "estimate" });
    expect(line!.data.input_tokens).toBeGreaterThan(0);
  });
});

describe("azure replay: authenticate and logout", () => {
  test("a key the models endpoint accepts is stored and used by the next request; logout removes it", async () => {
    const cassette = await recording("models");
    const harness = createHarness();
    const files = harness.deps.files as unknown as { files: Map<string, string> };
    await withReplay([cassette, await recording("deployments")], async (server) => {
      // A gateway in front of the resource (APIM) may need its own header on the key check too.
      const headers = { "ocp-apim-subscription-key": "replay-gateway-0001" };
      const [line] = await harness.run({ id: "a", action: "authenticate", provider: "azure", params: { base_url: server.url, credentials: { api_key: KEY }, headers } });
      expect(line).toEqual({ id: "a", success: true, data: { type: "authenticated", provider: "azure", stored: true } });
      expect(server.requests[0]!.path).toBe("/openai/v1/models");
      expect(server.requests[0]!.headers["api-key"]).toBe(KEY);
      expect(server.requests[0]!.headers["ocp-apim-subscription-key"]).toBe("replay-gateway-0001");
      expect((JSON.parse(files.files.get(harness.deps.authFile)!) as Json).providers.azure).toEqual({ api_key: KEY });

      const [listed] = await harness.run({ id: "l2", action: "list_models", provider: "azure", params: { base_url: server.url } });
      expect(listed!.success).toBe(true);
      expect(server.requests[1]!.headers["api-key"]).toBe(KEY);
    });
    const [out] = await harness.run({ id: "l", action: "logout", provider: "azure" });
    expect(out).toEqual({ id: "l", success: true, data: { provider: "azure", removed: true } });
    expect((JSON.parse(files.files.get(harness.deps.authFile)!) as Json).providers.azure).toBeUndefined();
  });

  test("a rejected key (401) → AUTH_FAILED, nothing stored", async () => {
    const cassette = await recording("error-401");
    const harness = createHarness();
    const files = harness.deps.files as unknown as { files: Map<string, string> };
    // The recorded 401 answered a chat request; the same refusal answers the key check's GET.
    await withReplay(
      cassette,
      async (server) => {
        const [line] = await harness.run({ id: "a", action: "authenticate", provider: "azure", params: { base_url: server.url, credentials: { api_key: KEY } } });
        expect(line!.error).toMatchObject({ code: "AUTH_FAILED", status: 401, retryable: false });
        expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /openai/v1/models"]);
      },
      { strictPath: false },
    );
    expect(files.files.size).toBe(0);
    expect(everythingWritten(harness)).not.toContain(KEY);
  });

  test("an Entra ID token is checked but not stored (it expires within the hour)", async () => {
    const cassette = await recording("models");
    const harness = createHarness();
    const files = harness.deps.files as unknown as { files: Map<string, string> };
    await withReplay(cassette, async (server) => {
      const [line] = await harness.run({ id: "a", action: "authenticate", provider: "azure", params: { base_url: server.url, credentials: { azure_ad_token: AD_TOKEN } } });
      expect(line).toEqual({ id: "a", success: true, data: { type: "authenticated", provider: "azure", stored: false } });
      expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${AD_TOKEN}`);
    });
    expect(files.files.size).toBe(0);
  });
});

describe("calculate_cost for a deployment name", () => {
  test("priced by the model behind it, asked once per resource (cached), and without provider options the name stays unpriced", async () => {
    const cassette = await recording("deployments");
    const gpt5mini = catalogData("gpt-5-mini")!;
    const harness = createHarness();
    const usage = { input_tokens: 1000, output_tokens: 100 };
    await withReplay(cassette, async (server) => {
      const options = { base_url: server.url, credentials: { api_key: KEY } };
      for (const id of ["c1", "c2"]) {
        const [line] = await harness.run({ id, action: "calculate_cost", provider: "azure", params: { model: "contoso-support-bot", usage, ...options } });
        expect(line?.success).toBe(true);
        expect(line!.data.input).toBeCloseTo((1000 * gpt5mini.price!.input!) / 1e6, 12);
        expect(line!.data.output).toBeCloseTo((100 * gpt5mini.price!.output!) / 1e6, 12);
      }
      expect(server.requests.length).toBe(1);
    });
    const [bare] = await harness.run({ id: "c3", action: "calculate_cost", provider: "azure", params: { model: "contoso-support-bot", usage } });
    expect(bare).toMatchObject({ success: true, data: null });
  });
});

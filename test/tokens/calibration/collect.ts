// Tooling script, run by hand (no test or build runs it):
//   node_modules/.bin/bun test/tokens/calibration/collect.ts [corpus-dir]
// Reads the recorded exchanges of shared/corpus (default /work/shared/corpus)
// and writes every (request, billed input tokens) pair it can read to
// test/fixtures/tokens/pairs/<provider>.json: the request as our wire's
// ChatParams (what count_tokens receives), the billed count, and where it
// came from (repo, path, commit, licence per SOURCES.md). Image data is
// dropped (media type and byte length kept) to keep the files small.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CORPUS, type RawExchange, readGoVcr, readPydanticVcr, readSourceTable } from "../../support/convert-shared.ts";
import { type Dialect, toChatParams, Unsupported } from "./convert.ts";
import { billedInput, responseValues } from "./usage.ts";

const OUT = join(import.meta.dir, "..", "..", "fixtures", "tokens", "pairs");
const SOURCES = readSourceTable(join(CORPUS, "SOURCES.md"));

interface Pair {
  id: string;
  provider: string;
  /** The provider id of this executable that serves the URL recorded (hosts bill the same model differently). */
  host: string;
  dialect: Dialect;
  endpoint: "generate" | "count";
  model: string;
  billed: number;
  has_images: boolean;
  params: unknown;
  source: Record<string, unknown>;
}

function dialectOf(url: string, body: Record<string, unknown>): { dialect: Dialect; endpoint: "generate" | "count" } | undefined {
  const path = new URL(url).pathname;
  if (path.endsWith("/messages/count_tokens")) return { dialect: "anthropic", endpoint: "count" };
  if (path.endsWith("/responses/input_tokens")) return { dialect: "responses", endpoint: "count" };
  if (path.endsWith(":countTokens")) return { dialect: "gemini", endpoint: "count" };
  if (path.endsWith("/count-tokens")) {
    const input = body["input"] as Record<string, unknown> | undefined;
    if (input?.["converse"] !== undefined) return { dialect: "converse", endpoint: "count" };
    return undefined; // invokeModel bodies inside count-tokens: read below only when Anthropic-shaped
  }
  if (path.endsWith("/chat/completions")) return { dialect: "chat", endpoint: "generate" };
  if (path.endsWith("/responses")) return { dialect: "responses", endpoint: "generate" };
  if (/:(stream)?[gG]enerateContent$/.test(path)) return { dialect: "gemini", endpoint: "generate" };
  if (/\/converse(-stream)?$/.test(path)) return { dialect: "converse", endpoint: "generate" };
  if (path.endsWith("/v1/messages") || /:(stream)?[rR]awPredict$/.test(path)) return { dialect: "anthropic", endpoint: "generate" };
  if (/\/invoke(-with-response-stream)?$/.test(path) && body["anthropic_version"] !== undefined) return { dialect: "anthropic", endpoint: "generate" };
  return undefined;
}

/** Bedrock and Vertex name the model in the URL, the others in the body. */
function modelOf(url: string, body: Record<string, unknown>): string | undefined {
  if (typeof body["model"] === "string") return body["model"];
  const path = decodeURIComponent(new URL(url).pathname);
  return /\/model\/([^/]+)\//.exec(path)?.[1] ?? /\/models\/([^/:]+):/.exec(path)?.[1];
}

/**
 * Request fields that make the provider bill input our wire cannot send
 * (count_tokens never sees them), so the bill would not be the count's to
 * match: output schemas, server-side MCP and search, gateway presets.
 */
function billedExtra(body: Record<string, unknown>): string | undefined {
  const format = (body["response_format"] as Record<string, unknown> | undefined)?.["type"];
  if (format !== undefined && format !== "text") return `response_format ${String(format)}`;
  const text = (body["text"] as Record<string, unknown> | undefined)?.["format"] as Record<string, unknown> | undefined;
  if (text !== undefined && text["type"] !== "text") return "text.format";
  for (const field of [
    "output_format",
    "output_config",
    "outputConfig",
    "mcp_servers",
    "plugins",
    "preset",
    "container",
    "context_management",
    "web_search_options",
    "search_parameters",
    "prediction",
  ]) {
    if (body[field] !== undefined && body[field] !== null) return field;
  }
  const generation = body["generationConfig"] as Record<string, unknown> | undefined;
  for (const field of ["responseSchema", "responseJsonSchema", "_responseJsonSchema", "response_schema", "response_json_schema"])
    if (generation?.[field] !== undefined) return `generationConfig.${field}`;
  if (Array.isArray(body["models"])) return "OpenRouter fallback models (the bill may be another model's)";
  if (typeof body["model"] === "string" && body["model"].startsWith("compound")) return "groq compound (server-side search billed as input)";
  return undefined;
}

const HOSTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^api\.openai\.com$/, "openai"],
  [/\.openai\.azure\.com$/, "azure"],
  [/^api\.anthropic\.com$/, "anthropic"],
  [/^generativelanguage\.googleapis\.com$/, "google"],
  [/aiplatform\.googleapis\.com$/, "vertex"],
  [/^bedrock-runtime\./, "bedrock"],
  [/^openrouter\.ai$/, "openrouter"],
  [/^api\.groq\.com$/, "groq"],
  [/^api\.x\.ai$/, "xai"],
  [/^api\.mistral\.ai$/, "mistral"],
  [/^api\.deepseek\.com$/, "deepseek"],
  [/^api\.cerebras\.ai$/, "cerebras"],
  [/^router\.huggingface\.co$/, "huggingface"],
  [/^api\.z\.ai$/, "zai"],
  [/^api\.avian\.io$/, "avian"],
  // fantasy's llama.cpp recordings (TestOpenAICompatible*__llama-cpp-*) ran against a local llama-server.
  [/^localhost:8080$/, "llamacpp"],
];

function hostOf(url: string, provider: string): string {
  const host = new URL(url).host;
  return HOSTS.find(([pattern]) => pattern.test(host))?.[1] ?? provider;
}

function exchangesOf(file: string): RawExchange[] | undefined {
  const text = readFileSync(join(CORPUS, file), "utf8");
  if (!file.endsWith(".yaml") && !file.endsWith(".yml")) return undefined;
  try {
    if (/^version: 2$/m.test(text)) return readGoVcr(file);
    if (/^interactions:/m.test(text)) return readPydanticVcr(file);
  } catch (error) {
    // A cassette the shared readers cannot take (an interaction without a response): reported, not fatal.
    console.warn(`${file}: unreadable (${String(error)})`);
  }
  return undefined;
}

const pairs = new Map<string, Pair[]>();
const skipped = new Map<string, number>();
const skip = (why: string) => skipped.set(why, (skipped.get(why) ?? 0) + 1);

for (const provider of readdirSync(CORPUS).sort()) {
  if (provider === "eventstream-vectors" || provider.endsWith(".md")) continue;
  for (const origin of readdirSync(join(CORPUS, provider)).sort()) {
    for (const name of readdirSync(join(CORPUS, provider, origin)).sort()) {
      const file = `${provider}/${origin}/${name}`;
      const exchanges = exchangesOf(file);
      if (exchanges === undefined) continue;
      exchanges.forEach((x, interaction) => {
        const pair = readPair(provider, file, x, interaction);
        if (typeof pair === "string") skip(pair);
        else if (pair !== undefined) add(pair);
      });
    }
  }
}

function add(pair: Pair): void {
  const list = pairs.get(pair.provider) ?? [];
  // The same request recorded twice with the same bill (a retry, a count before the call) is one pair.
  const key = JSON.stringify([pair.params, pair.billed]);
  if (!list.some((p) => JSON.stringify([p.params, p.billed]) === key)) list.push(pair);
  pairs.set(pair.provider, list);
}

/** The pair an exchange makes, the reason it makes none, or undefined for an exchange that is no chat request at all. */
function readPair(provider: string, file: string, x: RawExchange, interaction: number): Pair | string | undefined {
  const row = SOURCES.get(file)?.row;
  if (x.status !== 200 || typeof x.requestBody !== "object" || x.requestBody === null) return undefined;
  let body = x.requestBody as Record<string, unknown>;
  let route = dialectOf(x.url, body);
  // Bedrock CountTokens wraps an InvokeModel body as a base64 string.
  const invoke = ((body["input"] as Record<string, unknown> | undefined)?.["invokeModel"] as Record<string, unknown> | undefined)?.["body"];
  if (route === undefined && typeof invoke === "string") {
    body = JSON.parse(Buffer.from(invoke, "base64").toString("utf8")) as Record<string, unknown>;
    if (body["anthropic_version"] !== undefined) route = { dialect: "anthropic", endpoint: "count" };
  } else if (route?.dialect === "converse" && route.endpoint === "count") {
    body = (body["input"] as Record<string, unknown>)["converse"] as Record<string, unknown>;
  }
  if (route === undefined) return "not a chat or count request";
  const extra = billedExtra(body);
  if (extra !== undefined) return extra;
  const model = modelOf(x.url, body) ?? modelOf(x.url, x.requestBody as Record<string, unknown>);
  if (model === undefined) return "no model";
  const billed = billedInput(route.dialect, route.endpoint, responseValues(x));
  if (billed === undefined) return `no usage (${route.dialect})`;
  let converted: ReturnType<typeof toChatParams>;
  try {
    converted = toChatParams(route.dialect, body, model);
  } catch (error) {
    if (error instanceof Unsupported) return error.message;
    throw new Error(`${file}#${interaction}`, { cause: error });
  }
  return {
    id: `${file}#${interaction}`,
    provider,
    host: hostOf(x.url, provider),
    dialect: route.dialect,
    endpoint: route.endpoint,
    model,
    billed,
    has_images: converted.hasImages,
    params: converted.params,
    source: row === undefined ? { corpus_file: file, interaction } : { repo: row.source, path: row.path, commit: row.commit, license: row.license, corpus_file: file, interaction },
  };
}

mkdirSync(OUT, { recursive: true });
for (const [provider, list] of pairs) {
  const file = {
    description: `Recorded ${provider} requests (as count_tokens params) with the input tokens the provider billed for them. Written by test/tokens/calibration/collect.ts; do not edit by hand.`,
    provenance:
      "Each pair: source.repo/path/commit/license from shared/corpus/SOURCES.md (the corpus holds the upstream file byte for byte), corpus_file and interaction index. billed = the response's input-token usage (prompt_tokens, input_tokens plus Anthropic/Bedrock cache reads and writes, promptTokenCount) or a counting endpoint's answer. Image bytes are replaced by their length.",
    pairs: list,
  };
  writeFileSync(join(OUT, `${provider}.json`), `${JSON.stringify(file, null, 1)}\n`);
}
const total = [...pairs.values()].reduce((n, l) => n + l.length, 0);
console.log(`${total} pairs:`, Object.fromEntries([...pairs].map(([p, l]) => [p, l.length])));
console.log("skipped:", Object.fromEntries(skipped));

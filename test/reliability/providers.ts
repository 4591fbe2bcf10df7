/**
 * The providers of the reliability matrix, one row each: which recorded
 * stream is the clean answer, how to call the provider against a loopback
 * URL with canary credentials, how to read the visible text out of the
 * recorded body (by hand, per the providers' documented formats; Bedrock
 * frames with the AWS SDK's own codec), and the dialect's native error
 * answers. Copilot's row also answers the calls around its chat request
 * (token exchange, model list) on the side, so only chat attempts count.
 */
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ProviderId } from "../../src/catalog/catalog.ts";
import { bodyBytes, bodyText, loadCassette, parseCassette, type Interaction } from "../support/cassette.ts";
import type { CleanAnswer, Dialect, Received, SideRoutes, Step, Unit } from "./fault-server.ts";

export const RECORDINGS = join(import.meta.dir, "..", "..", "recordings");

type Json = Record<string, any>;

/**
 * Canary credentials: recognisable, never valid, spelled so no scanner takes
 * them for live keys (AKID marker, dotted sk-proj / ya29 / gho_ forms).
 */
export const CANARY = {
  anthropic: "sk-ant-CANARY-reliability-matrix-0000000000000000",
  openai: "sk-proj-CANARY.not.a.key.reliability.0001",
  azure: "azure-CANARY.not.a.key.reliability.0002",
  awsAccessKeyId: "AKIDCANARYRELIABILITY1",
  awsSecret: "CANARY.aws.secret.not.a.key.0003",
  awsSession: "CANARY.aws.session.not.a.token.0004",
  google: "ya29.fake.CANARY.not.a.token.0005",
  github: "gho_CANARY.not.a.token.reliability.0006",
  groq: "groq-CANARY.not.a.key.reliability.0007",
  ollama: "ollama-CANARY.not.a.key.reliability.0008",
} as const;

/**
 * The Copilot tokens the fake exchange hands out (the n-th of the row): the layout of copilotToken() in
 * test/providers/copilot-fake.ts, with the marker, so the scan catches them like the planted credentials.
 */
export function copilotCanary(n: number): string {
  return `tid=CANARY.not.a.copilot.token.${n};exp=0;sku=fake;proxy-ep=proxy.fake.test;8kp=1:fake`;
}

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);
const base64Of = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

/** Every byte as %XX: percent-encoding that changes even the characters encodeURIComponent keeps. */
function percentEveryByte(text: string): string {
  return [...bytesOf(text)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
}

/**
 * The forms a server may echo `value` in besides the plain one: base64, standard and URL-safe, with the value
 * at each of the 3 byte offsets of the encoded data (only the characters carrying nothing but its bits, so they
 * appear inside any encoding of a longer text), and percent-encoded (encodeURIComponent, every byte escaped).
 */
function encodedForms(value: string): string[] {
  const length = bytesOf(value).length;
  const forms = new Set<string>();
  for (const pad of [0, 1, 2]) {
    const standard = base64Of(bytesOf(`${"\0".repeat(pad)}${value}\0\0`)).slice(Math.ceil((8 * pad) / 6), Math.floor((8 * (pad + length)) / 6));
    forms.add(standard);
    forms.add(standard.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  forms.add(encodeURIComponent(value));
  forms.add(percentEveryByte(value));
  forms.add(percentEveryByte(value).toLowerCase());
  forms.delete(value);
  return [...forms];
}

/**
 * Every planted value, plus the marker itself: a partial echo (a masked key keeps its middle) must not pass
 * either; and each of them encoded (issue 16, item 4).
 */
const PLAIN_NEEDLES = [...Object.values(CANARY), "tid=CANARY.not.a.copilot.token.", "CANARY"];
export const CANARY_NEEDLES: string[] = [...PLAIN_NEEDLES, ...PLAIN_NEEDLES.flatMap(encodedForms)];

/** Where a canary appears in `text`, as short excerpts (empty when clean). */
export function canaryHits(text: string): string[] {
  const hits: string[] = [];
  for (const needle of CANARY_NEEDLES) {
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
      hits.push(`${needle} in …${text.slice(Math.max(0, at - 60), at + needle.length + 20)}…`);
    }
  }
  return hits;
}

const MESSAGES = [{ role: "user", content: "Say hi in Portuguese" }];

export interface ProviderRow {
  id: ProviderId;
  /** recordings/<cassette>.ndjson, interaction 0 is the clean streaming answer. */
  cassette: string;
  dialect: Dialect;
  /** stream_chat params against a loopback base URL, with canary credentials. */
  params(url: string): Json;
  /** The same without credentials, for the binary, which takes them from `env`. */
  envParams(url: string): Json;
  env: Record<string, string>;
  /** The recorded body cut into events/frames with their visible text. */
  units(body: Uint8Array): Unit[];
  /** Requests around the chat request answered with fixed good answers, never faulted nor counted (Copilot). */
  side?: SideRoutes;
  /**
   * Attempts an authentication failure gets: 1, or 2 where the provider documents one retry with a new
   * credential (Copilot: README "GitHub Copilot set-up", a 401 drops the Copilot token and retries once).
   */
  authAttempts?: number;
  /** An authentication failure that echoes the credential the server received, as OpenAI's 401 does. */
  authFailure(headers: Record<string, string>): { status: number; headers: Record<string, string>; body: string };
}

// ---------------------------------------------------------------------------
// Readers: SSE split at blank lines, event-stream split at frame lengths.

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

function sseUnits(body: Uint8Array, textOf: (event: string | undefined, data: any) => string): Unit[] {
  const text = utf8.decode(body);
  const units: Unit[] = [];
  const boundary = /\r?\n\r?\n/g;
  let start = 0;
  for (let match = boundary.exec(text); match !== null; match = boundary.exec(text)) {
    const end = match.index + match[0].length;
    units.push(sseUnit(text.slice(start, end), textOf));
    start = end;
  }
  if (start < text.length) units.push({ bytes: encoder.encode(text.slice(start)), text: "" });
  return units;
}

function sseUnit(block: string, textOf: (event: string | undefined, data: any) => string): Unit {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  let parsed: unknown;
  try {
    parsed = data.length === 0 ? undefined : JSON.parse(data.join("\n"));
  } catch {
    parsed = undefined; // [DONE]
  }
  return { bytes: encoder.encode(block), text: parsed === undefined ? "" : textOf(event, parsed) };
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function frameUnits(body: Uint8Array): Unit[] {
  const units: Unit[] = [];
  let at = 0;
  while (at + 4 <= body.length) {
    const total = new DataView(body.buffer, body.byteOffset + at, 4).getUint32(0);
    const bytes = body.slice(at, at + total);
    const message = codec.decode(bytes);
    const type = message.headers[":event-type"]?.value;
    const payload = JSON.parse(toUtf8(message.body)) as Json;
    const text = type === "contentBlockDelta" && typeof payload.delta?.text === "string" ? (payload.delta.text as string) : "";
    units.push({ bytes, text });
    at += total;
  }
  if (at !== body.length) throw new Error("event-stream body does not end on a frame boundary");
  return units;
}

function eventFrame(eventType: string, payload: string): Uint8Array {
  return codec.encode({
    headers: {
      ":event-type": { type: "string", value: eventType },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "event" },
    },
    body: fromUtf8(payload),
  });
}

// ---------------------------------------------------------------------------
// Native error answers, shaped as each provider documents them.

const ANTHROPIC_TYPES: Record<number, string> = {
  401: "authentication_error",
  429: "rate_limit_error",
  500: "api_error",
  502: "api_error",
  503: "api_error",
  529: "overloaded_error",
};
const GOOGLE_STATUS: Record<number, string> = { 401: "UNAUTHENTICATED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "UNKNOWN", 503: "UNAVAILABLE", 529: "UNKNOWN" };
const AWS_EXCEPTIONS: Record<number, string> = {
  403: "UnrecognizedClientException",
  429: "ThrottlingException",
  500: "InternalServerException",
  503: "ServiceUnavailableException",
};

function openaiError(status: number, message: string): { headers: Record<string, string>; body: string } {
  const type = status === 429 ? "requests" : status === 401 ? "invalid_request_error" : "server_error";
  const code = status === 429 ? "rate_limit_exceeded" : status === 401 ? "invalid_api_key" : null;
  const text = status === 503 ? "The engine is currently overloaded, please try again later." : message;
  return { headers: { "content-type": "application/json", "x-request-id": `req_fault${status}` }, body: JSON.stringify({ error: { message: text, type, param: null, code } }) };
}

const anthropicDialect: Dialect = {
  framing: "sse",
  brokenJsonUnit: () => encoder.encode(`event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"BROKEN\n\n`),
  errorAnswer: (status, message) => ({
    headers: { "content-type": "application/json", "request-id": `req_fault${status}` },
    body: JSON.stringify({ type: "error", error: { type: ANTHROPIC_TYPES[status] ?? "api_error", message }, request_id: `req_fault${status}` }),
  }),
};

const openaiDialect: Dialect = {
  framing: "sse",
  brokenJsonUnit: () => encoder.encode(`data: {"id":"chatcmpl-x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"BROKEN\n\n`),
  errorAnswer: openaiError,
};

const bedrockDialect: Dialect = {
  framing: "event-stream",
  brokenJsonUnit: () => eventFrame("contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"BROKEN`),
  errorAnswer: (status, message) => {
    const exception = AWS_EXCEPTIONS[status];
    const headers: Record<string, string> = { "content-type": "application/json", "x-amzn-requestid": `fault-${status}` };
    if (exception !== undefined) headers["x-amzn-errortype"] = `${exception}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
    return { headers, body: JSON.stringify({ message: status === 503 ? "Bedrock is unable to process your request." : message }) };
  },
};

const vertexDialect: Dialect = {
  framing: "sse",
  brokenJsonUnit: () => encoder.encode(`data: {"candidates": [{"content": {"role": "model","parts": [{"text": "BROKEN\r\n\r\n`),
  errorAnswer: (status, message) => ({
    headers: { "content-type": "application/json; charset=UTF-8" },
    body: JSON.stringify({
      error: { code: status, message: status === 503 ? "The model is overloaded. Please try again later." : message, status: GOOGLE_STATUS[status] ?? "UNKNOWN" },
    }),
  }),
};

const anthropicText = (_event: string | undefined, data: Json): string =>
  data.type === "content_block_delta" && data.delta?.type === "text_delta" ? (data.delta.text as string) : "";
const chatText = (_event: string | undefined, data: Json): string => (data.choices?.[0]?.delta?.content as string | undefined) ?? "";
const geminiText = (_event: string | undefined, data: Json): string =>
  ((data.candidates?.[0]?.content?.parts ?? []) as Json[])
    .filter((p) => p.thought !== true && typeof p.text === "string")
    .map((p) => p.text as string)
    .join("");

/**
 * The credential a request carried, whatever header the provider uses, echoed as is, base64-encoded and
 * percent-encoded, as careless or hostile servers do.
 */
function presented(headers: Record<string, string>): string {
  const value = headers["x-api-key"] ?? headers["api-key"] ?? headers.authorization ?? "";
  return `${value} (seen as ${base64Of(bytesOf(value))}, ${base64Of(bytesOf(`k=${value}`)).replace(/=+$/, "")} and ${percentEveryByte(value)})`;
}

// ---------------------------------------------------------------------------
// Copilot: the GitHub token exchange and /models answered on the side.

/** Chat Completions only in the recorded /models (no /v1/messages, no /responses), policy enabled: the openai dialect, no policy call. */
const COPILOT_MODEL = "gemini-3.1-pro-preview";
const COPILOT_MODELS = parseCassette(readFileSync(join(RECORDINGS, "copilot", "models.ndjson"), "utf8")).interactions[0]!;

function jsonSteps(body: unknown, headers: Record<string, string> = { "content-type": "application/json" }): Step[] {
  return [{ do: "head", status: 200, headers }, { do: "write", bytes: encoder.encode(typeof body === "string" ? body : JSON.stringify(body)) }, { do: "end" }];
}

/**
 * GitHub's exchange (a fresh canary Copilot token each time, as copilot-fake.ts does) and Copilot's recorded
 * model list. The token answer has `refresh_in` but no `expires_at`, so its lifetime is read on the harness's
 * clock, whatever that is; `endpoints.api` names this server (params.base_url overrides it anyway).
 */
function copilotSide(): SideRoutes {
  let issued = 0;
  return (request: Received) => {
    const path = request.path.split("?")[0]!;
    if (request.method === "GET" && path === "/copilot_internal/v2/token") {
      issued++;
      return jsonSteps({ chat_enabled: true, endpoints: { api: `http://${request.headers.host}` }, refresh_in: 1500, sku: "fake", token: copilotCanary(issued) });
    }
    if (request.method === "GET" && path === "/models") return jsonSteps(bodyText(COPILOT_MODELS), COPILOT_MODELS.response.headers);
    return undefined;
  };
}

export const PROVIDERS: ProviderRow[] = [
  {
    id: "anthropic",
    cassette: "anthropic/text",
    dialect: anthropicDialect,
    params: (url) => ({ model: "claude-sonnet-4-20250514", base_url: url, credentials: { api_key: CANARY.anthropic }, messages: MESSAGES }),
    envParams: (url) => ({ model: "claude-sonnet-4-20250514", base_url: url, messages: MESSAGES }),
    env: { ANTHROPIC_API_KEY: CANARY.anthropic },
    units: (body) => sseUnits(body, anthropicText),
    authFailure: (headers) => ({ status: 401, ...anthropicDialect.errorAnswer(401, `invalid x-api-key ${presented(headers)}`) }),
  },
  {
    id: "openai",
    cassette: "openai/chat-text",
    dialect: openaiDialect,
    params: (url) => ({ model: "gpt-5", base_url: `${url}/v1`, api: "chat", credentials: { api_key: CANARY.openai }, messages: MESSAGES }),
    envParams: (url) => ({ model: "gpt-5", base_url: `${url}/v1`, api: "chat", messages: MESSAGES }),
    env: { OPENAI_API_KEY: CANARY.openai },
    units: (body) => sseUnits(body, chatText),
    authFailure: (headers) => ({
      status: 401,
      ...openaiError(401, `Incorrect API key provided: ${presented(headers).replace(/^Bearer /, "")}. You can find your API key at https://platform.openai.com/account/api-keys.`),
    }),
  },
  {
    id: "azure",
    cassette: "azure/chat-text",
    dialect: openaiDialect,
    params: (url) => ({ model: "gpt-5-mini", base_url: url, credentials: { api_key: CANARY.azure }, messages: MESSAGES }),
    envParams: (url) => ({ model: "gpt-5-mini", base_url: url, messages: MESSAGES }),
    env: { AZURE_OPENAI_API_KEY: CANARY.azure },
    units: (body) => sseUnits(body, chatText),
    authFailure: (headers) => ({
      status: 401,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ error: { code: "401", message: `Access denied due to invalid subscription key ${presented(headers)} or wrong API endpoint.` } }),
    }),
  },
  {
    id: "bedrock",
    cassette: "bedrock/text",
    dialect: bedrockDialect,
    params: (url) => ({
      model: "us.amazon.nova-micro-v1:0",
      base_url: url,
      region: "us-east-1",
      credentials: { access_key_id: CANARY.awsAccessKeyId, secret_access_key: CANARY.awsSecret, session_token: CANARY.awsSession },
      messages: MESSAGES,
    }),
    envParams: (url) => ({ model: "us.amazon.nova-micro-v1:0", base_url: url, region: "us-east-1", messages: MESSAGES }),
    env: { AWS_ACCESS_KEY_ID: CANARY.awsAccessKeyId, AWS_SECRET_ACCESS_KEY: CANARY.awsSecret, AWS_SESSION_TOKEN: CANARY.awsSession, AWS_EC2_METADATA_DISABLED: "true" },
    units: frameUnits,
    authFailure: (headers) => ({
      status: 403,
      ...bedrockDialect.errorAnswer(403, `The security token included in the request is invalid: ${headers["x-amz-security-token"] ?? ""} ${presented(headers)}`),
    }),
  },
  {
    id: "vertex",
    cassette: "vertex/gemini-text",
    dialect: vertexDialect,
    params: (url) => ({
      model: "gemini-2.5-pro",
      base_url: url,
      project: "test-project",
      location: "us-central1",
      credentials: { access_token: CANARY.google },
      messages: MESSAGES,
    }),
    // Vertex has no environment variable for a bare access token; the binary gets it in params too.
    envParams: (url) => ({
      model: "gemini-2.5-pro",
      base_url: url,
      project: "test-project",
      location: "us-central1",
      credentials: { access_token: CANARY.google },
      messages: MESSAGES,
    }),
    env: { METADATA_SERVER_DETECTION: "none" },
    units: (body) => sseUnits(body, geminiText),
    authFailure: (headers) => ({ status: 401, ...vertexDialect.errorAnswer(401, `Request had invalid authentication credentials (${presented(headers)}).`) }),
  },
  {
    id: "copilot",
    cassette: "copilot/chat-text",
    dialect: openaiDialect,
    params: (url) => ({ model: COPILOT_MODEL, base_url: url, github_api_url: url, credentials: { github_token: CANARY.github }, messages: MESSAGES }),
    envParams: (url) => ({ model: COPILOT_MODEL, base_url: url, github_api_url: url, messages: MESSAGES }),
    env: { GH_COPILOT_TOKEN: CANARY.github },
    units: (body) => sseUnits(body, chatText),
    side: copilotSide(),
    authAttempts: 2,
    // Copilot's expired-token 401 (recordings/copilot/error-401: text/plain), here naming the token it got.
    authFailure: (headers) => ({
      status: 401,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: `unauthorized: token expired: ${presented(headers).replace(/^Bearer /, "")}\n`,
    }),
  },
  {
    // An OpenAI-compatible service (src/providers/compatible/presets.ts): a Groq stream recorded by fantasy.
    id: "groq",
    cassette: "groq/text",
    dialect: openaiDialect,
    params: (url) => ({ model: "moonshotai/kimi-k2-instruct-0905", base_url: `${url}/openai/v1`, credentials: { api_key: CANARY.groq }, messages: MESSAGES }),
    envParams: (url) => ({ model: "moonshotai/kimi-k2-instruct-0905", base_url: `${url}/openai/v1`, messages: MESSAGES }),
    env: { GROQ_API_KEY: CANARY.groq },
    units: (body) => sseUnits(body, chatText),
    authFailure: (headers) => ({ status: 401, ...openaiError(401, `Invalid API Key: ${presented(headers).replace(/^Bearer /, "")}`) }),
  },
  {
    // A local server, here behind a proxy that wants a key; Ollama reads none from the environment, so the binary gets it in params too.
    id: "ollama",
    cassette: "ollama/text",
    dialect: openaiDialect,
    params: (url) => ({ model: "qwen2.5-coder:7b", base_url: `${url}/v1`, credentials: { api_key: CANARY.ollama }, messages: MESSAGES }),
    envParams: (url) => ({ model: "qwen2.5-coder:7b", base_url: `${url}/v1`, credentials: { api_key: CANARY.ollama }, messages: MESSAGES }),
    env: {},
    units: (body) => sseUnits(body, chatText),
    authFailure: (headers) => ({ status: 401, ...openaiError(401, `unauthorized: ${presented(headers)}`) }),
  },
];

/** Every row's environment at once: each provider's canaries are present while the others are exercised. */
export function allCanaryEnv(): Record<string, string> {
  return Object.assign({}, ...PROVIDERS.map((row) => row.env)) as Record<string, string>;
}

export function providerRow(id: ProviderRow["id"]): ProviderRow {
  const row = PROVIDERS.find((r) => r.id === id);
  if (row === undefined) throw new Error(`no provider row ${id}`);
  return row;
}

/** The clean answer of a row: interaction 0 of its cassette, cut into units. */
export async function cleanAnswer(row: ProviderRow): Promise<CleanAnswer> {
  const cassette = await loadCassette(join(RECORDINGS, `${row.cassette}.ndjson`));
  const it: Interaction = cassette.interactions[0]!;
  if (it.response.status !== 200) throw new Error(`${row.cassette}: interaction 0 is not a 200 stream`);
  return { status: 200, headers: it.response.headers, units: row.units(bodyBytes(it)) };
}

/** The whole visible text of a clean answer. */
export function fullText(answer: CleanAnswer): string {
  return answer.units.map((u) => u.text).join("");
}

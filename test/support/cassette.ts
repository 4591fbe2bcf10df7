// NDJSON HTTP cassettes: one file = one scenario, replayed by replay-server.ts.
// Format, redaction and provenance rules: recordings/README.md.
import { readFile } from "node:fs/promises";

export interface Interaction {
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown };
  response: { status: number; headers: Record<string, string> };
  body: BodyStep[];
}

export type BodyStep = { chunk: Uint8Array; t?: number } | { abort: "reset" } | { stall_ms: number };

export interface Cassette {
  scenario: string;
  provenance: Record<string, unknown>;
  interactions: Interaction[];
}

export const REDACTED = "<redacted>";

// Credential-bearing headers across the six providers (Copilot and GitHub use
// authorization; Azure api-key; Vertex/Gemini x-goog-api-key; Bedrock SigV4
// session tokens). Cookies are included because Cloudflare bot cookies and
// session cookies identify an account.
const SECRET_HEADERS = new Set(["authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie", "set-cookie", "x-amz-security-token", "proxy-authorization"]);

export function redactHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  }
  return out;
}

class CassetteError extends Error {
  constructor(line: number, message: string) {
    super(`cassette line ${line}: ${message}`);
    this.name = "CassetteError";
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function onlyKeys(line: number, what: string, o: Json, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw new CassetteError(line, `unexpected key "${k}" in ${what} (allowed: ${allowed.join(", ")})`);
    }
  }
}

function stringRecord(line: number, what: string, v: unknown): Record<string, string> {
  if (!isObject(v)) throw new CassetteError(line, `${what} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== "string") throw new CassetteError(line, `${what}["${k}"] must be a string`);
    out[k] = val;
  }
  return out;
}

function nonNegative(line: number, what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new CassetteError(line, `${what} must be a finite number >= 0`);
  }
  return v;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parseHeader(line: number, v: Json): Pick<Cassette, "scenario" | "provenance"> {
  onlyKeys(line, "header", v, ["cassette", "scenario", "provenance"]);
  if (v.cassette !== 1) throw new CassetteError(line, `header must have "cassette":1 (got ${JSON.stringify(v.cassette)})`);
  if (typeof v.scenario !== "string" || v.scenario === "") {
    throw new CassetteError(line, `header "scenario" must be a non-empty string`);
  }
  if (!isObject(v.provenance)) throw new CassetteError(line, `header "provenance" must be an object`);
  return { scenario: v.scenario, provenance: v.provenance };
}

function parseInteraction(line: number, v: Json): Interaction {
  onlyKeys(line, "interaction", v, ["request", "response"]);
  const rq = v.request;
  const rs = v.response;
  if (!isObject(rq)) throw new CassetteError(line, `"request" must be an object`);
  if (!isObject(rs)) throw new CassetteError(line, `"response" must be an object`);
  onlyKeys(line, "request", rq, ["method", "path", "headers", "body"]);
  onlyKeys(line, "response", rs, ["status", "headers"]);
  if (typeof rq.method !== "string" || !/^[A-Z]+$/.test(rq.method)) {
    throw new CassetteError(line, `request.method must be an upper-case HTTP method`);
  }
  if (typeof rq.path !== "string" || !rq.path.startsWith("/")) {
    throw new CassetteError(line, `request.path must be a string starting with "/"`);
  }
  if (typeof rs.status !== "number" || !Number.isInteger(rs.status) || rs.status < 100 || rs.status > 599) {
    throw new CassetteError(line, `response.status must be an integer 100..599`);
  }
  const request: Interaction["request"] = { method: rq.method, path: rq.path };
  if ("headers" in rq) request.headers = stringRecord(line, "request.headers", rq.headers);
  if ("body" in rq) request.body = rq.body;
  return {
    request,
    response: { status: rs.status, headers: stringRecord(line, "response.headers", rs.headers) },
    body: [],
  };
}

function parseStep(line: number, v: Json): BodyStep {
  if ("chunk" in v || "chunk_b64" in v) {
    onlyKeys(line, "chunk", v, ["chunk", "chunk_b64", "t"]);
    let bytes: Uint8Array;
    if ("chunk" in v) {
      if ("chunk_b64" in v) throw new CassetteError(line, `a chunk has either "chunk" or "chunk_b64", not both`);
      if (typeof v.chunk !== "string") throw new CassetteError(line, `"chunk" must be a string`);
      bytes = new TextEncoder().encode(v.chunk);
    } else {
      if (typeof v.chunk_b64 !== "string" || !BASE64.test(v.chunk_b64)) {
        throw new CassetteError(line, `"chunk_b64" must be padded standard base64`);
      }
      bytes = new Uint8Array(Buffer.from(v.chunk_b64, "base64"));
    }
    if ("t" in v) return { chunk: bytes, t: nonNegative(line, `"t"`, v.t) };
    return { chunk: bytes };
  }
  if ("abort" in v) {
    onlyKeys(line, "abort", v, ["abort"]);
    if (v.abort !== "reset") throw new CassetteError(line, `"abort" must be "reset"`);
    return { abort: "reset" };
  }
  if ("stall_ms" in v) {
    onlyKeys(line, "stall", v, ["stall_ms"]);
    return { stall_ms: nonNegative(line, `"stall_ms"`, v.stall_ms) };
  }
  throw new CassetteError(
    line,
    `expected an interaction ({"request","response"}) or a body step ("chunk", "chunk_b64", "abort", "stall_ms"); got keys ${JSON.stringify(Object.keys(v))}`,
  );
}

export function parseCassette(text: string): Cassette {
  const lines = text.split("\n");
  // One trailing newline is the normal end of file, not an empty record.
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  let head: Pick<Cassette, "scenario" | "provenance"> | undefined;
  const interactions: Interaction[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") throw new CassetteError(line, "empty line");
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      throw new CassetteError(line, `invalid JSON (${(e as Error).message})`);
    }
    if (!isObject(v)) throw new CassetteError(line, "each line must be a JSON object");
    if (head === undefined) {
      head = parseHeader(line, v);
      return;
    }
    if ("request" in v || "response" in v) {
      interactions.push(parseInteraction(line, v));
      return;
    }
    const current = interactions[interactions.length - 1];
    if (current === undefined) throw new CassetteError(line, "body step before the first interaction");
    current.body.push(parseStep(line, v));
  });
  if (head === undefined) throw new CassetteError(1, "empty cassette (no header line)");
  if (interactions.length === 0) throw new CassetteError(lines.length, "cassette has no interactions");
  return { scenario: head.scenario, provenance: head.provenance, interactions };
}

export async function loadCassette(path: string): Promise<Cassette> {
  const text = await readFile(path, "utf8");
  try {
    return parseCassette(text);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// Text chunks stay readable in diffs; anything that is not whole valid UTF-8
// (binary frames, or a chunk that splits a multi-byte character) goes as base64.
function chunkLine(step: { chunk: Uint8Array; t?: number }): Json {
  let line: Json;
  try {
    line = { chunk: strictUtf8.decode(step.chunk) };
  } catch {
    line = { chunk_b64: Buffer.from(step.chunk).toString("base64") };
  }
  if (step.t !== undefined) line.t = step.t;
  return line;
}

export function serializeCassette(c: Cassette): string {
  const out: string[] = [JSON.stringify({ cassette: 1, scenario: c.scenario, provenance: c.provenance })];
  for (const it of c.interactions) {
    const request: Json = { method: it.request.method, path: it.request.path };
    if (it.request.headers !== undefined) request.headers = it.request.headers;
    if (it.request.body !== undefined) request.body = it.request.body;
    out.push(JSON.stringify({ request, response: { status: it.response.status, headers: it.response.headers } }));
    for (const step of it.body) {
      out.push(JSON.stringify("chunk" in step ? chunkLine(step) : step));
    }
  }
  return `${out.join("\n")}\n`;
}

/** Concatenated body bytes of one interaction, for tests that need the whole body. */
export function bodyBytes(it: Interaction): Uint8Array {
  return concatBytes(it.body.flatMap((s) => ("chunk" in s ? [s.chunk] : [])));
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Concatenated body of one interaction decoded as UTF-8. */
export function bodyText(it: Interaction): string {
  return new TextDecoder().decode(bodyBytes(it));
}

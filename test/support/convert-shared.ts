// What the hand-run cassette converters (convert-*.ts) have in common:
// reading shared/corpus (SOURCES.md, the go-vcr and vcrpy YAML recordings),
// shaping recorded exchanges into cassette interactions, provenance records,
// and writing the cassettes plus their table in recordings/README.md. No test
// runs this.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Cassette, type Interaction, parseCassette, redactHeaders, serializeCassette } from "./cassette.ts";

export const CORPUS = process.argv[2] ?? "/work/shared/corpus";
const OUT = join(import.meta.dir, "..", "..", "recordings");

export type Json = Record<string, unknown>;
export type Provenance = Record<string, unknown>;

// ---------------------------------------------------------------- SOURCES.md

export interface SourceRow {
  source: string;
  path: string;
  commit: string;
  license: string;
}

/**
 * The rows of a sources table (shared/corpus/SOURCES.md, recordings/upstream/SOURCES.md):
 * by file, the cells "repo · `path`", commit and licence, and the text of the row after them.
 */
export function readSourceTable(file: string): Map<string, { row: SourceRow; rest: string }> {
  const rows = new Map<string, { row: SourceRow; rest: string }>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^\| `([^`]+)` \| ([^|·]+?) · `([^`]+)` \| `([0-9a-f]+)` \| ([^|]+?) \|(.*)$/.exec(line);
    if (m) rows.set(m[1]!, { row: { source: m[2]!.trim(), path: m[3]!, commit: m[4]!, license: m[5]!.trim() }, rest: m[6]! });
  }
  return rows;
}
const SOURCES = new Map(Array.from(readSourceTable(join(CORPUS, "SOURCES.md")), ([file, { row }]) => [file, row]));

export function real(corpusFile: string, notes: string, extra: Json = {}): Provenance {
  const row = SOURCES.get(corpusFile);
  if (!row) throw new Error(`no SOURCES.md row for ${corpusFile}`);
  return { ...row, corpus_file: `shared/corpus/${corpusFile}`, notes, ...extra };
}

/** A corpus file a hand-written cassette reuses; `unlisted` covers files SOURCES.md names without repo/path/commit. */
export function part(corpusFile: string, usedFor: string, unlisted: Record<string, Json> = {}): Provenance {
  const row = SOURCES.get(corpusFile) ?? unlisted[corpusFile];
  if (!row) throw new Error(`no SOURCES.md row for ${corpusFile}`);
  return { ...row, corpus_file: `shared/corpus/${corpusFile}`, used_for: usedFor };
}

export function handWritten(per: string[], notes: string, parts: Provenance[] = []): Provenance {
  const p: Provenance = { hand_written: true, per, notes };
  if (parts.length > 0) p.parts = parts;
  return p;
}

// ---------------------------------------------------------------- readers

export function readText(corpusFile: string): string {
  return readFileSync(join(CORPUS, corpusFile), "utf8");
}

/** vercel/ai `.chunks.txt` text: one data payload per line, framing stripped. */
export function nonBlankLines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

/** A vercel/ai `.chunks.txt` file of shared/corpus, as its payload lines. */
export function payloadLines(corpusFile: string): string[] {
  return nonBlankLines(readText(corpusFile));
}

// Bun.YAML drops the `!!binary` tag and hands back the base64 text, so the
// key is renamed first to keep "this was binary" visible (Bedrock bodies).
function readYaml(corpusFile: string): Json {
  const text = decodeBinaryListItems(readText(corpusFile)).replace(/^(\s*)([\w-]+): !!binary\b/gm, "$1$2__b64:");
  return Bun.YAML.parse(text) as Json;
}

// boto3 hands vcrpy some request header values as bytes, which land in the
// YAML as `- !!binary |` list items (amz-sdk-invocation-id, content-type).
// They are text: decode them in place, and refuse anything that is not
// printable ASCII rather than guess.
function decodeBinaryListItems(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const item = /^(\s*)- !!binary \|?\s*$/.exec(line);
    if (!item) {
      out.push(line);
      continue;
    }
    const indent = item[1]!;
    let b64 = "";
    while (i + 1 < lines.length && lines[i + 1]!.startsWith(`${indent}  `) && lines[i + 1]!.trim() !== "") b64 += lines[++i]!.trim();
    const decoded = Buffer.from(b64, "base64").toString("latin1");
    if (!/^[\x20-\x7e]*$/.test(decoded)) throw new Error(`!!binary list item is not printable ASCII: ${JSON.stringify(decoded)}`);
    out.push(`${indent}- ${JSON.stringify(decoded)}`);
  }
  return out.join("\n");
}

export type Body = { text: string } | { bytes: Uint8Array };

export interface RawExchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: unknown;
  status: number;
  responseHeaders: Record<string, string>;
  body: Body;
}

/** The body of a recording known to be text; throws on a binary one. */
export function textOf(x: RawExchange): string {
  if (!("text" in x.body)) throw new Error(`${x.url}: expected a text body`);
  return x.body.text;
}

function flat(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((h ?? {}) as Json)) {
    out[k.toLowerCase()] = Array.isArray(v) ? v.map(String).join(", ") : String(v);
  }
  return out;
}

function jsonOrString(s: unknown): unknown {
  if (typeof s !== "string" || s === "") return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function b64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "base64"));
}

// go-vcr v2 (charmbracelet/fantasy): whole raw bodies (SSE byte-exact, CRLF kept), request body as text.
export function readGoVcr(corpusFile: string): RawExchange[] {
  const y = readYaml(corpusFile);
  return (y.interactions as Json[]).map((it) => {
    const rq = it.request as Json;
    const rs = it.response as Json;
    const body: Body = typeof rs.body__b64 === "string" ? { bytes: b64(rs.body__b64) } : { text: String(rs.body ?? "") };
    return {
      method: String(rq.method),
      url: String(rq.url),
      requestHeaders: flat(rq.headers),
      requestBody: jsonOrString(typeof rq.body === "string" ? rq.body.trim() : rq.body),
      status: Number(rs.code),
      responseHeaders: flat(rs.headers),
      body,
    };
  });
}

// vcrpy + pydantic-ai serializer: JSON bodies became YAML `parsed_body`
// (re-emitted here as compact JSON), streams stay literal in `body.string`.
export function readPydanticVcr(corpusFile: string): RawExchange[] {
  const y = readYaml(corpusFile);
  return (y.interactions as Json[]).map((it) => {
    const rq = it.request as Json;
    const rs = it.response as Json;
    let body: Body;
    if ("parsed_body" in rs) body = { text: JSON.stringify(rs.parsed_body) };
    else {
      const b = (rs.body ?? {}) as Json;
      if (typeof b.string__b64 === "string") body = { bytes: b64(b.string__b64) };
      else if (typeof b.string === "string") body = { text: b.string };
      else throw new Error(`${corpusFile}: response has neither parsed_body nor body.string`);
    }
    return {
      method: String(rq.method),
      url: String(rq.uri),
      requestHeaders: flat(rq.headers),
      requestBody: "parsed_body" in rq ? rq.parsed_body : jsonOrString(rq.body),
      status: Number((rs.status as Json).code),
      responseHeaders: flat(rs.headers),
      body,
    };
  });
}

// ---------------------------------------------------------------- shaping

const enc = new TextEncoder();

// Transport framing the replay server re-does itself; a recorded
// content-length is wrong anyway once a parsed_body is re-serialised.
const DROP_REQUEST = new Set(["host", "content-length", "connection", "accept-encoding", "transfer-encoding"]);
const DROP_RESPONSE = new Set(["content-length", "transfer-encoding", "connection", "content-encoding"]);

function keep(h: Record<string, string>, drop: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (!drop.has(k)) out[k] = v;
  return redactHeaders(out);
}

function pathOf(url: string, dropQuery: readonly string[]): string {
  const u = new URL(url);
  // Only touched when asked: deleting re-serialises the whole query.
  for (const name of dropQuery) u.searchParams.delete(name);
  return u.pathname + u.search;
}

// Whole bodies are cut after each SSE event separator (LF LF or CRLF CRLF), so
// a client still sees one network read per event; bytes unchanged.
function splitSse(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of text.matchAll(/\r\n\r\n|\n\n/g)) {
    const end = m.index + m[0].length;
    out.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

export interface ShapeOptions {
  /** Query parameters removed from the recorded URL. */
  dropQuery?: readonly string[];
  /** How a binary response body becomes chunks; without it a binary body is an error. */
  binary?: (bytes: Uint8Array, headers: Record<string, string>) => Interaction["body"];
}

/** Turns recorded exchanges into cassette interactions: path only, framing headers dropped, secrets redacted, SSE cut per event. */
export function interactionShaper(options: ShapeOptions = {}): (x: RawExchange) => Interaction {
  return (x) => {
    const request: Interaction["request"] = { method: x.method, path: pathOf(x.url, options.dropQuery ?? []), headers: keep(x.requestHeaders, DROP_REQUEST) };
    if (x.requestBody !== undefined && x.requestBody !== null) request.body = x.requestBody;
    const headers = keep(x.responseHeaders, DROP_RESPONSE);
    let body: Interaction["body"];
    if ("bytes" in x.body) {
      if (!options.binary) throw new Error(`${x.url}: unexpected binary body`);
      body = options.binary(x.body.bytes, headers);
    } else if ((headers["content-type"] ?? "").startsWith("text/event-stream")) {
      const parts = splitSse(x.body.text);
      if (parts.join("") !== x.body.text) throw new Error(`${x.url}: splitting changed the body`);
      body = chunks(...parts);
    } else body = x.body.text === "" ? [] : chunks(x.body.text);
    return { request, response: { status: x.status, headers }, body };
  };
}

/** The shaping for text-only recordings with nothing dropped from the query. */
export const toInteraction = interactionShaper();

export function chunks(...texts: string[]): Interaction["body"] {
  return texts.map((t) => ({ chunk: enc.encode(t) }));
}

/** Responses API events carry their name both as `event:` and as `type`: rebuild the SSE framing from data payloads. */
export function sseFromDataLines(lines: string[]): string[] {
  return lines.map((l) => `event: ${(JSON.parse(l) as { type: string }).type}\ndata: ${l}\n\n`);
}

// ---------------------------------------------------------------- output

const SECRET = /sk-ant-api|sk-proj-[A-Za-z0-9]{20}|AKIA|ghu_|gho_|ya29\.|-----BEGIN/g;
/** The fake OpenAI key our canary tests look for is meant to be in cassettes. */
const CANARY = "sk-proj-CANARY";

function tableRow(file: string, c: Cassette): string {
  const p = c.provenance;
  const statuses = c.interactions.map((i) => i.response.status).join(", ");
  const kind = p.hand_written === true ? "hand-written" : p.request_hand_written === true ? "real (request hand-written)" : "real";
  const reused = ((p.parts as Provenance[] | undefined) ?? []).map((x) => `\`${String(x.corpus_file).replace("shared/corpus/", "")}\``);
  const source =
    p.hand_written === true
      ? `per ${(p.per as string[]).join(", ")}${reused.length > 0 ? `; reuses ${reused.join(", ")}` : ""}`
      : `${String(p.source)} \`${String(p.path)}\` @ \`${String(p.commit)}\` (${String(p.license)})`;
  const [, what = c.scenario] = /^[^:]+: (.*)$/.exec(c.scenario) ?? [];
  return `| \`${file}\` | ${what.replaceAll("|", "\\|")} | ${statuses} | ${kind} | ${source} |`;
}

/**
 * Writes each cassette under recordings/ (after checking its serialisation is
 * stable and it holds nothing secret-looking) and replaces the table between
 * `<!-- {marker}:begin -->` and `<!-- {marker}:end -->` in recordings/README.md (or `readmeFile` there),
 * so each converter owns its own table.
 */
export function writeCassettes(cassettes: Array<[string, Cassette]>, marker: string, label: string, readmeFile = "README.md"): void {
  const rows: string[] = [];
  for (const [file, cassette] of cassettes) {
    const text = serializeCassette(cassette);
    if (serializeCassette(parseCassette(text)) !== text) throw new Error(`${file}: serialisation is not stable`);
    const secrets = [...text.matchAll(SECRET)].filter((m) => !text.startsWith(CANARY, m.index));
    if (secrets.length > 0) throw new Error(`${file}: secret-looking value ${secrets[0]![0]}`);
    const path = join(OUT, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    rows.push(tableRow(file, cassette));
    console.log(`${file}\t${cassette.interactions.length} interaction(s)\t${text.length} bytes`);
  }
  const readme = join(OUT, readmeFile);
  const begin = `<!-- ${marker}:begin -->`;
  const end = `<!-- ${marker}:end -->`;
  const current = readFileSync(readme, "utf8");
  const a = current.indexOf(begin);
  const b = current.indexOf(end);
  if (a === -1 || b === -1) throw new Error(`README.md lacks the ${label}cassette table markers`);
  const table = ["| file | scenario | status(es) | kind | source |", "|---|---|---|---|---|", ...rows].join("\n");
  writeFileSync(readme, `${current.slice(0, a + begin.length)}\n${table}\n${current.slice(b)}`);
}

/**
 * Encoding of response lines. Every line is one JSON object terminated by
 * "\n". JSON.stringify escapes control characters but writes U+2028 and
 * U+2029 raw, and some line readers (Python's splitlines, editors) treat
 * those as line ends; they are escaped too, so a line can never be split by
 * its content. Strings are well-formed Unicode (no lone surrogates).
 */
import type { WireChunk } from "./chunks.ts";
import type { BridgeError } from "./errors.ts";
import type { RequestId } from "./request.ts";
import type { Adjustment, ReportedUsage, Cost } from "./chunks.ts";

export interface ErrorBody {
  code: string;
  message: string;
  retryable: boolean;
  status?: number;
  retry_after_ms?: number;
  partial: boolean;
  provider_type?: string;
  request_id?: string;
  field?: string;
  /** What was consumed before the failure, on stream_chat errors and cancels. */
  usage?: ReportedUsage;
  cost?: Cost | null;
  /** stream_chat: what the model rules changed in the request before it failed. */
  adjustments?: Adjustment[];
}

// A lone UTF-16 surrogate (say, a provider that split an emoji's \u escapes across two events)
// would go out as a "\ud83d" escape: valid JSON text but not Unicode, and strict parsers (Zig's
// std.json) reject the whole line. It becomes U+FFFD instead, as a UTF-8 decoder would make it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function wellFormed(_key: string, value: unknown): unknown {
  return typeof value === "string" ? value.replace(LONE_SURROGATE, "\ufffd") : value;
}

function line(value: unknown): string {
  // U+2028/U+2029 can occur only inside strings, where the escape means the same.
  // JSON.stringify writes a lone surrogate as a \udXXX escape: only output containing "\ud" can need the slower
  // pass through the replacer (text with a backslash before "ud" takes it too, harmlessly).
  let text = JSON.stringify(value);
  if (text.includes("\\ud")) text = JSON.stringify(value, wellFormed);
  if (text.includes("\u2028") || text.includes("\u2029")) text = text.replace(/[\u2028\u2029]/g, (c) => (c === "\u2028" ? "\\u2028" : "\\u2029"));
  return `${text}\n`;
}

export function encodeResult(id: RequestId | null, data: unknown): string {
  return line({ id, success: true, data });
}

export function encodeChunk(id: RequestId, chunk: WireChunk): string {
  return line({ id, success: true, streaming: true, data: chunk });
}

export function errorBody(error: BridgeError, extra?: { usage?: ReportedUsage; cost?: Cost | null; adjustments?: Adjustment[] }): ErrorBody {
  const body: ErrorBody = { code: error.code, message: error.message, retryable: error.retryable, partial: error.partial };
  if (error.status !== undefined) body.status = error.status;
  if (error.retryAfterMs !== undefined) body.retry_after_ms = Math.round(error.retryAfterMs);
  if (error.providerType !== undefined) body.provider_type = error.providerType;
  if (error.requestId !== undefined) body.request_id = error.requestId;
  if (error.field !== undefined) body.field = error.field;
  if (extra?.usage !== undefined) body.usage = extra.usage;
  if (extra?.cost !== undefined) body.cost = extra.cost;
  if (extra?.adjustments !== undefined && extra.adjustments.length > 0) body.adjustments = extra.adjustments;
  return body;
}

export function encodeError(id: RequestId | null, body: ErrorBody): string {
  return line({ id, success: false, error: body });
}

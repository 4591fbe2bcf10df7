/**
 * Encoding of response lines. Every line is one JSON object terminated by
 * "\n", and no character inside it is a line end to a common line reader.
 * Python's str.splitlines breaks at \n \r \v \f \x1c \x1d \x1e \x85
 * U+2028 U+2029 (Unicode's line boundaries; editors and JavaScript's own
 * line terminators are a subset). JSON.stringify escapes every C0 control
 * character but writes U+0085 (NEL), U+2028 and U+2029 raw, so those three
 * are escaped here. Strings are well-formed Unicode (no lone surrogates).
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

/** The line ends JSON.stringify leaves raw; see the comment at the top. */
const RAW_LINE_BREAK = /[\u0085\u2028\u2029]/;
const RAW_LINE_BREAKS = new RegExp(RAW_LINE_BREAK.source, "g");

/**
 * Escape the line ends JSON.stringify leaves raw in a JSON text. They can occur only inside strings, where
 * the escape means the same; logs use it too.
 */
export function escapeLineBreaks(json: string): string {
  if (!RAW_LINE_BREAK.test(json)) return json;
  return json.replace(RAW_LINE_BREAKS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function line(value: unknown): string {
  // JSON.stringify writes a lone surrogate as a \udXXX escape: only output containing "\ud" can need the slower
  // pass through the replacer (text with a backslash before "ud" takes it too, harmlessly).
  let text = JSON.stringify(value);
  if (text.includes("\\ud")) text = JSON.stringify(value, wellFormed);
  return `${escapeLineBreaks(text)}\n`;
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

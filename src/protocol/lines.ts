/**
 * Encoding of response lines. Every line is one JSON object terminated by
 * "\n"; JSON.stringify escapes U+2028/2029 and control characters, so a line
 * can never be split by its content.
 */
import type { WireChunk } from "./chunks.ts";
import type { BridgeError } from "./errors.ts";
import type { RequestId } from "./request.ts";
import type { ReportedUsage, Cost } from "./chunks.ts";

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
}

export function encodeResult(id: RequestId | null, data: unknown): string {
  return `${JSON.stringify({ id, success: true, data })}\n`;
}

export function encodeChunk(id: RequestId, chunk: WireChunk): string {
  return `${JSON.stringify({ id, success: true, streaming: true, data: chunk })}\n`;
}

export function errorBody(error: BridgeError, extra?: { usage?: ReportedUsage; cost?: Cost | null }): ErrorBody {
  const body: ErrorBody = { code: error.code, message: error.message, retryable: error.retryable, partial: error.partial };
  if (error.status !== undefined) body.status = error.status;
  if (error.retryAfterMs !== undefined) body.retry_after_ms = Math.round(error.retryAfterMs);
  if (error.providerType !== undefined) body.provider_type = error.providerType;
  if (error.requestId !== undefined) body.request_id = error.requestId;
  if (error.field !== undefined) body.field = error.field;
  if (extra?.usage !== undefined) body.usage = extra.usage;
  if (extra?.cost !== undefined) body.cost = extra.cost;
  return body;
}

export function encodeError(id: RequestId | null, body: ErrorBody): string {
  return `${JSON.stringify({ id, success: false, error: body })}\n`;
}

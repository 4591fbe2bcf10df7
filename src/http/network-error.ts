/**
 * Recognise transport failures thrown by fetch under Bun and Node, which
 * report them differently (TypeError "fetch failed" with a `cause.code` on
 * Node/undici; Error with `code` such as ECONNRESET / ConnectionRefused on Bun).
 */
import { BridgeError, systemErrorCode } from "../protocol/errors.ts";

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
  "ConnectionRefused",
  "ConnectionClosed",
  "ConnectionReset",
  "FailedToOpenSocket",
  "ERR_STREAM_PREMATURE_CLOSE",
  "ECONNCLOSED",
]);

const NETWORK_MESSAGES = [
  /fetch failed/i,
  /network/i,
  /socket/i,
  /terminated/i,
  /connection/i,
  /ECONN/i,
  /closed unexpectedly/i,
  /other side closed/i,
  /unable to connect/i,
  /premature/i,
  /typo in the url or port/i,
];

/** Whether `test` holds for the error or one of its first causes (four levels: fetch wraps the socket's error). */
export function inCauseChain(error: unknown, test: (current: unknown) => boolean): boolean {
  for (let current = error, depth = 0; current && depth < 4; current = (current as Error).cause, depth++) {
    if (test(current)) return true;
  }
  return false;
}

export function isNetworkError(error: unknown): boolean {
  return inCauseChain(error, (current) => {
    const code = systemErrorCode(current);
    return (code !== undefined && NETWORK_CODES.has(code)) || (current instanceof Error && NETWORK_MESSAGES.some((pattern) => pattern.test(current.message)));
  });
}

/** Turn whatever fetch or a body read threw into a BridgeError. */
export function toTransportError(error: unknown, what: string): BridgeError {
  if (error instanceof BridgeError) return error;
  const code = systemErrorCode(error) ?? systemErrorCode((error as Error | undefined)?.cause);
  const detail = error instanceof Error ? error.message : String(error);
  // Anything fetch throws that is not an abort is a transport failure; the known shapes above only sharpen the wording.
  const kind = isNetworkError(error) ? "" : " (unrecognised transport failure)";
  return new BridgeError("NETWORK_ERROR", `${what}: ${detail}${code ? ` (${code})` : ""}${kind}`, { retryable: true, cause: error });
}

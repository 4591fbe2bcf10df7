/**
 * One HTTP exchange, the way every provider makes it: fetch under an
 * AbortSignal with redirects under our policy (redirect.ts), a non-2xx
 * answer read under a size cap (body.ts) and classified by the dialect,
 * retry headers applied, secrets scrubbed from the message. Retry loops live
 * with the callers (they know whether content was written).
 */
import type { Deps } from "../deps.ts";
import type { ErrorResponse } from "../formats/types.ts";
import { BridgeError } from "../protocol/errors.ts";
import { redact } from "../redact.ts";
import { readCapped } from "./body.ts";
import { toTransportError } from "./network-error.ts";
import { fetchFollowingRedirects } from "./redirect.ts";
import { applyRetryHeaders } from "./retry.ts";

export { readCapped };

export type ErrorClassifier = (response: ErrorResponse) => BridgeError;

/** The reason the signal carries if it aborted, else the error itself, as a BridgeError. */
export function abortReason(signal: AbortSignal, error: unknown, what: string): BridgeError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof BridgeError) return reason;
    return new BridgeError("CANCELLED", "request cancelled", { cause: reason });
  }
  return toTransportError(error, what);
}

/** Provider error messages may echo credentials (OpenAI prints a masked key); never pass them on raw. */
export function sanitizeError(error: BridgeError): BridgeError {
  const clean = redact(error.message);
  if (clean === error.message) return error;
  return new BridgeError(error.code, clean, {
    retryable: error.retryable,
    partial: error.partial,
    ...(error.status !== undefined && { status: error.status }),
    ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    ...(error.providerType !== undefined && { providerType: error.providerType }),
    ...(error.requestId !== undefined && { requestId: error.requestId }),
    ...(error.field !== undefined && { field: error.field }),
  });
}

/**
 * Send one request. Resolves with a 2xx response whose body is still unread;
 * throws a classified, sanitized BridgeError otherwise.
 */
export async function sendRequest(deps: Deps, request: Request, signal: AbortSignal, classify: ErrorClassifier): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFollowingRedirects(deps.fetch, request, signal);
  } catch (error) {
    throw abortReason(signal, error, `${request.method} ${hostOf(request.url)} failed`);
  }
  if (response.ok) return response;
  const body = await readCapped(response);
  if (signal.aborted) throw abortReason(signal, undefined, "");
  const classified = classify({ status: response.status, body, headers: response.headers });
  throw sanitizeError(applyRetryHeaders(classified, response.headers, deps.now()));
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "provider";
  }
}

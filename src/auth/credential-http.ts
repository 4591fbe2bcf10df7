/**
 * One exchange with a credential endpoint (STS, SSO portal, instance and
 * container metadata, Google token endpoints), for every credential chain.
 * Transport failures and the timer become NETWORK_ERROR / TIMEOUT naming the
 * source; an abort of the resolution becomes its reason. Any status is
 * returned for the caller to judge. Redirects follow the policy of
 * src/http/redirect.ts; a successful answer is read up to the credential
 * limit of src/http/body.ts (past it: PROVIDER_ERROR), an error answer only
 * its first part.
 */
import { answerHost, BODY_LIMITS, readBodyText, readCapped } from "../http/body.ts";
import { fetchFollowingRedirects } from "../http/redirect.ts";
import { BridgeError } from "../protocol/errors.ts";
import { redact } from "../redact.ts";

export interface CredentialHttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export async function exchangeWithCredentialEndpoint(
  fetcher: typeof fetch,
  outer: AbortSignal,
  source: string,
  request: Request,
  timeoutMs: number,
): Promise<CredentialHttpAnswer> {
  const timer = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([outer, timer]);
  try {
    const response = await fetchFollowingRedirects(fetcher, request, signal);
    const text = response.ok ? await readBodyText(response, BODY_LIMITS.credential, answerHost(response, request.url)) : await readCapped(response);
    // readCapped keeps what arrived before an abort; the abort still decides the outcome.
    signal.throwIfAborted();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (error instanceof BridgeError && !signal.aborted) {
      // A refused redirect or an answer over the limit, named with its source.
      throw new BridgeError(error.code, `${source}: ${error.message}`, { ...(error.status !== undefined && { status: error.status }), cause: error });
    }
    if (outer.aborted) {
      const reason: unknown = outer.reason;
      throw reason instanceof BridgeError ? reason : new BridgeError("CANCELLED", `${source}: cancelled`, { cause: reason });
    }
    if (timer.aborted) {
      throw new BridgeError("TIMEOUT", `${source}: no answer within ${timeoutMs} ms`, { retryable: true, cause: error });
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new BridgeError("NETWORK_ERROR", `${source}: request failed: ${redact(detail)}`, { retryable: true, cause: error });
  }
}

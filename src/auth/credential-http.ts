/**
 * One exchange with a credential endpoint (STS, SSO portal, instance and
 * container metadata, Google token endpoints), for every credential chain.
 * Transport failures and the timer become NETWORK_ERROR / TIMEOUT naming the
 * source; an abort of the resolution becomes its reason. Any status is
 * returned for the caller to judge.
 */
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
    const response = await fetcher(new Request(request, { signal }));
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
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

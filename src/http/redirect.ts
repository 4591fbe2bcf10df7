/**
 * Redirects, followed by hand for every request the process sends. fetch's
 * own following re-sends every header but `Authorization` to whatever host
 * a 3xx names (Bun 1.4.5 kept `x-api-key` and `x-amz-security-token`, and
 * went from https to plain http; checked 2026-12), so fetch is always asked
 * for `redirect: "manual"` and this module decides:
 *
 * - never from https to http;
 * - a request that carries credentials (carriesCredentials) only within its
 *   origin (scheme, host and port);
 * - at most MAX_REDIRECTS hops, and no URL twice.
 *
 * Anything else ends in a final PROVIDER_ERROR naming both hosts (never a
 * path or query, which may carry secrets). A request built with
 * `redirect: "manual"` follows none: its 3xx goes to the caller's classifier
 * (Azure and the Copilot token exchange, as openai-node does for Azure keys). Method and body change as the
 * Fetch standard says (HTTP-redirect fetch, step 12): 303 turns anything but
 * GET/HEAD into a body-less GET, so do 301/302 for POST; 307/308 keep both.
 */
import { BridgeError } from "../protocol/errors.ts";
import { decodeContentEncoding, NO_DECOMPRESSION } from "./decompress.ts";

export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

/**
 * Header, query-parameter and form-field names that mark a secret: the fixed
 * ones our providers use (Anthropic's `x-api-key`, Azure's `api-key`, SigV4's
 * `authorization` and `x-amz-security-token`, SSO's `x-amz-sso_bearer_token`,
 * IMDS's `x-aws-ec2-metadata-token`), and any name a gateway header given in
 * `params.headers` would use for one (`ocp-apim-subscription-key`,
 * `cf-aig-authorization`, `x-portkey-api-key`).
 */
const SECRET_NAME = /auth|cookie|key|token|secret|session|signature|password|credential/i;

/**
 * True when the request carries anything that must not reach another
 * origin: a secret-looking header or query parameter, user info in the URL,
 * or a body (token requests send assertions, refresh tokens and client
 * secrets in forms; chat requests send the prompt).
 */
export function carriesCredentials(request: Request): boolean {
  for (const name of request.headers.keys()) if (SECRET_NAME.test(name)) return true;
  if (request.body !== null) return true;
  const url = new URL(request.url);
  if (url.username !== "" || url.password !== "") return true;
  for (const name of url.searchParams.keys()) if (SECRET_NAME.test(name)) return true;
  return false;
}

function refused(status: number, from: URL, to: string, why: string): BridgeError {
  return new BridgeError("PROVIDER_ERROR", `${from.host} answered HTTP ${status}, a redirect to ${to}; not followed: ${why}`, { status });
}

/** Drop the body of a redirect answer without reading it. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}

/**
 * Send `request` and follow its redirects under the policy above. Resolves
 * with the first answer that is not a redirect (or a 3xx without Location,
 * left for the caller to judge), its body decoded as it is read
 * (decompress.ts); throws a BridgeError for a refused redirect and whatever
 * `fetcher` throws otherwise.
 */
export async function fetchFollowingRedirects(fetcher: typeof fetch, request: Request, signal?: AbortSignal): Promise<Response> {
  if (request.redirect !== "follow") return decodeContentEncoding(await fetcher(request, { ...NO_DECOMPRESSION, ...(signal && { signal }) }));
  const credentialed = carriesCredentials(request);
  const visited = new Set<string>();
  let current = request;
  for (let followed = 0; ; followed++) {
    visited.add(`${current.method} ${current.url}`);
    // A 307/308 sends the same body again, and a sent body cannot be read twice: keep an unread copy until the answer is in.
    const spare = current.body !== null ? current.clone() : undefined;
    const response = await fetcher(current, { ...NO_DECOMPRESSION, redirect: "manual", ...(signal && { signal }) });
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get("location") : null;
    if (location === null) return decodeContentEncoding(response);
    discard(response);
    const from = new URL(current.url);
    let target: URL;
    try {
      target = new URL(location, from);
    } catch (error) {
      throw new BridgeError("PROVIDER_ERROR", `${from.host} answered HTTP ${response.status} with a Location that is not a URL; not followed`, {
        status: response.status,
        cause: error,
      });
    }
    const status = response.status;
    if (target.protocol !== "https:" && target.protocol !== "http:") throw refused(status, from, `a ${target.protocol} URL`, "only http(s) is followed");
    if (from.protocol === "https:" && target.protocol === "http:") throw refused(status, from, target.host, "it leaves https for plain http");
    if (credentialed && target.origin !== from.origin) {
      throw refused(status, from, target.host, `the request carries credentials, which are sent only to ${from.host}`);
    }
    if (followed >= MAX_REDIRECTS) throw refused(status, from, target.host, `more than ${MAX_REDIRECTS} redirects`);
    const toGet = status === 303 ? current.method !== "GET" && current.method !== "HEAD" : (status === 301 || status === 302) && current.method === "POST";
    target.hash = "";
    if (visited.has(`${toGet ? "GET" : current.method} ${target.href}`)) throw refused(status, from, target.host, "a redirect loop");
    const headers = new Headers(current.headers);
    if (toGet) for (const name of BODY_HEADERS) headers.delete(name);
    const body = toGet || spare === undefined ? null : await spare.arrayBuffer();
    current = new Request(target, { method: toGet ? "GET" : current.method, headers, body, redirect: "manual" });
  }
}

/**
 * What every Google credential source shares: the context a refresh runs
 * in, one HTTP exchange under a short timer, the OAuth token endpoint's
 * answer (success and refusal), and reading a key file. Messages name the
 * source and carry Google's `error` / `error_description`, never a body:
 * token answers are nothing but secrets.
 */
import type { Deps } from "../../deps.ts";
import { BridgeError } from "../../protocol/errors.ts";
import { redact, registerSecret } from "../../redact.ts";
import { exchangeWithCredentialEndpoint, type CredentialHttpAnswer } from "../credential-http.ts";
import { isLoopbackHost } from "../../http/loopback.ts";

export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
export const GOOGLE_CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export interface GoogleSourceContext {
  deps: Deps;
  /** Aborts the whole refresh (the resolver's own timer; a single caller never aborts a shared refresh). */
  signal: AbortSignal;
  /** Timer of each metadata-server call: it is local, so a slow one means absent. */
  metadataTimeoutMs: number;
  /** Timer of each token-endpoint call. */
  serviceTimeoutMs: number;
}

/** A freshly minted access token. */
export interface GoogleMintedToken {
  token: string;
  /** Epoch ms; undefined when the answer gave no lifetime. */
  expiresAt: number | undefined;
  /** A project the source itself names (the metadata server's project). */
  projectId?: string;
}

export type GoogleHttpAnswer = CredentialHttpAnswer;

/** One exchange with a credential endpoint, under the refresh's signal (see credential-http.ts). */
export function googleHttp(ctx: GoogleSourceContext, source: string, request: Request, timeoutMs: number): Promise<GoogleHttpAnswer> {
  return exchangeWithCredentialEndpoint(ctx.deps.fetch, ctx.signal, source, request, timeoutMs);
}

/** JSON object or undefined; never echoes the text (it may be a token answer cut short). */
export function parseGoogleJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * POST a form to an OAuth token endpoint (JWT bearer or refresh-token grant)
 * and read `{access_token, expires_in}`.
 */
export async function exchangeGoogleToken(ctx: GoogleSourceContext, source: string, tokenUri: string, form: URLSearchParams, hint = ""): Promise<GoogleMintedToken> {
  const request = new Request(tokenUri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: form.toString(),
  });
  const answer = await googleHttp(ctx, source, request, ctx.serviceTimeoutMs);
  if (answer.status < 200 || answer.status > 299) throw googleTokenRefusal(source, answer, hint);
  return readGoogleTokenAnswer(ctx.deps, source, answer.text);
}

/** `{access_token, expires_in, token_type}`, the shape of both the token endpoint and the metadata server. */
export function readGoogleTokenAnswer(deps: Deps, source: string, text: string): GoogleMintedToken {
  const body = parseGoogleJsonObject(text);
  if (body === undefined) throw new BridgeError("AUTH_FAILED", `${source}: answer is not a JSON object`);
  const token = body.access_token;
  if (typeof token !== "string" || token === "") throw new BridgeError("AUTH_FAILED", `${source}: answer has no access_token`);
  registerSecret(token);
  if (typeof body.token_type === "string" && body.token_type.toLowerCase() !== "bearer") {
    throw new BridgeError("AUTH_FAILED", `${source}: answer has token_type ${JSON.stringify(body.token_type)}, expected Bearer`);
  }
  const seconds = typeof body.expires_in === "string" ? Number(body.expires_in) : body.expires_in;
  if (seconds !== undefined && (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0)) {
    throw new BridgeError("AUTH_FAILED", `${source}: answer has an unreadable expires_in`);
  }
  return { token, expiresAt: seconds === undefined ? undefined : deps.now() + seconds * 1000 };
}

/**
 * A token endpoint's refusal: 4xx means the key or its configuration is
 * wrong (revoked key, deleted account, bad signature, expired refresh
 * token), 429/5xx may pass. Google's `error` and `error_description`
 * explain which, and are shown after redaction.
 */
export function googleTokenRefusal(source: string, answer: GoogleHttpAnswer, hint = ""): BridgeError {
  const body = parseGoogleJsonObject(answer.text);
  const code = typeof body?.error === "string" ? body.error : undefined;
  const description = typeof body?.error_description === "string" ? body.error_description : undefined;
  const reason = [code, description].filter(Boolean).join(": ");
  const message = `${source}: the token endpoint answered HTTP ${answer.status}${reason ? `: ${redact(reason)}` : ""}`;
  const options = { status: answer.status, ...(code !== undefined && { providerType: code }) };
  if (answer.status === 429 || answer.status >= 500) {
    return new BridgeError("PROVIDER_ERROR", message, { ...options, retryable: true });
  }
  return new BridgeError("AUTH_FAILED", `${message}${hint ? `; ${hint}` : ""}`, options);
}

/**
 * A token URI from a key: https, or plain http only to this machine (tests,
 * local emulators), since the request carries a signed assertion or a
 * refresh token.
 */
export function checkGoogleTokenUri(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname)) ? url : undefined;
}

/** SHA-256 hex of text: cache keys derived from secrets without keeping them readable. */
export async function googleDigest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * GitHub's OAuth device flow (RFC 8628 as GitHub serves it): ask for a
 * device code, let the user enter it in a browser, poll for the token.
 * GitHub answers "keep waiting" with an error object, possibly under a 400
 * (GitHub's device-flow docs name the `error` codes but no status:
 * docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow;
 * a real transcript answers `authorization_pending` with 400:
 * recordings/copilot/device-flow.ndjson), so polling keys on the `error`
 * field, never on the status. Waits go through deps.sleep with the request's
 * signal, so `cancel` stops a pending flow at once and tests run on a fake clock.
 */
import type { Deps } from "../deps.ts";
import { answerHost, BODY_LIMITS, readBodyText } from "../http/body.ts";
import { abortReason, readCapped } from "../http/client.ts";
import { fetchFollowingRedirects } from "../http/redirect.ts";
import { DEFAULT_TIMEOUTS } from "../http/watchdog.ts";
import { BridgeError } from "../protocol/errors.ts";
import { registerSecret } from "../redact.ts";

/**
 * The GitHub App id of the VS Code Copilot integration, as the exchange-model
 * clients use it (ericc-ch/copilot-api src/lib/api-config.ts `GITHUB_CLIENT_ID`;
 * BerriAI/litellm litellm/llms/github_copilot/authenticator.py); its tokens can
 * be exchanged for Copilot tokens.
 */
export const COPILOT_CLIENT_ID = "Iv1.b507a08c87ecfe98";
export const COPILOT_SCOPE = "read:user";
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** GitHub's documented addition on `slow_down` when the answer carries no new interval. */
const SLOW_DOWN_STEP_S = 5;
/** Transport failures in a row tolerated while polling (a flaky network should not cost the user their code). */
const MAX_POLL_FAILURES = 3;

export interface DeviceFlowOptions {
  /** `https://github.com` or a GitHub Enterprise host, without a trailing slash. */
  githubUrl: string;
  clientId: string;
  scope: string;
  headers?: Record<string, string>;
  /** How long one call to GitHub may take (default DEFAULT_TIMEOUTS.headers_ms): a stalled connection must not hold the flow forever. */
  requestTimeoutMs?: number;
}

export interface DeviceCode {
  device_code: string;
  user_code: string;
  verification_uri: string;
  /** Seconds. */
  expires_in: number;
  /** Seconds between polls. */
  interval: number;
}

export interface GitHubToken {
  access_token: string;
  token_type?: string;
  scope?: string;
}

interface Answer {
  status: number;
  json: Record<string, unknown> | undefined;
  text: string;
}

async function postForm(deps: Deps, url: string, form: Record<string, string>, options: DeviceFlowOptions, signal: AbortSignal): Promise<Answer> {
  // Without Accept: application/json GitHub answers form-encoded.
  const headers = new Headers({ accept: "application/json", "content-type": "application/x-www-form-urlencoded", ...options.headers });
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUTS.headers_ms;
  const timed = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  const timedOut = (): BridgeError => new BridgeError("TIMEOUT", `github: no answer from ${new URL(url).host} within ${timeoutMs} ms`, { retryable: true });
  let response: Response;
  try {
    response = await fetchFollowingRedirects(deps.fetch, new Request(url, { method: "POST", headers, body: new URLSearchParams(form).toString() }), timed);
  } catch (error) {
    if (!signal.aborted && timed.aborted) throw timedOut();
    throw abortReason(signal, error, `POST ${new URL(url).host} failed`);
  }
  let text: string;
  try {
    // A 2xx answer may carry the token: read whole up to the credential limit. Refusals come under 400 too: their start is enough.
    text = response.ok ? await readBodyText(response, BODY_LIMITS.credential, answerHost(response, url)) : await readCapped(response);
  } catch (error) {
    if (!signal.aborted && timed.aborted) throw timedOut();
    throw abortReason(signal, error, `reading the answer of ${new URL(url).host} failed`);
  }
  if (signal.aborted) throw abortReason(signal, undefined, "");
  if (timed.aborted) throw timedOut();
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (an HTML error page, a proxy): judged by the status below.
  }
  return { status: response.status, json, text };
}

function positive(value: unknown, fallback: number): number {
  // An interval of 0 would poll without pause until GitHub answered slow_down.
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

function describe(answer: Answer): string {
  const description = answer.json?.error_description ?? answer.json?.error ?? answer.json?.message;
  return typeof description === "string" ? description : `HTTP ${answer.status}${answer.text ? `: ${answer.text.slice(0, 200)}` : ""}`;
}

export async function requestDeviceCode(deps: Deps, options: DeviceFlowOptions, signal: AbortSignal): Promise<DeviceCode> {
  const answer = await postForm(deps, `${options.githubUrl}/login/device/code`, { client_id: options.clientId, scope: options.scope }, options, signal);
  const body = answer.json;
  if (answer.status >= 500) {
    throw new BridgeError("PROVIDER_ERROR", `github: device code request failed (${describe(answer)})`, { retryable: true, status: answer.status });
  }
  if (answer.status >= 400 || body === undefined || typeof body.device_code !== "string" || typeof body.user_code !== "string" || typeof body.verification_uri !== "string") {
    // device_flow_disabled, an unknown client id, a GitHub Enterprise URL that is not one.
    throw new BridgeError("AUTH_FAILED", `github: could not start the device flow at ${options.githubUrl} (${describe(answer)})`, { status: answer.status });
  }
  registerSecret(body.device_code);
  return {
    device_code: body.device_code,
    user_code: body.user_code,
    verification_uri: body.verification_uri,
    expires_in: positive(body.expires_in, 900),
    interval: positive(body.interval, 5),
  };
}

/**
 * Poll until the user approves (the token), denies, or the code expires.
 * The first poll waits one interval: nobody types a code that fast, and
 * GitHub counts early polls against `slow_down`.
 */
export async function pollForToken(deps: Deps, options: DeviceFlowOptions, code: DeviceCode, signal: AbortSignal): Promise<GitHubToken> {
  const deadline = deps.now() + code.expires_in * 1000;
  let interval = code.interval;
  let failures = 0;
  const form = { client_id: options.clientId, device_code: code.device_code, grant_type: DEVICE_GRANT };
  for (;;) {
    try {
      await deps.sleep(interval * 1000, signal);
    } catch (error) {
      throw abortReason(signal, error, "device flow wait");
    }
    if (deps.now() >= deadline) throw expired();
    let answer: Answer;
    try {
      answer = await postForm(deps, `${options.githubUrl}/login/oauth/access_token`, form, options, signal);
    } catch (error) {
      const transient = error instanceof BridgeError && (error.code === "NETWORK_ERROR" || error.code === "TIMEOUT");
      if (signal.aborted || !transient || ++failures >= MAX_POLL_FAILURES) throw error;
      continue;
    }
    const body = answer.json;
    if (typeof body?.access_token === "string" && body.access_token.length > 0) {
      registerSecret(body.access_token);
      const token: GitHubToken = { access_token: body.access_token };
      if (typeof body.token_type === "string") token.token_type = body.token_type;
      if (typeof body.scope === "string") token.scope = body.scope;
      return token;
    }
    switch (body?.error) {
      case "authorization_pending":
        failures = 0;
        continue;
      case "slow_down":
        failures = 0;
        interval = typeof body.interval === "number" && body.interval > interval ? body.interval : interval + SLOW_DOWN_STEP_S;
        continue;
      case "expired_token":
        throw expired();
      case "access_denied":
        throw new BridgeError("AUTH_FAILED", "github: the sign-in was denied (access_denied); run authenticate again to retry");
      default:
        if (answer.status >= 500 && ++failures < MAX_POLL_FAILURES) continue;
        throw new BridgeError("AUTH_FAILED", `github: the device flow failed (${describe(answer)})`, { status: answer.status });
    }
  }
}

function expired(): BridgeError {
  return new BridgeError("AUTH_FAILED", "github: the device code expired before it was entered; run authenticate again for a new code");
}

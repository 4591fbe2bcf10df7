/**
 * GitHub token → short-lived Copilot token (`copilot_internal/v2/token`, as
 * ericc-ch/copilot-api src/services/github/get-copilot-token.ts and zed's
 * crates/copilot_chat/src/copilot_chat.rs call it; recordings/copilot/token.ndjson).
 * The Copilot token is cached in memory and in the
 * credential store next to the GitHub token it came from, so several editor
 * processes share one login and one Copilot token; it is replaced ahead of
 * its expiry (never after), by one exchange at a time per process (shared
 * refresh) and, where the host has file locks, one at a time across
 * processes. A token the Copilot API rejected is never handed out again.
 * The editor identity GitHub and Copilot gate on lives here too, with the
 * one rule for Copilot's HTTP 466 (that identity refused), since both the
 * exchange and the Copilot API calls in providers/copilot.ts send it.
 */
import type { Deps, StateSlot } from "../deps.ts";
import { plainTextMessage } from "../formats/json.ts";
import { parseOpenAIErrorBody } from "../formats/openai-chat/errors.ts";
import type { ErrorResponse } from "../formats/types.ts";
import { fetchJson } from "../http/json.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { registerSecret } from "../redact.ts";
import { awaitSharedRefresh } from "./shared-refresh.ts";
import { loadStoredCredentials, updateStoredCredentials, type StoredCredentials } from "./store.ts";

export const COPILOT_STORE_KEY = "copilot";
/** Environment variables holding a GitHub token to use instead of a device-flow login, in order. */
export const COPILOT_TOKEN_ENV = ["GH_COPILOT_TOKEN", "GITHUB_COPILOT_TOKEN"] as const;

/**
 * The editor identity Copilot expects (the editor headers ericc-ch/copilot-api
 * sends, src/lib/api-config.ts `copilotHeaders`/`githubHeaders`): a current VS Code
 * with its bundled Copilot Chat. Copilot refuses identities it considers too
 * old with HTTP 466 (since 2026-02-11, even VS Code 1.109: microsoft/vscode#294308,
 * ericc-ch/copilot-api#191), so these values age and must move as one set.
 * VS Code 1.139 with Copilot Chat 0.67, as AprilNEA/BYOKEY mirrors it from
 * microsoft/vscode `extensions/copilot` (crates/provider/src/copilot/headers.rs,
 * September 2026). Since the extension is bundled with VS Code, copilot-chat's
 * minor is VS Code's minus 72 (1.111.0 ↔ 0.39.0, microsoft/vscode#300380;
 * 1.118.1 ↔ 0.46.2, microsoft/vscode PR #313231).
 * Replaced, in this order of precedence, by `params.headers`, then
 * COPILOT_IDENTITY_ENV.
 */
export const COPILOT_EDITOR_HEADERS: Readonly<Record<string, string>> = {
  "editor-version": "vscode/1.139.0",
  "editor-plugin-version": "copilot-chat/0.67.0",
  "user-agent": "GitHubCopilotChat/0.67.0",
  "copilot-integration-id": "vscode-chat",
};

/**
 * `X-GitHub-Api-Version` on the Copilot API: what VS Code's `@vscode/copilot-api`
 * client stamps since September 2026; newer Copilot endpoints answer
 * `404 invalid apiVersion` to older ones (anomalyco/opencode PR #47108, AprilNEA/BYOKEY).
 */
export const COPILOT_API_VERSION = "2026-08-01";

/**
 * `X-GitHub-Api-Version` on api.github.com's token exchange: a REST API
 * version that VS Code pins separately (2025-04-01, AprilNEA/BYOKEY after
 * VS Code's CopilotTokenManager; opencode PR #47108 left it unchanged), so it
 * does not follow COPILOT_API_VERSION and `params.headers` does not replace it.
 */
const GITHUB_EXCHANGE_API_VERSION = "2025-04-01";

/**
 * Environment variables that replace the default identity for every request,
 * so a user can follow a new Copilot cut-off without waiting for a release.
 * A plugin version of the form `copilot-chat/<v>` also sets the User-Agent
 * to `GitHubCopilotChat/<v>`, which VS Code always sends with it.
 */
export const COPILOT_IDENTITY_ENV = {
  "editor-version": "PLUE_COPILOT_EDITOR_VERSION",
  "editor-plugin-version": "PLUE_COPILOT_PLUGIN_VERSION",
} as const;

/** Copilot's answer to a client identity it no longer serves (its reason text is "client not supported"). */
export const CLIENT_NOT_SUPPORTED_STATUS = 466;
export const CLIENT_NOT_SUPPORTED = "client_not_supported";

/** Refresh this long before `expires_at` (zed: 5 min) ... */
const EXPIRY_MARGIN_MS = 5 * 60_000;
/** ... or this long before `refresh_in` runs out (copilot-api: refresh_in − 60 s), whichever comes first. */
const REFRESH_IN_MARGIN_MS = 60_000;
/** Lifetime assumed when the answer has neither field (tokens live about 25–30 min). */
const DEFAULT_LIFETIME_S = 25 * 60;

export interface GitHubEndpoints {
  githubUrl: string;
  githubApiUrl: string;
}

export interface GitHubCredential {
  token: string;
  source: "params" | "env" | "store";
  /** Where the login happened (stored with it), unless the request overrides it. */
  endpoints: GitHubEndpoints;
}

export interface CopilotSession {
  token: string;
  /** Chat API base URL, without a trailing slash. */
  api: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Epoch ms: hand the token out until then, exchange a new one after. */
  refreshAt: number;
}

function httpUrl(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^https?:\/\/[^/]/i.test(value)) {
    throw new BridgeError("INVALID_REQUEST", `${field}: must be an http(s) URL`, { field });
  }
  return value.replace(/\/+$/, "");
}

/**
 * `params.github_url` (default https://github.com) and `params.github_api_url`.
 * A GitHub Enterprise Cloud host `https://X` has its API at `https://api.X`,
 * which is the default when only github_url is given; GitHub Enterprise
 * Server (`https://X/api/v3`) needs github_api_url.
 */
export function githubEndpoints(params: ProviderParams, stored?: StoredCredentials): GitHubEndpoints {
  // Nested in the entry: the store registers its top-level strings as secrets, and URLs must stay readable in messages.
  const where = (typeof stored?.github === "object" && stored.github !== null ? stored.github : {}) as { url?: unknown; api_url?: unknown };
  const githubUrl = httpUrl(params.github_url, "params.github_url") ?? (typeof where.url === "string" ? where.url : "https://github.com");
  let githubApiUrl = httpUrl(params.github_api_url, "params.github_api_url");
  if (githubApiUrl === undefined && params.github_url === undefined && typeof where.api_url === "string") githubApiUrl = where.api_url;
  if (githubApiUrl === undefined) {
    const url = new URL(githubUrl);
    githubApiUrl = url.host === "github.com" ? "https://api.github.com" : `${url.protocol}//api.${url.host}`;
  }
  return { githubUrl, githubApiUrl };
}

/** The GitHub token to use: the request's, the environment's, then the stored login. */
export async function findGitHubToken(params: ProviderParams, deps: Deps): Promise<GitHubCredential | undefined> {
  const explicit = params.credentials?.github_token;
  if (explicit !== undefined) {
    if (typeof explicit !== "string" || explicit.length === 0) {
      throw new BridgeError("INVALID_REQUEST", "params.credentials.github_token: must be a non-empty string", { field: "params.credentials.github_token" });
    }
    registerSecret(explicit);
    return { token: explicit, source: "params", endpoints: githubEndpoints(params) };
  }
  for (const name of COPILOT_TOKEN_ENV) {
    const value = deps.env[name];
    if (value) {
      registerSecret(value);
      return { token: value, source: "env", endpoints: githubEndpoints(params) };
    }
  }
  const stored = await loadStoredCredentials(deps, COPILOT_STORE_KEY);
  if (typeof stored?.github_token === "string" && stored.github_token.length > 0) {
    return { token: stored.github_token, source: "store", endpoints: githubEndpoints(params, stored) };
  }
  return undefined;
}

export function requireGitHubToken(credential: GitHubCredential | undefined): GitHubCredential {
  if (credential === undefined) {
    throw new BridgeError(
      "AUTH_REQUIRED",
      `no GitHub login for copilot: run authenticate (GitHub device flow), pass params.credentials.github_token, or set ${COPILOT_TOKEN_ENV.join(" or ")}`,
    );
  }
  return credential;
}

/** `proxy-ep=proxy.individual.githubcopilot.com` inside the token names the API host `api.individual.githubcopilot.com`. */
export function apiFromCopilotToken(token: string): string | undefined {
  const field = token.split(";").find((part) => part.startsWith("proxy-ep="));
  const host = field?.slice("proxy-ep=".length);
  if (!host) return undefined;
  return `https://${host.replace(/^proxy\./, "api.")}`;
}

/** A header value from the environment: printable ASCII only, or Headers would throw on it. */
function identityFromEnv(deps: Pick<Deps, "env" | "log">, name: string): string | undefined {
  const value = deps.env[name]?.trim();
  if (!value) return undefined;
  if (/^[\x20-\x7e]+$/.test(value)) return value;
  deps.log.log("warn", `${name} must be printable ASCII (e.g. vscode/1.139.0); using the default`, { name });
  return undefined;
}

/**
 * The editor identity of one request: the defaults, then the environment
 * (COPILOT_IDENTITY_ENV), then the identity headers of params.headers. Only
 * these go to GitHub itself; the rest of params.headers is for the Copilot API.
 */
export function editorIdentity(params: ProviderParams, deps: Pick<Deps, "env" | "log">): Record<string, string> {
  const identity: Record<string, string> = { ...COPILOT_EDITOR_HEADERS };
  const editor = identityFromEnv(deps, COPILOT_IDENTITY_ENV["editor-version"]);
  if (editor !== undefined) identity["editor-version"] = editor;
  const plugin = identityFromEnv(deps, COPILOT_IDENTITY_ENV["editor-plugin-version"]);
  if (plugin !== undefined) {
    identity["editor-plugin-version"] = plugin;
    const chat = /^copilot-chat\/(\S+)$/.exec(plugin)?.[1];
    if (chat !== undefined) identity["user-agent"] = `GitHubCopilotChat/${chat}`;
  }
  for (const [name, value] of Object.entries(params.headers ?? {})) {
    if (name.toLowerCase() in COPILOT_EDITOR_HEADERS) identity[name.toLowerCase()] = value;
  }
  return identity;
}

/**
 * HTTP 466 from GitHub or Copilot, wherever it comes (token exchange,
 * /models, chat on any route): this client identity is refused, and no retry
 * or new token changes that. The answer says which identity was sent and the
 * two ways to send another; it never echoes request headers beyond those two.
 * Body seen: `{"error":{"message":"bad request: the specified API version is
 * no longer supported. You may need to update your client to a newer
 * version.\n","type":"error"}}` (ericc-ch/copilot-api#191, 2026-02-11).
 */
export function copilotClientRefused(response: ErrorResponse, identity: Record<string, string>): BridgeError | undefined {
  if (response.status !== CLIENT_NOT_SUPPORTED_STATUS) return undefined;
  const said = (parseOpenAIErrorBody(response.body)?.message ?? plainTextMessage(response.body))?.trim().slice(0, 200);
  const sent = `Editor-Version "${identity["editor-version"] ?? ""}", Editor-Plugin-Version "${identity["editor-plugin-version"] ?? ""}"`;
  return new BridgeError(
    "AUTH_FAILED",
    `copilot: Copilot no longer accepts this client version (HTTP 466, client not supported${said ? `: ${said}` : ""}); it was sent as ${sent}. ` +
      `Send a current VS Code identity: per request with params.headers ("Editor-Version": "vscode/<version>", "Editor-Plugin-Version": "copilot-chat/<version>"), ` +
      `or for every request with the environment variables ${COPILOT_IDENTITY_ENV["editor-version"]} and ${COPILOT_IDENTITY_ENV["editor-plugin-version"]}`,
    { status: response.status, retryable: false, providerType: CLIENT_NOT_SUPPORTED },
  );
}

function classifyExchangeError(credential: GitHubCredential, identity: Record<string, string>): (response: ErrorResponse) => BridgeError {
  const whose =
    credential.source === "store"
      ? "the stored GitHub login"
      : credential.source === "env"
        ? `the GitHub token in ${COPILOT_TOKEN_ENV.join("/")}`
        : "params.credentials.github_token";
  return (response) => {
    const refused = copilotClientRefused(response, identity);
    if (refused) return refused;
    const { status, body } = response;
    let message = body.slice(0, 300);
    try {
      const parsed = JSON.parse(body) as { message?: unknown; error_details?: { message?: unknown } };
      const detail = parsed.error_details?.message ?? parsed.message;
      if (typeof detail === "string") message = detail;
    } catch {
      // Plain text: keep it.
    }
    if (credential.token.startsWith("github_pat_") && (status === 401 || status === 403)) {
      // The exchange answers 403 "Resource not accessible by personal access token" (vfarcic/dot-ai PR #591, 2026-06-11);
      // such tokens are documented for GitHub's own Copilot CLI and SDK (github/copilot-sdk docs/auth/authenticate.md).
      return new BridgeError(
        "AUTH_FAILED",
        `copilot: ${whose} is a fine-grained personal access token, which GitHub's Copilot token exchange does not accept (HTTP ${status}); run authenticate (GitHub device flow) or pass a gho_/ghu_ OAuth token instead`,
        { status },
      );
    }
    if (status === 401) {
      return new BridgeError("AUTH_FAILED", `copilot: GitHub rejected ${whose} (revoked or expired); run authenticate again (${message})`, { status });
    }
    if (status === 404) {
      // Seen both for a token GitHub no longer knows and for accounts on the free plan (NousResearch/hermes-agent#18783).
      return new BridgeError(
        "AUTH_FAILED",
        `copilot: GitHub gave no Copilot token for ${whose} (HTTP 404): the login is no longer valid, or the account has no Copilot subscription: run authenticate again, and if that does not help check https://github.com/settings/copilot (${message})`,
        { status },
      );
    }
    if (status === 403) {
      return new BridgeError(
        "AUTH_FAILED",
        `copilot: this GitHub account has no access to Copilot (no active Copilot subscription, or the organisation does not allow it): ${message}. Check https://github.com/settings/copilot, or run authenticate with another account`,
        { status },
      );
    }
    if (status === 429) return new BridgeError("RATE_LIMITED", `copilot: GitHub token exchange rate limited (${message})`, { status, retryable: true });
    return new BridgeError("PROVIDER_ERROR", `copilot: GitHub token exchange failed with HTTP ${status} (${message})`, { status, retryable: status >= 500 });
  };
}

interface ExchangeAnswer {
  token?: unknown;
  expires_at?: unknown;
  refresh_in?: unknown;
  endpoints?: { api?: unknown };
  chat_enabled?: unknown;
}

function refreshAtOf(now: number, expiresAt: number, refreshIn: number | undefined): number {
  let at = expiresAt - EXPIRY_MARGIN_MS;
  if (refreshIn !== undefined) at = Math.min(at, now + refreshIn * 1000 - REFRESH_IN_MARGIN_MS);
  // A token shorter-lived than the margins is still used for half its life, instead of being exchanged on every call.
  return at > now ? at : now + Math.max(0, expiresAt - now) / 2;
}

const never = new AbortController().signal;

/** One exchange at GitHub. */
export async function exchangeForCopilotToken(deps: Deps, credential: GitHubCredential, params: ProviderParams, signal: AbortSignal = never): Promise<CopilotSession> {
  const url = `${credential.endpoints.githubApiUrl}/copilot_internal/v2/token`;
  const identity = editorIdentity(params, deps);
  // `token`, not `Bearer`, for this endpoint (ericc-ch/copilot-api src/lib/api-config.ts `githubHeaders`).
  const headers = { ...identity, "x-github-api-version": GITHUB_EXCHANGE_API_VERSION, accept: "application/json", authorization: `token ${credential.token}` };
  const answer = await fetchJson<ExchangeAnswer>(deps, () => new Request(url, { headers, redirect: "manual" }), signal, classifyExchangeError(credential, identity), {
    limit: "credential",
  });
  if (typeof answer.token !== "string" || answer.token.length === 0) {
    if (answer.chat_enabled === false)
      throw new BridgeError("AUTH_FAILED", "copilot: Copilot Chat is not enabled for this GitHub account; check https://github.com/settings/copilot");
    throw new BridgeError("PROVIDER_ERROR", "copilot: the GitHub token exchange answered without a token", { retryable: true });
  }
  registerSecret(answer.token);
  const now = deps.now();
  const refreshIn = typeof answer.refresh_in === "number" && answer.refresh_in > 0 ? answer.refresh_in : undefined;
  const expiresAt = typeof answer.expires_at === "number" ? answer.expires_at * 1000 : now + (refreshIn ?? DEFAULT_LIFETIME_S) * 1000;
  const api =
    typeof answer.endpoints?.api === "string" && /^https?:\/\//.test(answer.endpoints.api)
      ? answer.endpoints.api
      : (apiFromCopilotToken(answer.token) ?? "https://api.githubcopilot.com");
  return { token: answer.token, api: api.replace(/\/+$/, ""), expiresAt, refreshAt: refreshAtOf(now, expiresAt, refreshIn) };
}

/** The store's form of a session (`copilot_token` next to `github_token`). */
export function storedSession(session: CopilotSession): Record<string, unknown> {
  return { token: session.token, api: session.api, expires_at_ms: session.expiresAt, refresh_at_ms: session.refreshAt };
}

function sessionFromStore(entry: StoredCredentials | undefined, githubToken: string): CopilotSession | undefined {
  if (entry?.github_token !== githubToken) return undefined;
  const raw = entry.copilot_token as Record<string, unknown> | undefined;
  if (typeof raw !== "object" || raw === null) return undefined;
  const { token, api, expires_at_ms, refresh_at_ms } = raw;
  if (typeof token !== "string" || typeof api !== "string" || typeof expires_at_ms !== "number" || typeof refresh_at_ms !== "number") return undefined;
  registerSecret(token);
  return { token, api, expiresAt: expires_at_ms, refreshAt: refresh_at_ms };
}

export interface CopilotTokens {
  /** A Copilot token valid for a while yet, exchanging a new one when needed. */
  session(params: ProviderParams, signal: AbortSignal): Promise<CopilotSession>;
  /** The Copilot API rejected this token (401): never hand it out again. */
  invalidate(token: string): void;
  /** A session just obtained elsewhere (authenticate) for this GitHub token. */
  remember(githubToken: string, session: CopilotSession): void;
}

export function createCopilotTokens(deps: Deps): CopilotTokens {
  const memory = new Map<string, CopilotSession>();
  const inflight = new Map<string, Promise<CopilotSession>>();
  const rejected = new Set<string>();
  const fresh = (session: CopilotSession | undefined): session is CopilotSession => session !== undefined && deps.now() < session.refreshAt && !rejected.has(session.token);

  const fromStore = async (credential: GitHubCredential): Promise<CopilotSession | undefined> => {
    if (credential.source !== "store") return undefined;
    const session = sessionFromStore(await loadStoredCredentials(deps, COPILOT_STORE_KEY), credential.token);
    return fresh(session) ? session : undefined;
  };

  const save = async (credential: GitHubCredential, session: CopilotSession): Promise<void> => {
    if (credential.source !== "store") return;
    try {
      // Only next to the login it came from: a logout or a new login in the meantime wins.
      await updateStoredCredentials(deps, COPILOT_STORE_KEY, (current) =>
        current?.github_token === credential.token ? { ...current, copilot_token: storedSession(session) } : undefined,
      );
    } catch (error) {
      deps.log.log("warn", "copilot: could not keep the Copilot token in the credential store", { error });
    }
  };

  const refresh = async (credential: GitHubCredential, params: ProviderParams): Promise<CopilotSession> => {
    const shared = await fromStore(credential);
    if (shared) return shared;
    const work = async (): Promise<CopilotSession> => {
      // Another process may have exchanged while we waited for the lock.
      const again = await fromStore(credential);
      if (again) return again;
      const session = await exchangeForCopilotToken(deps, credential, params);
      await save(credential, session);
      return session;
    };
    if (credential.source !== "store" || !deps.files.withLock) return work();
    try {
      return await deps.files.withLock(`${deps.authFile}.copilot`, work);
    } catch (error) {
      if (error instanceof BridgeError) throw error;
      // The exchange lock is only there to spare GitHub a second exchange: without it, exchange anyway.
      deps.log.log("info", "copilot: token exchange lock unavailable; exchanging without it", { error });
      return work();
    }
  };

  return {
    async session(params, signal) {
      const credential = requireGitHubToken(await findGitHubToken(params, deps));
      const cached = memory.get(credential.token);
      if (fresh(cached)) return cached;
      let flight = inflight.get(credential.token);
      if (!flight) {
        flight = refresh(credential, params)
          .then((session) => {
            memory.set(credential.token, session);
            return session;
          })
          .finally(() => inflight.delete(credential.token));
        inflight.set(credential.token, flight);
      }
      return awaitSharedRefresh(flight, signal);
    },
    invalidate(token) {
      rejected.add(token);
      for (const [key, session] of memory) if (session.token === token) memory.delete(key);
    },
    remember(githubToken, session) {
      memory.set(githubToken, session);
    },
  };
}

/** The process's Copilot token cache (src/server/state.ts). */
export const COPILOT_TOKENS: StateSlot<CopilotTokens> = { name: "copilot tokens", make: createCopilotTokens };

export function copilotTokensFor(deps: Deps): CopilotTokens {
  return deps.state.get(COPILOT_TOKENS);
}

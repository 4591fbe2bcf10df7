/**
 * Google credentials for Vertex AI, without Google's SDKs: see
 * google/adc.ts for the order sources are tried in.
 *
 * An explicit access token is used as given. Tokens minted from a key, a
 * refresh token or the metadata server are cached per source (the cache key
 * follows the key's content) until 5 minutes before they expire, or for 10
 * minutes when the answer gave no lifetime. Concurrent callers share one
 * refresh, which no single caller's cancellation can abort. Discovery (a
 * small file read) runs on every call, so an edited key file takes effect
 * at once.
 *
 * Also here: the project, location and host a Vertex request goes to.
 */
import type { Deps } from "../deps.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { discoverGoogleSource, type GoogleRefreshableSource } from "./google/adc.ts";
import type { GoogleSourceContext } from "./google/context.ts";
import { awaitSharedRefresh, cancellationOf } from "./shared-refresh.ts";

export interface GoogleAccess {
  token: string;
  /** Billing / quota project (`x-goog-user-project`): `GOOGLE_CLOUD_QUOTA_PROJECT`, else the key's `quota_project_id`. */
  quotaProject?: string;
  /** The project the credentials belong to (a service-account key's `project_id`, the metadata server's project). */
  projectId?: string;
  /** A token given as is (params.credentials.access_token): nothing can mint another, so a rejection is final. */
  fixed?: true;
}

export interface GoogleCredentialResolver {
  resolve(params: ProviderParams, signal: AbortSignal): Promise<GoogleAccess>;
  /** Forget every cached token, e.g. after Vertex rejected one. */
  invalidate(): void;
}

export interface GoogleCredentialResolverOptions {
  /** Per call to the metadata server; default 1000. */
  metadataTimeoutMs?: number;
  /** Per call to a token endpoint; default 10000. */
  serviceTimeoutMs?: number;
}

export const GOOGLE_REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
const UNDATED_CACHE_MS = 10 * 60_000;
/** After a failed refresh that fell back on a still-valid token, wait this long before trying again. */
const FAILED_REFRESH_PAUSE_MS = 30_000;
/** Outer bound on one whole refresh (each call inside has its own, shorter timer). */
const REFRESH_TIMEOUT_MS = 60_000;

interface CacheEntry {
  access: GoogleAccess;
  expiresAt: number | undefined;
  refreshAt: number;
}

export function createGoogleCredentialResolver(deps: Deps, options: GoogleCredentialResolverOptions = {}): GoogleCredentialResolver {
  const cache = new Map<string, CacheEntry>();
  const inflight = new Map<string, Promise<GoogleAccess>>();

  async function refresh(source: GoogleRefreshableSource): Promise<GoogleAccess> {
    const previous = cache.get(source.cacheKey);
    try {
      const minted = await mintWithTimer(deps, options, source);
      const now = deps.now();
      const access: GoogleAccess = {
        token: minted.token,
        ...(source.quotaProject !== undefined && { quotaProject: source.quotaProject }),
        ...((minted.projectId ?? source.projectId) !== undefined && { projectId: minted.projectId ?? source.projectId }),
      };
      for (const [key, entry] of cache) if (entry.expiresAt !== undefined && entry.expiresAt <= now) cache.delete(key);
      cache.set(source.cacheKey, { access, expiresAt: minted.expiresAt, refreshAt: refreshTime(now, minted.expiresAt) });
      deps.log.log("debug", "Google credentials resolved", {
        source: source.name,
        ...(minted.expiresAt !== undefined && { expires_at: new Date(minted.expiresAt).toISOString() }),
      });
      return access;
    } catch (error) {
      const expiresAt = previous?.expiresAt;
      // A refusal (revoked key, expired login) is final; only a passing failure may fall back on the current token.
      const passing = error instanceof BridgeError && error.retryable;
      if (previous === undefined || expiresAt === undefined || expiresAt <= deps.now() || !passing) throw error;
      deps.log.log("warn", "refreshing Google credentials failed; using the current token until it expires", {
        source: source.name,
        error: error.message,
        expires_at: new Date(expiresAt).toISOString(),
      });
      cache.set(source.cacheKey, { ...previous, refreshAt: Math.min(deps.now() + FAILED_REFRESH_PAUSE_MS, expiresAt) });
      return previous.access;
    }
  }

  return {
    async resolve(params, signal) {
      if (signal.aborted) throw cancellationOf(signal);
      const source = await discoverGoogleSource(deps, params, signal);
      if (source.kind === "static") return source.access;
      const hit = cache.get(source.cacheKey);
      if (hit !== undefined && deps.now() < hit.refreshAt) return hit.access;
      let pending = inflight.get(source.cacheKey);
      if (pending === undefined) {
        pending = refresh(source).finally(() => inflight.delete(source.cacheKey));
        inflight.set(source.cacheKey, pending);
      }
      return awaitSharedRefresh(pending, signal);
    },
    invalidate() {
      cache.clear();
    },
  };
}

/**
 * Refresh 5 minutes ahead; a token that lives less than 10 minutes (the
 * metadata server hands out its cached token with whatever life it has
 * left) is kept for half its remaining life instead of being refetched on
 * every call.
 */
function refreshTime(now: number, expiresAt: number | undefined): number {
  if (expiresAt === undefined) return now + UNDATED_CACHE_MS;
  const life = expiresAt - now;
  return expiresAt - Math.min(GOOGLE_REFRESH_BEFORE_EXPIRY_MS, Math.max(0, life / 2));
}

async function mintWithTimer(deps: Deps, options: GoogleCredentialResolverOptions, source: GoogleRefreshableSource) {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new BridgeError("TIMEOUT", `resolving Google credentials took over ${REFRESH_TIMEOUT_MS} ms`, { retryable: true })),
    REFRESH_TIMEOUT_MS,
  );
  try {
    const ctx: GoogleSourceContext = {
      deps,
      signal: controller.signal,
      metadataTimeoutMs: options.metadataTimeoutMs ?? 1000,
      serviceTimeoutMs: options.serviceTimeoutMs ?? 10_000,
    };
    return await source.mint(ctx);
  } finally {
    clearTimeout(timer);
  }
}

/** Request headers for Vertex from resolved credentials. */
export function googleAuthHeaders(access: GoogleAccess): Record<string, string> {
  return {
    authorization: `Bearer ${access.token}`,
    ...(access.quotaProject !== undefined && { "x-goog-user-project": access.quotaProject }),
  };
}

export interface VertexLocation {
  project: string;
  location: string;
  /** Host name only, e.g. `us-central1-aiplatform.googleapis.com`. */
  host: string;
}

export const VERTEX_DEFAULT_LOCATION = "us-central1";
const PROJECT_ENV = ["GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "GOOGLE_VERTEX_PROJECT", "GCP_PROJECT"] as const;
const LOCATION_ENV = ["GOOGLE_CLOUD_LOCATION", "GOOGLE_VERTEX_LOCATION", "VERTEX_LOCATION"] as const;
/** Project ids, numbers and legacy domain-scoped ids (`example.com:proj`); nothing that could bend a URL. */
const PROJECT_PATTERN = /^[a-z0-9][a-z0-9.:_-]*$/i;
const LOCATION_PATTERN = /^[a-z][a-z0-9-]*$/;

/**
 * Project: `params.project`, the first set of GOOGLE_CLOUD_PROJECT,
 * GCLOUD_PROJECT, GOOGLE_VERTEX_PROJECT, GCP_PROJECT, then the
 * credentials' own project (`project_id`, else `quota_project_id`).
 * Location: `params.location`, GOOGLE_CLOUD_LOCATION, GOOGLE_VERTEX_LOCATION,
 * VERTEX_LOCATION, else us-central1. Host: `global` has the global host,
 * the `us` / `eu` multi-regions their `rep` hosts, any other region its own.
 */
/** `fallback`: the location to use when neither the request nor the environment names one (a model rule's, else us-central1). */
export function resolveVertexLocation(params: ProviderParams, deps: Pick<Deps, "env">, access?: GoogleAccess, fallback = VERTEX_DEFAULT_LOCATION): VertexLocation {
  const project = pick(params, "project", deps, PROJECT_ENV) ?? projectOfCredentials(access);
  if (project === undefined) {
    throw new BridgeError("INVALID_REQUEST", `no Google Cloud project: pass params.project or set ${PROJECT_ENV.join(", ")} (the credentials in use name no project)`, {
      field: "params.project",
    });
  }
  if (!PROJECT_PATTERN.test(project.value)) {
    throw new BridgeError("INVALID_REQUEST", `${project.from}: ${JSON.stringify(project.value)} is not a Google Cloud project id`, { field: "params.project" });
  }
  const location = pick(params, "location", deps, LOCATION_ENV) ?? { value: fallback, from: "default" };
  const region = location.value.toLowerCase();
  if (!LOCATION_PATTERN.test(region)) {
    throw new BridgeError("INVALID_REQUEST", `${location.from}: ${JSON.stringify(location.value)} is not a Vertex AI location`, { field: "params.location" });
  }
  return { project: project.value, location: region, host: vertexHost(region) };
}

function projectOfCredentials(access: GoogleAccess | undefined): { value: string; from: string } | undefined {
  if (access?.projectId !== undefined) return { value: access.projectId, from: "the credentials' project_id" };
  if (access?.quotaProject !== undefined) return { value: access.quotaProject, from: "the credentials' quota project" };
  return undefined;
}

export function vertexHost(location: string): string {
  if (location === "global") return "aiplatform.googleapis.com";
  if (location === "us" || location === "eu") return `aiplatform.${location}.rep.googleapis.com`;
  return `${location}-aiplatform.googleapis.com`;
}

/** The value and where it came from (`params.project`, `GOOGLE_CLOUD_PROJECT`, ...), for messages. */
function pick(params: ProviderParams, field: "project" | "location", deps: Pick<Deps, "env">, envNames: readonly string[]): { value: string; from: string } | undefined {
  const value = params[field];
  if (value !== undefined) {
    if (typeof value !== "string" || value.trim() === "") {
      throw new BridgeError("INVALID_REQUEST", `params.${field}: must be a non-empty string`, { field: `params.${field}` });
    }
    return { value: value.trim(), from: `params.${field}` };
  }
  for (const name of envNames) {
    const fromEnv = deps.env[name]?.trim();
    if (fromEnv) return { value: fromEnv, from: name };
  }
  return undefined;
}

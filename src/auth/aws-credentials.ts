/**
 * AWS credentials for Bedrock, found in the order the AWS tools use, with
 * our request-level sources first:
 *
 * 1. `params.credentials`: `{access_key_id, secret_access_key, session_token?}`
 *    or `{bearer_token}` (alias `api_key`), a Bedrock API key;
 * 2. `AWS_BEARER_TOKEN_BEDROCK`;
 * 3. `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`;
 * 4. the credential store entry `bedrock` (same fields as 1);
 * 5. the profile `AWS_PROFILE` (default `default`) of the shared files: an
 *    assumed role, static keys, web identity, `credential_process` or SSO;
 * 6. web identity from `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`;
 * 7. container credentials; 8. EC2 instance metadata (IMDSv2).
 *
 * Sources 1-4 cost nothing and are read on every call. What 5-8 yield is
 * cached: until 5 minutes before it expires, or for 10 minutes when it has no
 * expiration (so edits to the shared files are seen). Concurrent callers
 * share one refresh, which no single caller's cancellation can abort.
 */
import type { Deps } from "../deps.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { registerSecret } from "../redact.ts";
import { containerCredentials, isContainerConfigured } from "./aws/container.ts";
import { imdsCredentials, imdsDisabled } from "./aws/imds.ts";
import { awsEnvironmentKeys, profileCredentials } from "./aws/profile-credentials.ts";
import { describeAwsFiles, loadAwsProfileFiles, type AwsProfileFiles } from "./aws/profile-files.ts";
import { checkAwsRegion, sigv4Credentials, type AwsSourceContext } from "./aws/source-context.ts";
import { webIdentityCredentials, webIdentityFromEnv } from "./aws/web-identity.ts";
import { loadStoredCredentials } from "./store.ts";
import { awaitSharedRefresh, cancellationOf } from "./shared-refresh.ts";

export type AwsCredentials =
  | { kind: "sigv4"; accessKeyId: string; secretAccessKey: string; sessionToken?: string /** epoch ms */; expiration?: number }
  | { kind: "bearer"; token: string };

export interface AwsCredentialResolverOptions {
  /** Replaces `https://sts.{region}.amazonaws.com` (else env `AWS_ENDPOINT_URL_STS`). */
  stsEndpoint?: string;
  /** Replaces `https://portal.sso.{sso_region}.amazonaws.com` (else env `AWS_ENDPOINT_URL_SSO`). */
  ssoEndpoint?: string;
  /** Per call to the container endpoint or instance metadata; default 1000. */
  metadataTimeoutMs?: number;
  /** Per call to STS or the SSO portal; default 10000. */
  serviceTimeoutMs?: number;
}

export interface AwsCredentialResolver {
  resolve(params: ProviderParams, signal: AbortSignal): Promise<AwsCredentials>;
  region(params: ProviderParams): Promise<string>;
  /** Forget cached credentials, e.g. after the provider rejected them. */
  invalidate(): void;
}

export const AWS_REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
export const AWS_UNDATED_CACHE_MS = 10 * 60_000;
/** After a failed refresh that fell back on still-valid credentials, wait this long before trying again. */
const FAILED_REFRESH_PAUSE_MS = 30_000;
/** Outer bound on one whole resolution (each call inside has its own, shorter timer). */
const RESOLVE_TIMEOUT_MS = 120_000;
const DEFAULT_REGION = "us-east-1";
const STORE_PROVIDER = "bedrock";

interface CacheEntry {
  credentials: AwsCredentials;
  refreshAt: number;
}

export function createAwsCredentialResolver(deps: Deps, options: AwsCredentialResolverOptions = {}): AwsCredentialResolver {
  let cached: CacheEntry | undefined;
  let inflight: Promise<AwsCredentials> | undefined;

  async function refresh(params: ProviderParams): Promise<AwsCredentials> {
    const previous = cached;
    try {
      const credentials = await resolveChain(deps, options, params);
      const now = deps.now();
      const expiration = credentials.kind === "sigv4" ? credentials.expiration : undefined;
      cached = { credentials, refreshAt: expiration === undefined ? now + AWS_UNDATED_CACHE_MS : expiration - AWS_REFRESH_BEFORE_EXPIRY_MS };
      return credentials;
    } catch (error) {
      const expiration = previous?.credentials.kind === "sigv4" ? previous.credentials.expiration : undefined;
      if (previous === undefined || expiration === undefined || expiration <= deps.now()) throw error;
      // The old credentials still work for a while: use them rather than fail a request over a refresh hiccup.
      deps.log.log("warn", "refreshing AWS credentials failed; using the current ones until they expire", {
        error: error instanceof Error ? error.message : String(error),
        expires_at: new Date(expiration).toISOString(),
      });
      cached = { credentials: previous.credentials, refreshAt: Math.min(deps.now() + FAILED_REFRESH_PAUSE_MS, expiration) };
      return previous.credentials;
    }
  }

  return {
    async resolve(params, signal) {
      const quick = fromParams(params) ?? fromEnvironment(deps) ?? (await fromStore(deps));
      if (quick !== undefined) return quick;
      if (cached !== undefined && deps.now() < cached.refreshAt) return cached.credentials;
      if (signal.aborted) throw cancellationOf(signal);
      inflight ??= refresh(params).finally(() => {
        inflight = undefined;
      });
      return awaitSharedRefresh(inflight, signal);
    },
    async region(params) {
      return regionFor(deps, params, undefined);
    },
    invalidate() {
      cached = undefined;
    },
  };
}

function fromParams(params: ProviderParams): AwsCredentials | undefined {
  const credentials = params.credentials;
  if (credentials === undefined) return undefined;
  const field = (key: string): string | undefined => {
    const value = credentials[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value === "") {
      throw new BridgeError("INVALID_REQUEST", `params.credentials.${key}: must be a non-empty string`, { field: `params.credentials.${key}` });
    }
    return value;
  };
  const bearer = field("bearer_token") ?? field("api_key");
  const id = field("access_key_id");
  const secret = field("secret_access_key");
  const token = field("session_token");
  if (bearer !== undefined && (id !== undefined || secret !== undefined)) {
    throw new BridgeError("INVALID_REQUEST", "params.credentials: give either bearer_token or access_key_id + secret_access_key, not both", {
      field: "params.credentials",
    });
  }
  if (bearer !== undefined) {
    registerSecret(bearer);
    return { kind: "bearer", token: bearer };
  }
  if (id !== undefined && secret !== undefined) return sigv4Credentials(id, secret, token);
  const missing = id !== undefined ? "secret_access_key" : secret !== undefined ? "access_key_id" : undefined;
  if (missing !== undefined) {
    throw new BridgeError("INVALID_REQUEST", `params.credentials.${missing}: required with ${missing === "access_key_id" ? "secret_access_key" : "access_key_id"}`, {
      field: `params.credentials.${missing}`,
    });
  }
  throw new BridgeError("INVALID_REQUEST", "params.credentials: expected access_key_id + secret_access_key (+ session_token), or bearer_token", {
    field: "params.credentials",
  });
}

function fromEnvironment(deps: Deps): AwsCredentials | undefined {
  const bearer = deps.env.AWS_BEARER_TOKEN_BEDROCK;
  if (bearer) {
    registerSecret(bearer);
    return { kind: "bearer", token: bearer };
  }
  return awsEnvironmentKeys({ deps });
}

async function fromStore(deps: Deps): Promise<AwsCredentials | undefined> {
  const entry = await loadStoredCredentials(deps, STORE_PROVIDER);
  if (entry === undefined) return undefined;
  const text = (key: string): string | undefined => (typeof entry[key] === "string" && entry[key] !== "" ? (entry[key] as string) : undefined);
  const bearer = text("bearer_token") ?? text("api_key");
  if (bearer !== undefined) return { kind: "bearer", token: bearer };
  const id = text("access_key_id");
  const secret = text("secret_access_key");
  if (id !== undefined && secret !== undefined) return sigv4Credentials(id, secret, text("session_token"));
  deps.log.log("warn", "the credential store entry for bedrock has no usable credentials; ignoring it");
  return undefined;
}

/**
 * The first of `params.region`, AWS_REGION, AWS_DEFAULT_REGION and the
 * profile's `region`, checked as a region name before it goes into a host
 * (source-context.ts); a bad one is an error naming its source, never skipped
 * for the next one.
 */
async function regionFor(deps: Deps, params: ProviderParams, files: AwsProfileFiles | undefined): Promise<string> {
  if (typeof params.region === "string" && params.region !== "") return checkAwsRegion(params.region, "params.region");
  for (const name of ["AWS_REGION", "AWS_DEFAULT_REGION"] as const) {
    const value = deps.env[name]?.trim();
    if (value) return checkAwsRegion(value, name);
  }
  const loaded = files ?? (await loadAwsProfileFiles(deps));
  const name = profileName(deps);
  const fromProfile = loaded.profiles.get(name)?.region;
  if (fromProfile) return checkAwsRegion(fromProfile, `region of AWS profile "${name}" in ${describeAwsFiles(loaded)}`);
  return DEFAULT_REGION;
}

function profileName(deps: Deps): string {
  return deps.env.AWS_PROFILE || deps.env.AWS_DEFAULT_PROFILE || "default";
}

/** Sources 5-8, each either configured (and then it must work) or noted as absent for the final message. */
async function resolveChain(deps: Deps, options: AwsCredentialResolverOptions, params: ProviderParams): Promise<AwsCredentials> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new BridgeError("TIMEOUT", `resolving AWS credentials took over ${RESOLVE_TIMEOUT_MS} ms`, { retryable: true })),
    RESOLVE_TIMEOUT_MS,
  );
  try {
    const files = await loadAwsProfileFiles(deps, controller.signal);
    const ctx: AwsSourceContext = {
      deps,
      signal: controller.signal,
      region: await regionFor(deps, params, files),
      stsEndpoint: options.stsEndpoint ?? (deps.env.AWS_ENDPOINT_URL_STS || undefined),
      ssoEndpoint: options.ssoEndpoint ?? (deps.env.AWS_ENDPOINT_URL_SSO || undefined),
      metadataTimeoutMs: options.metadataTimeoutMs ?? 1000,
      serviceTimeoutMs: options.serviceTimeoutMs ?? 10_000,
    };
    const tried = ["params.credentials", "AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", "the credential store"];
    const name = profileName(deps);
    const explicitProfile = Boolean(deps.env.AWS_PROFILE || deps.env.AWS_DEFAULT_PROFILE);
    const fromProfile = await profileCredentials(ctx, files, name);
    if (fromProfile !== undefined) return logged(deps, `profile "${name}"`, fromProfile);
    if (explicitProfile && !files.profiles.has(name)) {
      throw new BridgeError("AUTH_REQUIRED", `AWS profile "${name}" (AWS_PROFILE) not found in ${describeAwsFiles(files)}`);
    }
    const where = describeAwsFiles(files);
    tried.push(`profile "${name}" in ${where} (${!files.found ? "no such files" : files.profiles.has(name) ? "no credentials in it" : "not found"})`);

    const webIdentity = webIdentityFromEnv(ctx);
    if (webIdentity !== undefined) return logged(deps, "web identity", await webIdentityCredentials(ctx, webIdentity));
    tried.push("web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN not set)");

    if (isContainerConfigured(ctx)) return logged(deps, "container endpoint", await containerCredentials(ctx));
    tried.push("container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI not set)");

    if (imdsDisabled(ctx)) {
      tried.push("EC2 instance metadata (AWS_EC2_METADATA_DISABLED)");
    } else {
      const imds = await imdsCredentials(ctx);
      if ("credentials" in imds) return logged(deps, "EC2 instance metadata", imds.credentials);
      tried.push(imds.unavailable);
    }
    throw new BridgeError("AUTH_REQUIRED", `no AWS credentials found; tried ${tried.join("; ")}`);
  } finally {
    clearTimeout(timer);
  }
}

function logged(deps: Deps, source: string, credentials: AwsCredentials): AwsCredentials {
  const expiration = credentials.kind === "sigv4" ? credentials.expiration : undefined;
  deps.log.log("debug", "AWS credentials resolved", {
    source,
    ...(expiration !== undefined && { expires_at: new Date(expiration).toISOString() }),
  });
  return credentials;
}

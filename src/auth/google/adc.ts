/**
 * Which Google credentials a request uses, in the order Google's
 * Application Default Credentials use, with our request-level sources first:
 *
 * 1. `params.credentials.service_account` (the key JSON, as an object or a
 *    string) or `params.credentials.access_token`;
 * 2. the key file named by `GOOGLE_APPLICATION_CREDENTIALS`;
 * 3. gcloud's `application_default_credentials.json` (in `CLOUDSDK_CONFIG`,
 *    else `~/.config/gcloud`, or `%APPDATA%\gcloud` on Windows);
 * 4. the metadata server.
 *
 * Discovery reads files but calls nothing; it yields a source to mint
 * tokens from and a cache key that changes whenever the key does.
 */
import { readCredentialFile } from "../credential-file.ts";
import type { Deps } from "../../deps.ts";
import { BridgeError } from "../../protocol/errors.ts";
import type { ProviderParams } from "../../protocol/request.ts";
import { registerSecret } from "../../redact.ts";
import type { GoogleAccess } from "../google-credentials.ts";
import { authorizedUserToken, parseAuthorizedUserKey } from "./authorized-user.ts";
import { googleDigest, parseGoogleJsonObject, type GoogleMintedToken, type GoogleSourceContext } from "./context.ts";
import { googleMetadataBase, googleMetadataDisabled, googleMetadataToken } from "./metadata.ts";
import { parseServiceAccountKey, serviceAccountToken, type GoogleKeyProblem } from "./service-account.ts";

export interface GoogleRefreshableSource {
  kind: "refreshable";
  /** Says where the credentials came from, for logs and messages. */
  name: string;
  /** Changes with the key itself, so an edited or rotated key file gets its own tokens. */
  cacheKey: string;
  projectId?: string;
  quotaProject?: string;
  mint(ctx: GoogleSourceContext): Promise<GoogleMintedToken>;
}

export type GoogleCredentialSource = { kind: "static"; name: string; access: GoogleAccess } | GoogleRefreshableSource;

const ADC_FILE = "application_default_credentials.json";
const LOGIN_HINT =
  "run `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, " +
  "or pass params.credentials.service_account or params.credentials.access_token";

/** `signal`: the request's; it also ends a key-file read that does not finish (a stalled mount). */
export async function discoverGoogleSource(deps: Deps, params: ProviderParams, signal?: AbortSignal): Promise<GoogleCredentialSource> {
  const fromParams = await sourceFromParams(deps, params);
  if (fromParams !== undefined) return fromParams;
  const tried = ["params.credentials"];

  const named = deps.env.GOOGLE_APPLICATION_CREDENTIALS;
  if (named) {
    const path = expandHome(named, deps.home);
    const origin = `GOOGLE_APPLICATION_CREDENTIALS ${path}`;
    const text = await readCredentialFile(deps, path, "the Google credentials file", signal);
    if (text === null) throw new BridgeError("AUTH_FAILED", `GOOGLE_APPLICATION_CREDENTIALS names ${path}, which does not exist`);
    return sourceFromFile(text, `the Google credentials file ${path} (GOOGLE_APPLICATION_CREDENTIALS)`, origin);
  }
  tried.push("GOOGLE_APPLICATION_CREDENTIALS (not set)");

  const candidates = gcloudAdcPaths(deps);
  for (const path of candidates) {
    const text = await readCredentialFile(deps, path, "gcloud application default credentials", signal);
    if (text !== null) return sourceFromFile(text, `gcloud application default credentials ${path}`, `gcloud ADC ${path}`);
  }
  tried.push(
    candidates.length > 0 ? `gcloud application default credentials (${candidates.join(", ")} not found)` : "gcloud application default credentials (no home directory known)",
  );

  if (googleMetadataDisabled(deps.env)) {
    tried.push("the GCE metadata server (METADATA_SERVER_DETECTION=none)");
    throw new BridgeError("AUTH_REQUIRED", `no Google credentials found; tried ${tried.join("; ")}. To fix: ${LOGIN_HINT}`);
  }
  const base = googleMetadataBase(deps.env);
  return {
    kind: "refreshable",
    name: `the GCE metadata server at ${base}`,
    cacheKey: `metadata\n${base}`,
    ...quotaFromEnv(deps, undefined),
    async mint(ctx) {
      const result = await googleMetadataToken(ctx);
      if ("token" in result) return result.token;
      throw new BridgeError("AUTH_REQUIRED", `no Google credentials found; tried ${[...tried, result.unavailable].join("; ")}. To fix: ${LOGIN_HINT}`);
    },
  };

  async function sourceFromFile(text: string, label: string, origin: string): Promise<GoogleCredentialSource> {
    const problem: GoogleKeyProblem = (what, cause) => new BridgeError("AUTH_FAILED", `${label}: ${what}`, { cause });
    const json = parseGoogleJsonObject(text.replace(/^\uFEFF/, ""));
    // Neither the text nor the parser's excerpt of it can be shown: it is a private key.
    if (json === undefined) throw problem("not a JSON object (unreadable JSON)");
    return sourceFromKey(deps, json, problem, origin, ["service_account", "authorized_user"]);
  }
}

async function sourceFromParams(deps: Deps, params: ProviderParams): Promise<GoogleCredentialSource | undefined> {
  const credentials = params.credentials;
  if (credentials === undefined) return undefined;
  const { service_account: serviceAccount, access_token: accessToken } = credentials;
  if (serviceAccount !== undefined && accessToken !== undefined) {
    throw new BridgeError("INVALID_REQUEST", "params.credentials: give either service_account or access_token, not both", { field: "params.credentials" });
  }
  if (accessToken !== undefined) {
    if (typeof accessToken !== "string" || accessToken.trim() === "") {
      throw new BridgeError("INVALID_REQUEST", "params.credentials.access_token: must be a non-empty string", { field: "params.credentials.access_token" });
    }
    registerSecret(accessToken);
    return { kind: "static", name: "params.credentials.access_token", access: { token: accessToken.trim(), fixed: true, ...quotaFromEnv(deps, undefined) } };
  }
  if (serviceAccount === undefined) {
    throw new BridgeError("INVALID_REQUEST", "params.credentials: expected service_account (the key JSON, as an object or a string) or access_token", {
      field: "params.credentials",
    });
  }
  const field = "params.credentials.service_account";
  const problem: GoogleKeyProblem = (what, cause) => new BridgeError("INVALID_REQUEST", `${field}: ${what}`, { field, cause });
  let json: Record<string, unknown> | undefined;
  if (typeof serviceAccount === "string") {
    registerSecret(serviceAccount);
    json = parseGoogleJsonObject(serviceAccount);
    if (json === undefined) throw problem("a string here must hold the key's JSON object, and this one is not valid JSON");
  } else if (typeof serviceAccount === "object" && serviceAccount !== null && !Array.isArray(serviceAccount)) {
    json = serviceAccount as Record<string, unknown>;
  } else {
    throw problem("must be the key JSON, as an object or a string");
  }
  return sourceFromKey(deps, json, problem, field, ["service_account"]);
}

async function sourceFromKey(deps: Deps, json: Record<string, unknown>, problem: GoogleKeyProblem, origin: string, accepted: readonly string[]): Promise<GoogleCredentialSource> {
  const type = json.type ?? (accepted.length === 1 ? accepted[0] : undefined);
  if (type === "service_account") {
    const key = parseServiceAccountKey(json, problem);
    const name = `service account ${key.client_email} (${origin})`;
    const digest = await googleDigest([key.client_email, key.private_key_id ?? "", key.token_uri, key.private_key].join("\n"));
    return {
      kind: "refreshable",
      name,
      cacheKey: `service_account\n${digest}`,
      ...(key.project_id !== undefined && { projectId: key.project_id }),
      ...quotaFromEnv(deps, key.quota_project_id),
      mint: (ctx) => serviceAccountToken(ctx, key, name, problem),
    };
  }
  if (type === "authorized_user" && accepted.includes("authorized_user")) {
    const key = parseAuthorizedUserKey(json, problem);
    const name = `user credentials of OAuth client ${key.client_id} (${origin})`;
    const digest = await googleDigest([key.client_id, key.token_uri, key.client_secret, key.refresh_token].join("\n"));
    return {
      kind: "refreshable",
      name,
      cacheKey: `authorized_user\n${digest}`,
      ...quotaFromEnv(deps, key.quota_project_id),
      mint: (ctx) => authorizedUserToken(ctx, key, name),
    };
  }
  if (type === undefined) throw problem(`has no "type" (expected ${accepted.join(" or ")})`);
  throw problem(`type ${JSON.stringify(type)} is not supported (supported: ${accepted.join(", ")})`);
}

/** `GOOGLE_CLOUD_QUOTA_PROJECT` overrides the key's own quota project, as in Google's client libraries. */
function quotaFromEnv(deps: Deps, fromKey: string | undefined): { quotaProject?: string } {
  const quota = deps.env.GOOGLE_CLOUD_QUOTA_PROJECT || fromKey;
  return quota ? { quotaProject: quota } : {};
}

function gcloudAdcPaths(deps: Deps): string[] {
  const configDir = deps.env.CLOUDSDK_CONFIG;
  if (configDir) return [joinPath(expandHome(configDir, deps.home), ADC_FILE)];
  const paths: string[] = [];
  if (deps.home !== undefined) paths.push(joinPath(deps.home, ".config", "gcloud", ADC_FILE));
  // gcloud on Windows keeps its configuration under %APPDATA%, which no other system sets.
  if (deps.env.APPDATA) paths.push(joinPath(deps.env.APPDATA, "gcloud", ADC_FILE));
  return paths;
}

function expandHome(path: string, home: string | undefined): string {
  if (home !== undefined && (path === "~" || path.startsWith("~/"))) return joinPath(home, path.slice(2));
  return path;
}

function joinPath(...parts: string[]): string {
  return parts
    .filter((part) => part !== "")
    .map((part, index) => (index === 0 ? part.replace(/[\\/]+$/, "") : part.replace(/^[\\/]+|[\\/]+$/g, "")))
    .join("/");
}

/**
 * Key-based credentials, resolved in the documented order: the request's
 * `params.credentials`, the provider's conventional environment variables,
 * then the credential store. Whatever is found is registered with the
 * redactor before it goes anywhere.
 */
import type { Deps } from "../deps.ts";
import { BridgeError } from "../protocol/errors.ts";
import type { ProviderParams } from "../protocol/request.ts";
import { registerSecret } from "../redact.ts";
import { loadStoredCredentials } from "./store.ts";

export interface ApiKeySource {
  provider: string;
  /** Environment variables to try, in order. */
  envVars: readonly string[];
}

export async function findApiKey(params: ProviderParams, deps: Deps, source: ApiKeySource): Promise<string | undefined> {
  const explicit = params.credentials?.api_key;
  if (explicit !== undefined) {
    if (typeof explicit !== "string" || explicit.length === 0) {
      throw new BridgeError("INVALID_REQUEST", "params.credentials.api_key: must be a non-empty string", {
        field: "params.credentials.api_key",
      });
    }
    registerSecret(explicit);
    return explicit;
  }
  for (const name of source.envVars) {
    const value = deps.env[name];
    if (value) {
      registerSecret(value);
      return value;
    }
  }
  const stored = (await loadStoredCredentials(deps, source.provider))?.api_key;
  return typeof stored === "string" && stored.length > 0 ? stored : undefined;
}

export async function requireApiKey(params: ProviderParams, deps: Deps, source: ApiKeySource): Promise<string> {
  const key = await findApiKey(params, deps, source);
  if (key === undefined) {
    throw new BridgeError("AUTH_REQUIRED", `no ${source.provider} API key: pass params.credentials.api_key, set ${source.envVars.join(" or ")}, or run authenticate`);
  }
  return key;
}

/** Provider headers first, then the caller's `params.headers`, which nothing overwrites. */
export function mergeHeaders(base: Record<string, string>, extra: Record<string, string> | undefined): Headers {
  const headers = new Headers(base);
  if (extra) for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return headers;
}

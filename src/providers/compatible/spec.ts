/**
 * One OpenAI-compatible server as data (a preset, the generic provider, or a
 * user's named endpoint), and where its base URL and key come from.
 */
import type { Deps } from "../../deps.ts";
import { BridgeError } from "../../protocol/errors.ts";
import type { ProviderParams } from "../../protocol/request.ts";
import type { CompatFlags } from "./flags.ts";
import { isLoopbackHost } from "../../http/loopback.ts";

export type CompatDialect = "chat" | "responses";

export interface CompatibleSpec {
  id: string;
  name: string;
  /** The base URL when neither `params.base_url` nor an environment variable gives one; absent: `params.base_url` is required. */
  base_url?: string;
  /** Environment variables that replace `base_url`, in order (`OLLAMA_HOST` in Ollama's own `host:port` form). */
  base_url_env: readonly string[];
  /** Environment variables holding the API key, in order. */
  key_env: readonly string[];
  /** The service refuses every call without a key (hosted services); local servers take none by default. */
  key_required: boolean;
  /** Keys may come from the credential store (not the generic provider, whose server changes with every request). */
  key_store: boolean;
  /** A server on the user's own machine: a connection failure says that the local server does not answer. */
  local: boolean;
  /** The dialects the server speaks, the default first; `params.api` picks another. */
  dialects: readonly CompatDialect[];
  flags: CompatFlags;
}

/** Variables that may hold an address in Ollama's `OLLAMA_HOST` form rather than a URL. */
const HOST_FORM = new Set(["OLLAMA_HOST"]);

/**
 * The base URL of a request, without a trailing slash: `params.base_url`,
 * else the first environment variable set, else the spec's.
 */
/** An http(s) URL with a host: what a base URL from the environment or the endpoints file must be. */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\/[^/]/i.test(value) && URL.canParse(value);
}

export function resolveBaseUrl(spec: CompatibleSpec, params: ProviderParams, deps: Pick<Deps, "env">): string {
  if (typeof params.base_url === "string") return params.base_url.replace(/\/+$/, "");
  for (const name of spec.base_url_env) {
    const value = deps.env[name]?.trim();
    if (!value) continue;
    const url = HOST_FORM.has(name) ? `${ollamaHostOrigin(value)}/v1` : value.replace(/\/+$/, "");
    if (!isHttpUrl(url)) {
      throw new BridgeError("PROVIDER_ERROR", `${spec.id}: ${name} is not an http(s) URL (${JSON.stringify(value.slice(0, 100))}); fix it or pass params.base_url`);
    }
    return url;
  }
  if (spec.base_url !== undefined) return spec.base_url;
  throw new BridgeError("INVALID_REQUEST", `params.base_url: ${spec.id} needs the server's base URL, e.g. "http://127.0.0.1:8080/v1" (the part before /chat/completions)`, {
    field: "params.base_url",
  });
}

/**
 * `OLLAMA_HOST` as Ollama's own client reads it (ollama envconfig/config.go
 * `Host()`): `host:port`, `:port`, a bare host or a full URL; the port
 * defaults to 11434 without a scheme, 80/443 with one. A wildcard bind
 * address (`0.0.0.0`, `::`, empty) is where the server listens, not an
 * address to call: it becomes 127.0.0.1.
 */
export function ollamaHostOrigin(value: string): string {
  let scheme = "http";
  let rest = value.trim();
  let defaultPort = "11434";
  const cut = rest.indexOf("://");
  if (cut !== -1) {
    scheme = rest.slice(0, cut).toLowerCase();
    rest = rest.slice(cut + 3);
    defaultPort = scheme === "https" ? "443" : "80";
  }
  const hostport = rest.split("/")[0] ?? "";
  let host: string;
  let port: string;
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(hostport);
  if (bracketed) {
    host = bracketed[1] ?? "";
    port = bracketed[2] || defaultPort;
  } else if ((hostport.match(/:/g) ?? []).length === 1) {
    [host = "", port = ""] = hostport.split(":");
    if (port === "") port = defaultPort;
  } else {
    // No port, or a bare IPv6 address.
    host = hostport;
    port = defaultPort;
  }
  if (host === "" || host === "0.0.0.0" || host === "::") host = "127.0.0.1";
  return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** The base URL as an error message may show it: no user info, no query (either may hold a secret). */
export function displayUrl(base: string): string {
  try {
    const url = new URL(base);
    return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, "");
  } catch {
    return "the configured base URL";
  }
}

/** Whether a base URL names this machine (a local server, wherever it is configured). */
export function isLoopback(base: string): boolean {
  try {
    return isLoopbackHost(new URL(base).hostname);
  } catch {
    return false;
  }
}

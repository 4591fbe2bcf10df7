/**
 * The fetch the core uses, with the host's network settings applied:
 * proxies per src/http/proxy.ts and an extra CA bundle (`PLUE_CA_BUNDLE`,
 * PEM). Under Bun both are fetch options; Node's fetch has neither, so there
 * NODE_EXTRA_CA_CERTS (read by Node at start) and NODE_USE_ENV_PROXY
 * (Node >= 24) are the way, and we say so on stderr.
 */
import process from "node:process";
import type { Env, Logger } from "../deps.ts";
import { chooseProxy, readProxyConfig } from "../http/proxy.ts";

const PROXY_VARIABLES = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"];

export async function createHostFetch(env: Env, log: Logger): Promise<typeof fetch> {
  const config = readProxyConfig(env);
  const caPath = env.PLUE_CA_BUNDLE;
  // node:fs/promises only when a CA bundle is configured: loading it costs start-up a few milliseconds.
  const ca = caPath
    ? await (await import("node:fs/promises")).readFile(caPath, "utf8").catch((error: unknown) => {
        log.log("error", "cannot read PLUE_CA_BUNDLE; using the default CAs", { path: caPath, error });
        return undefined;
      })
    : undefined;
  const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
  if (!isBun) {
    if (config.http || config.https) log.log("warn", "under Node, proxies need NODE_USE_ENV_PROXY=1 (Node >= 24); HTTP(S)_PROXY alone is ignored");
    if (ca) log.log("warn", "under Node, use NODE_EXTRA_CA_CERTS for a CA bundle; PLUE_CA_BUNDLE is ignored");
    return fetch;
  }
  // Bun would apply the proxy variables itself, loopback included; we take the decision over.
  for (const name of PROXY_VARIABLES) delete process.env[name];
  const hostFetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    const proxy = chooseProxy(url, config);
    if (!proxy && !ca) return fetch(input, init);
    return fetch(input, { ...init, ...(proxy && { proxy }), ...(ca && { tls: { ca } }) } as RequestInit);
  };
  return hostFetch as typeof fetch;
}

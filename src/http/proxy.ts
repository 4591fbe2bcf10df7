/**
 * Which proxy, if any, a request goes through. Pure, so the rules are tested
 * as a table: `HTTPS_PROXY` for https URLs, `HTTP_PROXY` for http, either
 * spelled in lower case too; `NO_PROXY` entries match a host exactly or as a
 * domain suffix (`.example.com` and `example.com` both cover
 * `api.example.com`), with an optional `:port`, and `*` disables proxying.
 * Loopback is always direct: Bun 1.4.5 sends even 127.0.0.1 through
 * HTTP_PROXY (checked 2026-11-24), which breaks local gateways and our own
 * replay tests behind a corporate proxy.
 */
import type { Env } from "../deps.ts";
import { isLoopbackHost } from "./loopback.ts";

export interface ProxyConfig {
  http?: string;
  https?: string;
  noProxy: string[];
}

export function readProxyConfig(env: Env): ProxyConfig {
  const pick = (...names: string[]): string | undefined => names.map((name) => env[name]).find((value) => value);
  const config: ProxyConfig = {
    noProxy: (pick("NO_PROXY", "no_proxy") ?? "")
      .split(/[\s,]+/)
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean),
  };
  const http = pick("HTTP_PROXY", "http_proxy");
  const https = pick("HTTPS_PROXY", "https_proxy") ?? http;
  if (http) config.http = http;
  if (https) config.https = https;
  return config;
}

/** Loopback, and link-local (the AWS instance metadata and container endpoints live there and never sit behind a proxy). */
function isAlwaysDirect(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return isLoopbackHost(host) || host.endsWith(".localhost") || /^169\.254(\.\d{1,3}){2}$/.test(host);
}

function bypassed(url: URL, noProxy: string[]): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return noProxy.some((entry) => {
    if (entry === "*") return true;
    const [pattern = "", entryPort] = entry.replace(/^\*/, "").split(/:(?=\d+$)/);
    if (entryPort && entryPort !== port) return false;
    const domain = pattern.replace(/^\./, "");
    return host === domain || host.endsWith(`.${domain}`);
  });
}

export function chooseProxy(url: string | URL, config: ProxyConfig): string | undefined {
  const parsed = typeof url === "string" ? new URL(url) : url;
  if (isAlwaysDirect(parsed.hostname) || bypassed(parsed, config.noProxy)) return undefined;
  return parsed.protocol === "https:" ? config.https : config.http;
}

import { describe, expect, test } from "bun:test";
import { chooseProxy, readProxyConfig } from "../../src/http/proxy.ts";

const P = "http://proxy.corp:3128";
const S = "http://secure-proxy.corp:3128";

describe("chooseProxy", () => {
  const cases: Array<[string, Record<string, string>, string, string | undefined]> = [
    ["no proxy configured", {}, "https://api.anthropic.com/v1/messages", undefined],
    ["https uses HTTPS_PROXY", { HTTPS_PROXY: S, HTTP_PROXY: P }, "https://api.openai.com/v1", S],
    ["http uses HTTP_PROXY", { HTTPS_PROXY: S, HTTP_PROXY: P }, "http://gateway.corp/v1", P],
    ["https falls back to HTTP_PROXY", { HTTP_PROXY: P }, "https://api.openai.com/v1", P],
    ["lower-case names", { https_proxy: S }, "https://api.openai.com/v1", S],
    ["loopback 127.0.0.1 is always direct", { HTTP_PROXY: P }, "http://127.0.0.1:8080/v1", undefined],
    ["loopback 127.x.y.z is always direct", { HTTP_PROXY: P }, "http://127.5.6.7:8080/v1", undefined],
    ["localhost is always direct", { HTTPS_PROXY: S }, "https://localhost:8443/", undefined],
    ["[::1] is always direct", { HTTP_PROXY: P }, "http://[::1]:8080/", undefined],
    ["link-local metadata endpoints are always direct", { HTTP_PROXY: P }, "http://169.254.169.254/latest/api/token", undefined],
    ["NO_PROXY exact host", { HTTPS_PROXY: S, NO_PROXY: "api.openai.com" }, "https://api.openai.com/v1", undefined],
    ["NO_PROXY domain suffix", { HTTPS_PROXY: S, NO_PROXY: "openai.com" }, "https://api.openai.com/v1", undefined],
    ["NO_PROXY leading dot", { HTTPS_PROXY: S, NO_PROXY: ".openai.com" }, "https://api.openai.com/v1", undefined],
    ["NO_PROXY is not a substring match", { HTTPS_PROXY: S, NO_PROXY: "ai.com" }, "https://api.openai.com/v1", S],
    ["NO_PROXY list with spaces", { HTTPS_PROXY: S, no_proxy: "example.org, anthropic.com" }, "https://api.anthropic.com/", undefined],
    ["NO_PROXY with matching port", { HTTP_PROXY: P, NO_PROXY: "gateway.corp:8080" }, "http://gateway.corp:8080/", undefined],
    ["NO_PROXY with other port", { HTTP_PROXY: P, NO_PROXY: "gateway.corp:9090" }, "http://gateway.corp:8080/", P],
    ["NO_PROXY * disables", { HTTPS_PROXY: S, NO_PROXY: "*" }, "https://api.openai.com/", undefined],
  ];
  for (const [name, env, url, expected] of cases) {
    test(name, () => expect(chooseProxy(url, readProxyConfig(env))).toBe(expected));
  }
});

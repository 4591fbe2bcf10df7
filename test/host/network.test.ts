/**
 * Host network settings, through the real executable: a private CA bundle
 * (PLUE_CA_BUNDLE) and keep-alive connection reuse across requests.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTerminal, startProcess } from "../support/run-binary.ts";

const SSE = [
  `data: ${JSON.stringify({ id: "c", model: "gpt-4o", choices: [{ index: 0, delta: { content: "secure hello" }, finish_reason: "stop" }] })}\n\n`,
  `data: ${JSON.stringify({ id: "c", model: "gpt-4o", choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })}\n\n`,
  "data: [DONE]\n\n",
].join("");

const chat = (id: number, url: string) => ({
  id,
  action: "stream_chat",
  provider: "openai",
  params: { model: "gpt-4o", api: "chat", base_url: url, credentials: { api_key: "sk-test-000000000000000000" }, messages: [{ role: "user", content: "hi" }], max_retries: 0 },
});

describe("private CA bundle", () => {
  const dir = mkdtempSync(join(tmpdir(), "plue-ca-"));
  let server: HttpsServer;
  let url = "";
  beforeAll(async () => {
    const made = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { encoding: "utf8" },
    );
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
    server = createHttpsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(SSE);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => server.close());

  test("a server signed by an unknown CA is refused as a NETWORK_ERROR", async () => {
    const child = startProcess();
    child.send(chat(1, url));
    child.closeStdin();
    await child.exited;
    expect(child.lines.filter(isTerminal)[0]!.error).toMatchObject({ code: "NETWORK_ERROR" });
  });

  test("with PLUE_CA_BUNDLE the same server is trusted", async () => {
    const child = startProcess({ PLUE_CA_BUNDLE: join(dir, "cert.pem") });
    child.send(chat(1, url));
    child.closeStdin();
    await child.exited;
    const content = child.lines.find((line) => (line.data as { type?: string })?.type === "content");
    expect((content!.data as { content: string }).content).toBe("secure hello");
  });
});

test("keep-alive: sequential requests in one process reuse one connection", async () => {
  let connections = 0;
  const server: HttpServer = createHttpServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(SSE);
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  try {
    const child = startProcess();
    for (let id = 1; id <= 5; id++) {
      child.send(chat(id, url));
      await child.waitFor((line) => line.id === id && isTerminal(line));
    }
    child.closeStdin();
    await child.exited;
    expect(child.lines.filter(isTerminal).every((line) => line.success === true)).toBe(true);
    expect(connections).toBe(1);
  } finally {
    server.close();
  }
});

test("HTTP_PROXY carries provider traffic, but loopback stays direct and NO_PROXY is honoured", async () => {
  const proxied: string[] = [];
  const proxy: HttpServer = createHttpServer((req, res) => {
    proxied.push(req.url ?? "");
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(SSE);
  });
  let direct = 0;
  const target: HttpServer = createHttpServer((_req, res) => {
    direct++;
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(SSE);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const targetPort = (target.address() as AddressInfo).port;
  try {
    const child = startProcess({ HTTP_PROXY: proxyUrl, NO_PROXY: "skip.test" });
    child.send(chat(1, `http://127.0.0.1:${targetPort}/v1`));
    child.send(chat(2, "http://api.provider.test/v1"));
    child.send(chat(3, "http://skip.test:9/v1"));
    child.closeStdin();
    await child.exited;
    const byId = (id: number) => child.lines.filter((line) => line.id === id).find(isTerminal)!;
    expect(byId(1).success).toBe(true);
    expect(byId(2).success).toBe(true);
    expect(byId(3).error).toMatchObject({ code: "NETWORK_ERROR" }); // direct to a host that does not exist
    expect(direct).toBe(1);
    expect(proxied).toEqual(["http://api.provider.test/v1/chat/completions"]);
  } finally {
    proxy.close();
    target.close();
  }
});

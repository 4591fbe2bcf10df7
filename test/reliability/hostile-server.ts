/**
 * A hostile loopback server for the bounded-read and redirect cells: each
 * request is answered by a route, with a JSON answer, a redirect, or one of
 * the two answers that must not exhaust the client's memory:
 *
 * - `endless`: 200 and a JSON-looking body that never ends (written as fast
 *   as the client takes it, so the client's reading pace is the only bound);
 * - `gzip-bomb`: 200, `content-encoding: gzip`, about 1 MB on the wire that
 *   inflates to 1 GiB.
 *
 * It counts what it sent and whether the client hung up before the end, so
 * a cell can tell "stopped reading and closed" from "read it all". Plain
 * http, or https with a certificate from `selfSignedCertificate` (for the
 * https→http redirect cells).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGzip } from "node:zlib";
import { flatHeaders, readBody } from "../support/replay-server.ts";

export type HostileKind = "endless" | "gzip-bomb";

export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export type Answer = { hostile: HostileKind } | { redirect: number; location: string } | { status: number; body: string | Uint8Array; headers?: Record<string, string> };

/** The answer for a request; undefined: 404. */
export type Route = (request: Received, self: HostileServer) => Answer | undefined;

export interface HostileServer {
  url: string;
  /** host:port, as messages name it. */
  host: string;
  readonly received: Received[];
  /** Hostile answers started. */
  readonly hostileAnswers: number;
  /** Body bytes written in hostile answers (on the wire: compressed for the bomb). */
  readonly hostileBytes: number;
  /** Hostile answers the client hung up on before their end. */
  readonly cut: number;
  route: Route;
  close(): Promise<void>;
}

/** An endless answer gives up after this much, so a client that reads everything cannot run the test machine dry. */
const ENDLESS_CAP_BYTES = 4 * 1024 ** 3;
const ENDLESS_CAP_MS = 60_000;
const CHUNK = 64 * 1024;
const BOMB_INFLATED_BYTES = 1024 ** 3;

let bomb: Promise<Buffer> | undefined;

/** `{"data":"` and 1 GiB of zero bytes, gzip level 9: about 1 MB. Built once per process (about 1.3 s of CPU). */
export function gzipBomb(): Promise<Buffer> {
  bomb ??= (async () => {
    const gzip = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on("data", (part: Buffer) => parts.push(part));
    const ended = new Promise((resolve) => gzip.on("end", resolve));
    gzip.write('{"data":"');
    const zeros = Buffer.alloc(16 * 1024 * 1024);
    for (let written = 0; written < BOMB_INFLATED_BYTES; written += zeros.length) {
      if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once("drain", resolve));
    }
    gzip.end();
    await ended;
    return Buffer.concat(parts);
  })();
  return bomb;
}

export interface Certificate {
  key: string;
  cert: string;
}

/** A throwaway certificate for 127.0.0.1 (openssl, P-256, two days). */
export function selfSignedCertificate(): Certificate {
  const dir = mkdtempSync(join(tmpdir(), "plue-cert-"));
  try {
    const result = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "2",
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
    if (result.status !== 0) throw new Error(`openssl is needed for the https cells: ${result.error?.message ?? result.stderr}`);
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const JSON_HEADERS = { "content-type": "application/json" };

export async function startHostileServer(route: Route, options: { tls?: Certificate } = {}): Promise<HostileServer> {
  const received: Received[] = [];
  let hostileAnswers = 0;
  let hostileBytes = 0;
  let cut = 0;

  async function answerHostile(res: ServerResponse, kind: HostileKind): Promise<void> {
    hostileAnswers++;
    let gone = false;
    res.on("close", () => void (gone = true));
    const write = (bytes: Uint8Array): Promise<void> =>
      new Promise((resolve) => {
        if (gone) return resolve();
        hostileBytes += bytes.length;
        // Resolves once the socket took the bytes: the client's pace sets ours.
        res.write(bytes, () => resolve());
      });
    // Metadata-Flavor so the Google metadata client reads the answer (it ignores servers without it).
    const headers = { ...JSON_HEADERS, "metadata-flavor": "Google" };
    if (kind === "gzip-bomb") {
      const body = await gzipBomb();
      res.writeHead(200, { ...headers, "content-encoding": "gzip" });
      for (let at = 0; at < body.length && !gone; at += CHUNK) await write(body.subarray(at, at + CHUNK));
    } else {
      res.writeHead(200, headers);
      await write(new TextEncoder().encode('{"data":["'));
      const filler = new TextEncoder().encode("x".repeat(CHUNK));
      const started = Date.now();
      for (let sent = 0; !gone && sent < ENDLESS_CAP_BYTES && Date.now() - started < ENDLESS_CAP_MS; sent += CHUNK) await write(filler);
    }
    if (gone) cut++;
    else res.end();
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      const body = await readBody(req);
      const request: Received = { method: req.method ?? "", path: req.url ?? "", headers: flatHeaders(req), body };
      received.push(request);
      const answer = self.route(request, self);
      if (answer === undefined) {
        res.writeHead(404, JSON_HEADERS);
        res.end('{"error":{"message":"not here"}}');
      } else if ("hostile" in answer) {
        await answerHostile(res, answer.hostile);
      } else if ("redirect" in answer) {
        res.writeHead(answer.redirect, { location: answer.location, "content-type": "text/plain" });
        res.end("moved");
      } else {
        res.writeHead(answer.status, { ...JSON_HEADERS, ...answer.headers });
        res.end(answer.body);
      }
    })();
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  const self: HostileServer = {
    url: `${options.tls ? "https" : "http"}://${host}`,
    host,
    received,
    get hostileAnswers() {
      return hostileAnswers;
    },
    get hostileBytes() {
      return hostileBytes;
    },
    get cut() {
      return cut;
    },
    route,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
  return self;
}

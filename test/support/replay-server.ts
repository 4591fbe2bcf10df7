// Loopback HTTP server that answers the Nth request with the Nth recorded
// interaction, keeping the recorded chunk boundaries. node:http so the same
// helper runs under Bun and Node.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Cassette, Interaction } from "./cassette.ts";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface ReplayServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export interface ReplayOptions {
  /** "recorded" sleeps for the recorded `t` gaps, each capped at 50 ms. Default "none". */
  pacing?: "none" | "recorded";
  /** Answer 599 when method or path (query ignored) differ from the interaction. Default true. */
  strictPath?: boolean;
}

// 599 is outside every provider's vocabulary, so a mismatch cannot be mistaken
// for a recorded answer by the code under test.
const MISMATCH_STATUS = 599;
const MAX_GAP_MS = 50;
const ABORT_GRACE_MS = 25;

// The server re-frames bodies with chunked encoding and never compresses, so
// recorded framing headers would lie about the bytes actually sent.
const FRAMING_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding"]);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withoutQuery(path: string): string {
  const q = path.indexOf("?");
  return q === -1 ? path : path.slice(0, q);
}

export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function write(res: ServerResponse, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    res.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}

function fail(res: ServerResponse, detail: Record<string, unknown>): void {
  const body = JSON.stringify({ error: { type: "replay_mismatch", ...detail } });
  res.writeHead(MISMATCH_STATUS, { "content-type": "application/json" });
  res.end(body);
}

async function play(res: ServerResponse, it: Interaction, pacing: "none" | "recorded"): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(it.response.headers)) {
    if (!FRAMING_HEADERS.has(k.toLowerCase())) headers[k] = v;
  }
  res.writeHead(it.response.status, headers);
  // Send the head now so a client sees the status before the first chunk,
  // as it would from a real streaming endpoint.
  res.flushHeaders();
  let lastT = 0;
  for (const step of it.body) {
    if ("chunk" in step) {
      if (pacing === "recorded" && step.t !== undefined) {
        const gap = Math.min(Math.max(step.t - lastT, 0), MAX_GAP_MS);
        lastT = step.t;
        if (gap > 0) await sleep(gap);
      }
      await write(res, step.chunk);
      // Yield a macrotask so each write leaves as its own segment instead of
      // being coalesced with the next one in the socket buffer.
      await sleep(0);
    } else if ("stall_ms" in step) {
      await sleep(step.stall_ms);
    } else {
      // Give the client time to take delivery of the chunks already sent:
      // an immediate reset can overtake them, and Bun's fetch then rejects
      // before the response resolves, which is not the cut-off we replay.
      await sleep(ABORT_GRACE_MS);
      res.socket?.destroy();
      return;
    }
  }
  res.end();
}

export function startReplayServer(cassette: Cassette | Cassette[], options: ReplayOptions = {}): Promise<ReplayServer> {
  const interactions = (Array.isArray(cassette) ? cassette : [cassette]).flatMap((c) => c.interactions.map((it) => ({ scenario: c.scenario, it })));
  const pacing = options.pacing ?? "none";
  const strictPath = options.strictPath ?? true;
  const requests: ReceivedRequest[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const method = req.method ?? "";
      const path = req.url ?? "";
      const index = requests.length;
      requests.push({ method, path, headers: flatHeaders(req), body });
      const next = interactions[index];
      if (next === undefined) {
        fail(res, {
          message: `cassette exhausted: request #${index + 1} (${method} ${path}) but only ${interactions.length} interaction(s) recorded`,
          received: { method, path },
        });
        return;
      }
      const want = next.it.request;
      if (strictPath && (want.method !== method || withoutQuery(want.path) !== withoutQuery(path))) {
        fail(res, {
          message: `request #${index + 1} of scenario "${next.scenario}" expected ${want.method} ${withoutQuery(want.path)} but received ${method} ${withoutQuery(path)}`,
          expected: { method: want.method, path: want.path },
          received: { method, path },
        });
        return;
      }
      await play(res, next.it, pacing);
    })().catch((err: unknown) => {
      // The client is gone or the socket was reset on purpose; there is no one
      // left to answer, so end the socket rather than leave it hanging.
      if (!res.writableEnded) res.socket?.destroy(err instanceof Error ? err : undefined);
    });
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive sockets from fetch would otherwise hold close() open.
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * Loopback fault server: answers every request with a script of low-level
 * steps (write the head, write bytes, drip, pause, stall, reset, end, flood)
 * built from a clean recorded answer by `faultScript`. The first `times`
 * requests after `set()` get the fault, later ones the clean answer, so
 * "fail N then succeed" and "every attempt fails" are one knob.
 *
 * Faults are expressed on *units*: the recorded body cut at its event (SSE)
 * or frame (event-stream) boundaries, each with the visible text it carries,
 * so a cut can land right after the first content and the test knows exactly
 * which text was sent before the fault. Units come from the reader in
 * providers.ts, never from src/decode.
 *
 * A provider that makes other calls around the one under test (Copilot:
 * token exchange, model list) gets them answered by its side routes, which
 * are never faulted and never counted as attempts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";
import { concatBytes } from "../support/cassette.ts";
import { flatHeaders, readBody } from "../support/replay-server.ts";

/** One event or frame of a recorded body, with the content text a client should show for it. */
export interface Unit {
  bytes: Uint8Array;
  text: string;
}

/** A clean streaming answer, cut into units (their bytes concatenated are the recorded body). */
export interface CleanAnswer {
  status: number;
  headers: Record<string, string>;
  units: Unit[];
}

export type Step =
  | { do: "head"; status: number; headers: Record<string, string> }
  | { do: "write"; bytes: Uint8Array }
  | { do: "drip"; bytes: Uint8Array }
  | { do: "pause"; ms: number }
  /** Hold the connection open until the client goes away. */
  | { do: "stall" }
  /** Destroy the socket (before the head: a reset instead of an answer). */
  | { do: "reset" }
  | { do: "end" }
  /** Write `bytes` of filler (an error page that never ends), as fast as the client takes it. */
  | { do: "flood"; bytes: number; prefix: string };

export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Requests a provider makes around the one under test (Copilot's token exchange and model list) and their fixed
 * good answers; undefined for the request under test. Side requests never get the fault and are not counted as attempts.
 */
export type SideRoutes = (request: Received) => Step[] | undefined;

export interface FaultServer {
  url: string;
  /** Requests since the last `set` (attempts: side requests excluded). */
  readonly received: Received[];
  /** Side requests since the last `set`. */
  readonly sideReceived: Received[];
  /** Body bytes written since the last `set` (the flood counts here). */
  readonly bytesSent: number;
  /** Floods since the last `set` that stopped because the client closed the connection. */
  readonly floodsCut: number;
  /**
   * The first `times` requests get `script` (or what it returns for the request, to echo what was sent);
   * later ones the clean answer. Resets the counters.
   */
  set(script: Step[] | ((request: Received) => Step[]), times?: number): void;
  /** Every request gets the clean answer. */
  clean(): void;
  close(): Promise<void>;
}

/** Headers that describe the recorded framing, not what this server sends (it always uses chunked encoding). */
const FRAMING = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding"]);
/** A stalled request is released after this even if the client never gives up, so a broken test cannot hang. */
const STALL_CAP_MS = 20_000;
const FLOOD_CHUNK = 64 * 1024;

export function cleanScript(answer: CleanAnswer): Step[] {
  return [{ do: "head", status: answer.status, headers: answer.headers }, ...answer.units.map((u): Step => ({ do: "write", bytes: u.bytes })), { do: "end" }];
}

/** Index of the first unit that carries content; the mid-body faults cut right after it. */
export function firstContentUnit(answer: CleanAnswer): number {
  const index = answer.units.findIndex((u) => u.text !== "");
  if (index === -1 || index === answer.units.length - 1) throw new Error("clean answer has no content unit followed by more units");
  return index;
}

/** The clean answer up to and including its first content unit, and the text that carries. */
export function contentPrefix(answer: CleanAnswer): { bytes: Uint8Array; text: string; rest: Unit[] } {
  const cut = firstContentUnit(answer) + 1;
  const head = answer.units.slice(0, cut);
  return { bytes: concatBytes(head.map((u) => u.bytes)), text: head.map((u) => u.text).join(""), rest: answer.units.slice(cut) };
}

/** Time for the client to read and write the prefix before the fault hits, so "content was written" is certain. */
const SETTLE_MS = 30;

export interface Dialect {
  framing: "sse" | "event-stream";
  /** A unit whose JSON payload is broken, in this dialect's framing. */
  brokenJsonUnit(): Uint8Array;
  /** The dialect's native error answer for a status. */
  errorAnswer(status: number, message: string): { headers: Record<string, string>; body: string };
}

export type FaultKind =
  | "reset-before-headers"
  | "reset-mid-body"
  | "reset-before-content"
  | "truncated-before-content"
  | "stall-before-headers"
  | "stall-before-content"
  | "stall-mid-body"
  | "drip"
  | "malformed-sse"
  | "invalid-json-first"
  | "invalid-json-mid"
  | "truncated"
  | "corrupt-frame"
  | "oversized-event"
  | "html-200"
  | "html-502"
  | "huge-error-500"
  | "status";

/** Junk the SSE spec says to ignore: a line without a colon, unknown fields, a bad retry, a comment, a stray CR. */
const SSE_JUNK = new TextEncoder().encode("this line is not an SSE field\nretry: soon\nunknown-field: x\n: comment\n\r\n");

const HTML_PAGE = `<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>\n`;
const PORTAL_PAGE = `<!DOCTYPE html>\n<html><head><title>Hotel Wi-Fi login</title></head><body><form>Accept the terms</form></body></html>\n`;

/**
 * The steps of one fault applied to a clean answer. `status` faults take an
 * error answer (`status`, extra headers, body); the others are built from
 * the clean answer and the dialect.
 */
export function faultScript(kind: FaultKind, answer: CleanAnswer, dialect: Dialect, error?: { status: number; headers?: Record<string, string>; body?: string }): Step[] {
  const head: Step = { do: "head", status: answer.status, headers: answer.headers };
  const enc = new TextEncoder();
  switch (kind) {
    case "reset-before-headers":
      return [{ do: "reset" }];
    case "stall-before-headers":
      return [{ do: "stall" }];
    case "stall-before-content": {
      // Everything before the first content unit (message_start and the like), then silence.
      const before = answer.units.slice(0, firstContentUnit(answer));
      return [head, ...before.map((u): Step => ({ do: "write", bytes: u.bytes })), { do: "stall" }];
    }
    case "reset-before-content":
    case "truncated-before-content": {
      // Headers and the events ahead of the first content (message_start and the like), then the cut.
      const before = answer.units.slice(0, firstContentUnit(answer));
      const cut: Step = kind === "reset-before-content" ? { do: "reset" } : { do: "end" };
      return [head, ...before.map((u): Step => ({ do: "write", bytes: u.bytes })), { do: "pause", ms: SETTLE_MS }, cut];
    }
    case "reset-mid-body":
    case "stall-mid-body": {
      const prefix = contentPrefix(answer);
      return [head, { do: "write", bytes: prefix.bytes }, { do: "pause", ms: SETTLE_MS }, kind === "reset-mid-body" ? { do: "reset" } : { do: "stall" }];
    }
    case "truncated": {
      // The body ends cleanly (final chunk sent) halfway through the unit after the first content.
      const prefix = contentPrefix(answer);
      const next = prefix.rest[0]!;
      return [
        head,
        { do: "write", bytes: prefix.bytes },
        { do: "pause", ms: SETTLE_MS },
        { do: "write", bytes: next.bytes.subarray(0, Math.max(1, Math.floor(next.bytes.length / 2))) },
        { do: "end" },
      ];
    }
    case "corrupt-frame": {
      if (dialect.framing !== "event-stream") throw new Error("corrupt-frame applies to event-stream bodies");
      const prefix = contentPrefix(answer);
      const next = prefix.rest[0]!.bytes.slice();
      // Flip a payload byte (after the 12-byte prelude and the headers): the message CRC no longer matches.
      const at = next.length - 6;
      next[at] = next[at]! ^ 0x20;
      return [
        head,
        { do: "write", bytes: prefix.bytes },
        { do: "pause", ms: SETTLE_MS },
        { do: "write", bytes: next },
        ...prefix.rest.slice(1).map((u): Step => ({ do: "write", bytes: u.bytes })),
        { do: "end" },
      ];
    }
    case "oversized-event": {
      // After the first content: an SSE data line that never ends (past the decoder's 16 MiB bound), or a frame
      // prelude announcing 256 MiB (with a valid prelude CRC, so only the size gives it away).
      const prefix = contentPrefix(answer);
      const steps: Step[] = [head, { do: "write", bytes: prefix.bytes }, { do: "pause", ms: SETTLE_MS }];
      if (dialect.framing === "sse") return [...steps, { do: "flood", bytes: 17 * 1024 * 1024, prefix: "data: " }, { do: "end" }];
      const prelude = new Uint8Array(12);
      const view = new DataView(prelude.buffer);
      view.setUint32(0, 256 * 1024 * 1024);
      view.setUint32(4, 0);
      view.setUint32(8, crc32(prelude.subarray(0, 8)));
      return [...steps, { do: "write", bytes: prelude }, { do: "flood", bytes: 1024 * 1024, prefix: "" }, { do: "end" }];
    }
    case "drip":
      return [head, ...answer.units.map((u): Step => ({ do: "drip", bytes: u.bytes })), { do: "end" }];
    case "malformed-sse": {
      if (dialect.framing !== "sse") throw new Error("malformed-sse applies to SSE bodies");
      const steps: Step[] = [head, { do: "write", bytes: SSE_JUNK }];
      for (const u of answer.units) steps.push({ do: "write", bytes: u.bytes }, { do: "write", bytes: SSE_JUNK });
      steps.push({ do: "end" });
      return steps;
    }
    case "invalid-json-first": {
      const before = answer.units.slice(0, firstContentUnit(answer));
      return [
        head,
        ...before.map((u): Step => ({ do: "write", bytes: u.bytes })),
        { do: "write", bytes: dialect.brokenJsonUnit() },
        ...answer.units.slice(before.length).map((u): Step => ({ do: "write", bytes: u.bytes })),
        { do: "end" },
      ];
    }
    case "invalid-json-mid": {
      const prefix = contentPrefix(answer);
      return [
        head,
        { do: "write", bytes: prefix.bytes },
        { do: "pause", ms: SETTLE_MS },
        { do: "write", bytes: dialect.brokenJsonUnit() },
        ...prefix.rest.map((u): Step => ({ do: "write", bytes: u.bytes })),
        { do: "end" },
      ];
    }
    case "html-200":
      return [{ do: "head", status: 200, headers: { "content-type": "text/html; charset=utf-8" } }, { do: "write", bytes: enc.encode(PORTAL_PAGE) }, { do: "end" }];
    case "html-502":
      return [{ do: "head", status: 502, headers: { "content-type": "text/html", server: "cloudflare" } }, { do: "write", bytes: enc.encode(HTML_PAGE) }, { do: "end" }];
    case "huge-error-500": {
      const native = dialect.errorAnswer(500, "internal error");
      return [{ do: "head", status: 500, headers: native.headers }, { do: "flood", bytes: 50 * 1024 * 1024, prefix: native.body.slice(0, -2) }, { do: "end" }];
    }
    case "status": {
      if (error === undefined) throw new Error("a status fault needs an error answer");
      const native = dialect.errorAnswer(error.status, `synthetic ${error.status}`);
      return [{ do: "head", status: error.status, headers: { ...native.headers, ...error.headers } }, { do: "write", bytes: enc.encode(error.body ?? native.body) }, { do: "end" }];
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `tls`: serve https with this key and certificate (the redirect cells' https→http variant). */
export async function startFaultServer(answer: CleanAnswer, side?: SideRoutes, tls?: { key: string; cert: string }): Promise<FaultServer> {
  const clean = cleanScript(answer);
  let script: Step[] | ((request: Received) => Step[]) = clean;
  let times = 0;
  let received: Received[] = [];
  let sideReceived: Received[] = [];
  let bytesSent = 0;
  let floodsCut = 0;
  let generation = 0;

  async function play(res: ServerResponse, steps: Step[], gen: number, counted = true): Promise<void> {
    let gone = false;
    res.on("close", () => void (gone = true));
    const write = (bytes: Uint8Array): Promise<void> =>
      new Promise((resolve) => {
        if (gone) return resolve();
        if (counted && gen === generation) bytesSent += bytes.length;
        // Resolve on the write callback, i.e. once the socket took the bytes (backpressure for the flood).
        res.write(bytes, () => resolve());
      });
    for (const step of steps) {
      if (gone) return;
      switch (step.do) {
        case "head": {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(step.headers)) if (!FRAMING.has(k.toLowerCase())) headers[k] = v;
          res.writeHead(step.status, headers);
          res.flushHeaders();
          break;
        }
        case "write":
          await write(step.bytes);
          // Its own segment, not coalesced with the next write.
          await sleep(0);
          break;
        case "drip":
          for (let i = 0; i < step.bytes.length && !gone; i++) {
            await write(step.bytes.subarray(i, i + 1));
            await nextTick();
          }
          break;
        case "pause":
          await sleep(step.ms);
          break;
        case "stall": {
          const started = Date.now();
          while (!gone && Date.now() - started < STALL_CAP_MS) await sleep(10);
          res.socket?.destroy();
          return;
        }
        case "reset":
          res.socket?.destroy();
          return;
        case "end":
          res.end();
          return;
        case "flood": {
          const filler = new TextEncoder().encode("x".repeat(FLOOD_CHUNK));
          await write(new TextEncoder().encode(step.prefix));
          for (let sent = 0; sent < step.bytes && !gone; sent += FLOOD_CHUNK) await write(filler);
          if (gone && gen === generation) floodsCut++;
          break;
        }
      }
    }
    if (!gone) res.end();
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      const body = await readBody(req);
      const gen = generation;
      const request: Received = { method: req.method ?? "", path: req.url ?? "", headers: flatHeaders(req), body };
      const aside = side?.(request);
      if (aside !== undefined) {
        sideReceived.push(request);
        await play(res, aside, gen, false);
        return;
      }
      received.push(request);
      const chosen = received.length <= times ? script : clean;
      const steps = typeof chosen === "function" ? chosen(request) : chosen;
      await play(res, steps, gen);
    })().catch(() => {
      if (!res.writableEnded) res.socket?.destroy();
    });
  };
  const server = tls ? createTlsServer(tls, handle) : createServer(handle);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  function set(steps: Step[] | ((request: Received) => Step[]), count = Number.POSITIVE_INFINITY): void {
    generation++;
    script = steps;
    times = count;
    received = [];
    sideReceived = [];
    bytesSent = 0;
    floodsCut = 0;
  }
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    get received() {
      return received;
    },
    get sideReceived() {
      return sideReceived;
    },
    get bytesSent() {
      return bytesSent;
    },
    get floodsCut() {
      return floodsCut;
    },
    set,
    clean: () => set(clean, 0),
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

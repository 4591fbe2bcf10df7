/**
 * The one body reader (src/http/body.ts), the decoding of compressed
 * answers (src/http/decompress.ts) and fetchJson's use of both, over real
 * loopback sockets where the runtime's fetch matters.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { deflateSync, gzipSync, zstdCompressSync } from "node:zlib";
import type { Deps } from "../../src/deps.ts";
import { BODY_LIMITS, formatBytes, readBodyText, readCapped } from "../../src/http/body.ts";
import { decodeContentEncoding } from "../../src/http/decompress.ts";
import { fetchJson } from "../../src/http/json.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { createHarness } from "../support/in-process.ts";
import { startHostileServer, type HostileServer } from "../reliability/hostile-server.ts";

const encoder = new TextEncoder();

/** A response whose body arrives in the given pieces, and whether it was cancelled. */
function pieces(parts: Uint8Array[], headers: Record<string, string> = {}): { response: Response; cancelled: () => boolean } {
  let cancelled = false;
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < parts.length) controller.enqueue(parts[index++]!);
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { response: new Response(body, { headers }), cancelled: () => cancelled };
}

/** A body that never ends (64 KiB pieces of "x"), counting what was pulled. */
function endless(): { response: Response; pulled: () => number; cancelled: () => boolean } {
  let pulled = 0;
  let cancelled = false;
  const piece = encoder.encode("x".repeat(64 * 1024));
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        pulled += piece.byteLength;
        controller.enqueue(piece);
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { response: new Response(body), pulled: () => pulled, cancelled: () => cancelled };
}

describe("readBodyText", () => {
  const limit = { what: "credential answer", bytes: 10 };

  test("exactly at the limit: the whole text", async () => {
    expect(await readBodyText(pieces([encoder.encode("01234"), encoder.encode("56789")]).response, limit, "h")).toBe("0123456789");
  });

  test("one byte over: PROVIDER_ERROR naming what and from where, connection cancelled", async () => {
    const { response, cancelled } = pieces([encoder.encode("01234"), encoder.encode("567890"), encoder.encode("never read")]);
    const error = await readBodyText(response, limit, "sts.example:443").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", retryable: false, message: "the credential answer from sts.example:443 is larger than 10 bytes; stopped reading it" });
    expect(cancelled()).toBe(true);
  });

  test("an endless body stops at the limit (plus one piece at most)", async () => {
    const { response, pulled, cancelled } = endless();
    await expect(readBodyText(response, BODY_LIMITS.answer, "h")).rejects.toThrow("the answer from h is larger than 1 MiB");
    expect(pulled()).toBeLessThanOrEqual(BODY_LIMITS.answer.bytes + 64 * 1024);
    expect(cancelled()).toBe(true);
  });

  test("multi-byte characters across pieces decode whole", async () => {
    const bytes = encoder.encode("ação ✓");
    expect(await readBodyText(pieces([bytes.subarray(0, 2), bytes.subarray(2, 7), bytes.subarray(7)]).response, BODY_LIMITS.answer, "h")).toBe("ação ✓");
  });

  test("a read failure propagates for the caller to classify", async () => {
    const body = new ReadableStream({ pull: (controller) => controller.error(new Error("socket closed")) });
    await expect(readBodyText(new Response(body), BODY_LIMITS.answer, "h")).rejects.toThrow("socket closed");
  });
});

describe("readCapped (error bodies)", () => {
  test("cut at the limit and marked, never failed", async () => {
    const { response, pulled } = endless();
    const text = await readCapped(response, 100);
    expect(text).toBe(`${"x".repeat(100)}…[truncated]`);
    expect(pulled()).toBe(64 * 1024);
  });

  test("a body that breaks midway: what arrived", async () => {
    let sent = false;
    const body = new ReadableStream({
      pull(controller) {
        if (sent) controller.error(new Error("reset"));
        else controller.enqueue(encoder.encode('{"error":'));
        sent = true;
      },
    });
    expect(await readCapped(new Response(body))).toBe('{"error":');
  });
});

test("formatBytes", () => {
  expect([formatBytes(8 * 1024 * 1024), formatBytes(64 * 1024), formatBytes(1000)]).toEqual(["8 MiB", "64 KiB", "1000 bytes"]);
});

describe("decodeContentEncoding", () => {
  const json = '{"data":[{"id":"m"}]}';
  const cases: Array<[string, string, Uint8Array]> = [
    ["gzip", "gzip", gzipSync(json)],
    ["x-gzip", "x-gzip", gzipSync(json)],
    ["deflate (zlib)", "deflate", deflateSync(json)],
    ["zstd", "zstd", zstdCompressSync(json)],
    // Node's fetch decodes by itself and keeps the header: the bytes then carry no format header and pass as they are.
    ["already decoded, header kept", "gzip", encoder.encode(json)],
    ["identity", "identity", encoder.encode(json)],
  ];
  for (const [name, coding, bytes] of cases) {
    test(name, async () => {
      // One byte at a time: the format is recognised across pieces.
      const parts = Array.from(bytes, (byte) => Uint8Array.of(byte));
      expect(await decodeContentEncoding(pieces(parts, { "content-encoding": coding }).response).text()).toBe(json);
    });
  }

  test("a gzip bomb is inflated only as far as it is read", async () => {
    const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 });
    // 16 KiB pieces (16 MiB inflated each), then a connection that stays open: only a cancel ends it.
    let at = 0;
    let pulled = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (at >= bomb.length) return new Promise(() => {});
          pulled++;
          controller.enqueue(bomb.subarray(at, (at += 16 * 1024)));
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const response = new Response(body, { headers: { "content-encoding": "gzip" } });
    await expect(readBodyText(decodeContentEncoding(response), BODY_LIMITS.credential, "h")).rejects.toThrow("larger than 64 KiB");
    for (let waited = 0; !cancelled && waited < 1_000; waited += 10) await Bun.sleep(10);
    expect(cancelled).toBe(true);
    // 64 KiB of output needs the first piece only (the pipe may have taken one more ahead).
    expect(pulled).toBeLessThanOrEqual(2);
  });

  test("keeps status, headers and URL", async () => {
    const url = "https://api.example/v1/models";
    const original = new Response(gzipSync("{}"), { status: 201, headers: { "content-encoding": "gzip", "x-request-id": "r1" } });
    Object.defineProperty(original, "url", { value: url });
    const decoded = decodeContentEncoding(original);
    expect([decoded.status, decoded.headers.get("x-request-id"), decoded.url, await decoded.text()]).toEqual([201, "r1", url, "{}"]);
  });
});

describe("fetchJson over loopback", () => {
  let server: HostileServer;
  let deps: Deps;
  beforeAll(async () => {
    server = await startHostileServer(() => ({ hostile: "endless" }));
    deps = createHarness().deps;
  });
  afterAll(() => server.close());
  const classify = (): BridgeError => new BridgeError("PROVIDER_ERROR", "unexpected status");
  const never = new AbortController().signal;

  for (const [limit, message] of [
    [undefined, "the model listing from HOST is larger than 8 MiB"],
    ["answer", "the answer from HOST is larger than 1 MiB"],
    ["credential", "the credential answer from HOST is larger than 64 KiB"],
  ] as const) {
    test(`an endless 200 (${limit ?? "default: listing"}): one attempt, refused, connection closed`, async () => {
      server.received.length = 0;
      server.route = () => ({ hostile: "endless" });
      const cutBefore = server.cut;
      const error = await fetchJson(deps, () => new Request(`${server.url}/v1/models?key=secret`), never, classify, limit ? { limit } : {}).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "PROVIDER_ERROR", retryable: false });
      expect((error as Error).message).toStartWith(message.replace("HOST", server.host));
      expect((error as Error).message).not.toContain("secret");
      expect(server.received.length).toBe(1);
      for (let waited = 0; server.cut === cutBefore && waited < 2_000; waited += 10) await Bun.sleep(10);
      expect(server.cut).toBe(cutBefore + 1);
    });
  }

  test("a gzip bomb: refused at the limit of the inflated bytes", async () => {
    server.route = () => ({ hostile: "gzip-bomb" });
    await expect(fetchJson(deps, () => new Request(`${server.url}/v1/models`), never, classify)).rejects.toThrow(`the model listing from ${server.host} is larger than 8 MiB`);
  });

  test("a compressed answer under the limit is read", async () => {
    server.route = () => ({ status: 200, body: gzipSync('{"data":[]}'), headers: { "content-encoding": "gzip" } });
    expect(await fetchJson(deps, () => new Request(`${server.url}/v1/models`), never, classify)).toEqual({ data: [] });
  });
});

/**
 * Compressed answers, decoded at the pace they are read. Bun 1.4.5 inflates
 * a compressed body as it arrives, whether or not anyone reads it: a 1 MB
 * gzip bomb took a process to 270 MB after a 64 KiB read (2026-12,
 * test/reliability/bounded-reads.ts). So every request is sent with Bun's
 * `decompress: false` (no Accept-Encoding goes out, so servers answer
 * uncompressed), and a body that comes compressed anyway goes through a
 * DecompressionStream here, which inflates only as far as the reader pulls.
 *
 * Node's fetch ignores that option and decodes by itself, so the body is
 * decoded here only when its first bytes carry the format's header (gzip
 * 1f 8b, zstd 28 b5 2f fd, zlib's two-byte header for deflate); otherwise
 * it passes as it is (already decoded, or not decodable, and then refused
 * by its reader within the same byte limits). Brotli has no header, so a br
 * body passes as it is: no Accept-Encoding offered it.
 */
import { concatBytes } from "./bytes.ts";

/** The fetch option, for Bun; other runtimes ignore unknown RequestInit fields. */
export const NO_DECOMPRESSION = { decompress: false } as RequestInit;

type Format = "gzip" | "deflate" | "zstd";

const SNIFF_BYTES = 4;

function formatOf(coding: string, head: Uint8Array): Format | undefined {
  const [a = -1, b = -1, c = -1, d = -1] = head;
  if ((coding === "gzip" || coding === "x-gzip") && a === 0x1f && b === 0x8b) return "gzip";
  if (coding === "zstd" && a === 0x28 && b === 0xb5 && c === 0x2f && d === 0xfd) return "zstd";
  // zlib (RFC 1950): method 8, window ≤ 32 KiB, header check multiple of 31.
  if (coding === "deflate" && (a & 0x0f) === 8 && a >> 4 <= 7 && ((a << 8) | b) % 31 === 0) return "deflate";
  return undefined;
}

function supported(format: Format): boolean {
  try {
    new DecompressionStream(format as CompressionFormat);
    return true;
  } catch {
    return false; // zstd before Bun 1.3 / on Node: the body passes as it is
  }
}

/** The body, decoded while it is read when it is still compressed. */
function decodingBody(body: ReadableStream<Uint8Array>, coding: string): ReadableStream<Uint8Array> {
  const source = body.getReader();
  let decoded: ReadableStreamDefaultReader<Uint8Array> | undefined;

  async function open(): Promise<ReadableStreamDefaultReader<Uint8Array>> {
    // Enough bytes to recognise the format (a dripping server may send one at a time).
    const head: Uint8Array[] = [];
    let length = 0;
    let ended = false;
    while (length < SNIFF_BYTES) {
      const next = await source.read();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      length += next.value.byteLength;
    }
    const first = concatBytes(head, length);
    const rest = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          if (length > 0) controller.enqueue(first);
          if (ended) controller.close();
        },
        async pull(controller) {
          const next = await source.read();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
        cancel: (reason) => source.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    const format = formatOf(coding, first);
    const stream =
      format !== undefined && supported(format)
        ? rest.pipeThrough(new DecompressionStream(format as CompressionFormat) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>)
        : rest;
    return stream.getReader();
  }

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        decoded ??= await open();
        const next = await decoded.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: (reason) => (decoded ?? source).cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/** `response` with its body decoded as it is read, when it says it is compressed; else `response` itself. */
export function decodeContentEncoding(response: Response): Response {
  const coding = (response.headers.get("content-encoding") ?? "").trim().toLowerCase();
  if (coding === "" || coding === "identity" || response.body === null) return response;
  const decoded = new Response(decodingBody(response.body, coding), { status: response.status, statusText: response.statusText, headers: response.headers });
  // A constructed Response has no URL; messages name the host the answer came from.
  Object.defineProperty(decoded, "url", { value: response.url });
  return decoded;
}

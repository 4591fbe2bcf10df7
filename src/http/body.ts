/**
 * The one reader of response bodies that are read whole (every answer but a
 * chat stream, whose decoders bound their own events and frames). It counts
 * the bytes `response.body` yields, which are the decompressed ones: Bun's
 * and Node's fetch undo gzip/br/deflate before the stream, so a small gzip
 * bomb is stopped at the same count as an endless plain answer. Past the
 * limit the read stops and the connection is cancelled at once.
 *
 * Limits are per call kind (BODY_LIMITS). A successful answer over its
 * limit is a final PROVIDER_ERROR naming what it was and the host that sent
 * it; an error answer is cut at its limit instead, since only its start is
 * needed to classify it.
 */
import { concatBytes } from "./bytes.ts";
import { BridgeError } from "../protocol/errors.ts";

export interface BodyLimit {
  /** What the answer is, for the message: "model listing", "credential answer". */
  what: string;
  bytes: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Figures from the largest real answers of each kind (2026-12): Copilot's
 * /models about 0.2 MB and Bedrock's ListFoundationModels about 0.15 MB are
 * the largest listing pages; token counts and policy answers are under 1 KB;
 * credential answers (Google and Copilot tokens, STS XML with a session
 * token, SSO, IMDS, container) are 1–5 KB. Each limit leaves tens of times
 * that, and several of them read at once stay far below the 256 MiB the
 * process is measured against (test/reliability/bounded-reads.test.ts).
 */
export const BODY_LIMITS = {
  listing: { what: "model listing", bytes: 8 * MIB },
  answer: { what: "answer", bytes: 1 * MIB },
  credential: { what: "credential answer", bytes: 64 * KIB },
  /** Error bodies: only their start is read (readCapped). */
  error: { what: "error answer", bytes: 64 * KIB },
} as const satisfies Record<string, BodyLimit>;

/** `8 MiB`, `64 KiB`, else bytes. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  return `${bytes} bytes`;
}

interface Collected {
  bytes: Uint8Array;
  /** More than the limit arrived (`bytes` holds the first `limit`). */
  over: boolean;
}

/**
 * Read at most `limit` bytes of a body, then cancel it. A failure while
 * reading propagates unless `keepPartial` (an error answer that breaks is
 * still an error answer; what arrived is classified).
 */
async function collect(response: Response, limit: number, keepPartial: boolean): Promise<Collected> {
  if (!response.body) return { bytes: new Uint8Array(0), over: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = limit - total;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        total = limit;
        over = true;
        break;
      }
      chunks.push(value);
      total += value.byteLength;
    }
  } catch (error) {
    if (!keepPartial) throw error;
  } finally {
    // Closes the connection when the body was not read to its end; a no-op when it was.
    reader.cancel().catch(() => {});
  }
  return { bytes: chunks.length === 1 ? chunks[0]! : concatBytes(chunks, total), over };
}

/** The host an answer came from (after redirects), for messages: never a path or query, which may carry secrets. */
export function answerHost(response: Response, fallbackUrl: string): string {
  for (const url of [response.url, fallbackUrl]) {
    try {
      if (url) return new URL(url).host;
    } catch {
      // not a URL: try the next one
    }
  }
  return "the provider";
}

/**
 * A whole successful answer as text, or a PROVIDER_ERROR once it passes
 * `limit`: "the model listing from api.example.com is larger than 8 MiB".
 * Read failures propagate for the caller to classify (abort, reset).
 */
export async function readBodyText(response: Response, limit: BodyLimit, host: string): Promise<string> {
  const { bytes, over } = await collect(response, limit.bytes, false);
  if (over) {
    throw new BridgeError("PROVIDER_ERROR", `the ${limit.what} from ${host} is larger than ${formatBytes(limit.bytes)}; stopped reading it`);
  }
  return new TextDecoder().decode(bytes);
}

/**
 * The start of an error answer, at most `limit` bytes, marked when cut.
 * Never throws: a body that breaks midway is classified from what arrived.
 */
export async function readCapped(response: Response, limit: number = BODY_LIMITS.error.bytes): Promise<string> {
  const { bytes, over } = await collect(response, limit, true);
  const text = new TextDecoder().decode(bytes);
  return over ? `${text}…[truncated]` : text;
}

/**
 * AWS event-stream (`application/vnd.amazon.eventstream`) push decoder, as
 * Bedrock streams it (boto/botocore botocore/eventstream.py decodes the same; the framing of
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html
 * and of the aws-sdk-go-v2 test vectors):
 *
 *   [total_length u32][headers_length u32][prelude_crc u32]  headers  payload  [message_crc u32]
 *
 * all big-endian; prelude_crc covers bytes 0..7, message_crc bytes
 * 0..end-of-payload. It takes raw network chunks and returns whole messages;
 * it knows nothing about fetch, JSON or Bedrock (decode/bedrock-payload.ts
 * reads the messages).
 */
import { BridgeError } from "../protocol/errors.ts";
import { crc32 } from "./crc32.ts";

/**
 * A decoded header value. The JavaScript type tells the wire type apart:
 *
 * | wire type                      | value                                          |
 * |--------------------------------|------------------------------------------------|
 * | 0 bool true, 1 bool false      | `boolean`                                      |
 * | 2 byte, 3 short, 4 integer     | `number` (signed)                              |
 * | 5 long                         | `bigint` (signed; exceeds a double's precision) |
 * | 6 byte array                   | `Uint8Array` (a view into the message)          |
 * | 7 string                       | `string`                                       |
 * | 8 timestamp (ms since epoch)   | `Date` (an invalid Date when out of its range)  |
 * | 9 uuid                         | `{ uuid }`, lowercase `8-4-4-4-12` hex          |
 *
 * The uuid is wrapped so it cannot be mistaken for a string header.
 */
export type HeaderValue = boolean | number | bigint | string | Uint8Array | Date | { uuid: string };

export interface EventStreamMessage {
  /** Header name → value. A null-prototype object: any name, even `__proto__`, is a plain own key. */
  headers: Record<string, HeaderValue>;
  /**
   * The payload bytes. A view — into the chunk given to `feed` when the
   * message arrived inside one chunk, else into a buffer of this message
   * alone — so the caller must not reuse a chunk's memory after feeding it.
   */
  payload: Uint8Array;
}

export interface EventStreamDecoderOptions {
  /**
   * Largest accepted `total_length` (prelude, headers, payload, CRCs), in
   * bytes. Checked against the prelude before anything of the message is
   * buffered. Default: 16 MiB payload + 128 KiB headers + 16 bytes framing,
   * the format's own limits.
   */
  maxMessageBytes?: number;
}

const PRELUDE_BYTES = 12;
/** Prelude plus the trailing message CRC: the size of a message with no headers and no payload. */
const FRAMING_BYTES = 16;
/** The format's limit on the headers section (aws-c-event-stream, botocore). */
const MAX_HEADERS_BYTES = 128 * 1024;
const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_MESSAGE_BYTES = MAX_PAYLOAD_BYTES + MAX_HEADERS_BYTES + FRAMING_BYTES;

// Strict: a CRC-valid frame with malformed UTF-8 in a header is a sender bug
// we report, not text we quietly repair into U+FFFD.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class EventStreamDecoder {
  private readonly max: number;
  // A prelude split across chunks is gathered here first: its length fields
  // must be checked (with the CRC) before a message buffer is sized from them.
  private readonly prelude = new Uint8Array(PRELUDE_BYTES);
  private preludeFilled = 0;
  // The message being assembled from several chunks, allocated at its exact
  // size once its prelude is verified; each byte is copied into it once.
  private message: Uint8Array | null = null;
  private messageFilled = 0;
  private messagePreludeCrc = 0;
  // Header names and most values repeat in every message; see text().
  private readonly interned = new Map<number, string>();
  // A failure is terminal: once the stream is corrupt, nothing after it can be trusted.
  private failure: BridgeError | null = null;

  constructor(options: EventStreamDecoderOptions = {}) {
    const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!Number.isInteger(max) || max < FRAMING_BYTES) {
      throw new BridgeError("INTERNAL", `EventStreamDecoder: maxMessageBytes must be an integer of at least ${FRAMING_BYTES}, got ${max}`);
    }
    this.max = max;
  }

  /**
   * Feed one network chunk; returns the messages this chunk completed (zero,
   * one or several). On a corrupt or oversized message it throws a
   * `STREAM_ERROR` BridgeError — unless this chunk had already completed
   * valid messages: those are returned, and the error is thrown by the next
   * `feed` or `end`, so content that arrived intact is not lost with it.
   * Every later call throws the same error.
   */
  feed(chunk: Uint8Array): EventStreamMessage[] {
    if (this.failure !== null) throw this.failure;
    const out: EventStreamMessage[] = [];
    try {
      this.consume(chunk, out);
    } catch (error) {
      this.failure = error instanceof BridgeError ? error : streamError(`event-stream: cannot decode message: ${String(error)}`, error);
      if (out.length === 0) throw this.failure;
    }
    return out;
  }

  /**
   * End of stream. Throws `STREAM_ERROR` if a message is incomplete (the
   * stream was cut), or the error a previous `feed` deferred. Otherwise the
   * decoder is ready for a new stream.
   */
  end(): void {
    if (this.failure !== null) throw this.failure;
    const pending = this.message === null ? this.preludeFilled : this.messageFilled;
    if (pending > 0) {
      const expected = this.message === null ? `a ${PRELUDE_BYTES}-byte prelude` : `${this.message.length} bytes`;
      // A cut connection, not a corrupt one: asking again may well succeed (as for a truncated SSE stream).
      this.failure = new BridgeError("STREAM_ERROR", `event-stream ended inside a message: got ${pending} of ${expected}`, { retryable: true });
      throw this.failure;
    }
  }

  private consume(chunk: Uint8Array, out: EventStreamMessage[]): void {
    const length = chunk.length;
    let pos = 0;
    while (pos < length) {
      const message = this.message;
      if (message !== null) {
        const n = Math.min(length - pos, message.length - this.messageFilled);
        message.set(chunk.subarray(pos, pos + n), this.messageFilled);
        this.messageFilled += n;
        pos += n;
        if (this.messageFilled === message.length) {
          this.message = null;
          this.messageFilled = 0;
          out.push(decodeMessage(message, this.messagePreludeCrc, this.interned));
        }
      } else if (this.preludeFilled > 0 || length - pos < PRELUDE_BYTES) {
        const n = Math.min(length - pos, PRELUDE_BYTES - this.preludeFilled);
        this.prelude.set(chunk.subarray(pos, pos + n), this.preludeFilled);
        this.preludeFilled += n;
        pos += n;
        if (this.preludeFilled === PRELUDE_BYTES) {
          this.preludeFilled = 0;
          const total = this.checkPrelude(this.prelude, 0);
          // total ≥ 16 > 12: the message CRC at least is still to come.
          this.message = new Uint8Array(total);
          this.message.set(this.prelude);
          this.messageFilled = PRELUDE_BYTES;
        }
      } else {
        const total = this.checkPrelude(chunk, pos);
        if (length - pos >= total) {
          out.push(decodeMessage(chunk.subarray(pos, pos + total), this.messagePreludeCrc, this.interned));
          pos += total;
        } else {
          const message = new Uint8Array(total);
          message.set(chunk.subarray(pos));
          this.message = message;
          this.messageFilled = length - pos;
          pos = length;
        }
      }
    }
  }

  /**
   * Verifies the prelude at `bytes[at, at + 12)` and returns the message's
   * total length. The CRC is checked first, before the lengths are believed:
   * a corrupted length must fail here, not leave the decoder waiting for
   * bytes that will never come (the aws-sdk-go-v2 `corrupted_length` vector).
   */
  private checkPrelude(bytes: Uint8Array, at: number): number {
    const total = readUint32(bytes, at);
    const headers = readUint32(bytes, at + 4);
    const expected = readUint32(bytes, at + 8);
    const actual = crc32(bytes, 0, at, at + 8);
    if (actual !== expected) {
      throw streamError(`event-stream prelude checksum mismatch: frame says ${hex(expected)}, computed ${hex(actual)}`);
    }
    if (total < FRAMING_BYTES) {
      throw streamError(`event-stream message length ${total} is shorter than the ${FRAMING_BYTES}-byte framing`);
    }
    if (headers > total - FRAMING_BYTES) {
      throw streamError(`event-stream headers length ${headers} does not fit in a message of ${total} bytes`);
    }
    if (headers > MAX_HEADERS_BYTES) {
      throw streamError(`event-stream headers length ${headers} exceeds the ${MAX_HEADERS_BYTES}-byte limit`);
    }
    if (total > this.max) {
      throw streamError(`event-stream message of ${total} bytes exceeds maxMessageBytes (${this.max}); refusing to buffer it`);
    }
    this.messagePreludeCrc = actual;
    return total;
  }
}

/** Decodes one whole message whose prelude is already verified; `preludeCrc` is the CRC of its first 8 bytes. */
function decodeMessage(bytes: Uint8Array, preludeCrc: number, interned: Map<number, string>): EventStreamMessage {
  const total = bytes.length;
  const expected = readUint32(bytes, total - 4);
  const actual = crc32(bytes, preludeCrc, 8, total - 4);
  if (actual !== expected) {
    throw streamError(`event-stream message checksum mismatch: frame says ${hex(expected)}, computed ${hex(actual)}`);
  }
  const headersEnd = PRELUDE_BYTES + readUint32(bytes, 4);
  return {
    headers: decodeHeaders(bytes, PRELUDE_BYTES, headersEnd, interned),
    payload: bytes.subarray(headersEnd, total - 4),
  };
}

function decodeHeaders(bytes: Uint8Array, start: number, end: number, interned: Map<number, string>): Record<string, HeaderValue> {
  const headers: Record<string, HeaderValue> = Object.create(null) as Record<string, HeaderValue>;
  if (start === end) return headers;
  // Bedrock sends only string headers: a DataView is made for the numeric types alone.
  let dataView: DataView | undefined;
  const view = (): DataView => (dataView ??= new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  let pos = start;
  while (pos < end) {
    const nameLength = bytes[pos] as number;
    pos++;
    if (pos + nameLength > end) throw overrun("", "name");
    const name = text(bytes, pos, pos + nameLength, interned);
    pos += nameLength;
    if (name in headers) throw streamError(`event-stream message repeats header ${JSON.stringify(name)}`);
    if (pos >= end) throw overrun(name, "type");
    const type = bytes[pos] as number;
    pos++;
    let value: HeaderValue;
    // Fixed-size values: 0 and 1 have none; 6 and 7 carry their own length.
    const size = type < 10 ? (VALUE_SIZES[type] as number) : -1;
    if (size === -1) throw streamError(`event-stream header ${JSON.stringify(name)} has unknown value type ${type}`);
    if (pos + size > end) throw overrun(name, type === 6 || type === 7 ? "length" : "value");
    switch (type) {
      case 0:
        value = true;
        break;
      case 1:
        value = false;
        break;
      case 2:
        value = view().getInt8(pos);
        break;
      case 3:
        value = view().getInt16(pos);
        break;
      case 4:
        value = view().getInt32(pos);
        break;
      case 5:
        value = view().getBigInt64(pos);
        break;
      case 6:
      case 7: {
        const valueStart = pos + 2;
        const valueEnd = valueStart + (((bytes[pos] as number) << 8) | (bytes[pos + 1] as number));
        if (valueEnd > end) throw overrun(name, "value");
        value = type === 6 ? bytes.subarray(valueStart, valueEnd) : text(bytes, valueStart, valueEnd, interned);
        pos = valueEnd - size;
        break;
      }
      case 8:
        value = new Date(Number(view().getBigInt64(pos)));
        break;
      default: {
        let uuid = "";
        for (let i = 0; i < 16; i++) {
          if (i === 4 || i === 6 || i === 8 || i === 10) uuid += "-";
          uuid += (bytes[pos + i] as number).toString(16).padStart(2, "0");
        }
        value = { uuid };
      }
    }
    pos += size;
    headers[name] = value;
  }
  return headers;
}

/** Bytes after the type byte for each value type (for 6 and 7: the u16 length before the value). */
const VALUE_SIZES = [0, 0, 1, 2, 4, 8, 2, 2, 8, 16];

function overrun(name: string, part: string): BridgeError {
  const subject = part === "name" ? "header name" : `header ${JSON.stringify(name)} ${part}`;
  return streamError(`event-stream ${subject} runs past the end of the headers section`);
}

// Header names and most values repeat in every message (":event-type",
// "application/json", "contentBlockDelta"): short ASCII texts are looked up
// by a hash of their bytes (and compared), which costs half of building the
// string each time. Bounded, so a stream of ever-new values cannot grow it.
const INTERN_MAX_LENGTH = 64;
const INTERN_MAX_ENTRIES = 512;

/** UTF-8 text of bytes[start, end); `interned` maps a hash of short ASCII texts to the string. */
function text(bytes: Uint8Array, start: number, end: number, interned: Map<number, string>): string {
  if (end - start <= INTERN_MAX_LENGTH) {
    let hash = end - start;
    let i = start;
    for (; i < end; i++) {
      const b = bytes[i] as number;
      if (b >= 0x80) break;
      hash = Math.imul(hash ^ b, 0x01000193);
    }
    if (i === end) {
      const known = interned.get(hash);
      if (known !== undefined && sameAscii(known, bytes, start, end)) return known;
      let s = "";
      for (i = start; i < end; i++) s += String.fromCharCode(bytes[i] as number);
      if (known === undefined && interned.size < INTERN_MAX_ENTRIES) interned.set(hash, s);
      return s;
    }
  }
  try {
    return utf8.decode(bytes.subarray(start, end));
  } catch (error) {
    throw streamError("event-stream header is not valid UTF-8", error);
  }
}

function sameAscii(s: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (s.length !== end - start) return false;
  for (let i = start; i < end; i++) if (s.charCodeAt(i - start) !== bytes[i]) return false;
  return true;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (((bytes[at] as number) << 24) | ((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number)) >>> 0;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

function streamError(message: string, cause?: unknown): BridgeError {
  return new BridgeError("STREAM_ERROR", message, cause === undefined ? { retryable: false } : { retryable: false, cause });
}

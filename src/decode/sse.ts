/**
 * Server-Sent Events push parser, per WHATWG HTML §9.2.6 "Interpreting an
 * event stream" (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 * It takes raw network chunks and returns dispatched events; it knows nothing
 * about fetch, JSON or providers (decode/stream-decoder.ts gives it the shape
 * every body decoder shares, and actions/stream-chat.ts feeds it the body).
 */
import { BridgeError } from "../protocol/errors.ts";
import type { SseEvent } from "./sse-event.ts";

export interface SseDecoderOptions {
  /**
   * Upper bound on the pending (unterminated) line, on any single line and on
   * the current event's data. Counted in UTF-16 code units of decoded text,
   * which equals the byte count for ASCII and never exceeds the UTF-8 byte
   * count, so memory stays bounded under either reading. Default 16 MiB.
   */
  maxEventBytes?: number;
}

const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;
const LF = 10;
const SPACE = 32;
const COLON = 58;
const STREAM_OPTIONS: TextDecodeOptions = { stream: true };

export class SseDecoder {
  private readonly max: number;
  // The default (ignoreBOM: false) strips one leading BOM, even split across
  // chunks, which is exactly the spec's "UTF-8 decode" step; invalid bytes
  // become U+FFFD instead of throwing.
  private readonly decoder = new TextDecoder("utf-8");
  // Fragments of a line whose terminator has not arrived; joined once when it
  // does, so a long line fed in many chunks costs O(n), not O(n²).
  private pending: string[] = [];
  private pendingLength = 0;
  // The previous text ended in CR: a LF opening the next text is that same line end.
  private afterCR = false;
  // Data lines of the current event; the array is reused across events.
  private readonly dataLines: string[] = [];
  private dataLength = 0;
  private eventType = "";
  // The spec's "last event ID buffer": persists across events until an `id` field changes it.
  private lastEventId = "";
  private retry: number | undefined = undefined;
  private commentCount = 0;

  constructor(options: SseDecoderOptions = {}) {
    const max = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    if (!Number.isFinite(max) || max <= 0) {
      throw new BridgeError("INTERNAL", `SseDecoder: maxEventBytes must be a positive number, got ${max}`);
    }
    this.max = max;
  }

  /** Number of comment lines (": ...") seen so far — heartbeats, which show liveness but not progress. */
  get comments(): number {
    return this.commentCount;
  }

  /** Feed one network chunk; returns the events this chunk completed (often [] or several). */
  feed(chunk: Uint8Array): SseEvent[] {
    return this.process(this.decoder.decode(chunk, STREAM_OPTIONS));
  }

  /**
   * End of stream: flush the UTF-8 decoder. An unterminated final line and an
   * event without its closing blank line are discarded, as the spec requires
   * ("any pending data must be discarded"), so this normally returns [].
   * The decoder is reset afterwards and may be reused for a new stream.
   */
  end(): SseEvent[] {
    const events = this.process(this.decoder.decode());
    this.pending = [];
    this.pendingLength = 0;
    this.afterCR = false;
    this.dataLines.length = 0;
    this.dataLength = 0;
    this.eventType = "";
    this.lastEventId = "";
    this.retry = undefined;
    return events;
  }

  private process(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    if (text.length === 0) return events;
    const length = text.length;
    let pos = 0;
    if (this.afterCR) {
      this.afterCR = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    // Positions of the next LF and CR are cached and only searched again once
    // passed, so a stream using only one kind of line end is scanned once.
    let lf = text.indexOf("\n", pos);
    let cr = text.indexOf("\r", pos);
    while (true) {
      if (lf !== -1 && lf < pos) lf = text.indexOf("\n", pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf("\r", pos);
      let lineEnd: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        lineEnd = cr;
        if (cr + 1 === length) {
          this.afterCR = true;
          next = length;
        } else {
          next = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        }
      } else if (lf !== -1) {
        lineEnd = lf;
        next = lf + 1;
      } else {
        break;
      }
      if (this.pending.length === 0) {
        this.checkLine(lineEnd - pos);
        this.line(text, pos, lineEnd, events);
      } else {
        this.pending.push(text.slice(pos, lineEnd));
        const line = this.pending.join("");
        this.pending.length = 0;
        this.pendingLength = 0;
        this.checkLine(line.length);
        this.line(line, 0, line.length, events);
      }
      pos = next;
    }
    if (pos < length) {
      this.pendingLength += length - pos;
      this.checkLine(this.pendingLength);
      this.pending.push(pos === 0 ? text : text.slice(pos));
    }
    return events;
  }

  /** Interprets the line s[start, end) (terminator excluded). */
  private line(s: string, start: number, end: number, events: SseEvent[]): void {
    if (start === end) {
      this.dispatch(events);
      return;
    }
    const first = s.charCodeAt(start);
    if (first === COLON) {
      this.commentCount++;
      return;
    }
    // Fast paths for the fields every provider sends; `startsWith` also pins
    // the first colon, since none of these names contains one.
    if (first === 100 /* d */ && s.startsWith("data:", start)) {
      this.data(s.slice(valueStart(s, start + 5), end));
      return;
    }
    if (first === 101 /* e */ && s.startsWith("event:", start)) {
      this.eventType = s.slice(valueStart(s, start + 6), end);
      return;
    }
    // General case, bounded by the line (an unbounded indexOf could scan far past it).
    let colon = start;
    while (colon < end && s.charCodeAt(colon) !== COLON) colon++;
    const name = s.slice(start, colon);
    const value = colon === end ? "" : s.slice(valueStart(s, colon + 1), end);
    switch (name) {
      case "data":
        this.data(value);
        break;
      case "event":
        this.eventType = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastEventId = value;
        break;
      case "retry":
        if (isAsciiDigits(value)) this.retry = Number.parseInt(value, 10);
        break;
      default:
      // Unknown field names are ignored, as the spec requires.
    }
  }

  private data(value: string): void {
    this.dataLength += this.dataLines.length === 0 ? value.length : value.length + 1;
    if (this.dataLength > this.max) {
      throw new BridgeError("STREAM_ERROR", `SSE event data is longer than maxEventBytes (${this.max}); refusing to buffer more of this stream`, { retryable: false });
    }
    this.dataLines.push(value);
  }

  private dispatch(events: SseEvent[]): void {
    const lines = this.dataLines;
    // The spec dispatches only when the data buffer is non-empty; every data
    // line, even an empty one, appends at least "\n", so "has a data line" is the test.
    if (lines.length !== 0) {
      const event: SseEvent = {
        event: this.eventType === "" ? "message" : this.eventType,
        data: lines.length === 1 ? (lines[0] as string) : lines.join("\n"),
      };
      // An empty last event id means "none" in the spec (no Last-Event-ID is sent).
      if (this.lastEventId !== "") event.id = this.lastEventId;
      if (this.retry !== undefined) event.retry = this.retry;
      events.push(event);
      lines.length = 0;
      this.dataLength = 0;
    }
    this.eventType = "";
    // `retry` belongs to the event it arrived in; a block without data drops it.
    this.retry = undefined;
  }

  private checkLine(length: number): void {
    if (length > this.max) {
      throw new BridgeError("STREAM_ERROR", `SSE line is longer than maxEventBytes (${this.max}); refusing to buffer more of this stream`, { retryable: false });
    }
  }
}

/**
 * Skips the single optional space after the colon. No bound check needed:
 * s[end] is the line's CR/LF or past the string, never a space.
 */
function valueStart(s: string, at: number): number {
  return s.charCodeAt(at) === SPACE ? at + 1 : at;
}

function isAsciiDigits(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

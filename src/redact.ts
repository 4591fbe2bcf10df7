/**
 * The one secret scrubber. Error lines, logs and recorded cassettes pass
 * through it. Two nets: the exact values of every credential this process
 * has used (registered as they are resolved), and patterns for well-known
 * key shapes, so that a provider message echoing a key we never saw as a
 * whole (OpenAI prints a masked prefix and suffix) is cleaned as well.
 *
 * Both nets also see through the encodings a server may echo a credential
 * in: percent-encoding (any mix of escaped and plain characters, either hex
 * case, `+` for a space) and base64 (standard or URL-safe, padded or not, the
 * credential at any byte offset of the encoded data), one inside the other
 * at most two levels deep. What is replaced is the encoded span of the
 * original text, so the text around it stays readable.
 */

const known = new Set<string>();

/** Secrets shorter than this are not registered: replacing them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;

export function registerSecret(value: unknown): void {
  if (typeof value === "string" && value.length >= MIN_SECRET_LENGTH) known.add(value);
}

const PATTERNS: RegExp[] = [
  /sk-ant-[A-Za-z0-9_\-*]{8,}/g, // Anthropic
  /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-*]{16,}/g, // OpenAI (incl. masked echoes "sk-proj-****abcd")
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, // AWS access key ids
  /\bgh[opsuvr]_[A-Za-z0-9]{20,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bya29\.[A-Za-z0-9_\-.]{10,}/g, // Google OAuth access tokens
  /\bAIza[0-9A-Za-z_-]{30,}/g, // Google API keys
  /\btid=[^;\s"]{6,}[^\s"]*/g, // Copilot tokens ("tid=...;exp=...;...")
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(?:[Bb]earer|[Tt]oken)\s+[A-Za-z0-9_\-.=:+/]{16,}/g,
  /\bABSK[A-Za-z0-9+/=]{20,}/g, // Bedrock API keys
];

export const REDACTED = "[REDACTED]";

/**
 * A decoded reading of (part of) the original text: per UTF-16 unit of
 * `text`, the span [from, to) of the original it was decoded from.
 */
interface View {
  text: string;
  from: (index: number) => number;
  to: (index: number) => number;
}

/** Encoded forms are looked for inside decoded ones this many levels deep (base64 of a percent-encoded key, ...). */
const MAX_DECODE_DEPTH = 2;

/** A base64 run must be at least this long to hold MIN_SECRET_LENGTH bytes. */
const MIN_BASE64_RUN = Math.ceil((MIN_SECRET_LENGTH * 8) / 6);
const BASE64_RUN = new RegExp(`[A-Za-z0-9+/_-]{${MIN_BASE64_RUN},}`, "g");
/**
 * A URL-ish run: %XX escapes and the characters around them, up to white space, a quote, an angle bracket or a
 * brace (which end a URL in prose and JSON) or a bare "%". Only runs holding an escape are decoded.
 */
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2}|[^\s"'<>\\`{}|^%])+/g;
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;

export function redact(text: string): string {
  const spans: Array<[number, number]> = [];
  scan({ text, from: (i) => i, to: (i) => i + 1 }, 0, spans);
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let result = "";
  let at = 0;
  for (const [start, end] of spans) {
    if (end <= at) continue;
    if (start >= at) result += text.slice(at, start) + REDACTED;
    at = end;
  }
  return result + text.slice(at);
}

/** Every string in a JSON-like value (keys included) through `redact`; other values are kept as they are. */
export function redactJson<T>(value: T): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactJson) as T;
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[redact(key)] = redactJson(item);
    return out as T;
  }
  return value;
}

function scan(view: View, depth: number, spans: Array<[number, number]>): void {
  const { text } = view;
  const found = (start: number, end: number): void => {
    if (end > start) spans.push([view.from(start), view.to(end - 1)]);
  };
  for (const secret of known) {
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + secret.length)) found(at, at + secret.length);
  }
  for (const pattern of PATTERNS) {
    // matchAll starts where the pattern's lastIndex is: a key at the very start would be missed after a stray 1.
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) found(match.index, match.index + match[0].length);
  }
  if (depth >= MAX_DECODE_DEPTH) return;
  if (text.includes("%")) {
    for (const run of text.matchAll(PERCENT_RUN)) {
      if (!PERCENT_ESCAPE.test(run[0])) continue;
      scan(child(view, percentDecoded(run[0], run.index, false)), depth + 1, spans);
      if (run[0].includes("+")) scan(child(view, percentDecoded(run[0], run.index, true)), depth + 1, spans);
    }
  }
  for (const run of text.matchAll(BASE64_RUN)) {
    // The run may start anywhere in a base64 text: decode it from each of the four character offsets.
    for (let offset = 0; offset < 4 && run[0].length - offset >= MIN_BASE64_RUN; offset++) {
      scan(child(view, base64Decoded(run[0], run.index + offset, offset)), depth + 1, spans);
    }
  }
}

/** Decoded text with, per UTF-16 unit, its span [from, to) in the text it was decoded from (the parent view's). */
interface Decoded {
  text: string;
  from: number[];
  to: number[];
}

/** A decoded part of the parent view, its spans re-expressed as spans of the original text. */
function child(parent: View, decoded: Decoded): View {
  return {
    text: decoded.text,
    from: (i) => parent.from(decoded.from[i]!),
    to: (i) => parent.to(decoded.to[i]! - 1),
  };
}

/** Accumulates decoded text with the span each UTF-16 unit came from. */
class Builder {
  text = "";
  from: number[] = [];
  to: number[] = [];

  push(units: string, from: number, to: number): void {
    this.text += units;
    for (let i = 0; i < units.length; i++) {
      this.from.push(from);
      this.to.push(to);
    }
  }

  /** UTF-8 bytes, each with its span; an invalid sequence gives one U+FFFD per byte, as a lenient decoder would. */
  pushUtf8(bytes: number[], from: number[], to: number[]): void {
    for (let i = 0; i < bytes.length; ) {
      const [codePoint, length] = readUtf8(bytes, i);
      this.push(String.fromCodePoint(codePoint), from[i]!, to[i + length - 1]!);
      i += length;
    }
  }
}

function readUtf8(bytes: number[], i: number): [number, number] {
  const first = bytes[i]!;
  if (first < 0x80) return [first, 1];
  const length = first >= 0xc2 && first <= 0xdf ? 2 : first >= 0xe0 && first <= 0xef ? 3 : first >= 0xf0 && first <= 0xf4 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return [0xfffd, 1];
  let codePoint = first & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) {
    const next = bytes[i + k]!;
    if ((next & 0xc0) !== 0x80) return [0xfffd, 1];
    codePoint = (codePoint << 6) | (next & 0x3f);
  }
  const overlong = codePoint < (length === 3 ? 0x800 : length === 4 ? 0x10000 : 0x80);
  if (overlong || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return [0xfffd, 1];
  return [codePoint, length];
}

/** `run` begins at `base` in the parent text. */
function percentDecoded(run: string, base: number, plusIsSpace: boolean): Decoded {
  const out = new Builder();
  for (let i = 0; i < run.length; ) {
    if (run[i] !== "%" || !/^[0-9A-Fa-f]{2}$/.test(run.slice(i + 1, i + 3))) {
      out.push(plusIsSpace && run[i] === "+" ? " " : run[i]!, base + i, base + i + 1);
      i++;
      continue;
    }
    const bytes: number[] = [];
    const from: number[] = [];
    const to: number[] = [];
    while (run[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(run.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(run.slice(i + 1, i + 3), 16));
      from.push(base + i);
      to.push(base + i + 3);
      i += 3;
    }
    out.pushUtf8(bytes, from, to);
  }
  return out;
}

const BASE64_VALUE = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));
BASE64_VALUE.set("-", 62).set("_", 63);

/** Decodes `run` from character `offset` on; `start` is where that character is in the parent text. */
function base64Decoded(run: string, start: number, offset: number): Decoded {
  const bytes: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let bits = 0;
  let count = 0;
  for (let i = offset; i < run.length; i++) {
    bits = ((bits << 6) | BASE64_VALUE.get(run[i]!)!) & 0xffff;
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes.push((bits >> count) & 0xff);
      // Byte n of the decoded data takes its bits from characters floor(8n/6) to floor((8n+7)/6).
      const n = bytes.length - 1;
      from.push(start + Math.floor((8 * n) / 6));
      to.push(start + Math.floor((8 * n + 7) / 6) + 1);
    }
  }
  const out = new Builder();
  out.pushUtf8(bytes, from, to);
  return out;
}

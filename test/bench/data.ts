/**
 * Seeded benchmark data: every contestant gets the same bytes, in the same
 * network chunks. Nothing here reads /work/shared: the shapes are those of
 * the project's own recordings (recordings/anthropic, recordings/bedrock:
 * event names, field order, Bedrock's random `p` padding, header order), and
 * the text is generated from the word lists below.
 *
 * Frame CRCs are computed with an independent implementation (a bytewise
 * table here), not src/decode/crc32.ts, so a bug there cannot cancel out.
 */

/** mulberry32: small, fast, and the same sequence under Bun and Node. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function int(r: () => number, min: number, max: number): number {
  return min + Math.floor(r() * (max - min + 1));
}

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}

const WORDS = (
  "the of and to in is that for it as with was on be by this are or from at which an but not have has were " +
  "function value return stream token model request response buffer chunk event parser decoder editor provider " +
  "latency memory bridge binary message content tool call result error retry cache usage cost input output " +
  "because however therefore although whenever quickly carefully exactly simply rather enough across between"
).split(" ");
// Multi-byte text: 2-, 3- and 4-byte UTF-8 sequences (and a surrogate pair in JSON).
const EXOTIC = ["café", "naïve", "Straße", "ÆØÅ", "日本語", "中文字符", "한국어", "Ελληνικά", "—", "…", "°C", "🙂", "🚀", "𝔘𝔫𝔦"];
const CODE_LINES = [
  "const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: source text of a sample program, not a template.
  "if (response.status >= 500) throw new RetryableError(`upstream ${response.status}`);",
  "for (let i = 0; i < buffer.length; i += 8) checksum = update(checksum, buffer, i);",
  "export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {",
  "def tokenize(text: str) -> list[int]:\n    return [rank[piece] for piece in PATTERN.findall(text)]",
  "SELECT id, name, created_at FROM users WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT 50;",
  'fn main() { let args: Vec<String> = std::env::args().collect(); println!("{:?}", args); }',
  "\tpub fn decode(self: *Decoder, bytes: []const u8) !?Event {",
  "    }\n  }\n}",
  '  "dependencies": { "aws4fetch": "1.0.20", "jose": "6.2.18" },',
];

/** A short run of prose, sometimes with multi-byte words, code, quotes, tabs and newlines (JSON-escaped later). */
function phrase(r: () => number, words: number): string {
  let s = "";
  for (let i = 0; i < words; i++) {
    const x = r();
    const w = x < 0.04 ? pick(r, EXOTIC) : x < 0.05 ? '"quoted"' : x < 0.055 ? "\n" : x < 0.058 ? "\t" : pick(r, WORDS);
    s += i === 0 && r() < 0.3 ? w : ` ${w}`;
  }
  if (r() < 0.1) s += pick(r, [".", ",", ";", ":", "?", "!"]);
  return s;
}

/** Prose + code for the tokenizers: paragraphs of generated prose, blocks of code lines, some multi-byte text. */
export function tokenCorpus(seed: number, chars: number): string {
  const r = rng(seed);
  const parts: string[] = [];
  let length = 0;
  while (length < chars) {
    let block: string;
    if (r() < 0.6) {
      const sentences: string[] = [];
      for (let i = int(r, 2, 8); i > 0; i--) {
        const s = phrase(r, int(r, 6, 24)).trim();
        sentences.push(`${s.charAt(0).toUpperCase() + s.slice(1)}.`);
      }
      block = sentences.join(" ");
    } else {
      const lines: string[] = [];
      for (let i = int(r, 3, 12); i > 0; i--) lines.push("  ".repeat(int(r, 0, 3)) + pick(r, CODE_LINES));
      block = `\`\`\`\n${lines.join("\n")}\n\`\`\``;
    }
    parts.push(block);
    length += block.length + 2;
  }
  return parts.join("\n\n");
}

const enc = new TextEncoder();

class ByteSink {
  private parts: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
  text(s: string): void {
    this.push(enc.encode(s));
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export interface StreamStats {
  /** Deltas that carry text, reasoning or tool input. */
  deltas: number;
  /** SSE events / event-stream messages in the body. */
  events: number;
}

/**
 * One Anthropic Messages stream of about `target` bytes: message_start, then
 * repeating thinking (thinking + signature deltas), text (many small text
 * deltas, a ping now and then) and tool_use (input_json_delta fragments)
 * blocks, then message_delta and message_stop. About one event in eight
 * uses CRLF line ends (the spec allows either, per line).
 */
export function anthropicSse(seed: number, target: number): { body: Uint8Array; stats: StreamStats } {
  const r = rng(seed);
  const sink = new ByteSink();
  const stats: StreamStats = { deltas: 0, events: 0 };
  const event = (name: string, data: unknown): void => {
    const eol = r() < 0.125 ? "\r\n" : "\n";
    sink.text(`event: ${name}${eol}data: ${JSON.stringify(data)}${eol}${eol}`);
    stats.events++;
  };
  event("message_start", {
    type: "message_start",
    message: {
      id: "msg_bench0000000000000001",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5-20250929",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 1200, cache_creation_input_tokens: 0, cache_read_input_tokens: 800, output_tokens: 1 },
    },
  });
  let index = 0;
  let tool = 0;
  const tail = 400;
  while (sink.length < target - tail) {
    const kind = r();
    if (kind < 0.15) {
      event("content_block_start", { type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } });
      for (let i = int(r, 10, 60); i > 0; i--) {
        event("content_block_delta", { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: phrase(r, int(r, 1, 6)) } });
        stats.deltas++;
      }
      event("content_block_delta", { type: "content_block_delta", index, delta: { type: "signature_delta", signature: "EqQBCkYIBxgCKkBbench".padEnd(120, "x") } });
      stats.deltas++;
    } else if (kind < 0.25) {
      const id = `toolu_bench${String(tool++).padStart(12, "0")}`;
      event("content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id, name: "edit_file", input: {} } });
      const args = JSON.stringify({ path: `src/${pick(r, WORDS)}.ts`, old: phrase(r, int(r, 5, 30)), new: phrase(r, int(r, 5, 30)) });
      let at = 0;
      while (at < args.length) {
        const n = int(r, 1, 24);
        event("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: args.slice(at, at + n) } });
        stats.deltas++;
        at += n;
      }
    } else {
      event("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } });
      for (let i = int(r, 20, 200); i > 0; i--) {
        event("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: phrase(r, int(r, 1, 5)) } });
        stats.deltas++;
        if (r() < 0.01) event("ping", { type: "ping" });
      }
    }
    event("content_block_stop", { type: "content_block_stop", index });
    index++;
  }
  event("message_delta", {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { input_tokens: 1200, cache_creation_input_tokens: 0, cache_read_input_tokens: 800, output_tokens: stats.deltas },
  });
  event("message_stop", { type: "message_stop" });
  return { body: sink.bytes(), stats };
}

// Bytewise CRC-32 (zlib's), deliberately independent of src/decode/crc32.ts.
const CRC_TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c >>> 0;
}
export function referenceCrc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const PADDING = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** One event-stream frame as Bedrock sends it: `:event-type`, `:content-type`, `:message-type` string headers, JSON payload. */
export function eventFrame(eventType: string, payload: string): Uint8Array {
  const headerList: Array<[string, string]> = [
    [":event-type", eventType],
    [":content-type", "application/json"],
    [":message-type", "event"],
  ];
  const headerBytes: number[] = [];
  for (const [name, value] of headerList) {
    const n = enc.encode(name);
    const v = enc.encode(value);
    headerBytes.push(n.length, ...n, 7, v.length >> 8, v.length & 0xff, ...v);
  }
  const body = enc.encode(payload);
  const total = 12 + headerBytes.length + body.length + 4;
  const frame = new Uint8Array(total);
  const view = new DataView(frame.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headerBytes.length);
  view.setUint32(8, referenceCrc32(frame, 0, 8));
  frame.set(headerBytes, 12);
  frame.set(body, 12 + headerBytes.length);
  view.setUint32(total - 4, referenceCrc32(frame, 0, total - 4));
  return frame;
}

/**
 * One ConverseStream body of about `target` bytes: messageStart, blocks of
 * text deltas, reasoning deltas (+ signature) and toolUse (start, input
 * fragments, stop), then messageStop and metadata. Every payload carries
 * Bedrock's `p` padding, as the recordings do.
 */
export function converseStream(seed: number, target: number): { body: Uint8Array; stats: StreamStats } {
  const r = rng(seed);
  const sink = new ByteSink();
  const stats: StreamStats = { deltas: 0, events: 0 };
  const p = (): string => PADDING.slice(0, int(r, 1, PADDING.length));
  const frame = (type: string, body: Record<string, unknown>): void => {
    sink.push(eventFrame(type, JSON.stringify({ ...body, p: p() })));
    stats.events++;
  };
  frame("messageStart", { role: "assistant" });
  let index = 0;
  let tool = 0;
  while (sink.length < target - 600) {
    const kind = r();
    if (kind < 0.15) {
      for (let i = int(r, 10, 60); i > 0; i--) {
        frame("contentBlockDelta", { contentBlockIndex: index, delta: { reasoningContent: { text: phrase(r, int(r, 1, 6)) } } });
        stats.deltas++;
      }
      frame("contentBlockDelta", { contentBlockIndex: index, delta: { reasoningContent: { signature: "EqQBCkYIBxgCKkBbench".padEnd(120, "x") } } });
      stats.deltas++;
    } else if (kind < 0.25) {
      const toolUseId = `tooluse_bench${String(tool++).padStart(12, "0")}`;
      frame("contentBlockStart", { contentBlockIndex: index, start: { toolUse: { name: "edit_file", toolUseId } } });
      const args = JSON.stringify({ path: `src/${pick(r, WORDS)}.ts`, old: phrase(r, int(r, 5, 30)), new: phrase(r, int(r, 5, 30)) });
      let at = 0;
      while (at < args.length) {
        const n = int(r, 1, 24);
        frame("contentBlockDelta", { contentBlockIndex: index, delta: { toolUse: { input: args.slice(at, at + n) } } });
        stats.deltas++;
        at += n;
      }
    } else {
      for (let i = int(r, 20, 200); i > 0; i--) {
        frame("contentBlockDelta", { contentBlockIndex: index, delta: { text: phrase(r, int(r, 1, 5)) } });
        stats.deltas++;
      }
    }
    frame("contentBlockStop", { contentBlockIndex: index });
    index++;
  }
  frame("messageStop", { stopReason: "end_turn" });
  frame("metadata", { metrics: { latencyMs: 4200 }, usage: { inputTokens: 1200, outputTokens: stats.deltas, totalTokens: 1200 + stats.deltas } });
  return { body: sink.bytes(), stats };
}

/** Random network chunking: sizes uniform in [min, max] bytes, from `seed`. Views into `body`, no copies. */
export function splitChunks(body: Uint8Array, seed: number, min = 1024, max = 16 * 1024): Uint8Array[] {
  const r = rng(seed);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < body.length; ) {
    const n = int(r, min, max);
    chunks.push(body.subarray(at, Math.min(at + n, body.length)));
    at += n;
  }
  return chunks;
}

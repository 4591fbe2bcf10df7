/**
 * The hand-written cassettes of wire/conformance/cassettes/: situations the
 * recordings do not contain (a stream that stalls, one cut short, awkward
 * Unicode, a 1 MiB content delta). Run by hand to rewrite the files:
 *   node_modules/.bin/bun test/wire/conformance-cassettes.ts
 * test/wire/transcripts.test.ts checks the files equal what this script makes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCassette, serializeCassette, type BodyStep, type Cassette, type Interaction } from "../support/cassette.ts";

const ROOT = join(import.meta.dir, "..", "..");
export const CONFORMANCE_CASSETTES = join(ROOT, "wire", "conformance", "cassettes");

const encoder = new TextEncoder();
const text = (chunk: string): BodyStep => ({ chunk: encoder.encode(chunk) });

const OPENAI_CHAT_DOCS = "https://platform.openai.com/docs/api-reference/chat-streaming";
const OPENAI_NOTES = "Invented ids and figures; the event shapes follow the Chat Completions streaming reference.";

/** One Chat Completions SSE event, as OpenAI frames it. */
function openaiEvent(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: "chatcmpl-conformance", object: "chat.completion.chunk", created: 1767225600, model: "gpt-4o-2024-08-06", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

function openaiUsage(prompt: number, completion: number): string {
  return `data: ${JSON.stringify({ id: "chatcmpl-conformance", object: "chat.completion.chunk", created: 1767225600, model: "gpt-4o-2024-08-06", choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } })}\n\n`;
}

function openaiInteraction(body: BodyStep[]): Interaction {
  return {
    request: { method: "POST", path: "/v1/chat/completions" },
    response: { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" } },
    body,
  };
}

/** "0123456789abcdef" × 65536: one content delta of exactly 1 MiB. */
export const LONG_UNIT = "0123456789abcdef";
export const LONG_COUNT = 65536;

// 🎉 is F0 9F 8E 89: the first two bytes end one TCP write, the last two start the next.
const PARTY = encoder.encode("🎉");

function unicode(): Cassette {
  // Each string is the SSE line as the provider sends it: raw UTF-8, or JSON \u escapes.
  const deltas = [
    'data: {"id":"chatcmpl-conformance","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":"Olá, 日本語 "},"finish_reason":null}]}\n\n',
    'data: {"id":"chatcmpl-conformance","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"\\ud83d\\ude00 \\u00e9 "},"finish_reason":null}]}\n\n',
    'data: {"id":"chatcmpl-conformance","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"sep\\u2028para\\u2029 "},"finish_reason":null}]}\n\n',
    'data: {"id":"chatcmpl-conformance","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"q\\"b\\\\s/\\n\\t\\u0001\\u0000\\u007f "},"finish_reason":null}]}\n\n',
    // A surrogate pair split across two events: each half alone is not Unicode.
    'data: {"id":"chatcmpl-conformance","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"\\ud83d"},"finish_reason":null}]}\n\n',
    'data: {"id":"chatcmpl-conformance","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"\\ude00 "},"finish_reason":null}]}\n\n',
  ];
  const split = 'data: {"id":"chatcmpl-conformance","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"';
  const tail = '!"},"finish_reason":null}]}\n\n';
  const head = encoder.encode(split);
  const first = new Uint8Array(head.length + 2);
  first.set(head);
  first.set(PARTY.subarray(0, 2), head.length);
  const rest = encoder.encode(tail);
  const second = new Uint8Array(2 + rest.length);
  second.set(PARTY.subarray(2), 0);
  second.set(rest, 2);
  return {
    scenario:
      "conformance/unicode: raw UTF-8, \\u escapes with a surrogate pair, escaped U+2028/U+2029, quotes, backslash, control characters and NUL, a surrogate pair split across two events, and a 4-byte character split across two writes",
    provenance: { hand_written: true, per: [OPENAI_CHAT_DOCS, "https://www.rfc-editor.org/rfc/rfc8259#section-7"], notes: OPENAI_NOTES },
    interactions: [
      openaiInteraction([...deltas.map(text), { chunk: first }, { chunk: second }, text(openaiEvent({}, "stop")), text(openaiUsage(11, 9)), text("data: [DONE]\n\n")]),
    ],
  };
}

function long(): Cassette {
  return {
    scenario: `conformance/long-content: one content delta of ${LONG_COUNT} × "${LONG_UNIT}" (1 MiB), so the response line is longer than any pipe or reader buffer`,
    provenance: { hand_written: true, per: [OPENAI_CHAT_DOCS], notes: OPENAI_NOTES },
    interactions: [
      openaiInteraction([
        text(openaiEvent({ role: "assistant", content: "" })),
        text(openaiEvent({ content: LONG_UNIT.repeat(LONG_COUNT) })),
        text(openaiEvent({}, "length")),
        text(openaiUsage(12, 262144)),
        text("data: [DONE]\n\n"),
      ]),
    ],
  };
}

function stalled(): Cassette {
  return {
    scenario: 'conformance/stalled: a Chat Completions stream that sends "Hel" and then nothing for 10 s (cancel, request timeout, concurrency)',
    provenance: { hand_written: true, per: [OPENAI_CHAT_DOCS], notes: OPENAI_NOTES },
    interactions: [openaiInteraction([text(openaiEvent({ role: "assistant", content: "" })), text(openaiEvent({ content: "Hel" })), { stall_ms: 10_000 }])],
  };
}

function silent(): Cassette {
  return {
    scenario: "conformance/silent: a Chat Completions stream that sends its headers and then nothing for 10 s (a cancel before any content)",
    provenance: { hand_written: true, per: [OPENAI_CHAT_DOCS], notes: OPENAI_NOTES },
    interactions: [openaiInteraction([{ stall_ms: 10_000 }])],
  };
}

function anthropicTruncated(): Cassette {
  const source = parseCassette(readFileSync(join(ROOT, "recordings", "anthropic", "text.ndjson"), "utf8"));
  const recorded = source.interactions[0]!;
  // message_start, content_block_start, ping and the first three text deltas; no message_delta or message_stop.
  const kept = recorded.body.slice(0, 6);
  return {
    scenario: "conformance/anthropic-truncated: the recorded text stream cut after three text deltas; the body ends cleanly without message_delta or message_stop",
    provenance: {
      hand_written: true,
      per: ["https://docs.anthropic.com/en/docs/build-with-claude/streaming"],
      notes: "The first six events of recordings/anthropic/text.ndjson, bytes unchanged; everything after them dropped.",
      parts: [{ ...source.provenance, used_for: "the six events kept" }],
    },
    interactions: [{ request: recorded.request, response: recorded.response, body: kept }],
  };
}

function anthropicResumed(): Cassette {
  const source = parseCassette(readFileSync(join(ROOT, "recordings", "anthropic", "text.ndjson"), "utf8"));
  const recorded = source.interactions[0]!;
  // message_start, content_block_start, ping, the first three text deltas; then the connection is reset.
  const broken: BodyStep[] = [...recorded.body.slice(0, 6), { abort: "reset" }];
  // The continuation of the prefill "Olá! (That's \"hi": the same opening events, then the deltas after the third.
  const continuation = [...recorded.body.slice(0, 3), ...recorded.body.slice(6)];
  return {
    scenario: "conformance/anthropic-resumed: the recorded text stream reset after three text deltas, then its continuation (the same stream without those deltas)",
    provenance: {
      hand_written: true,
      per: ["https://docs.anthropic.com/en/api/messages"],
      notes:
        "Both interactions are events of recordings/anthropic/text.ndjson, bytes unchanged: the first six then a reset; then events 1-3 and 7 onwards, which is how a continuation of a prefill streams (message_start, then only the new text).",
      parts: [{ ...source.provenance, used_for: "every event" }],
    },
    interactions: [
      { request: recorded.request, response: recorded.response, body: broken },
      { request: recorded.request, response: recorded.response, body: continuation },
    ],
  };
}

export function conformanceCassettes(): Record<string, Cassette> {
  return {
    "unicode.ndjson": unicode(),
    "long-content.ndjson": long(),
    "stalled.ndjson": stalled(),
    "silent.ndjson": silent(),
    "anthropic-truncated.ndjson": anthropicTruncated(),
    "anthropic-resumed.ndjson": anthropicResumed(),
  };
}

if (import.meta.main) {
  for (const [name, cassette] of Object.entries(conformanceCassettes())) {
    writeFileSync(join(CONFORMANCE_CASSETTES, name), serializeCassette(cassette));
    console.log(`wrote wire/conformance/cassettes/${name}`);
  }
}

/**
 * Section 5 contestants, all on o200k_base. `init` includes loading the
 * module (every contestant's rank data is in its module) and building the
 * encoder; `count` returns the number of tokens of ordinary text.
 */
import type { Message } from "../../src/protocol/chat.ts";
import { countChatTokens } from "../../src/tokens/chat-tokens.ts";
import { getEncoder } from "../../src/tokens/tiktoken.ts";
import { rng, tokenCorpus } from "./data.ts";

export interface TokenContestant {
  init(): Promise<(text: string) => number>;
  /** Only ours: recounting a 100-message conversation where one message is new. */
  recount?: () => Promise<unknown>;
}

export const TOKEN_CONTESTANTS: Record<string, TokenContestant> = {
  ours: {
    init: async () => {
      const encoder = await getEncoder("o200k_base");
      return (text) => encoder.count(text);
    },
    recount: recountConversation,
  },
  "js-tiktoken": {
    init: async () => {
      const { Tiktoken } = await import("js-tiktoken/lite");
      const { default: ranks } = await import("js-tiktoken/ranks/o200k_base");
      const encoder = new Tiktoken(ranks);
      return (text) => encoder.encode(text).length;
    },
  },
  "gpt-tokenizer": {
    init: async () => {
      const { countTokens } = await import("gpt-tokenizer/encoding/o200k_base");
      return (text) => countTokens(text);
    },
  },
  "tiktoken (WASM)": {
    init: async () => {
      const { get_encoding } = await import("tiktoken");
      const encoder = get_encoding("o200k_base");
      return (text) => encoder.encode_ordinary(text).length;
    },
  },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * 100 messages of 0.5-4 KB prose+code, counted once; then, 25 times, the
 * same conversation arrives again as a new request (fresh strings, as
 * JSON.parse makes them) with its last message new, and is counted in full.
 */
async function recountConversation(): Promise<unknown> {
  const encoder = await getEncoder("o200k_base");
  const r = rng(77);
  const messages: Message[] = [];
  for (let i = 0; i < 100; i++) {
    messages.push({ role: i % 2 === 0 ? "user" : "assistant", content: tokenCorpus(1000 + i, 500 + Math.floor(r() * 3500)) });
  }
  const params = { model: "gpt-4o", messages };
  const start = performance.now();
  countChatTokens(params, encoder);
  const firstMs = performance.now() - start;
  const times: number[] = [];
  for (let trial = 0; trial < 25; trial++) {
    const again = JSON.parse(JSON.stringify(params)) as typeof params;
    again.messages[99] = { role: "user", content: tokenCorpus(5000 + trial, 2000) };
    const t0 = performance.now();
    countChatTokens(again, encoder);
    times.push(performance.now() - t0);
  }
  const chars = messages.reduce((sum, m) => sum + (typeof m.content === "string" ? m.content.length : 0), 0);
  return { firstMs, recountMs: median(times), chars };
}

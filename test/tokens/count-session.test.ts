import { describe, expect, test } from "bun:test";
import type { ChatParams } from "../../src/protocol/chat.ts";
import { countChatTokens } from "../../src/tokens/chat-tokens.ts";
import { countPaced } from "../../src/tokens/count-session.ts";
import { countLocally } from "../../src/tokens/local-count.ts";
import type { Encoder, Tally } from "../../src/tokens/tiktoken.ts";

/** A stand-in encoder: one token per character, inexact for texts starting with "~", and a log of which path counted what. */
function spy(): Encoder & { sync: string[]; yielding: string[] } {
  const sync: string[] = [];
  const yielding: string[] = [];
  const tally = (text: string): Tally => ({ tokens: text.length, exact: !text.startsWith("~") });
  return {
    sync,
    yielding,
    count: (text) => tally(text).tokens,
    tally(text) {
      sync.push(text);
      return tally(text);
    },
    async tallyYielding(text) {
      yielding.push(text);
      return tally(text);
    },
  };
}

describe("countPaced", () => {
  test("every text the rules ask for, built ones included, is counted by the stepped count, once; none synchronously", async () => {
    const encoder = spy();
    const params: ChatParams = {
      model: "gpt-4o",
      messages: [
        { role: "user", content: "hello" },
        { role: "user", content: "hello" },
      ],
      tools: [{ name: "read", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } }],
    };
    const { value } = await countPaced(encoder, (counter) => countChatTokens(params, counter));
    expect(encoder.sync).toEqual([]);
    expect(encoder.yielding).toContain("hello");
    expect(encoder.yielding.filter((text) => text === "hello")).toHaveLength(1);
    // The rendered tool definitions are a text the rules build: counted up front too.
    expect(encoder.yielding.some((text) => text.includes("type read ="))).toBe(true);
    // The same count as the rules give over the encoder directly.
    expect(value).toBe(countChatTokens(params, { count: (text) => text.length }));
  });

  test.each([
    ["a text counted inexactly", "~cut"],
    ["none", "whole"],
  ])("exact is false after %s", async (label, text) => {
    const { exact } = await countPaced(spy(), (counter) => counter.count(text));
    expect(exact).toBe(label === "none");
  });
});

describe("countLocally with the tokenizer", () => {
  const params = (content: string): ChatParams => ({ model: "gpt-4o", messages: [{ role: "user", content }] });

  test("a long ordinary text is exact; the same count as its parts' framing says", async () => {
    const prose = "The quick brown fox jumps over the lazy dog. ".repeat(500);
    const answer = await countLocally(params(prose), { encoding: "o200k_base" });
    // Message framing 3 + role 1 + ten tokens a sentence ("The", " quick", ..., " dog", ".") + the last space + priming 3.
    expect(answer).toEqual({ input_tokens: 3 + 1 + 10 * 500 + 1 + 3, exact: true, method: "tokenizer" });
  });

  test("a pre-token too long to merge whole makes the count inexact", async () => {
    const answer = await countLocally(params("z".repeat(20_000)), { encoding: "o200k_base" });
    expect(answer.exact).toBe(false);
    expect(answer.input_tokens).toBeGreaterThan(20_000 / 16);
  });

  test("the request's signal ends a long count", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled");
    setTimeout(() => controller.abort(reason), 0);
    await expect(countLocally(params("qwertyuiop".repeat(400_000)), { encoding: "o200k_base", signal: controller.signal })).rejects.toBe(reason);
  });
});

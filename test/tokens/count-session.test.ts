import { describe, expect, test } from "bun:test";
import type { ChatParams } from "../../src/protocol/chat.ts";
import { chatTexts, countSession, YIELDING_CHARS } from "../../src/tokens/count-session.ts";
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

const long = (c: string) => c.repeat(YIELDING_CHARS);

describe("countSession", () => {
  test("long texts are counted up front by the yielding count, short ones synchronously, each once", async () => {
    const encoder = spy();
    const session = await countSession(encoder, [long("a"), "short", long("a"), long("b")]);
    expect(encoder.yielding).toEqual([long("a"), long("b")]);
    expect([session.count(long("a")), session.count("short"), session.count(long("b"))]).toEqual([YIELDING_CHARS, 5, YIELDING_CHARS]);
    // The framing pass found the long texts already counted.
    expect(encoder.sync).toEqual(["short"]);
    expect(session.exact).toBe(true);
  });

  test.each([
    ["a long text", [`~${long("a")}`], "x"],
    ["a short text counted later", [long("a")], "~x"],
  ])("exact turns false once %s was inexact", async (_label, texts, later) => {
    const session = await countSession(spy(), texts);
    session.count(later);
    expect(session.exact).toBe(false);
  });
});

describe("chatTexts", () => {
  test("message text, parts, call arguments and results, never image data", () => {
    const params: ChatParams = {
      model: "m",
      messages: [
        { role: "system", content: "sys" },
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image", media_type: "image/png", data: "iVBORw0KGgo=" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "think" },
            { type: "tool_call", id: "c1", name: "read", arguments: '{"path":"a"}' },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool_result", tool_call_id: "c1", content: "file" },
            { type: "tool_result", tool_call_id: "c2", content: [{ type: "text", text: "nested" }] },
          ],
        },
      ],
    };
    expect([...chatTexts(params)]).toEqual(["sys", "look", "think", '{"path":"a"}', "file", "nested"]);
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

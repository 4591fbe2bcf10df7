import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { ChatParams } from "../../src/protocol/chat.ts";
import { estimateChatTokens, estimateTokens, TokenEstimate } from "../../src/tokens/estimate.ts";
import { getEncoder } from "../../src/tokens/tiktoken.ts";

// Written for this test; none of it was used to calibrate estimate.ts.
const PROSE = `When the editor asks how large a conversation has become, it usually wants
an answer before it sends anything: will the next request still fit in the
model's context window, and roughly what will it cost? For OpenAI models we
can count exactly, because their tokenizer is public. For the others we can
only estimate, so the answer says so, and the editor keeps a safety margin.
`;

const CODE = `export async function retryWithBackoff<T>(
  attempt: (n: number) => Promise<T>,
  { retries = 3, baseMs = 250 }: { retries?: number; baseMs?: number } = {},
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= retries) throw error;
      const delay = baseMs * 2 ** n + Math.random() * 100;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

const config = { "model": "gpt-4o", "max_tokens": 1024, "stop": ["\\n\\n"] };
`;

const RATIO = 0.3;

describe("estimateTokens against o200k_base", () => {
  test.each([
    ["mixed prose and code", `${PROSE}\n\`\`\`ts\n${CODE}\`\`\`\n${PROSE}`],
    ["prose", PROSE],
    ["code", CODE],
  ])("%s: within ±30%", async (_label, text) => {
    const exact = (await getEncoder("o200k_base")).count(text);
    const estimate = estimateTokens(text);
    expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(RATIO);
  });

  test("CJK is not counted at chars/4", () => {
    // お誕生日おめでとう is 8 tokens in o200k_base (OpenAI cookbook,
    // How_to_count_tokens_with_tiktoken.ipynb @ c81359cd, section 5); chars/4 would say 3.
    const estimate = estimateTokens("お誕生日おめでとう");
    expect(Math.abs(estimate - 8) / 8).toBeLessThanOrEqual(RATIO);
  });

  test("empty text is 0 tokens; any text is at least 1", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("a")).toBe(1);
    expect(estimateTokens("😀")).toBeGreaterThanOrEqual(1);
  });
});

describe("estimateChatTokens", () => {
  const base: ChatParams = {
    model: "claude-sonnet-4-5",
    messages: [
      { role: "system", content: PROSE },
      { role: "user", content: [{ type: "text", text: CODE }] },
    ],
  };

  test("counts more than the message text alone (framing) and grows with tools and images", () => {
    const text = estimateTokens(PROSE) + estimateTokens(CODE);
    const plain = estimateChatTokens(base);
    expect(plain).toBeGreaterThan(text);

    const withTool = estimateChatTokens({
      ...base,
      tools: [{ name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } }],
    });
    expect(withTool).toBeGreaterThan(plain);

    const withImage = estimateChatTokens({
      ...base,
      messages: [...base.messages, { role: "user", content: [{ type: "image", media_type: "image/png", data: "AAAA" }] }],
    });
    expect(withImage).toBeGreaterThan(plain);
  });

  test("tool calls and results are counted", () => {
    const plain = estimateChatTokens(base);
    const withCall = estimateChatTokens({
      ...base,
      messages: [
        ...base.messages,
        { role: "assistant", content: [{ type: "tool_call", id: "t1", name: "read_file", arguments: '{"path":"a.ts"}' }] },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "t1", content: CODE }] },
      ],
    });
    expect(withCall - plain).toBeGreaterThanOrEqual(estimateTokens(CODE));
  });
});

describe("TokenEstimate (streamed text, pieces not kept)", () => {
  test("any split of a text estimates as the whole text, surrogate pairs split between pieces included", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 12 }), { maxLength: 8 }), (pieces) => {
        const estimate = new TokenEstimate();
        for (const piece of pieces) estimate.add(piece);
        return estimate.tokens === estimateTokens(pieces.join(""));
      }),
      { numRuns: 300, seed: 20261124 },
    );
  });

  test.each([
    ["an emoji split between its surrogates", ["ok 😊".slice(0, 4), "😊".slice(1), " done"]],
    ["a lone high surrogate at the end", ["abc", "\ud83d"]],
    ["a lone high surrogate before plain text", ["\ud83d", "x"]],
    ["CJK and code", ["const x = 1;", " 你好", "世界\n"]],
  ])("%s", (_label, pieces) => {
    const estimate = new TokenEstimate();
    for (const piece of pieces) estimate.add(piece);
    expect(estimate.tokens).toBe(estimateTokens(pieces.join("")));
  });
});

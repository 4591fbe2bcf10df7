/**
 * The pieces of partial-response recovery that need no network: the seam
 * filter (whitespace the prefill could not carry), the prefilled request,
 * which requests may resume, and usage/cost adding up over calls. The
 * streams themselves are replayed in resume-replay.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { addUsage, MAX_RESUMES, prefillParams, resumeAllowed, resumeLimit, Seam, trailingWhitespace } from "../../src/actions/resume.ts";
import type { ReportedUsage } from "../../src/protocol/chunks.ts";
import type { ChatPlan, ChatRequestParams } from "../../src/providers/types.ts";
import { shapeChat } from "../../src/rules/shape.ts";

/** Run continuation deltas through a seam built from what was written; return what gets written after it. */
function afterSeam(written: string, deltas: readonly string[]): string {
  const seam = new Seam(trailingWhitespace(written));
  return deltas.map((delta) => seam.take(delta)).join("");
}

describe("Seam: the continuation after a prefill stripped of trailing whitespace", () => {
  // written: what the client already has. deltas: what the model continues with after written.trimEnd().
  // expected: what is written next, so that written + expected is the answer without a doubled character.
  test.each([
    { name: "no trailing whitespace: the continuation passes as it is", written: "Hello", deltas: [" world"], expected: " world" },
    { name: "a trailing space the continuation repeats is not written twice", written: "Hello ", deltas: [" world"], expected: "world" },
    { name: "a paragraph break repeated in one delta", written: "Title\n\n", deltas: ["\n\nBody", " text"], expected: "Body text" },
    { name: "a paragraph break repeated across deltas", written: "Title\n\n", deltas: ["\n", "\n", "Body"], expected: "Body" },
    { name: "a delta that is only part of the whitespace, then the rest with text", written: "a \n\t", deltas: [" ", "\n\tb"], expected: "b" },
    { name: "the continuation repeats less whitespace than was written: the written whitespace stands", written: "Title\n\n", deltas: ["\nBody"], expected: "Body" },
    { name: "the continuation does not repeat the whitespace at all", written: "Hello ", deltas: ["world"], expected: "world" },
    { name: "the continuation adds whitespace beyond what was written: the extra passes", written: "x\n", deltas: ["\n\n- item"], expected: "\n- item" },
    { name: "different whitespace: only the shared prefix is dropped", written: "x \n", deltas: [" \t", "y"], expected: "\ty" },
    { name: "whitespace inside the text after the seam is never touched", written: "a ", deltas: [" b", " ", " c"], expected: "b  c" },
    { name: "empty deltas are harmless", written: "a\n", deltas: ["", "\n", "", "b"], expected: "b" },
    { name: "all written text was whitespace", written: "  ", deltas: ["  Hi"], expected: "Hi" },
  ])("$name", ({ written, deltas, expected }) => {
    expect(afterSeam(written, deltas)).toBe(expected);
  });

  test("settled once a character differs", () => {
    const seam = new Seam("\n\n");
    expect(seam.settled).toBe(false);
    expect(seam.take("\n")).toBe("");
    expect(seam.settled).toBe(false);
    expect(seam.take("x")).toBe("x");
    expect(seam.settled).toBe(true);
    expect(seam.take("\n")).toBe("\n");
  });

  test("trailingWhitespace covers every kind trimEnd strips (the prefill is written.trimEnd())", () => {
    expect(trailingWhitespace("a b \t\n\r\u00a0\u2028")).toBe(" \t\n\r\u00a0\u2028");
    expect(trailingWhitespace("ab")).toBe("");
    expect(trailingWhitespace("")).toBe("");
  });
});

const BASE: ChatRequestParams = {
  model: "claude-sonnet-4-20250514",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Say hi" },
  ],
  max_tokens: 100,
};

describe("prefillParams: the request again, with the answer so far as the assistant's turn", () => {
  test("appends the written text, trailing whitespace stripped, as an assistant message; the request itself is not changed", () => {
    const before = structuredClone(BASE);
    const next = prefillParams(BASE, "Olá! \n\n", 10);
    expect(next.messages).toEqual([...BASE.messages, { role: "assistant", content: "Olá!" }]);
    expect(BASE).toEqual(before);
  });

  test("max_tokens loses the output already generated, never below 1; absent stays absent", () => {
    expect(prefillParams(BASE, "x", 30).max_tokens).toBe(70);
    expect(prefillParams(BASE, "x", 100).max_tokens).toBe(1);
    expect(prefillParams(BASE, "x", 250).max_tokens).toBe(1);
    const { max_tokens: _dropped, ...noLimit } = BASE;
    expect("max_tokens" in prefillParams(noLimit, "x", 30)).toBe(false);
  });

  test("written text that is only whitespace adds no assistant message (the request is sent as it was)", () => {
    expect(prefillParams(BASE, " \n", 1).messages).toEqual(BASE.messages);
  });

  test("a request ending in the caller's own prefill gets the text appended to it, as one text", () => {
    const own: ChatRequestParams = { ...BASE, messages: [...BASE.messages, { role: "assistant", content: "Sure:" }] };
    expect(prefillParams(own, " here it is\n", 1).messages.at(-1)).toEqual({ role: "assistant", content: "Sure: here it is" });
    // Trailing whitespace of the caller's prefill was never seen by the model (stripped or refused): not kept.
    const spaced: ChatRequestParams = { ...BASE, messages: [...BASE.messages, { role: "assistant", content: "Sure: " }] };
    expect(prefillParams(spaced, " here", 1).messages.at(-1)).toEqual({ role: "assistant", content: "Sure: here" });
  });

  test("the caller's prefill as parts: the last text part is extended, other parts kept; a non-text last part gets a text part after it", () => {
    const parts: ChatRequestParams = {
      ...BASE,
      messages: [
        ...BASE.messages,
        {
          role: "assistant",
          content: [
            { type: "text", text: "A" },
            { type: "text", text: "B", cache: true },
          ],
        },
      ],
    };
    expect(prefillParams(parts, "C ", 1).messages.at(-1)).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "A" },
        { type: "text", text: "BC", cache: true },
      ],
    });
    const call: ChatRequestParams = {
      ...BASE,
      messages: [...BASE.messages, { role: "assistant", content: [{ type: "tool_call", id: "t1", name: "f", arguments: "{}" }] }],
    };
    expect(prefillParams(call, "Then", 1).messages.at(-1)).toEqual({
      role: "assistant",
      content: [
        { type: "tool_call", id: "t1", name: "f", arguments: "{}" },
        { type: "text", text: "Then" },
      ],
    });
  });

  test("the caller's prefill as exactly one text part: extended in place, not dropped", () => {
    const one: ChatRequestParams = { ...BASE, messages: [...BASE.messages, { role: "assistant", content: [{ type: "text", text: "Sure:", cache: true }] }] };
    expect(prefillParams(one, " here it is\n", 1).messages).toEqual([...BASE.messages, { role: "assistant", content: [{ type: "text", text: "Sure: here it is", cache: true }] }]);
    // Nothing written yet (a resume before any text): the caller's own part is sent again as it was, minus trailing whitespace.
    expect(prefillParams(one, "", 1).messages.at(-1)).toEqual({ role: "assistant", content: [{ type: "text", text: "Sure:", cache: true }] });
  });

  test("a caller's empty prefill plus whitespace-only text leaves no empty assistant turn", () => {
    const own: ChatRequestParams = { ...BASE, messages: [...BASE.messages, { role: "assistant", content: "" }] };
    expect(prefillParams(own, "\n", 1).messages).toEqual(BASE.messages);
  });

  test("cache: true keeps its marks on the system prompt and the request's last message instead of moving onto the prefill", () => {
    const cached: ChatRequestParams = {
      ...BASE,
      cache: true,
      messages: [
        { role: "system", content: "S1" },
        { role: "user", content: "U1" },
        { role: "system", content: "S2" },
        { role: "user", content: "U2" },
      ],
    };
    const next = prefillParams(cached, "A", 1);
    expect(next.cache).toBeUndefined();
    expect(next.messages).toEqual([
      { role: "system", content: "S1" },
      { role: "user", content: "U1" },
      { role: "system", content: "S2", cache: true },
      { role: "user", content: "U2", cache: true },
      { role: "assistant", content: "A" },
    ]);
    expect(cached.messages[3]).toEqual({ role: "user", content: "U2" });
  });
});

describe("which requests resume", () => {
  const plan = (resumable: boolean, params: ChatRequestParams, model = "claude-sonnet-4-5"): ChatPlan =>
    ({
      format: {},
      createDecoder: () => ({}),
      buildRequest: () => new Request("http://x"),
      shaping: shapeChat("anthropic", "anthropic-messages", { ...params, model }),
      ...(resumable && { continueWith: () => {} }),
    }) as unknown as ChatPlan;

  test.each([
    { name: "an Anthropic-family plan, default", params: BASE, resumable: true, expected: true },
    { name: "resume: true", params: { ...BASE, resume: true }, resumable: true, expected: true },
    { name: "resume: false opts out", params: { ...BASE, resume: false }, resumable: true, expected: false },
    { name: "a plan without continueWith (other providers)", params: BASE, resumable: false, expected: false },
    { name: "resume: true cannot make a plan resumable", params: { ...BASE, resume: true }, resumable: false, expected: false },
    { name: "extended thinking (Anthropic refuses a prefill with it)", params: { ...BASE, reasoning: { effort: "low" } }, resumable: true, expected: false },
    { name: "thinking asked off is no thinking", params: { ...BASE, reasoning: { effort: "none" } }, resumable: true, expected: true },
    // Anthropic migration guide: "Prefilling assistant messages returns a 400 error on Claude 4.6 models".
    { name: "Claude Opus 4.6 refuses prefills", params: BASE, resumable: true, expected: false, model: "claude-opus-4-6" },
    { name: "Claude Sonnet 5 (Copilot spelling) refuses prefills", params: BASE, resumable: true, expected: false, model: "claude-sonnet-5" },
    { name: "Claude Haiku 4.5 takes them", params: BASE, resumable: true, expected: true, model: "claude-haiku-4-5-20251001" },
  ] as Array<{ name: string; params: ChatRequestParams; resumable: boolean; expected: boolean; model?: string }>)("$name → $expected", ({ params, resumable, expected, model }) => {
    expect(resumeAllowed(plan(resumable, params, model))).toBe(expected);
  });

  test("resumes are bounded by MAX_RESUMES and by max_retries", () => {
    expect(MAX_RESUMES).toBe(2);
    expect([0, 1, 2, 3, 10].map(resumeLimit)).toEqual([0, 1, 2, 2, 2]);
  });
});

describe("usage and cost over several calls", () => {
  const a: ReportedUsage = {
    input_tokens: 16,
    output_tokens: 9,
    cache_read_tokens: 3,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    estimated: ["output_tokens", "reasoning_tokens"],
  };
  const b: ReportedUsage = { input_tokens: 25, output_tokens: 30, cache_read_tokens: 4, cache_write_tokens: 2, reasoning_tokens: 0, estimated: ["reasoning_tokens"] };

  test("figures add; estimated is the union, each name once", () => {
    expect(addUsage(a, b)).toEqual({
      input_tokens: 41,
      output_tokens: 39,
      cache_read_tokens: 7,
      cache_write_tokens: 2,
      reasoning_tokens: 0,
      estimated: ["output_tokens", "reasoning_tokens"],
    });
  });
});

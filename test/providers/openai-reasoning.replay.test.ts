/**
 * GPT-5.x on the Responses API, replayed through the real Server and the
 * OpenAI provider over loopback: gpt-5.5 (default effort medium, encrypted
 * reasoning, commentary-phase text, a tool call, then the final answer),
 * gpt-5.2 and gpt-5.1 with effort `none` (no reasoning item at all).
 *
 * Every expected value is read here from the recorded SSE (never from
 * src/formats); usage figures were read by hand from each recording's
 * response.completed and written into the cases. Request bodies are not
 * compared with the recorded ones (the request encoder is being rewritten):
 * only path and headers, plus, for the hand-back, that the encrypted
 * reasoning and the tool output reach the second request at all.
 */
import { describe, expect, test } from "bun:test";
import { createHarness } from "../support/in-process.ts";
import {
  expectCatalogCost,
  expectSentOnce,
  expectStreamed,
  everythingWritten,
  interaction,
  recordedResponses,
  recording,
  sentBody,
  single,
  streamChat,
  uncachedUsage,
  withReplay,
  type Json,
} from "./replay.ts";

const KEY = "sk-proj-reasoning.replay.key.not.a.canary";
const v1 = (url: string): string => `${url}/v1`;

interface StreamCase {
  file: string;
  turn: number;
  /** The model id the recorded request asked for. */
  model: string;
  /** Effort echoed by the recording (none of these requests sent one). */
  effort: string;
  /** From response.completed usage. */
  input: number;
  output: number;
  reasoning: number;
  /** The recording's usage has input_tokens_details.cache_write_tokens (newer recordings) or not. */
  cacheWriteReported: boolean;
  has: Array<"content" | "signature" | "tools">;
}

const STREAMS: StreamCase[] = [
  // 63 in, 69 out of which 26 reasoning; cached 0, cache_write 0.
  {
    file: "responses-gpt-5.5-phase-tool",
    turn: 0,
    model: "gpt-5.5",
    effort: "medium",
    input: 63,
    output: 69,
    reasoning: 26,
    cacheWriteReported: true,
    has: ["content", "signature", "tools"],
  },
  // 147 in, 16 out, no reasoning (no reasoning item in this turn).
  { file: "responses-gpt-5.5-phase-tool", turn: 1, model: "gpt-5.5", effort: "medium", input: 147, output: 16, reasoning: 0, cacheWriteReported: true, has: ["content"] },
  // 20 in, 10 out; usage has no cache_write_tokens.
  { file: "responses-gpt-5.2-effort-none", turn: 0, model: "gpt-5.2", effort: "none", input: 20, output: 10, reasoning: 0, cacheWriteReported: false, has: ["content"] },
  // 45 in, 25 out, reasoning 0; cache_write 0.
  { file: "responses-gpt-5.1-effort-none-tool", turn: 0, model: "gpt-5.1", effort: "none", input: 45, output: 25, reasoning: 0, cacheWriteReported: true, has: ["tools"] },
];

/** Our params for a recorded turn: the conversation itself does not matter to the replay, only that it is well-formed. */
function paramsFor(file: string, url: string, model: string): Json {
  const base = { model, api: "responses", base_url: v1(url), credentials: { api_key: KEY } };
  switch (file) {
    case "responses-gpt-5.5-phase-tool":
      return {
        ...base,
        messages: [
          { role: "system", content: PHASE_INSTRUCTIONS },
          { role: "user", content: "What is the capital of PotatoLand?" },
        ],
        tools: [CAPITAL_TOOL],
        tool_choice: "auto",
      };
    case "responses-gpt-5.1-effort-none-tool":
      return { ...base, messages: [{ role: "user", content: "Call get_weather for Beijing." }], tools: [WEATHER_TOOL], tool_choice: "required" };
    default:
      return {
        ...base,
        messages: [
          { role: "system", content: "Answer directly." },
          { role: "user", content: "What is 2+2?" },
        ],
      };
  }
}

const PHASE_INSTRUCTIONS = "Briefly narrate what you are about to do before calling each tool.";
const CAPITAL_TOOL = {
  name: "get_capital",
  parameters: { type: "object", properties: { country: { type: "string" } }, required: ["country"], additionalProperties: false },
};
const WEATHER_TOOL = {
  name: "get_weather",
  description: "Get weather",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
};

describe("openai GPT-5.x reasoning replay: Responses streams", () => {
  test.each(STREAMS)(
    "$file turn $turn: reasoning item, text, tool call, finish, usage",
    async ({ file, turn, model, effort, input, output, reasoning, cacheWriteReported, has }) => {
      const cassette = await recording("openai", file);
      const expected = recordedResponses(interaction(cassette, turn));
      expect(expected.model.startsWith(`${model}-`)).toBe(true);
      expect(expected.effort).toBe(effort);
      expect(expected.status).toBe("completed");
      if (has.includes("content")) expect(expected.content).not.toBe("");
      else expect(expected.content).toBe("");
      if (has.includes("signature")) expect(expected.signatures.length).toBeGreaterThan(0);
      else expect(expected.signatures).toEqual([]);
      if (has.includes("tools")) expect(expected.toolCalls.length).toBeGreaterThan(0);
      else expect(expected.toolCalls).toEqual([]);

      const harness = createHarness();
      await withReplay(single(cassette, turn), async (server) => {
        const result = await streamChat(harness, `${file}-${turn}`, "openai", paramsFor(file, server.url, model));

        // Signatures: the item's final encrypted_content, not the one output_item.added announced.
        expectStreamed(result, expected);

        const done = result.done!;
        expect(done.finish_reason).toBe(expected.toolCalls.length > 0 ? "tool_calls" : "stop");
        expect(done.model).toBe(expected.model);
        expect(done.usage).toEqual(uncachedUsage(input, output, reasoning, cacheWriteReported ? [] : ["cache_write_tokens"]));

        expectSentOnce(server, "/v1/responses", { authorization: `Bearer ${KEY}` }, { model, stream: true });
        expect(everythingWritten(harness)).not.toContain(KEY);
      });
    },
  );

  test("gpt-5.5: the recording's reasoning item changes its encrypted_content between output_item.added and .done", async () => {
    // What the signature test above stands on: handing back the announced value would be wrong.
    const cassette = await recording("openai", "responses-gpt-5.5-phase-tool");
    const expected = recordedResponses(interaction(cassette, 0));
    expect(expected.announced.length).toBe(1);
    expect(expected.signatures.length).toBe(1);
    expect(expected.announced[0]).not.toBe(expected.signatures[0]);
    expect(expected.phases).toEqual(["commentary"]);
    expect(recordedResponses(interaction(cassette, 1)).phases).toEqual(["final_answer"]);
  });

  test("gpt-5.5: handing back what turn 1 streamed (encrypted reasoning, commentary, call) gets the final answer", async () => {
    const cassette = await recording("openai", "responses-gpt-5.5-phase-tool");
    const first = recordedResponses(interaction(cassette, 0));
    const second = recordedResponses(interaction(cassette, 1));
    // The tool output is the editor's own: take it from the recorded turn-2 request.
    const recordedOutput = ((interaction(cassette, 1).request.body as Json).input as Json[]).find((item) => item.type === "function_call_output")!;
    expect(recordedOutput.call_id).toBe(first.toolCalls[0]!.id);

    const harness = createHarness();
    await withReplay(cassette, async (server) => {
      const params = paramsFor("responses-gpt-5.5-phase-tool", server.url, "gpt-5.5");
      const turn1 = await streamChat(harness, "t1", "openai", params);
      expect(turn1.done?.finish_reason).toBe("tool_calls");

      const assistant: Json[] = [
        ...turn1.signatures.map((signature) => ({ type: "reasoning", text: turn1.reasoning, signature })),
        { type: "text", text: turn1.content },
        ...turn1.toolCalls.map((call) => ({ type: "tool_call", ...call })),
      ];
      const turn2 = await streamChat(harness, "t2", "openai", {
        ...params,
        messages: [
          ...params.messages,
          { role: "assistant", content: assistant },
          { role: "tool", content: [{ type: "tool_result", tool_call_id: recordedOutput.call_id, content: recordedOutput.output }] },
        ],
      });
      expect(turn2.error).toBeUndefined();
      expect(turn2.content).toBe(second.content);
      expect(turn2.done?.finish_reason).toBe("stop");

      // Not the recorded body (encoder in flux): only that the signed reasoning and the tool output reached it.
      const input = sentBody(server, 1).input as Json[];
      expect(input.some((item) => item.type === "reasoning" && item.encrypted_content === first.signatures[0])).toBe(true);
      expect(input.some((item) => item.type === "function_call_output" && item.call_id === recordedOutput.call_id && item.output === recordedOutput.output)).toBe(true);
    });
  });
});

describe("openai GPT-5.x reasoning replay: cost of dated snapshots", () => {
  // The answers name dated snapshots (gpt-5.5-2026-04-23, gpt-5.2-2025-12-11,
  // gpt-5.1-2025-11-13) the catalog does not list; the requested id's price applies.
  test.each(STREAMS.filter((c) => c.turn === 0))("$file: cost from the catalog price of $model", async ({ file, model, input, output }) => {
    const cassette = await recording("openai", file);
    const harness = createHarness();
    await withReplay(single(cassette, 0), async (server) => {
      const result = await streamChat(harness, `${file}-cost`, "openai", paramsFor(file, server.url, model));
      expectCatalogCost(result.done!.cost, "openai", model, input, output);
    });
  });
});

import { describe, expect, test } from "bun:test";
import { encodeOpenAIResponsesRequest } from "../../../src/formats/openai-responses/request.ts";
import { createOpenAIResponsesFormat, openaiResponsesFormat } from "../../../src/formats/openai-responses/index.ts";
import type { ChatParams, Message } from "../../../src/protocol/chat.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import { shapeChat } from "../../../src/rules/shape.ts";
import type { ShapedParams } from "../../../src/rules/types.ts";
import { cassetteRequest } from "../openai-chat/recordings.ts";

const base: ChatParams = { model: "gpt-x", messages: [{ role: "user", content: "Hi" }] };
const HI = { type: "message", role: "user", content: [{ type: "input_text", text: "Hi" }] };

describe("openai-responses request: a real client's follow-up turn", () => {
  test("function_call / function_call_output items, flat tools with strict false, reasoning and include match fantasy's recorded request (through the model rules)", async () => {
    const recorded = await cassetteRequest("openai/fantasy/TestOpenAIResponsesWithSummaryThinking__openai-gpt-5__thinking-streaming.yaml", 1);
    const callId = "call_zgUaIBRPTwxxOusyyKw5NVMH";
    const body = encodeOpenAIResponsesRequest(
      shapeChat("openai", "openai-responses", {
        model: "gpt-5",
        reasoning: { effort: "high" },
        tool_choice: "auto",
        tools: [
          {
            name: "weather",
            description: "Get weather information for a location",
            parameters: { properties: { location: { description: "the city", type: "string" } }, required: ["location"], type: "object" },
          },
        ],
        messages: [
          { role: "system", content: "You are a helpful assistant" },
          { role: "user", content: "What's the weather in Florence, Italy?" },
          { role: "assistant", content: [{ type: "tool_call", id: callId, name: "weather", arguments: '{"location":"Florence, Italy"}' }] },
          { role: "tool", content: [{ type: "tool_result", tool_call_id: callId, content: "40 C" }] },
        ],
      }).params,
    );
    const recordedInput = recorded["input"] as Record<string, unknown>[];
    const input = body["input"] as Record<string, unknown>[];
    // fantasy sends its system prompt as a `developer` input message; we use
    // `instructions`, so only the items after it are comparable.
    expect(input.slice(1)).toEqual(recordedInput.slice(2));
    expect(body["instructions"]).toBe("You are a helpful assistant");
    // fantasy sends `strict: false` per tool, as we do (OpenAI's opt-out of strict normalisation).
    expect(body["tools"]).toEqual(recorded["tools"]);
    for (const key of ["model", "reasoning", "include", "store", "stream", "tool_choice"]) expect(body[key]).toEqual(recorded[key]);
  });
});

describe("openai-responses request: encoding table", () => {
  const cases: [string, Partial<ShapedParams>, Record<string, unknown>][] = [
    ["minimal", {}, { model: "gpt-x", input: [HI], store: false, stream: true }],
    ["max_tokens → max_output_tokens", { max_tokens: 99 }, { max_output_tokens: 99 }],
    ["sampling", { temperature: 0.3, top_p: 0.5 }, { temperature: 0.3, top_p: 0.5 }],
    ["tool_choice by name is flat", { tool_choice: { name: "f" } }, { tool_choice: { type: "function", name: "f" } }],
    ["tool_choice required", { tool_choice: "required" }, { tool_choice: "required" }],
    [
      "tools are flat",
      { tools: [{ name: "f", description: "d", parameters: { type: "object" } }] },
      { tools: [{ type: "function", name: "f", description: "d", parameters: { type: "object" }, strict: false }] },
    ],
    [
      "strict when the caller asks",
      { tools: [{ name: "f", parameters: { type: "object" }, strict: true }] },
      { tools: [{ type: "function", name: "f", parameters: { type: "object" }, strict: true }] },
    ],
    [
      "effort with auto summary, encrypted reasoning requested",
      { thinking: { type: "effort", effort: "low" } },
      { reasoning: { effort: "low", summary: "auto" }, include: ["reasoning.encrypted_content"] },
    ],
    ["effort none: no summary to ask for", { thinking: { type: "effort", effort: "none" } }, { reasoning: { effort: "none" } }],
    [
      "system messages are joined into instructions",
      {
        messages: [
          { role: "system", content: "A" },
          { role: "user", content: "Hi" },
          { role: "system", content: [{ type: "text", text: "B" }] },
        ],
      },
      { instructions: "A\n\nB", input: [HI] },
    ],
  ];
  for (const [name, extra, expected] of cases) {
    test(name, () => {
      expect(encodeOpenAIResponsesRequest({ ...base, ...extra })).toMatchObject(expected);
    });
  }

  test("stop sequences are ignored (the API has none)", () => {
    expect(encodeOpenAIResponsesRequest({ ...base, stop: ["END"] })).toEqual(encodeOpenAIResponsesRequest(base));
  });

  test("without reasoning asked for or replayed, no include and no reasoning (non-reasoning models reject them)", () => {
    const body = encodeOpenAIResponsesRequest(base);
    expect(body).not.toHaveProperty("include");
    expect(body).not.toHaveProperty("reasoning");
    expect(body).not.toHaveProperty("instructions");
  });

  test("a provider that knows the model reasons can always ask for encrypted reasoning", () => {
    expect(encodeOpenAIResponsesRequest(base, { reasoningModel: true })["include"]).toEqual(["reasoning.encrypted_content"]);
    expect(createOpenAIResponsesFormat({ reasoningModel: true }).encodeRequest(base)["include"]).toEqual(["reasoning.encrypted_content"]);
    expect(openaiResponsesFormat.encodeRequest(base)).not.toHaveProperty("include");
  });
});

describe("openai-responses request: input items table", () => {
  const image = { type: "image" as const, media_type: "image/jpeg", data: "/9j/4AAQ" };
  const cases: [string, Message[], unknown[]][] = [
    [
      "user text + image",
      [{ role: "user", content: [{ type: "text", text: "see" }, image] }],
      [
        {
          type: "message",
          role: "user",
          content: [
            { type: "input_text", text: "see" },
            { type: "input_image", image_url: "data:image/jpeg;base64,/9j/4AAQ", detail: "auto" },
          ],
        },
      ],
    ],
    [
      "assistant history keeps its order: reasoning, text, call",
      [
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "Thinking…", signature: "gAAAA-enc" },
            { type: "text", text: "Let me " },
            { type: "text", text: "check." },
            { type: "tool_call", id: "call_1", name: "f", arguments: "{}" },
            { type: "text", text: "Done." },
          ],
        },
      ],
      [
        { type: "reasoning", encrypted_content: "gAAAA-enc", summary: [{ type: "summary_text", text: "Thinking…" }] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Let me check." }] },
        { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Done." }] },
      ],
    ],
    [
      "signed reasoning without text replays with an empty summary; unsigned reasoning is dropped",
      [
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "", signature: "enc" },
            { type: "reasoning", text: "no signature" },
          ],
        },
      ],
      [{ type: "reasoning", encrypted_content: "enc", summary: [] }],
    ],
    ["assistant string content", [{ role: "assistant", content: "Hello" }], [{ type: "message", role: "assistant", content: [{ type: "output_text", text: "Hello" }] }]],
    [
      "tool results → function_call_output items (text parts joined, images as an output list)",
      [
        {
          role: "tool",
          content: [
            { type: "tool_result", tool_call_id: "c1", content: "40 C" },
            {
              type: "tool_result",
              tool_call_id: "c2",
              content: [
                { type: "text", text: "a" },
                { type: "text", text: "b" },
              ],
            },
            { type: "tool_result", tool_call_id: "c3", content: [{ type: "text", text: "shot:" }, image] },
          ],
        },
      ],
      [
        { type: "function_call_output", call_id: "c1", output: "40 C" },
        { type: "function_call_output", call_id: "c2", output: "a\n\nb" },
        {
          type: "function_call_output",
          call_id: "c3",
          output: [
            { type: "input_text", text: "shot:" },
            { type: "input_image", image_url: "data:image/jpeg;base64,/9j/4AAQ", detail: "auto" },
          ],
        },
      ],
    ],
    [
      "tool results inside a user message come first",
      [
        {
          role: "user",
          content: [
            { type: "text", text: "next?" },
            { type: "tool_result", tool_call_id: "c1", content: "ok" },
          ],
        },
      ],
      [
        { type: "function_call_output", call_id: "c1", output: "ok" },
        { type: "message", role: "user", content: [{ type: "input_text", text: "next?" }] },
      ],
    ],
  ];
  for (const [name, messages, expected] of cases) {
    test(name, () => {
      expect(encodeOpenAIResponsesRequest({ ...base, messages })["input"]).toEqual(expected);
    });
  }

  test("replayed reasoning turns on include even without a reasoning option", () => {
    const messages: Message[] = [{ role: "assistant", content: [{ type: "reasoning", text: "", signature: "enc" }] }];
    expect(encodeOpenAIResponsesRequest({ ...base, messages })["include"]).toEqual(["reasoning.encrypted_content"]);
  });

  const invalid: [string, Message, string][] = [
    ["tool message with plain string", { role: "tool", content: "orphan" }, "messages[0].content"],
    ["tool_call in a user message", { role: "user", content: [{ type: "tool_call", id: "c", name: "f", arguments: "{}" }] }, "messages[0].content[0]"],
    ["image in a system message", { role: "system", content: [image] }, "messages[0].content[0]"],
  ];
  for (const [name, message, field] of invalid) {
    test(`rejects ${name}`, () => {
      let thrown: unknown;
      try {
        encodeOpenAIResponsesRequest({ ...base, messages: [message] });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(BridgeError);
      expect((thrown as BridgeError).code).toBe("INVALID_REQUEST");
      expect((thrown as BridgeError).field).toBe(field);
    });
  }
});

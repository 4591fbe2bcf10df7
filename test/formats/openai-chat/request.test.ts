import { describe, expect, test } from "bun:test";
import { encodeOpenAIChatRequest } from "../../../src/formats/openai-chat/request.ts";
import { openaiChatFormat, createOpenAIChatFormat } from "../../../src/formats/openai-chat/index.ts";
import type { ChatParams, Message } from "../../../src/protocol/chat.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import type { ShapedParams } from "../../../src/rules/types.ts";
import { cassetteRequest } from "./recordings.ts";

const base: ChatParams = { model: "gpt-x", messages: [{ role: "user", content: "Hi" }] };
const STREAM = { stream: true, stream_options: { include_usage: true } };

describe("openai-chat request: a real client's follow-up turn", () => {
  // fantasy (a Go client) recorded these bodies against the live APIs; the
  // same conversation in our params must encode to the same messages/options.
  // fantasy also sends `strict: false` per tool, which we do not; it is
  // removed from the recorded body before comparing.
  const cases = [
    ["OpenAI", "openai/fantasy/TestOpenAICommon__openai-gpt-5__tool_streaming.yaml", "gpt-5", "call_eKRQDHJdZUhEXo1K1cobzFrl"],
    ["Azure", "azure/fantasy/TestAzureCommon__azure-gpt-5-mini__tool_streaming.yaml", "gpt-5-mini", "call_tWA8BJziGlCyhQEXhEHn6eXK"],
  ] as const;
  for (const [name, path, model, callId] of cases) {
    test(`${name}: ${model} tool follow-up`, async () => {
      const recorded = await cassetteRequest(path, 1);
      for (const tool of recorded["tools"] as { function: Record<string, unknown> }[]) delete tool.function["strict"];
      const params: ChatParams = {
        model,
        max_tokens: 4000,
        tool_choice: "auto",
        tools: [
          {
            name: "weather",
            description: "Get weather information for a location",
            parameters: {
              properties: { location: { description: "the city", type: "string" } },
              required: ["location"],
              type: "object",
            },
          },
        ],
        messages: [
          { role: "system", content: "You are a helpful assistant" },
          { role: "user", content: "What's the weather in Florence,Italy?" },
          { role: "assistant", content: [{ type: "tool_call", id: callId, name: "weather", arguments: '{"location":"Florence, Italy"}' }] },
          { role: "tool", content: [{ type: "tool_result", tool_call_id: callId, content: "40 C" }] },
        ],
      };
      expect(encodeOpenAIChatRequest(params)).toEqual(recorded);
    });
  }
});

describe("openai-chat request: encoding table", () => {
  const cases: [string, Partial<ShapedParams>, Record<string, unknown>][] = [
    ["minimal", {}, { model: "gpt-x", messages: [{ role: "user", content: "Hi" }], ...STREAM }],
    ["max_tokens → max_completion_tokens", { max_tokens: 77 }, { max_completion_tokens: 77 }],
    ["sampling and stop", { temperature: 0.2, top_p: 0.9, stop: ["END"] }, { temperature: 0.2, top_p: 0.9, stop: ["END"] }],
    ["tool_choice none", { tool_choice: "none" }, { tool_choice: "none" }],
    ["tool_choice required", { tool_choice: "required" }, { tool_choice: "required" }],
    ["tool_choice by name", { tool_choice: { name: "f" } }, { tool_choice: { type: "function", function: { name: "f" } } }],
    ["the rules' effort passes through", { thinking: { type: "effort", effort: "xhigh" } }, { reasoning_effort: "xhigh" }],
    [
      "strict only when asked",
      { tools: [{ name: "f", parameters: { type: "object" }, strict: true }] },
      { tools: [{ type: "function", function: { name: "f", parameters: { type: "object" }, strict: true } }] },
    ],
    [
      "tool without description",
      { tools: [{ name: "f", parameters: { type: "object" } }] },
      { tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] },
    ],
  ];
  for (const [name, extra, expected] of cases) {
    test(name, () => {
      expect(encodeOpenAIChatRequest({ ...base, ...extra })).toMatchObject(expected);
    });
  }

  test("absent options are absent from the body", () => {
    const body = encodeOpenAIChatRequest(base);
    for (const key of ["max_completion_tokens", "max_tokens", "temperature", "top_p", "stop", "tools", "tool_choice", "reasoning_effort"]) {
      expect(body).not.toHaveProperty(key);
    }
  });
});

describe("openai-chat request: messages table", () => {
  const image = { type: "image" as const, media_type: "image/png", data: "iVBORw0KGgo=" };
  const cases: [string, Message[], unknown[], { systemRole?: "developer" }?][] = [
    ["system role", [{ role: "system", content: "Be brief." }], [{ role: "system", content: "Be brief." }]],
    ["developer role when asked", [{ role: "system", content: "Be brief." }], [{ role: "developer", content: "Be brief." }], { systemRole: "developer" }],
    [
      "system text parts are joined",
      [
        {
          role: "system",
          content: [
            { type: "text", text: "A" },
            { type: "text", text: "B" },
          ],
        },
      ],
      [{ role: "system", content: "A\n\nB" }],
    ],
    [
      "user text + image as data URL",
      [{ role: "user", content: [{ type: "text", text: "What is this?" }, image] }],
      [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
      ],
    ],
    [
      "assistant text + tool calls; reasoning dropped",
      [
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "hmm", signature: "sig" },
            { type: "text", text: "Checking." },
            { type: "tool_call", id: "c1", name: "f", arguments: "{}" },
            { type: "tool_call", id: "c2", name: "g", arguments: '{"a":1}' },
          ],
        },
      ],
      [
        {
          role: "assistant",
          content: "Checking.",
          tool_calls: [
            { id: "c1", type: "function", function: { name: "f", arguments: "{}" } },
            { id: "c2", type: "function", function: { name: "g", arguments: '{"a":1}' } },
          ],
        },
      ],
    ],
    ["assistant with only reasoning keeps an empty content", [{ role: "assistant", content: [{ type: "reasoning", text: "x" }] }], [{ role: "assistant", content: "" }]],
    [
      "tool message with two results → two tool messages",
      [
        {
          role: "tool",
          content: [
            { type: "tool_result", tool_call_id: "c1", content: "one" },
            { type: "tool_result", tool_call_id: "c2", content: [{ type: "text", text: "two" }], is_error: true },
          ],
        },
      ],
      [
        { role: "tool", tool_call_id: "c1", content: "one" },
        { role: "tool", tool_call_id: "c2", content: "two" },
      ],
    ],
    [
      "tool results inside a user message come first, as tool messages",
      [
        {
          role: "user",
          content: [
            { type: "text", text: "and now?" },
            { type: "tool_result", tool_call_id: "c1", content: "ok" },
          ],
        },
      ],
      [
        { role: "tool", tool_call_id: "c1", content: "ok" },
        { role: "user", content: [{ type: "text", text: "and now?" }] },
      ],
    ],
  ];
  for (const [name, messages, expected, options] of cases) {
    test(name, () => {
      expect(encodeOpenAIChatRequest({ ...base, messages }, options)["messages"]).toEqual(expected);
    });
  }

  const invalid: [string, Message, string][] = [
    ["tool message with plain string", { role: "tool", content: "orphan" }, "messages[0].content"],
    ["image in a tool result", { role: "tool", content: [{ type: "tool_result", tool_call_id: "c", content: [image] }] }, "messages[0].content[0].content[0]"],
    ["tool_call in a user message", { role: "user", content: [{ type: "tool_call", id: "c", name: "f", arguments: "{}" }] }, "messages[0].content[0]"],
    ["image in a system message", { role: "system", content: [image] }, "messages[0].content[0]"],
  ];
  for (const [name, message, field] of invalid) {
    test(`rejects ${name}`, () => {
      let thrown: unknown;
      try {
        encodeOpenAIChatRequest({ ...base, messages: [message] });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(BridgeError);
      expect((thrown as BridgeError).code).toBe("INVALID_REQUEST");
      expect((thrown as BridgeError).field).toBe(field);
    });
  }
});

describe("openai-chat format object", () => {
  test("default format uses the system role; the factory can switch to developer", () => {
    const params: ChatParams = { ...base, messages: [{ role: "system", content: "S" }] };
    expect(openaiChatFormat.encodeRequest(params)["messages"]).toEqual([{ role: "system", content: "S" }]);
    expect(createOpenAIChatFormat({ systemRole: "developer" }).encodeRequest(params)["messages"]).toEqual([{ role: "developer", content: "S" }]);
  });

  test("each createMapper call gives a fresh mapper", () => {
    const a = openaiChatFormat.createMapper();
    a.map({ event: "message", data: "[DONE]" }, []);
    const out: unknown[] = [];
    openaiChatFormat.createMapper().map({ event: "message", data: "[DONE]" }, out as never[]);
    expect(out).toEqual([{ type: "end" }]);
  });
});

describe("openai-chat request: Copilot's reasoning_opaque hand-back", () => {
  const call = { type: "tool_call" as const, id: "c1", name: "f", arguments: "{}" };
  const assistantOf = (content: Message["content"], reasoningHandBack: "none" | "reasoning_opaque") =>
    (
      encodeOpenAIChatRequest(
        {
          ...base,
          messages: [
            { role: "user", content: "q" },
            { role: "assistant", content },
          ],
        },
        { reasoningHandBack },
      ).messages as Record<string, unknown>[]
    )[1];

  test.each([
    [
      "the blob and text",
      [{ type: "reasoning" as const, text: "think", provider_data: { reasoning_opaque: "OPAQUE" } }, call],
      "reasoning_opaque",
      { reasoning_opaque: "OPAQUE", reasoning_text: "think" },
    ],
    [
      "a blob-only part after the text",
      [{ type: "reasoning" as const, text: "think" }, { type: "reasoning" as const, text: "", provider_data: { reasoning_opaque: "OPAQUE" } }, call],
      "reasoning_opaque",
      { reasoning_opaque: "OPAQUE", reasoning_text: "think" },
    ],
    ["another provider's signature is no blob: nothing", [{ type: "reasoning" as const, text: "think", signature: "ErUBCkgIAxAC" }, call], "reasoning_opaque", {}],
    ["another server: nothing", [{ type: "reasoning" as const, text: "think", provider_data: { reasoning_opaque: "OPAQUE" } }, call], "none", {}],
  ] as const)("%s", (_label, content, handBack, expected) => {
    const message = assistantOf([...content], handBack)!;
    expect({ reasoning_opaque: message["reasoning_opaque"], reasoning_text: message["reasoning_text"] }).toEqual({
      reasoning_opaque: undefined,
      reasoning_text: undefined,
      ...expected,
    });
  });
});

/**
 * Unified params → Anthropic Messages body. Expected bodies are written out
 * per the Messages API (https://docs.anthropic.com/en/api/messages;
 * `MessageCreateParamsBase` in anthropics/anthropic-sdk-typescript
 * src/resources/messages/messages.ts); one case is checked against a
 * real request the API accepted (fantasy multi_tool_streaming, interaction 1).
 */
import { describe, expect, test } from "bun:test";
import { anthropicMessagesFormat } from "../../../src/formats/anthropic-messages/index.ts";
import { encodeAnthropicRequest } from "../../../src/formats/anthropic-messages/request.ts";
import type { ChatParams, Message } from "../../../src/protocol/chat.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import { shapeChat } from "../../../src/rules/shape.ts";
import { fixtureText } from "./replay.ts";

const MODEL = "claude-sonnet-4-5";
const params = (messages: Message[], extra: Partial<ChatParams> = {}): ChatParams => ({ model: MODEL, messages, ...extra });
const text = (t: string): Record<string, unknown> => ({ type: "text", text: t });
const EPHEMERAL = { type: "ephemeral" };

interface Case {
  name: string;
  params: ChatParams;
  /** The whole expected body. */
  body: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: "minimal: model kept, no stream flag, default max_tokens 4096",
    params: params([{ role: "user", content: "Hi" }]),
    body: { model: MODEL, max_tokens: 4096, messages: [{ role: "user", content: [text("Hi")] }] },
  },
  {
    name: "system messages anywhere become top-level system blocks, in order",
    params: params([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "system", content: [{ type: "text", text: "Answer in French." }] },
    ]),
    body: {
      model: MODEL,
      max_tokens: 4096,
      system: [text("Be brief."), text("Answer in French.")],
      messages: [{ role: "user", content: [text("Hi")] }],
    },
  },
  {
    name: "sampling: max_tokens, stop → stop_sequences, temperature, top_p",
    params: params([{ role: "user", content: "Hi" }], { max_tokens: 100, stop: ["END", "###"], temperature: 0.2, top_p: 0.9 }),
    body: {
      model: MODEL,
      max_tokens: 100,
      messages: [{ role: "user", content: [text("Hi")] }],
      stop_sequences: ["END", "###"],
      temperature: 0.2,
      top_p: 0.9,
    },
  },
  {
    name: "empty stop list is not sent",
    params: params([{ role: "user", content: "Hi" }], { stop: [] }),
    body: { model: MODEL, max_tokens: 4096, messages: [{ role: "user", content: [text("Hi")] }] },
  },
  {
    name: "images become base64 sources",
    params: params([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", media_type: "image/png", data: "iVBORw0KGgo=" },
        ],
      },
    ]),
    body: {
      model: MODEL,
      max_tokens: 4096,
      messages: [
        {
          role: "user",
          content: [text("What is this?"), { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } }],
        },
      ],
    },
  },
  {
    name: "tool round trip: tool messages merge into one user turn of tool_results, a following user text goes after them",
    params: params([
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_call", id: "toolu_1", name: "weather", arguments: '{"city":"Paris"}' },
          { type: "tool_call", id: "toolu_2", name: "weather", arguments: "" },
        ],
      },
      { role: "tool", content: [{ type: "tool_result", tool_call_id: "toolu_1", content: "18°C" }] },
      {
        role: "tool",
        content: [
          {
            type: "tool_result",
            tool_call_id: "toolu_2",
            content: [
              { type: "text", text: "unknown city" },
              { type: "image", media_type: "image/jpeg", data: "AAAA" },
            ],
            is_error: true,
          },
        ],
      },
      { role: "user", content: "Thanks" },
    ]),
    body: {
      model: MODEL,
      max_tokens: 4096,
      messages: [
        { role: "user", content: [text("Weather in Paris and Rome?")] },
        {
          role: "assistant",
          content: [
            text("Checking."),
            { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
            // Empty argument text means a call without parameters.
            { type: "tool_use", id: "toolu_2", name: "weather", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "18°C" },
            {
              type: "tool_result",
              tool_use_id: "toolu_2",
              content: [text("unknown city"), { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "AAAA" } }],
              is_error: true,
            },
            text("Thanks"),
          ],
        },
      ],
    },
  },
  {
    name: "user text before tool results in one merged turn: tool_results are moved first",
    params: params([
      { role: "assistant", content: [{ type: "tool_call", id: "t", name: "f", arguments: "{}" }] },
      { role: "user", content: "also this" },
      { role: "tool", content: [{ type: "tool_result", tool_call_id: "t", content: "ok" }] },
    ]),
    body: {
      model: MODEL,
      max_tokens: 4096,
      messages: [
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "ok" }, text("also this")] },
      ],
    },
  },
  {
    name: "reasoning parts: signed → thinking, redacted → redacted_thinking, unsigned dropped",
    params: params([
      { role: "user", content: "Q" },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Let me think.", signature: "sig-1" },
          { type: "reasoning", text: "", redacted: "opaque-data" },
          { type: "reasoning", text: "from another provider" },
          { type: "text", text: "A" },
        ],
      },
      { role: "user", content: "Q2" },
    ]),
    body: {
      model: MODEL,
      max_tokens: 4096,
      messages: [
        { role: "user", content: [text("Q")] },
        {
          role: "assistant",
          content: [{ type: "thinking", thinking: "Let me think.", signature: "sig-1" }, { type: "redacted_thinking", data: "opaque-data" }, text("A")],
        },
        { role: "user", content: [text("Q2")] },
      ],
    },
  },
  {
    name: "empty text is dropped, an emptied turn disappears and its neighbours merge",
    params: params([
      { role: "user", content: "one" },
      { role: "assistant", content: "" },
      {
        role: "user",
        content: [
          { type: "text", text: "" },
          { type: "text", text: "two" },
        ],
      },
    ]),
    body: { model: MODEL, max_tokens: 4096, messages: [{ role: "user", content: [text("one"), text("two")] }] },
  },
  {
    name: "tools: parameters → input_schema; a schema without type gets type object",
    params: params([{ role: "user", content: "Hi" }], {
      tools: [
        { name: "add", description: "Add two numbers", parameters: { type: "object", properties: { a: { type: "integer" } }, required: ["a"] } },
        { name: "now", parameters: {} },
      ],
      tool_choice: "auto",
    }),
    body: {
      model: MODEL,
      max_tokens: 4096,
      messages: [{ role: "user", content: [text("Hi")] }],
      tools: [
        { name: "add", description: "Add two numbers", input_schema: { type: "object", properties: { a: { type: "integer" } }, required: ["a"] } },
        { name: "now", input_schema: { type: "object" } },
      ],
      tool_choice: { type: "auto" },
    },
  },
];

describe("encodeAnthropicRequest", () => {
  for (const c of CASES) {
    test(c.name, () => {
      expect(encodeAnthropicRequest(c.params)).toEqual(c.body);
    });
  }

  test("the body has no stream flag and no anthropic_version (providers add them)", () => {
    const body = encodeAnthropicRequest(params([{ role: "user", content: "Hi" }]));
    expect("stream" in body).toBe(false);
    expect("anthropic_version" in body).toBe(false);
    expect(body["model"]).toBe(MODEL);
  });

  test("the format object encodes with the same function", () => {
    const p = params([{ role: "user", content: "Hi" }], { max_tokens: 7 });
    expect(anthropicMessagesFormat.encodeRequest(p)).toEqual(encodeAnthropicRequest(p));
  });
});

describe("a request the API accepted (fantasy multi_tool_streaming, interaction 1)", () => {
  const recorded = JSON.parse(fixtureText("fantasy/multi_tool_streaming.interaction1.request.json")) as Record<string, unknown>;
  const schema = {
    properties: { a: { description: "first number", type: "integer" }, b: { description: "second number", type: "integer" } },
    required: ["a", "b"],
    type: "object",
  };
  const body = encodeAnthropicRequest({
    model: "claude-sonnet-4-20250514",
    max_tokens: 4000,
    messages: [
      { role: "system", content: "You are a helpful assistant. Always use both add and multiply at the same time." },
      { role: "user", content: "Add and multiply the number 2 and 3" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "I'll add and multiply the numbers 2 and 3 for you." },
          { type: "tool_call", id: "toolu_01UYxUYC2zRPY8wiutnF48eP", name: "add", arguments: '{"a": 2, "b": 3}' },
          { type: "tool_call", id: "toolu_01VaRx1jpWCvPhi7L4kywAcd", name: "multiply", arguments: '{"a": 2, "b": 3}' },
        ],
      },
      { role: "tool", content: [{ type: "tool_result", tool_call_id: "toolu_01UYxUYC2zRPY8wiutnF48eP", content: [{ type: "text", text: "5" }] }] },
      { role: "tool", content: [{ type: "tool_result", tool_call_id: "toolu_01VaRx1jpWCvPhi7L4kywAcd", content: [{ type: "text", text: "6" }] }] },
    ],
    tools: [
      { name: "add", description: "Add two numbers", parameters: schema },
      { name: "multiply", description: "Multiply two numbers", parameters: schema },
    ],
    tool_choice: "auto",
  });

  test("messages, system, tools, model and max_tokens match the recorded body", () => {
    for (const key of ["model", "max_tokens", "system", "messages", "tools"]) expect(body[key]).toEqual(recorded[key]);
  });

  test("only transport and optional extras differ", () => {
    // The provider adds stream; fantasy also sent disable_parallel_tool_use: false, the API default.
    expect(recorded["stream"]).toBe(true);
    expect(recorded["tool_choice"]).toEqual({ disable_parallel_tool_use: false, type: "auto" });
    expect(body["tool_choice"]).toEqual({ type: "auto" });
    expect(Object.keys(body).sort()).toEqual(
      Object.keys(recorded)
        .filter((k) => k !== "stream")
        .sort(),
    );
  });
});

describe("tool_choice", () => {
  const cases: [ChatParams["tool_choice"], unknown][] = [
    ["auto", { type: "auto" }],
    ["none", { type: "none" }],
    ["required", { type: "any" }],
    [{ name: "weather" }, { type: "tool", name: "weather" }],
  ];
  for (const [choice, expected] of cases) {
    test(`${JSON.stringify(choice)} → ${JSON.stringify(expected)}`, () => {
      const body = encodeAnthropicRequest(params([{ role: "user", content: "Hi" }], choice === undefined ? {} : { tool_choice: choice }));
      expect(body["tool_choice"]).toEqual(expected);
    });
  }
});

describe("reasoning → thinking budget and max_tokens (through the model rules, src/catalog/rules.json claude-extended-thinking)", () => {
  const cases: { name: string; extra: Partial<ChatParams>; budget: number; max_tokens: number }[] = [
    { name: "budget below max_tokens is kept as is", extra: { reasoning: { budget_tokens: 2000 }, max_tokens: 8000 }, budget: 2000, max_tokens: 8000 },
    { name: "budget above the default max_tokens bumps it to budget + 4096", extra: { reasoning: { budget_tokens: 10000 } }, budget: 10000, max_tokens: 14096 },
    {
      name: "max_tokens equal to the budget is bumped (budget must be strictly below)",
      extra: { reasoning: { budget_tokens: 5000 }, max_tokens: 5000 },
      budget: 5000,
      max_tokens: 9096,
    },
    { name: "effort low = 1024, no max_tokens: budget + 4096", extra: { reasoning: { effort: "low" } }, budget: 1024, max_tokens: 5120 },
    { name: "effort medium = 8192, default max_tokens bumped", extra: { reasoning: { effort: "medium" } }, budget: 8192, max_tokens: 12288 },
    { name: "effort high = 24576, small explicit max_tokens bumped", extra: { reasoning: { effort: "high" }, max_tokens: 1000 }, budget: 24576, max_tokens: 28672 },
    { name: "effort high with room to spare", extra: { reasoning: { effort: "high" }, max_tokens: 64000 }, budget: 24576, max_tokens: 64000 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const body = encodeAnthropicRequest(shapeChat("anthropic", "anthropic-messages", params([{ role: "user", content: "Hi" }], c.extra)).params);
      expect(body["thinking"]).toEqual({ type: "enabled", budget_tokens: c.budget });
      expect(body["max_tokens"]).toBe(c.max_tokens);
    });
  }

  test("no reasoning, no thinking field", () => {
    expect("thinking" in encodeAnthropicRequest(params([{ role: "user", content: "Hi" }]))).toBe(false);
  });
});

describe("prompt caching", () => {
  test("params.cache marks the last system block and the last block of the last message", () => {
    const body = encodeAnthropicRequest(
      params(
        [
          {
            role: "system",
            content: [
              { type: "text", text: "S1" },
              { type: "text", text: "S2" },
            ],
          },
          { role: "user", content: "U1" },
          { role: "assistant", content: "A1" },
          {
            role: "user",
            content: [
              { type: "text", text: "U2a" },
              { type: "text", text: "U2b" },
            ],
          },
        ],
        { cache: true },
      ),
    );
    expect(body["system"]).toEqual([text("S1"), { ...text("S2"), cache_control: EPHEMERAL }]);
    expect(body["messages"]).toEqual([
      { role: "user", content: [text("U1")] },
      { role: "assistant", content: [text("A1")] },
      { role: "user", content: [text("U2a"), { ...text("U2b"), cache_control: EPHEMERAL }] },
    ]);
  });

  test("message.cache marks that message's own last block, even after merging", () => {
    const body = encodeAnthropicRequest(
      params([
        { role: "user", content: "first", cache: true },
        { role: "user", content: "second" },
      ]),
    );
    expect(body["messages"]).toEqual([{ role: "user", content: [{ ...text("first"), cache_control: EPHEMERAL }, text("second")] }]);
  });

  test("a text part with cache: true is marked", () => {
    const body = encodeAnthropicRequest(
      params([
        {
          role: "system",
          content: [
            { type: "text", text: "big doc", cache: true },
            { type: "text", text: "rules" },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "ctx", cache: true },
            { type: "text", text: "question" },
          ],
        },
      ]),
    );
    expect(body["system"]).toEqual([{ ...text("big doc"), cache_control: EPHEMERAL }, text("rules")]);
    expect(body["messages"]).toEqual([{ role: "user", content: [{ ...text("ctx"), cache_control: EPHEMERAL }, text("question")] }]);
  });

  test("thinking blocks are never marked; the last markable block is", () => {
    const body = encodeAnthropicRequest(
      params([
        { role: "user", content: "Q" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "A" },
            { type: "reasoning", text: "t", signature: "s" },
          ],
          cache: true,
        },
      ]),
    );
    expect(body["messages"]).toEqual([
      { role: "user", content: [text("Q")] },
      {
        role: "assistant",
        content: [
          { ...text("A"), cache_control: EPHEMERAL },
          { type: "thinking", thinking: "t", signature: "s" },
        ],
      },
    ]);
  });

  test("more than four breakpoints: the earliest are dropped", () => {
    const messages: Message[] = [{ role: "system", content: "sys", cache: true }];
    for (let i = 1; i <= 5; i++) {
      messages.push({ role: i % 2 === 1 ? "user" : "assistant", content: `m${i}`, cache: true });
    }
    const body = encodeAnthropicRequest(params(messages, { cache: true }));
    // Marked in order: sys, m1, m2, m3, m4, m5 (params.cache re-marks sys and m5). Keep the last four.
    expect(body["system"]).toEqual([text("sys")]);
    expect(body["messages"]).toEqual([
      { role: "user", content: [text("m1")] },
      { role: "assistant", content: [{ ...text("m2"), cache_control: EPHEMERAL }] },
      { role: "user", content: [{ ...text("m3"), cache_control: EPHEMERAL }] },
      { role: "assistant", content: [{ ...text("m4"), cache_control: EPHEMERAL }] },
      { role: "user", content: [{ ...text("m5"), cache_control: EPHEMERAL }] },
    ]);
  });

  test("without any cache flag no block carries cache_control", () => {
    const body = encodeAnthropicRequest(
      params([
        { role: "system", content: "s" },
        { role: "user", content: "u" },
      ]),
    );
    expect(JSON.stringify(body)).not.toContain("cache_control");
  });
});

describe("invalid requests name the offending field", () => {
  const cases: { name: string; messages: Message[]; field: string }[] = [
    {
      name: "tool_call arguments that are not JSON",
      messages: [
        { role: "user", content: "Hi" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "x" },
            { type: "tool_call", id: "t", name: "f", arguments: '{"a":' },
          ],
        },
      ],
      field: "messages[1].content[1].arguments",
    },
    {
      name: "tool_call arguments that are JSON but not an object",
      messages: [{ role: "assistant", content: [{ type: "tool_call", id: "t", name: "f", arguments: "[1,2]" }] }],
      field: "messages[0].content[0].arguments",
    },
    {
      name: "a tool message with plain string content",
      messages: [{ role: "tool", content: "42" }],
      field: "messages[0].content",
    },
    {
      name: "an image in a system message",
      messages: [{ role: "system", content: [{ type: "image", media_type: "image/png", data: "AA==" }] }],
      field: "messages[0].content[0]",
    },
    {
      name: "a tool_call in a user message",
      messages: [{ role: "user", content: [{ type: "tool_call", id: "t", name: "f", arguments: "{}" }] }],
      field: "messages[0].content[0]",
    },
    {
      name: "an image in an assistant message",
      messages: [{ role: "assistant", content: [{ type: "image", media_type: "image/png", data: "AA==" }] }],
      field: "messages[0].content[0]",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      let thrown: unknown;
      try {
        encodeAnthropicRequest(params(c.messages));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BridgeError);
      expect(thrown).toMatchObject({ code: "INVALID_REQUEST", field: c.field });
      expect((thrown as BridgeError).message).toContain(c.field);
    });
  }
});

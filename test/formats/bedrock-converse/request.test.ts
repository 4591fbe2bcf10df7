/**
 * Unified params → ConverseStream body. Four cases are checked against real
 * requests Bedrock accepted (pydantic-ai cassettes, test/fixtures/bedrock/converse);
 * the rest are whole expected bodies written out per the Converse API reference
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html)
 * and the decisions in src/formats/bedrock-converse/request.ts.
 */
import { describe, expect, test } from "bun:test";
import { bedrockConverseFormat } from "../../../src/formats/bedrock-converse/index.ts";
import { encodeConverseRequest } from "../../../src/formats/bedrock-converse/request.ts";
import type { ChatParams, Message, ToolDefinition } from "../../../src/protocol/chat.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import { shapeChat } from "../../../src/rules/shape.ts";
import { fixtureJson } from "./replay.ts";

const CLAUDE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const NOVA = "us.amazon.nova-micro-v1:0";
const LLAMA = "us.meta.llama3-3-70b-instruct-v1:0";
const params = (messages: Message[], extra: Partial<ChatParams> = {}, model = CLAUDE): ChatParams => ({ model, messages, ...extra });
const CACHE = { cachePoint: { type: "default" } };
/** As the provider sends it: through the model rules (src/rules/), which decide what each family may be sent. */
const converse = (p: ChatParams): Record<string, unknown> => encodeConverseRequest(shapeChat("bedrock", "bedrock-converse", p).params);
const user = (...content: Record<string, unknown>[]) => ({ role: "user", content });
const assistant = (...content: Record<string, unknown>[]) => ({ role: "assistant", content });

// The two tools of the pydantic-ai iter_stream cassettes, as an editor would declare them.
const CAPITAL: ToolDefinition = {
  name: "get_capital",
  description: "Get the capital of a country.",
  parameters: {
    properties: { country: { description: "The country name.", title: "Country", type: "string" } },
    required: ["country"],
    type: "object",
    additionalProperties: false,
  },
};
const TEMPERATURE: ToolDefinition = {
  name: "get_temperature",
  description: "Get the temperature in a city.",
  parameters: {
    properties: { city: { description: "The city name.", title: "City", type: "string" } },
    required: ["city"],
    type: "object",
    additionalProperties: false,
  },
};
const SYSTEM: Message = { role: "system", content: "You are a helpful chatbot." };
const QUESTION: Message = { role: "user", content: "What is the temperature of the capital of France?" };

/** pydantic-ai always sends `system: []` and `inferenceConfig: {}`; we leave empty ones out (Converse treats absent as empty). */
function recorded(file: string): Record<string, unknown> {
  const body = fixtureJson(`pydantic-ai/${file}`);
  if (Array.isArray(body["system"]) && body["system"].length === 0) delete body["system"];
  if (JSON.stringify(body["inferenceConfig"]) === "{}") delete body["inferenceConfig"];
  return body;
}

describe("against recorded requests Bedrock accepted", () => {
  test("system prompt and temperature (model_stream, nova-micro)", () => {
    const body = converse(params([SYSTEM, { role: "user", content: "What is the capital of France?" }], { temperature: 0 }, NOVA));
    expect(body).toEqual(recorded("test_bedrock_model_stream.yaml.interaction0.request.json"));
  });

  test("tools and topP (iter_stream, turn 1)", () => {
    const body = converse(params([SYSTEM, QUESTION], { top_p: 0.5, tools: [CAPITAL, TEMPERATURE] }, NOVA));
    expect(body).toEqual(recorded("test_bedrock_model_iter_stream.yaml.interaction0.request.json"));
  });

  test("tool call and tool result history (iter_stream, turn 2)", () => {
    const history: Message[] = [
      SYSTEM,
      QUESTION,
      {
        role: "assistant",
        content: [
          {
            type: "text",
            text: '<thinking> To find the temperature of the capital of France, I need to first determine the capital of France and then get the current temperature in that city. The capital of France is Paris. I will use the "get_temperature" tool to find the current temperature in Paris.</thinking>\n',
          },
          { type: "tool_call", id: "tooluse_lAG_zP8QRHmSYOwZzzaCqA", name: "get_temperature", arguments: '{"city":"Paris"}' },
        ],
      },
      { role: "tool", content: [{ type: "tool_result", tool_call_id: "tooluse_lAG_zP8QRHmSYOwZzzaCqA", content: "30°C" }] },
    ];
    const expected = recorded("test_bedrock_model_iter_stream.yaml.interaction1.request.json");
    // pydantic-ai spells out the default `status: "success"`; we send a status only for errors.
    const toolResult = (expected["messages"] as { content: { toolResult?: Record<string, unknown> }[] }[])[2]!.content[0]!.toolResult!;
    expect(toolResult["status"]).toBe("success");
    delete toolResult["status"];
    expect(converse(params(history, { top_p: 0.5, tools: [CAPITAL, TEMPERATURE] }, NOVA))).toEqual(expected);
  });

  for (const [file, model, prompt] of [
    ["test_bedrock_model_thinking_part_stream.yaml.interaction0.request.json", "us.anthropic.claude-sonnet-4-20250514-v1:0", "Hello"],
    [
      "test_bedrock_model_thinking_part_redacted_stream.yaml.interaction0.request.json",
      "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
      "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB",
    ],
  ] as const) {
    test(`Claude thinking in additionalModelRequestFields (${file.split(".")[0]})`, () => {
      const expected = recorded(file);
      // We also send maxTokens: Claude needs budget_tokens < max_tokens, and
      // Bedrock's default output cap is the model's, not ours to rely on (the rules give budget + 4096).
      expected["inferenceConfig"] = { maxTokens: 5120 };
      expect(converse(params([{ role: "user", content: prompt }], { reasoning: { budget_tokens: 1024 } }, model))).toEqual(expected);
    });
  }
});

interface Case {
  name: string;
  /** Through the model rules first (src/rules/shape.ts), as the provider sends it: the rules decide thinking and prefills. */
  rules?: true;
  params: ChatParams;
  body: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: "minimal: no modelId, no empty sections",
    params: params([{ role: "user", content: "Hi" }]),
    body: { messages: [user({ text: "Hi" })] },
  },
  {
    name: "system messages anywhere become system blocks in order; empty text dropped",
    params: params([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      {
        role: "system",
        content: [
          { type: "text", text: "Answer in French." },
          { type: "text", text: "" },
        ],
      },
      { role: "system", content: "" },
    ]),
    body: { system: [{ text: "Be brief." }, { text: "Answer in French." }], messages: [user({ text: "Hi" })] },
  },
  {
    name: "sampling: maxTokens, temperature, topP, stopSequences; an empty stop list is left out",
    params: params([{ role: "user", content: "Hi" }], { max_tokens: 100, temperature: 0.2, top_p: 0.9, stop: ["END", "###"] }),
    body: { messages: [user({ text: "Hi" })], inferenceConfig: { maxTokens: 100, temperature: 0.2, topP: 0.9, stopSequences: ["END", "###"] } },
  },
  {
    name: "an empty stop list alone gives no inferenceConfig",
    params: params([{ role: "user", content: "Hi" }], { stop: [] }),
    body: { messages: [user({ text: "Hi" })] },
  },
  {
    name: "consecutive turns of one role merge; tool results join the user turn and lead it",
    params: params([
      { role: "user", content: "a" },
      { role: "user", content: [{ type: "text", text: "b" }] },
      { role: "assistant", content: [{ type: "tool_call", id: "t1", name: "f", arguments: '{"x":1}' }] },
      { role: "assistant", content: [{ type: "tool_call", id: "t2", name: "g", arguments: "" }] },
      { role: "tool", content: [{ type: "tool_result", tool_call_id: "t1", content: "one" }] },
      { role: "user", content: "and now?" },
      {
        role: "tool",
        content: [
          {
            type: "tool_result",
            tool_call_id: "t2",
            content: [
              { type: "text", text: "two" },
              { type: "text", text: "" },
            ],
          },
        ],
      },
    ]),
    body: {
      messages: [
        user({ text: "a" }, { text: "b" }),
        assistant({ toolUse: { toolUseId: "t1", name: "f", input: { x: 1 } } }, { toolUse: { toolUseId: "t2", name: "g", input: {} } }),
        user({ toolResult: { toolUseId: "t1", content: [{ text: "one" }] } }, { toolResult: { toolUseId: "t2", content: [{ text: "two" }] } }, { text: "and now?" }),
      ],
      // History with tool blocks and no tools given: a placeholder config (see below).
      toolConfig: {
        tools: [
          { toolSpec: { name: "f", inputSchema: { json: { type: "object", properties: {} } } } },
          { toolSpec: { name: "g", inputSchema: { json: { type: "object", properties: {} } } } },
        ],
      },
    },
  },
  {
    name: "a turn left empty is dropped, and the turns around it merge",
    params: params([
      { role: "user", content: "a" },
      { role: "assistant", content: [{ type: "text", text: "" }] },
      { role: "user", content: "b" },
    ]),
    body: { messages: [user({ text: "a" }, { text: "b" })] },
  },
  {
    name: "reasoning parts: signed → reasoningText, redacted → redactedContent, unsigned dropped, order kept",
    params: params([
      { role: "user", content: "q" },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "thinking…", signature: "sig==" },
          { type: "reasoning", text: "", redacted: "UkVEQUNURUQ=" },
          { type: "reasoning", text: "from another provider" },
          { type: "text", text: "answer" },
        ],
      },
      { role: "user", content: "more" },
    ]),
    body: {
      messages: [
        user({ text: "q" }),
        assistant(
          { reasoningContent: { reasoningText: { text: "thinking…", signature: "sig==" } } },
          { reasoningContent: { redactedContent: "UkVEQUNURUQ=" } },
          { text: "answer" },
        ),
        user({ text: "more" }),
      ],
    },
  },
  {
    name: "images: media type → format (image/jpg is jpeg), base64 bytes as given; images in tool results",
    params: params([
      {
        role: "user",
        content: [
          { type: "image", media_type: "image/png", data: "iVBORw0KGgo=" },
          { type: "image", media_type: "image/jpg", data: "/9j/4AAQ" },
          { type: "image", media_type: "image/webp", data: "UklGRg==" },
          { type: "text", text: "What are these?" },
        ],
      },
      { role: "assistant", content: [{ type: "tool_call", id: "t", name: "shot", arguments: "{}" }] },
      {
        role: "tool",
        content: [
          {
            type: "tool_result",
            tool_call_id: "t",
            content: [
              { type: "image", media_type: "image/gif", data: "R0lGOD" },
              { type: "text", text: "done" },
            ],
          },
        ],
      },
    ]),
    body: {
      messages: [
        user(
          { image: { format: "png", source: { bytes: "iVBORw0KGgo=" } } },
          { image: { format: "jpeg", source: { bytes: "/9j/4AAQ" } } },
          { image: { format: "webp", source: { bytes: "UklGRg==" } } },
          { text: "What are these?" },
        ),
        assistant({ toolUse: { toolUseId: "t", name: "shot", input: {} } }),
        user({ toolResult: { toolUseId: "t", content: [{ image: { format: "gif", source: { bytes: "R0lGOD" } } }, { text: "done" }] } }),
      ],
      toolConfig: { tools: [{ toolSpec: { name: "shot", inputSchema: { json: { type: "object", properties: {} } } } }] },
    },
  },
  {
    name: "tools: empty description left out, a schema without type gets type object, no tool_choice → no toolChoice",
    params: params([{ role: "user", content: "Hi" }], {
      tools: [
        { name: "now", description: "", parameters: {} },
        { name: "echo", parameters: { properties: { s: { type: "string" } } } },
      ],
    }),
    body: {
      messages: [user({ text: "Hi" })],
      toolConfig: {
        tools: [
          { toolSpec: { name: "now", inputSchema: { json: { type: "object" } } } },
          { toolSpec: { name: "echo", inputSchema: { json: { type: "object", properties: { s: { type: "string" } } } } } },
        ],
      },
    },
  },
  ...(
    [
      ["auto", { auto: {} }],
      ["required", { any: {} }],
      [{ name: "get_capital" }, { tool: { name: "get_capital" } }],
    ] as const
  ).map(
    ([choice, encoded]): Case => ({
      name: `tool_choice ${JSON.stringify(choice)} → toolChoice ${JSON.stringify(encoded)}`,
      params: params([QUESTION], { tools: [CAPITAL], tool_choice: choice }),
      body: {
        messages: [user({ text: "What is the temperature of the capital of France?" })],
        toolConfig: {
          tools: [{ toolSpec: { name: "get_capital", description: "Get the capital of a country.", inputSchema: { json: CAPITAL.parameters } } }],
          toolChoice: encoded,
        },
      },
    }),
  ),
  {
    name: 'tool_choice "none" without tool history: no toolConfig at all',
    params: params([QUESTION], { tools: [CAPITAL], tool_choice: "none" }),
    body: { messages: [user({ text: "What is the temperature of the capital of France?" })] },
  },
  {
    name: 'tool_choice "none" with tool history: only the placeholder config the history needs, no toolChoice',
    params: params(
      [
        QUESTION,
        { role: "assistant", content: [{ type: "tool_call", id: "t", name: "get_capital", arguments: '{"country":"France"}' }] },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "t", content: "Paris" }] },
      ],
      { tools: [CAPITAL, TEMPERATURE], tool_choice: "none" },
    ),
    body: {
      messages: [
        user({ text: "What is the temperature of the capital of France?" }),
        assistant({ toolUse: { toolUseId: "t", name: "get_capital", input: { country: "France" } } }),
        user({ toolResult: { toolUseId: "t", content: [{ text: "Paris" }] } }),
      ],
      toolConfig: { tools: [{ toolSpec: { name: "get_capital", inputSchema: { json: { type: "object", properties: {} } } } }] },
    },
  },
  {
    name: "tool_choice without tools or history is dropped",
    params: params([{ role: "user", content: "Hi" }], { tool_choice: "required" }),
    body: { messages: [user({ text: "Hi" })] },
  },
  {
    name: "is_error → status error for Claude; not sent when false",
    params: params([
      {
        role: "assistant",
        content: [
          { type: "tool_call", id: "a", name: "f", arguments: "{}" },
          { type: "tool_call", id: "b", name: "f", arguments: "{}" },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool_result", tool_call_id: "a", content: "ENOENT", is_error: true },
          { type: "tool_result", tool_call_id: "b", content: "ok", is_error: false },
        ],
      },
    ]),
    body: {
      messages: [
        assistant({ toolUse: { toolUseId: "a", name: "f", input: {} } }, { toolUse: { toolUseId: "b", name: "f", input: {} } }),
        user({ toolResult: { toolUseId: "a", content: [{ text: "ENOENT" }], status: "error" } }, { toolResult: { toolUseId: "b", content: [{ text: "ok" }] } }),
      ],
      toolConfig: { tools: [{ toolSpec: { name: "f", inputSchema: { json: { type: "object", properties: {} } } } }] },
    },
  },
  {
    name: "is_error is not sent to Nova (other families reject the status field)",
    rules: true,
    params: params(
      [
        { role: "assistant", content: [{ type: "tool_call", id: "a", name: "f", arguments: "{}" }] },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "a", content: "ENOENT", is_error: true }] },
      ],
      {},
      NOVA,
    ),
    body: {
      // The rules put a user turn in front: a Converse conversation must start with one.
      messages: [
        user({ text: "(continued)" }),
        assistant({ toolUse: { toolUseId: "a", name: "f", input: {} } }),
        user({ toolResult: { toolUseId: "a", content: [{ text: "ENOENT" }] } }),
      ],
      toolConfig: { tools: [{ toolSpec: { name: "f", inputSchema: { json: { type: "object", properties: {} } } } }] },
    },
  },
  {
    name: "params.cache: a cachePoint after the system prompt and after the last message",
    params: params(
      [
        { role: "system", content: "sys" },
        { role: "user", content: "q1" },
        { role: "assistant", content: "a1" },
        { role: "user", content: "q2" },
      ],
      { cache: true },
    ),
    body: {
      system: [{ text: "sys" }, CACHE],
      messages: [user({ text: "q1" }), assistant({ text: "a1" }), user({ text: "q2" }, CACHE)],
    },
  },
  {
    name: "params.cache marks the last block after tool results were moved to the front",
    params: params(
      [
        { role: "assistant", content: [{ type: "tool_call", id: "t", name: "f", arguments: "{}" }] },
        { role: "user", content: "note" },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "t", content: "r" }] },
      ],
      { cache: true },
    ),
    body: {
      messages: [assistant({ toolUse: { toolUseId: "t", name: "f", input: {} } }), user({ toolResult: { toolUseId: "t", content: [{ text: "r" }] } }, { text: "note" }, CACHE)],
      toolConfig: { tools: [{ toolSpec: { name: "f", inputSchema: { json: { type: "object", properties: {} } } } }] },
    },
  },
  {
    name: "message.cache and part.cache; the point skips a trailing reasoning block",
    params: params([
      {
        role: "user",
        content: [
          { type: "text", text: "doc", cache: true },
          { type: "text", text: "question" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "a" },
          { type: "reasoning", text: "r", signature: "s" },
        ],
        cache: true,
      },
      { role: "user", content: "next" },
    ]),
    body: {
      messages: [
        user({ text: "doc" }, CACHE, { text: "question" }),
        assistant({ text: "a" }, CACHE, { reasoningContent: { reasoningText: { text: "r", signature: "s" } } }),
        user({ text: "next" }),
      ],
    },
  },
  {
    name: "more than four cache points: the latest four are kept",
    params: params([
      { role: "system", content: "s", cache: true },
      { role: "user", content: "1", cache: true },
      { role: "assistant", content: "2", cache: true },
      { role: "user", content: "3", cache: true },
      { role: "assistant", content: "4", cache: true },
      { role: "user", content: "5", cache: true },
    ]),
    body: {
      system: [{ text: "s" }],
      messages: [user({ text: "1" }), assistant({ text: "2" }, CACHE), user({ text: "3" }, CACHE), assistant({ text: "4" }, CACHE), user({ text: "5" }, CACHE)],
    },
  },
  {
    name: "no cache points for a family without Bedrock prompt caching (Llama)",
    rules: true,
    params: params(
      [
        { role: "system", content: "sys" },
        { role: "user", content: "q" },
      ],
      { cache: true },
      LLAMA,
    ),
    body: { system: [{ text: "sys" }], messages: [user({ text: "q" })] },
  },
  {
    name: "Nova gets cache points",
    rules: true,
    params: params([{ role: "user", content: "q" }], { cache: true }, NOVA),
    body: { messages: [user({ text: "q" }, CACHE)] },
  },
  {
    name: "reasoning effort low → budget 1024 and maxTokens budget + 4096",
    rules: true,
    params: params([{ role: "user", content: "q" }], { reasoning: { effort: "low" } }),
    body: { messages: [user({ text: "q" })], inferenceConfig: { maxTokens: 5120 }, additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: 1024 } } },
  },
  {
    name: "reasoning effort high → budget 24576; maxTokens raised above it (24576 + 4096)",
    rules: true,
    params: params([{ role: "user", content: "q" }], { reasoning: { effort: "high" }, max_tokens: 8000 }),
    body: { messages: [user({ text: "q" })], inferenceConfig: { maxTokens: 28672 }, additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: 24576 } } },
  },
  {
    name: "reasoning with a max_tokens already above the budget keeps it",
    rules: true,
    params: params([{ role: "user", content: "q" }], { reasoning: { effort: "medium" }, max_tokens: 16000 }),
    body: { messages: [user({ text: "q" })], inferenceConfig: { maxTokens: 16000 }, additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: 8192 } } },
  },
  {
    name: "reasoning is not sent to other families (Nova)",
    rules: true,
    params: params([{ role: "user", content: "q" }], { reasoning: { budget_tokens: 2000 } }, NOVA),
    body: { messages: [user({ text: "q" })] },
  },
  {
    name: "a final assistant turn (prefill) loses its trailing whitespace",
    rules: true,
    params: params([
      { role: "user", content: "Write a haiku" },
      { role: "assistant", content: "Autumn moon \n" },
    ]),
    body: { messages: [user({ text: "Write a haiku" }), assistant({ text: "Autumn moon" })] },
  },
  {
    name: "a whitespace-only prefill is dropped",
    rules: true,
    params: params([
      { role: "user", content: "Hi" },
      { role: "assistant", content: "  " },
    ]),
    body: { messages: [user({ text: "Hi" })] },
  },
  {
    name: "assistant text before a later user turn keeps its whitespace",
    rules: true,
    params: params([
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello \n" },
      { role: "user", content: "Bye" },
    ]),
    body: { messages: [user({ text: "Hi" }), assistant({ text: "Hello \n" }), user({ text: "Bye" })] },
  },
];

describe("encodeConverseRequest", () => {
  for (const c of CASES) {
    test(c.name, () => {
      expect(c.rules ? converse(c.params) : encodeConverseRequest(c.params)).toEqual(c.body);
    });
  }

  test("an application inference profile ARN names no model: the rules send it no thinking, and say so", () => {
    const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6";
    const shaped = shapeChat("bedrock", "bedrock-converse", params([{ role: "user", content: "q" }], { reasoning: { budget_tokens: 2000 } }, arn));
    expect(encodeConverseRequest(shaped.params)["additionalModelRequestFields"]).toBeUndefined();
    expect(shaped.adjustments).toEqual([{ param: "reasoning", action: "dropped", from: { budget_tokens: 2000 }, reason: expect.stringContaining('rule "converse-limits"') }]);
    expect(bedrockConverseFormat.encodeRequest(shaped.params)).toEqual(encodeConverseRequest(shaped.params));
  });
});

describe("invalid requests name the field", () => {
  const cases: { name: string; messages: Message[]; field: string }[] = [
    {
      name: "tool call arguments that are not JSON",
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: [{ type: "tool_call", id: "t", name: "f", arguments: "{oops" }] },
      ],
      field: "messages[1].content[0].arguments",
    },
    {
      name: "tool call arguments that are not an object",
      messages: [
        {
          role: "assistant",
          content: [
            { type: "text", text: "x" },
            { type: "tool_call", id: "t", name: "f", arguments: "[1,2]" },
          ],
        },
      ],
      field: "messages[0].content[1].arguments",
    },
    {
      name: "an image format Bedrock does not take",
      messages: [{ role: "user", content: [{ type: "image", media_type: "image/bmp", data: "Qk0=" }] }],
      field: "messages[0].content[0].media_type",
    },
    { name: "a tool message with plain text", messages: [{ role: "tool", content: "result" }], field: "messages[0].content" },
    { name: "an image in a system message", messages: [{ role: "system", content: [{ type: "image", media_type: "image/png", data: "x" }] }], field: "messages[0].content[0]" },
    { name: "a tool call in a user message", messages: [{ role: "user", content: [{ type: "tool_call", id: "t", name: "f", arguments: "{}" }] }], field: "messages[0].content[0]" },
    {
      name: "a tool result in an assistant message",
      messages: [{ role: "assistant", content: [{ type: "tool_result", tool_call_id: "t", content: "x" }] }],
      field: "messages[0].content[0]",
    },
    { name: "reasoning in a user message", messages: [{ role: "user", content: [{ type: "reasoning", text: "r", signature: "s" }] }], field: "messages[0].content[0]" },
    {
      name: "an image in an assistant message",
      messages: [{ role: "assistant", content: [{ type: "image", media_type: "image/png", data: "x" }] }],
      field: "messages[0].content[0]",
    },
    {
      name: "a tool call part inside a tool result",
      messages: [{ role: "tool", content: [{ type: "tool_result", tool_call_id: "t", content: [{ type: "tool_call", id: "x", name: "y", arguments: "{}" }] }] }],
      field: "messages[0].content[0].content[0]",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      let caught: unknown;
      try {
        encodeConverseRequest(params(c.messages));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(BridgeError);
      expect((caught as BridgeError).code).toBe("INVALID_REQUEST");
      expect((caught as BridgeError).field).toBe(c.field);
      expect((caught as BridgeError).message).toContain(c.field);
    });
  }
});

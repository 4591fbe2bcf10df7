/**
 * Gemini request encoding: against the bodies recorded clients sent and
 * Vertex accepted (fantasy cassettes), and hand-built cases for the rules in
 * src/formats/gemini/request.ts.
 *
 * Two documented differences from the recorded bodies are applied to the
 * expectation, not hidden: fantasy adds `role: "user"` to
 * `systemInstruction` (which Gemini ignores), and it puts a tool result
 * under `response.result` where we use Google's documented
 * `response.output`.
 */
import { describe, expect, test } from "bun:test";
import { encodeGeminiRequest, GEMINI_SKIP_SIGNATURE } from "../../../src/formats/gemini/request.ts";
import type { ChatParams, ContentPart, Message, ToolDefinition } from "../../../src/protocol/chat.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import { shapeChat } from "../../../src/rules/shape.ts";
import { fixtureJson } from "./replay.ts";

type Json = Record<string, unknown>;

/** A recorded body with fantasy's `systemInstruction.role` removed and `response.result` renamed `output`. */
function recordedBody(path: string): Json {
  const body = fixtureJson(path) as Json;
  delete (body["systemInstruction"] as Json)["role"];
  for (const content of body["contents"] as { parts: Json[] }[]) {
    for (const part of content.parts) {
      const response = (part["functionResponse"] as Json | undefined)?.["response"] as Json | undefined;
      if (response !== undefined && "result" in response) {
        response["output"] = response["result"];
        delete response["result"];
      }
    }
  }
  return body;
}

const WEATHER_TOOL: ToolDefinition = {
  name: "weather",
  description: "Get weather information for a location",
  parameters: { type: "object", properties: { location: { type: "string", description: "the city" } }, required: ["location"] },
};
const numberTool = (name: string, description: string): ToolDefinition => ({
  name,
  description,
  parameters: {
    type: "object",
    properties: { a: { type: "integer", description: "first number" }, b: { type: "integer", description: "second number" } },
    required: ["a", "b"],
  },
});
const MATH_SYSTEM = "You are a helpful assistant. Always use both add and multiply at the same time.";
const WEATHER_SIGNATURE =
  "CiwBjz1rX5J0Jni1UwQkH3SeTysS4TF4kGuzSS99EDy6+inHVbJu1Xo0pYpXeQprAY89a18NHhloDuIj0yld57PAo2oNpG6rOh/35G9rcOwGsXkiTJHGjRY2kvEit3Re266ZMK2YpihBVAkZllpxOWlb/QZN7Cial15OT3HGih3VCgpPirbUHnr1W3xjYncuUEWiboS9GunS2foKegGPPWtfqxLOOBCOHYMB1vAbHSWDwTHtlQmKO8gOjjB+E7rIAvoI5c/zje1zY9TIePouZwvtbh4hW0W0RkY1X0JqcVVCsdoxAa177NpMX32OsBI4ADKGIJWKfyUxHqYVTWqRPQCUm+vMMcCBkhEpQl1e4h+elfClBEXzClYBjz1rX3o0PFc+JJWTsLa7RFOQY12RaETWEvaTPmkUSJjWK0s+pMC6adOFzZMC/3NY4wPGdqSA/P5xnES40TQMQNvL9zL7G8O1sU6LExlHc9wVoyeOcw==";
const ADD_SIGNATURE =
  "Ci8Bjz1rXzqIUO4hDWx0cIAcS3Hli+/00t0xZ4R9333aTdPmmlba6GoelrnrKuw/5QpYAY89a1+iCNlnCLeZt0CFSSVel5kXqgPJj48xE+/YrJEhlVDNA03z0nIXONvDkvD+rzRU6eVqyqW/DXnkzlDMZfPtb+fkfZAbxATyw7AZKiLraxgziRvSgAp3AY89a19GL62f0CVqxq8XDq1IDLBlTjD225ayNTwB8S84TC6uBdF/KD8K9qz5o3Zcu8F4cqUuA0b8jvyuMrjS8Wyv5ZNuUgruWTbdjpuZV+JkjU74hDoom9EwIdI3A8AavPrGZiLXAdAkKQfAksXiEQOjlPiFwGYKNAGPPWtf/eKZatmuUApeWonkTgVe57SlMCNW/afNRK3Iw/inXuM2Y5IFJV0ogxj9SUEUsT0=";

describe("Gemini request encoding: recorded bodies", () => {
  test("system instruction, one user turn, max tokens (fantasy gemini-2.5-pro simple_streaming)", () => {
    const params: ChatParams = {
      model: "gemini-2.5-pro",
      messages: [
        { role: "system", content: "You are a helpful assistant" },
        { role: "user", content: "Say hi in Portuguese" },
      ],
      max_tokens: 4000,
    };
    expect(encodeGeminiRequest(params)).toEqual(recordedBody("fantasy/gemini-2-5-pro.simple_streaming.interaction0.request.json"));
  });

  test("a function declaration with its schema in Gemini's types, AUTO calling (fantasy tool_streaming, turn 1)", () => {
    const params: ChatParams = {
      model: "gemini-2.5-flash",
      messages: [
        { role: "system", content: "You are a helpful assistant" },
        { role: "user", content: "What's the weather in Florence,Italy?" },
      ],
      tools: [WEATHER_TOOL],
      max_tokens: 4000,
    };
    expect(encodeGeminiRequest(params)).toEqual(recordedBody("fantasy/gemini-2-5-flash.tool_streaming.interaction0.request.json"));
  });

  test("the signed call handed back as reasoning + tool_call, and its result (fantasy tool_streaming, turn 2)", () => {
    const params: ChatParams = {
      model: "gemini-2.5-flash",
      messages: [
        { role: "system", content: "You are a helpful assistant" },
        { role: "user", content: "What's the weather in Florence,Italy?" },
        // What the stream mapper produced for turn 1, as an editor hands it back.
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "", signature: WEATHER_SIGNATURE },
            { type: "tool_call", id: "call_hwCzaaiDK5-Ew-UP4tT9sAY_0", name: "weather", arguments: '{"location":"Florence,Italy"}' },
          ],
        },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "call_hwCzaaiDK5-Ew-UP4tT9sAY_0", content: "40 C" }] },
      ],
      tools: [WEATHER_TOOL],
      max_tokens: 4000,
    };
    expect(encodeGeminiRequest(params)).toEqual(recordedBody("fantasy/gemini-2-5-flash.tool_streaming.interaction1.request.json"));
  });

  test("two calls (first signed) and two results (fantasy multi_tool_streaming, turns 1 and 2)", () => {
    const base: ChatParams = {
      model: "gemini-2.5-flash",
      messages: [
        { role: "system", content: MATH_SYSTEM },
        { role: "user", content: "Add and multiply the number 2 and 3" },
      ],
      tools: [numberTool("add", "Add two numbers"), numberTool("multiply", "Multiply two numbers")],
      max_tokens: 4000,
    };
    expect(encodeGeminiRequest(base)).toEqual(recordedBody("fantasy/gemini-2-5-flash.multi_tool_streaming.interaction0.request.json"));

    const followUp: ChatParams = {
      ...base,
      messages: [
        ...base.messages,
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "", signature: ADD_SIGNATURE },
            { type: "tool_call", id: "call_j_0", name: "add", arguments: '{"b":3,"a":2}' },
            { type: "tool_call", id: "call_j_1", name: "multiply", arguments: '{"b":3,"a":2}' },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool_result", tool_call_id: "call_j_0", content: "5" },
            { type: "tool_result", tool_call_id: "call_j_1", content: "6" },
          ],
        },
      ],
    };
    expect(encodeGeminiRequest(followUp)).toEqual(recordedBody("fantasy/gemini-2-5-flash.multi_tool_streaming.interaction1.request.json"));
  });
});

const user = (content: Message["content"]): Message => ({ role: "user", content });
const assistant = (content: ContentPart[]): Message => ({ role: "assistant", content });
const call = (id: string, name = "f", args = "{}"): ContentPart => ({ type: "tool_call", id, name, arguments: args });
const reasoning = (text: string, signature?: string): ContentPart => (signature === undefined ? { type: "reasoning", text } : { type: "reasoning", text, signature });

/** The model turn's parts for one assistant message. */
/** Through the model rules, which say which models validate replayed signatures (rule gemini-3-level). */
function modelParts(content: ContentPart[], model = "gemini-2.5-flash"): unknown[] {
  const body = encodeGeminiRequest(shapeChat("vertex", "gemini", { model, messages: [user("q"), assistant(content)] }).params);
  return ((body["contents"] as { role: string; parts: unknown[] }[])[1] as { parts: unknown[] }).parts;
}

describe("Gemini request encoding: thought signatures handed back", () => {
  const cases: { name: string; content: ContentPart[]; model?: string; parts: unknown[] }[] = [
    {
      name: "a signed empty reasoning part right before a call signs the call",
      content: [reasoning("", "S"), call("c1")],
      parts: [{ functionCall: { name: "f", args: {} }, thoughtSignature: "S" }],
    },
    {
      name: "a signed reasoning part with text before a call: unsigned thought, signed call",
      content: [reasoning("I should call f.", "S"), call("c1")],
      parts: [
        { text: "I should call f.", thought: true },
        { functionCall: { name: "f", args: {} }, thoughtSignature: "S" },
      ],
    },
    {
      name: "a signed reasoning part with text and no call keeps its signature",
      content: [reasoning("Thinking.", "S"), { type: "text", text: "Answer." }],
      parts: [{ text: "Thinking.", thought: true, thoughtSignature: "S" }, { text: "Answer." }],
    },
    {
      name: "a signed empty reasoning part signs the next text part",
      content: [reasoning("", "S"), { type: "text", text: "OK" }],
      parts: [{ text: "OK", thoughtSignature: "S" }],
    },
    {
      name: "a signed empty reasoning part with nothing after it is dropped",
      content: [{ type: "text", text: "OK" }, reasoning("", "S")],
      parts: [{ text: "OK" }],
    },
    {
      name: "a signed empty reasoning part reaches a call after text",
      content: [reasoning("", "S"), { type: "text", text: "" }, call("c1")],
      parts: [{ functionCall: { name: "f", args: {} }, thoughtSignature: "S" }],
    },
    {
      name: "unsigned reasoning text is a thought; redacted data is dropped",
      content: [reasoning("Hmm."), { type: "reasoning", text: "", redacted: "opaque" }, { type: "text", text: "Hi" }],
      parts: [{ text: "Hmm.", thought: true }, { text: "Hi" }],
    },
    {
      name: "Gemini 2.5: an unsigned call is sent as it is",
      content: [call("c1"), call("c2", "g")],
      parts: [{ functionCall: { name: "f", args: {} } }, { functionCall: { name: "g", args: {} } }],
    },
    {
      name: "Gemini 3: the first unsigned call of a run gets the skip placeholder, the rest of the run nothing",
      model: "gemini-3-pro-preview",
      content: [call("c1"), call("c2", "g"), { type: "text", text: "and" }, call("c3", "h")],
      parts: [
        { functionCall: { name: "f", args: {} }, thoughtSignature: GEMINI_SKIP_SIGNATURE },
        { functionCall: { name: "g", args: {} } },
        { text: "and" },
        { functionCall: { name: "h", args: {} }, thoughtSignature: GEMINI_SKIP_SIGNATURE },
      ],
    },
    {
      name: "Gemini 3: a real signature wins over the placeholder",
      model: "gemini-3.1-pro-preview",
      content: [reasoning("", "S"), call("c1"), call("c2", "g")],
      parts: [{ functionCall: { name: "f", args: {} }, thoughtSignature: "S" }, { functionCall: { name: "g", args: {} } }],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      expect(modelParts(c.content, c.model)).toEqual(c.parts);
    });
  }
});

describe("Gemini request encoding: turns and parts", () => {
  test("system messages anywhere join systemInstruction; tool results lead a merged user turn; images are inlineData", () => {
    const body = encodeGeminiRequest({
      model: "gemini-2.5-flash",
      messages: [
        { role: "system", content: "A" },
        user([
          { type: "text", text: "look" },
          { type: "image", media_type: "image/png", data: "iVBORw0KGgo=" },
        ]),
        assistant([{ type: "text", text: "Calling." }, call("c1", "read", '{"path":"a"}')]),
        { role: "system", content: [{ type: "text", text: "B" }] },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "c1", content: "boom", is_error: true }] },
        user("and now?"),
      ],
    });
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: "A" }, { text: "B" }] },
      contents: [
        { role: "user", parts: [{ text: "look" }, { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }] },
        { role: "model", parts: [{ text: "Calling." }, { functionCall: { name: "read", args: { path: "a" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "read", response: { error: "boom" } } }, { text: "and now?" }] },
      ],
    });
  });

  test("a tool result's text parts are joined and its images follow the responses", () => {
    const body = encodeGeminiRequest({
      model: "gemini-2.5-flash",
      messages: [
        user("q"),
        assistant([call("c1", "shot")]),
        {
          role: "tool",
          content: [
            {
              type: "tool_result",
              tool_call_id: "c1",
              content: [
                { type: "text", text: "one" },
                { type: "image", media_type: "image/jpeg", data: "/9j/" },
                { type: "text", text: "two" },
              ],
            },
          ],
        },
      ],
    });
    expect((body["contents"] as unknown[])[2]).toEqual({
      role: "user",
      parts: [{ functionResponse: { name: "shot", response: { output: "one\n\ntwo" } } }, { inlineData: { mimeType: "image/jpeg", data: "/9j/" } }],
    });
  });

  test("a result answers the latest call with its id", () => {
    const body = encodeGeminiRequest({
      model: "gemini-2.5-flash",
      messages: [
        user("q"),
        assistant([call("call_0", "first")]),
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "call_0", content: "1" }] },
        assistant([call("call_0", "second")]),
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "call_0", content: "2" }] },
      ],
    });
    const contents = body["contents"] as { parts: Json[] }[];
    expect(contents[2]?.parts[0]).toEqual({ functionResponse: { name: "first", response: { output: "1" } } });
    expect(contents[4]?.parts[0]).toEqual({ functionResponse: { name: "second", response: { output: "2" } } });
  });

  test("empty text is dropped, and a turn left empty with it", () => {
    const body = encodeGeminiRequest({ model: "m", messages: [user("hi"), assistant([{ type: "text", text: "" }]), user("again")] });
    expect(body["contents"]).toEqual([{ role: "user", parts: [{ text: "hi" }, { text: "again" }] }]);
  });

  test("generation settings and thinking", () => {
    const body = encodeGeminiRequest({
      model: "m",
      messages: [user("q")],
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      stop: ["END"],
      thinking: { type: "budget", budget_tokens: 2048 },
    });
    expect(body["generationConfig"]).toEqual({
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ["END"],
      thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
    });
    expect(encodeGeminiRequest({ model: "m", messages: [user("q")] })["generationConfig"]).toBeUndefined();
  });

  test.each([
    // ai.google.dev Gemini 3 guide: thinkingLevel and thinkingBudget never together (400); budget 0 turns 2.5 Flash's thinking off.
    [
      { type: "level", level: "high" },
      { thinkingLevel: "HIGH", includeThoughts: true },
    ],
    [{ type: "budget", budget_tokens: 0 }, { thinkingBudget: 0 }],
  ] as const)("thinking %j → %j", (thinking, config) => {
    const body = encodeGeminiRequest({ model: "m", messages: [user("q")], thinking });
    expect(body["generationConfig"]).toEqual({ thinkingConfig: config });
  });

  test.each([
    ["auto", { mode: "AUTO" }],
    ["none", { mode: "NONE" }],
    ["required", { mode: "ANY" }],
    [{ name: "weather" }, { mode: "ANY", allowedFunctionNames: ["weather"] }],
  ] as const)("tool_choice %j → %j", (choice, config) => {
    const body = encodeGeminiRequest({ model: "m", messages: [user("q")], tools: [WEATHER_TOOL], tool_choice: choice });
    expect(body["toolConfig"]).toEqual({ functionCallingConfig: config });
  });

  test("a tool without parameters is declared without parameters; no tools, no toolConfig", () => {
    const body = encodeGeminiRequest({ model: "m", messages: [user("q")], tools: [{ name: "now", parameters: { type: "object", properties: {} } }] });
    expect(body["tools"]).toEqual([{ functionDeclarations: [{ name: "now" }] }]);
    const plain = encodeGeminiRequest({ model: "m", messages: [user("q")], tool_choice: "auto" });
    expect(plain["tools"]).toBeUndefined();
    expect(plain["toolConfig"]).toBeUndefined();
  });
});

describe("Gemini request encoding: invalid requests name the field", () => {
  const cases: { name: string; messages: Message[]; field: string }[] = [
    {
      name: "a result for a call no assistant made",
      messages: [user("q"), { role: "tool", content: [{ type: "tool_result", tool_call_id: "nope", content: "x" }] }],
      field: "messages[1].content[0].tool_call_id",
    },
    {
      name: "a result that comes before its call",
      messages: [user([{ type: "tool_result", tool_call_id: "c1", content: "x" }]), assistant([call("c1")])],
      field: "messages[0].content[0].tool_call_id",
    },
    { name: "a tool message as plain text", messages: [user("q"), { role: "tool", content: "x" }], field: "messages[1].content" },
    { name: "arguments that are not JSON", messages: [user("q"), assistant([call("c1", "f", "{oops")])], field: "messages[1].content[0].arguments" },
    { name: "arguments that are not an object", messages: [user("q"), assistant([call("c1", "f", "[1]")])], field: "messages[1].content[0].arguments" },
    { name: "an image in an assistant message", messages: [user("q"), assistant([{ type: "image", media_type: "image/png", data: "x" }])], field: "messages[1].content[0]" },
    { name: "a tool call in a user message", messages: [user([call("c1")])], field: "messages[0].content[0]" },
    {
      name: "an image in a system message",
      messages: [{ role: "system", content: [{ type: "image", media_type: "image/png", data: "x" }] }, user("q")],
      field: "messages[0].content[0]",
    },
    { name: "nothing but a system prompt", messages: [{ role: "system", content: "S" }], field: "messages" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      let thrown: unknown;
      try {
        encodeGeminiRequest({ model: "gemini-2.5-flash", messages: c.messages });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BridgeError);
      expect((thrown as BridgeError).code).toBe("INVALID_REQUEST");
      expect((thrown as BridgeError).field).toBe(c.field);
    });
  }
});

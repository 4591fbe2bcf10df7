/**
 * The Anthropic stream mapper over real recorded streams. Every expected value
 * below was read off the recording by hand (concatenated deltas, usage
 * figures from message_start / message_delta), not produced by the mapper.
 */
import { describe, expect, test } from "bun:test";
import { createAnthropicMapper } from "../../../src/formats/anthropic-messages/stream.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import type { StreamEvent, ToolCall, Usage } from "../../../src/protocol/chunks.ts";
import { chunkLinesToEvents, decodeSse, digest, fixtureBytes, fixtureText, joinedArguments, mapEvents, mapFixture } from "./replay.ts";

interface Scenario {
  name: string;
  file: string;
  model: string;
  text: string;
  reasoning?: string;
  signatures?: string[];
  redacted?: string[];
  toolCalls?: ToolCall[];
  usage: Partial<Usage>;
  finish: StreamEvent & { type: "finish" };
  heartbeats: number;
}

const FANTASY_THINKING_SIGNATURE =
  "EtYDCkYICxgCKkAVHEWRYo6RgSMs4ZZDX4gW16kdfp2EIXftcLesVephGa/p1m+1Y8mRQPvvKOQICrOkGKYoJBKSNLJ4ukI/mo6LEgx7FMTwIpYzM2WTWT8aDKY6c2i52xIX2NYX3SIwY5gI8frldE4pwUhseod0S0xZV2hTAQhqMCOu4+effAu250K2RPrqrO98+VD/hjF9Kr0C7EzGQ7dZ7MNwrkE+tCARkzIRk5Wtv8vVAhADlMcs78QvxmjOToU65I91p7w2/VP11peDoc9+7AbyldRKGp3chNnQgXHI7ObK89s0ltFBGrLf6tegaQL9httOtcUGCioZnI9LI9vJHMlQeoZiiWRq8hVbHlHc3f6BwBqlUJhYUyk7ld34UoaSNc5UKUNuLAmkOLg3KQLdbI7b3BQVdsWOhNTKd12fRJQcOLhXNSCv7hQ9FtWfV5C+pX59xF6YYIO3TCPUqWSubCtqdrDEoQVWdHtyveFA+4iixZxyqZ7Ea+kzbmc/6pXxwO2MX0rHrbe/yXWYAmU/XxY9HJTzXEO+CibGQOAaHdC11s8gOCFb8EWt3ALguFfj/p2SJtqybC44Alrjnhjqk+7Mi+DoMcINUh7SCK9rVl4VeDhPFVAYAQ==";

const CODE_EXECUTION_SIGNATURE =
  "EusBClsIDRgCKkBpzetW9oKOZtFP6IeFJJr3gnQBXqdZrYcRnwTLcVuC/mkNQXFCRtvXzgnEVf7l5fFR7h3ot66yltYQokOJgU0XMhFjbGF1ZGUtc29ubmV0LTQtNjgAEgx4VA49Y9x4euFn/C8aDLaPUE1i8unro8wUZyIwTVsbnme/ZlJjB/k0sJpLe/6Hhr1hiJBEwIautRYb9wRO69nCOmte8rf2JIlb3WN2Kj5V5cgiQPXU7/dckGIBOjC3LbVg4fl1yJKZ6A9eiNDAfvI1a3el8ptl54928QUlCPHT6QRNK5dDomrp4RcinBgB";

const CODECOMPANION_REASONING_SIGNATURE =
  "ErUBCkYIARgCIkD2TbY0dBj4TX6j9jLgU26mB6oDbc93/3vETJg/qq0PSyG3Xl2YMJefENtLSEhETavznU7kszXycQGdosQAyTQvEgw7PKGa97oZW+qHSMgaDNEjEybHMgXvWWf4ICIwIwGrPIrMPucyIKwt/fD4pjtRGQMRLA8JljU9l6fgMoa4q2833/4cCQCyR44B3tpqKh0zHS0N/n80WstQDoMibOxcYrI4d2bRe94D9l8Pjg==";

const REDACTED_1 =
  "EqkECkYIBxgCKkA8AZ4noDfV5VcOJe/p3JTRB6Xz5297mrWhl3MbHSXDKTMfuB/Z52U2teiWWTN0gg4eQ4bGS9TPilFX/xWTIq9HEgyOmstSPriNwyn1G7AaDC51r0hQ062qEd55IiIwYQj3Z3MSBBv0bSVdXi60LEHDvC7tzzmpQfw5Hb6R9rtyOz/6vC/xPw9/E1mUqfBqKpADO2HS2QlE/CnuzR901nZOn0TOw7kEXwH7kg30c85b9W7iKALgEejY9sELMBdPyIZNlTgKqNOKtY3R/aV5rGIRPTHh2Wh9Ijmqsf/TT7i//Z+InaYTo6f/fxF8R0vFXMRPOBME4XIscb05HcNhh4c9FDkpqQGYKaq31IR1NNwPWA0BsvdDz7SIo1nfx4H+X0qKKqqegKnQ3ynaXiD5ydT1C4U7fku4ftgF0LGwIk4PwXBE+4BP0DcKr1HV3cn7YSyNakBSDTvRJMKcXW6hl7X3w2a4//sxjC1Cjq0uzkIHkhzRWirN0OSXt+g3m6b1ex0wGmSyuO17Ak6kgVBpxwPugtrqsflG0oujFem44hecXJ9LQNssPf4RSlcydiG8EXp/XLGTe0YfHbe3kJagkowSH/Dm6ErXBiVs7249brncyY8WA+7MOoqIM82YIU095B9frCqDJDUWnN84VwOszRrcaywmpJXZO4aeQLMC1kXD5Wabu+O/00tD/X67EWkkWuR0AhDIXXjpot45vnBd4ewJ/hgB";
const REDACTED_2 =
  "EtgBCkYIBxgCKkDQfGkwzflEJP5asG3oQfJXcTwJLoRznn8CmuczWCsJ36dv93X9H0NCeaJRbi5BrCA2DyMgFnRKRuzZx8VTv5axEgwkFmcHJk8BSiZMZRQaDDYv2KZPfbFgRa2QjyIwm47f5YYsSK9CT/oh/WWpU1HJJVHr8lrC6HG1ItRdtMvYQYmEGy+KhyfcIACfbssVKkDGv/NKqNMOAcu0bd66gJ2+R1R0PX11Jxn2Nd1JtZqkxx7vMT/PXtHDhm9jkDZ2k/6RjRRFuab/DBV3yRYdZ1J0GAE=";

const SCENARIOS: Scenario[] = [
  {
    name: "plain text (fantasy simple_streaming)",
    file: "fantasy/simple_streaming.interaction0.sse",
    model: "claude-sonnet-4-20250514",
    text: 'Olá! (That\'s "hi" in Portuguese)\n\nYou could also say "Oi!" which is a more casual way to say hi in Portuguese.',
    // message_delta: input 16 + cache_creation 0 + cache_read 0; output 38.
    usage: { input_tokens: 16, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 38 },
    finish: { type: "finish", finish_reason: "stop", raw: "end_turn" },
    heartbeats: 1,
  },
  {
    name: "text then two tool calls (fantasy multi_tool_streaming)",
    file: "fantasy/multi_tool_streaming.interaction0.sse",
    model: "claude-sonnet-4-20250514",
    text: "I'll add and multiply the numbers 2 and 3 for you.",
    toolCalls: [
      // "" + "{\"a\": 2" + ", \"b\"" + ": 3}"
      { id: "toolu_01UYxUYC2zRPY8wiutnF48eP", name: "add", arguments: '{"a": 2, "b": 3}' },
      // "" + "{\"a\": 2" + ", \"b\":" + " 3}"
      { id: "toolu_01VaRx1jpWCvPhi7L4kywAcd", name: "multiply", arguments: '{"a": 2, "b": 3}' },
    ],
    usage: { input_tokens: 502, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 137 },
    finish: { type: "finish", finish_reason: "tool_calls", raw: "tool_use" },
    heartbeats: 1,
  },
  {
    name: "thinking with signature, then a tool call (fantasy thinking-streaming)",
    file: "fantasy/thinking-streaming.interaction0.sse",
    model: "claude-sonnet-4-20250514",
    text: "",
    reasoning:
      'The user is asking for weather information for Florence, Italy. I have access to a weather function that takes a location parameter. The user has provided the location as "Florence, Italy" which is specific enough for the weather function. I have all the required parameters to make the function call.',
    signatures: [FANTASY_THINKING_SIGNATURE],
    // "" + "{\"" + "lo" + "catio" + "n\": \"Florenc" + "e, Italy" + "\"}"
    toolCalls: [{ id: "toolu_01Js4AMfx5qpTLhwTusnvT68", name: "weather", arguments: '{"location": "Florence, Italy"}' }],
    usage: { input_tokens: 424, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 119 },
    finish: { type: "finish", finish_reason: "tool_calls", raw: "tool_use" },
    heartbeats: 1,
  },
  {
    name: "two tool calls, message_delta usage with only output_tokens (codecompanion tools)",
    file: "codecompanion/anthropic_tools_streaming.sse",
    model: "claude-3-5-sonnet-20241022",
    text: "I'll check the weather for both cities using Celsius units.",
    toolCalls: [
      { id: "toolu_01QRThyzKt6NibK3m1DjUTkE", name: "weather", arguments: '{"location": "London, UK", "units": "celsius"}' },
      { id: "toolu_015A1zQUwKw1YE3CYvRRUdXZ", name: "weather", arguments: '{"location": "Paris, France", "units": "celsius"}' },
    ],
    // Input figures from message_start (905 + 0 + 0); output replaced by message_delta's 137.
    usage: { input_tokens: 905, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 137 },
    finish: { type: "finish", finish_reason: "tool_calls", raw: "tool_use" },
    heartbeats: 1,
  },
  {
    name: "thinking with signature, then text (codecompanion reasoning)",
    file: "codecompanion/anthropic_reasoning_streaming.sse",
    model: "claude-3-7-sonnet-20250219",
    text: "**Elegant simplicity**\n\nNeed more details about Ruby's features?",
    reasoning:
      'The user is asking me to describe the Ruby programming language in just two words. This is a direct question related to programming, which is within my core tasks.\n\nI need to think about what two words would best capture the essence of Ruby as a programming language:\n\n1. Ruby is known for its elegant, readable syntax that prioritizes developer happiness.\n2. It\'s a dynamic, object-oriented language.\n3. It emphasizes simplicity and productivity.\n4. It has a strong focus on being natural to read and easy to write.\n\nGiven these characteristics, the two words I could use would be something like:\n- "Elegant simplicity"\n- "Dynamic elegance"\n- "Developer friendly"\n- "Expressively object-oriented"\n\nI think "Elegant simplicity" best captures what Ruby is known for in the programming community.',
    signatures: [CODECOMPANION_REASONING_SIGNATURE],
    usage: { input_tokens: 484, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 208 },
    finish: { type: "finish", finish_reason: "stop", raw: "end_turn" },
    heartbeats: 1,
  },
  {
    name: "redacted thinking (pydantic-ai redacted stream)",
    file: "pydantic-ai/test_anthropic_model_thinking_part_redacted_stream.interaction0.sse",
    model: "claude-sonnet-4-5-20250929",
    text: "I notice that you've sent what appears to be some kind of test string or command. I don't have any special \"magic string\" triggers or backdoor commands that would expose internal systems or change my behavior.\n\nI'm Claude, an AI assistant created by Anthropic to be helpful, harmless, and honest. How can I assist you today with a legitimate task or question?",
    redacted: [REDACTED_1, REDACTED_2],
    usage: { input_tokens: 92, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 189 },
    finish: { type: "finish", finish_reason: "stop", raw: "end_turn" },
    heartbeats: 3,
  },
  {
    name: "server tool blocks ignored (pydantic-ai code execution)",
    file: "pydantic-ai/test_anthropic_code_execution_tool_stream.interaction0.sse",
    model: "claude-sonnet-4-6",
    text:
      "I'll calculate that expression for you right away!" +
      "Following the standard **order of operations (PEMDAS/BODMAS)** — multiplication is performed before addition and subtraction — here's the breakdown:\n\n| Step | Operation | Result |\n|------|-----------|--------|\n| 1️⃣ | `6544 × 65464` | `428,394,416` |\n| 2️⃣ | `65465 - 428,394,416` | `-428,328,951` |\n| 3️⃣ | `-428,328,951 - 6` | `-428,328,957` |\n| 4️⃣ | `-428,328,957 + 1.02255` | **`-428,328,955.97745`** |\n\n### ✅ Final Answer: **-428,330,955.97745**",
    reasoning: "Let me calculate this mathematical expression.",
    signatures: [CODE_EXECUTION_SIGNATURE],
    toolCalls: [],
    // message_delta is cumulative over the server tool loop: input 4714 (message_start said 2293).
    usage: { input_tokens: 4714, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 304 },
    // stop_details is null in the recording: no details.
    finish: { type: "finish", finish_reason: "stop", raw: "end_turn" },
    heartbeats: 1,
  },
  {
    name: "compaction block ignored, compaction iteration counted (pydantic-ai compaction)",
    file: "pydantic-ai/test_anthropic_compaction_usage_with_cache_streaming.interaction0.sse",
    model: "claude-sonnet-4-6",
    text: "Hello! 👋",
    // Top level: input 181, cache 0/0, output 8. The compaction iteration is
    // outside those: input 100, cache_read 55096, cache_creation 0, output 83.
    // input = 181 + 100 + 55096 = 55377; output = 8 + 83 = 91.
    usage: { input_tokens: 55377, cache_read_tokens: 55096, cache_write_tokens: 0, output_tokens: 91 },
    finish: { type: "finish", finish_reason: "stop", raw: "end_turn" },
    heartbeats: 1,
  },
];

describe("recorded streams", () => {
  for (const s of SCENARIOS) {
    test(s.name, () => {
      const events = mapFixture(s.file);
      const d = digest(events);
      expect(d.model).toEqual([s.model]);
      expect(d.text).toBe(s.text);
      expect(d.reasoning).toBe(s.reasoning ?? "");
      expect(d.signatures).toEqual(s.signatures ?? []);
      expect(d.redacted).toEqual(s.redacted ?? []);
      expect(d.toolCalls).toEqual(s.toolCalls ?? []);
      expect(d.usage).toEqual(s.usage);
      expect(d.finishes).toEqual([s.finish]);
      expect(d.heartbeats).toBe(s.heartbeats);
      // `end` exactly once, and last: it stands for message_stop.
      expect(d.ends).toBe(1);
      expect(events[events.length - 1]).toEqual({ type: "end" });
      // The deltas of each call spell its final arguments, indices are dense ordinals.
      (s.toolCalls ?? []).forEach((call, i) => {
        expect(joinedArguments(d, i)).toBe(call.arguments);
        expect(d.deltas.find((delta) => delta.index === i)).toMatchObject({ id: call.id, name: call.name });
      });
      expect(new Set(d.deltas.map((delta) => delta.index))).toEqual(new Set((s.toolCalls ?? []).map((_, i) => i)));
    });
  }

  test("the same stream fed in 7-byte pieces maps to the same events", () => {
    for (const s of SCENARIOS) expect(mapFixture(s.file, 7)).toEqual(mapFixture(s.file));
  });
});

describe("event order and shape", () => {
  test("tool_call_delta sequence of the first recorded call (fantasy multi_tool)", () => {
    const d = digest(mapFixture("fantasy/multi_tool_streaming.interaction0.sse"));
    // The empty first fragment "" adds nothing after the announcing delta.
    expect(d.deltas.filter((delta) => delta.index === 0)).toEqual([
      { type: "tool_call_delta", index: 0, id: "toolu_01UYxUYC2zRPY8wiutnF48eP", name: "add", arguments_delta: "" },
      { type: "tool_call_delta", index: 0, arguments_delta: '{"a": 2' },
      { type: "tool_call_delta", index: 0, arguments_delta: ', "b"' },
      { type: "tool_call_delta", index: 0, arguments_delta: ": 3}" },
    ]);
  });

  test("each tool_call follows its own deltas, before the next call starts", () => {
    const events = mapFixture("fantasy/multi_tool_streaming.interaction0.sse");
    const kinds = events
      .filter((e) => e.type === "tool_call" || (e.type === "tool_call_delta" && e.id !== undefined))
      .map((e) => (e.type === "tool_call" ? `call:${e.tool_call.name}` : `start:${e.type === "tool_call_delta" ? e.name : ""}`));
    expect(kinds).toEqual(["start:add", "call:add", "start:multiply", "call:multiply"]);
  });

  test("signature comes after the thinking text and before the tool call (fantasy thinking)", () => {
    const events = mapFixture("fantasy/thinking-streaming.interaction0.sse");
    const signatureAt = events.findIndex((e) => e.type === "reasoning" && e.signature !== undefined);
    const lastThinkingAt = events.findLastIndex((e) => e.type === "reasoning" && e.content !== "");
    const toolAt = events.findIndex((e) => e.type === "tool_call_delta");
    expect(lastThinkingAt).toBeLessThan(signatureAt);
    expect(signatureAt).toBeLessThan(toolAt);
    // The recording's one empty thinking_delta produces nothing.
    expect(events.filter((e) => e.type === "reasoning" && e.content === "" && e.signature === undefined)).toEqual([]);
    expect(events.filter((e) => e.type === "reasoning" && e.content !== "")).toHaveLength(21);
  });

  test("message_start reports model and usage first (fantasy simple)", () => {
    const events = mapFixture("fantasy/simple_streaming.interaction0.sse");
    expect(events.slice(0, 2)).toEqual([
      { type: "model", model: "claude-sonnet-4-20250514" },
      // 16 + 0 + 0 input; 5 output so far.
      { type: "usage", usage: { input_tokens: 16, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 5 } },
    ]);
  });

  test("an output-only message_delta reports only output figures (codecompanion tools)", () => {
    const usage = mapFixture("codecompanion/anthropic_tools_streaming.sse").filter((e) => e.type === "usage");
    expect(usage.map((e) => e.usage)).toEqual([{ input_tokens: 905, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 1 }, { output_tokens: 137 }]);
  });

  test("a tool call without arguments completes as {} (vercel-ai tool-no-args)", () => {
    const d = digest(mapEvents(chunkLinesToEvents(fixtureText("vercel-ai/anthropic-tool-no-args.chunks.txt"))));
    expect(d.text).toBe("I'll update the issue list for you.");
    expect(d.deltas).toEqual([{ type: "tool_call_delta", index: 0, id: "toolu_01QE1WLsSVp5hy5Q3GmGTmjP", name: "updateIssueList", arguments_delta: "" }]);
    expect(d.toolCalls).toEqual([{ id: "toolu_01QE1WLsSVp5hy5Q3GmGTmjP", name: "updateIssueList", arguments: "{}" }]);
    expect(d.usage).toEqual({ input_tokens: 565, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 48 });
    expect(d.finishes).toEqual([{ type: "finish", finish_reason: "tool_calls", raw: "tool_use" }]);
    expect(d.heartbeats).toBe(3);
    expect(d.ends).toBe(1);
  });

  test("server_tool_use input_json_delta fragments never become tool calls (code execution)", () => {
    const events = mapFixture("pydantic-ai/test_anthropic_code_execution_tool_stream.interaction0.sse");
    expect(events.some((e) => e.type === "tool_call" || e.type === "tool_call_delta")).toBe(false);
    expect(JSON.stringify(events)).not.toContain("bc -l");
  });
});

describe("mid-stream errors", () => {
  // The first four events of a real stream (message_start, block start, ping,
  // first text delta), then a recorded error event.
  const head = decodeSse(fixtureBytes("fantasy/simple_streaming.interaction0.sse")).slice(0, 4);
  const errorEvent = decodeSse(fixtureBytes("issues/brainlid-langchain-193.overloaded_error-event.sse"));

  test("the recorded overloaded_error event throws OVERLOADED, retryable, after the content so far", () => {
    expect(errorEvent).toHaveLength(1);
    const out: StreamEvent[] = [];
    const m = createAnthropicMapper();
    for (const e of head) m.map(e, out);
    const thrown = thrownBy(() => m.map(errorEvent[0]!, out));
    expect(digest(out).text).toBe("Olá! (");
    expect(thrown).toBeInstanceOf(BridgeError);
    expect(thrown).toMatchObject({ code: "OVERLOADED", retryable: true, providerType: "overloaded_error" });
    expect((thrown as BridgeError).message).toBe("anthropic: Overloaded");
  });

  test("the gptel error payload keeps its request_id", () => {
    const data = fixtureText("issues/gptel-1512.overloaded_error-event.json");
    expect(thrownBy(() => mapEvents([{ event: "error", data }]))).toMatchObject({
      code: "OVERLOADED",
      retryable: true,
      requestId: "req_011Ce3HwQb6vtbs9LQVmh4oe",
    });
  });

  const cases: { type: string; code: string; retryable: boolean }[] = [
    { type: "overloaded_error", code: "OVERLOADED", retryable: true },
    { type: "rate_limit_error", code: "RATE_LIMITED", retryable: true },
    { type: "api_error", code: "PROVIDER_ERROR", retryable: true },
    { type: "timeout_error", code: "TIMEOUT", retryable: true },
    { type: "invalid_request_error", code: "INVALID_PARAMS", retryable: false },
    { type: "something_new_error", code: "PROVIDER_ERROR", retryable: false },
  ];
  for (const c of cases) {
    test(`error event ${c.type} → ${c.code}`, () => {
      const data = JSON.stringify({ type: "error", error: { type: c.type, message: "boom" } });
      expect(thrownBy(() => mapEvents([{ event: "error", data }]))).toMatchObject({ code: c.code, retryable: c.retryable, providerType: c.type, message: "anthropic: boom" });
    });
  }
});

describe("a second message_start inside one stream", () => {
  // vercel/ai packages/anthropic/src/__fixtures__/spliced-message-start.chunks.txt
  // and duplicate-message-start.chunks.txt: SYNTHETIC, hand-made by the AI SDK
  // for vercel/ai#18331 (PR #18332). The stored copies hold an unresolved merge
  // conflict; these are their HEAD sides, lines unchanged, `message_stop` appended.
  const AI_SDK_SPLICED = String.raw`
{"type":"message_start","message":{"id":"msg_first","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}
{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}
{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"first thinking"}}
{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"signature-first"}}
{"type":"content_block_stop","index":0}
{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_first","name":"lookup","input":{}}}
{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"value\":\"Spark"}}
{"type":"message_start","message":{"id":"msg_second","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":1}}}
{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}
{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"second thinking"}}
{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"signature-second"}}
{"type":"content_block_stop","index":0}
{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_second","name":"lookup","input":{}}}
{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"value\":\"complete\"}"}}
{"type":"content_block_stop","index":1}
{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":30}}
{"type":"message_stop"}`;
  const AI_SDK_DUPLICATE = String.raw`
{"type":"message_start","message":{"id":"msg_duplicate","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}
{"type":"message_start","message":{"id":"msg_duplicate","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":99,"output_tokens":1}}}
{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}
{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}
{"type":"content_block_stop","index":0}
{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}
{"type":"message_stop"}`;

  const simple = decodeSse(fixtureBytes("fantasy/simple_streaming.interaction0.sse"));
  const tools = decodeSse(fixtureBytes("codecompanion/anthropic_tools_streaming.sse"));

  interface Spliced {
    name: string;
    events: () => { event: string; data: string }[];
    first: string;
    second: string;
    /** What reached the caller before the splice: all of it from the first message. */
    text: string;
    reasoning: string;
    deltas: number;
    model: string;
  }
  const spliced: Spliced[] = [
    {
      name: "AI SDK synthetic fixture: cut off inside a tool_use block",
      events: () => chunkLinesToEvents(AI_SDK_SPLICED),
      first: "msg_first",
      second: "msg_second",
      text: "",
      reasoning: "first thinking",
      // The announcing delta of toolu_first and its one fragment.
      deltas: 2,
      model: "claude-sonnet-4-20250514",
    },
    {
      name: "two real recordings spliced: fantasy simple cut after its first text delta, then all of codecompanion tools",
      // message_start, content_block_start, ping, text_delta "Olá! (".
      events: () => [...simple.slice(0, 4), ...tools],
      first: "msg_01R8GdyyLQUhUfyjqSCMbnWg",
      second: "msg_01HGJRN5feUfoHAW2KTnFc3d",
      text: "Olá! (",
      reasoning: "",
      deltas: 0,
      model: "claude-sonnet-4-20250514",
    },
  ];
  for (const c of spliced) {
    test(`new id → retryable STREAM_ERROR, never a merged answer (${c.name})`, () => {
      const out: StreamEvent[] = [];
      const m = createAnthropicMapper();
      const thrown = thrownBy(() => {
        for (const e of c.events()) m.map(e, out);
      });
      expect(thrown).toBeInstanceOf(BridgeError);
      expect(thrown).toMatchObject({ code: "STREAM_ERROR", retryable: true });
      const message = (thrown as BridgeError).message;
      expect(message).toContain("second message started inside one");
      expect(message).toContain(c.first);
      expect(message).toContain(c.second);
      const d = digest(out);
      expect(d.text).toBe(c.text);
      expect(d.reasoning).toBe(c.reasoning);
      expect(d.deltas).toHaveLength(c.deltas);
      expect(d.model).toEqual([c.model]);
      // Nothing of the second generation, and nothing that would read as a finished answer.
      expect(d.toolCalls).toEqual([]);
      expect(d.finishes).toEqual([]);
      expect(d.ends).toBe(0);
    });
  }

  const duplicated: { name: string; events: () => { event: string; data: string }[]; text: string; usage: Partial<Usage>; finish: string }[] = [
    {
      // The duplicate says input_tokens 99; the first frame's 10 must stand.
      name: "AI SDK synthetic fixture, duplicate with other usage",
      events: () => chunkLinesToEvents(AI_SDK_DUPLICATE),
      text: "ok",
      usage: { input_tokens: 10, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 2 },
      finish: "end_turn",
    },
    {
      // As litellm#32478 and bifrost#4556 relay it: the recorded message_start twice in a row.
      name: "fantasy simple_streaming with its message_start frame repeated",
      events: () => [simple[0]!, ...simple],
      text: SCENARIOS[0]!.text,
      usage: SCENARIOS[0]!.usage,
      finish: "end_turn",
    },
  ];
  for (const c of duplicated) {
    test(`same id repeated → ignored, one model and one start usage (${c.name})`, () => {
      const d = digest(mapEvents(c.events()));
      expect(d.text).toBe(c.text);
      expect(d.usage).toEqual(c.usage);
      expect(d.model).toHaveLength(1);
      // message_start once plus message_delta once.
      expect(d.usageReports).toBe(2);
      expect(d.finishes.map((f) => f.raw)).toEqual([c.finish]);
      expect(d.ends).toBe(1);
    });
  }
});

describe("hand-written edge cases", () => {
  const ev = (data: unknown, event = "message"): { event: string; data: string } => ({
    event,
    data: typeof data === "string" ? data : JSON.stringify(data),
  });

  test("malformed JSON is a STREAM_ERROR", () => {
    const thrown = thrownBy(() => mapEvents([ev('{"type":"content_block_delta",')]));
    expect(thrown).toBeInstanceOf(BridgeError);
    expect(thrown).toMatchObject({ code: "STREAM_ERROR" });
  });

  test("a JSON value that is not an object is a STREAM_ERROR", () => {
    expect(thrownBy(() => mapEvents([ev("[1,2]")]))).toMatchObject({ code: "STREAM_ERROR" });
  });

  test("unknown event types and unknown deltas are ignored", () => {
    const out = mapEvents([
      ev({ type: "some_future_event", payload: 1 }),
      ev({ type: "content_block_start", index: 0, content_block: { type: "web_search_tool_result", content: [] } }),
      ev({ type: "content_block_delta", index: 0, delta: { type: "citations_delta", citation: { cited_text: "x" } } }),
      ev({ type: "content_block_stop", index: 0 }),
      ev({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"a":1}' } }),
    ]);
    expect(out).toEqual([]);
  });

  test("empty data lines are skipped", () => {
    expect(mapEvents([ev("   ")])).toEqual([]);
  });

  test("end is emitted once; events after message_stop are ignored", () => {
    const out = mapEvents([ev({ type: "message_stop" }), ev({ type: "message_stop" }), ev({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "late" } })]);
    expect(out).toEqual([{ type: "end" }]);
  });

  test("a tool_use whose input arrives whole in content_block_start is not reported as {}", () => {
    const out = mapEvents([
      ev({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "t1", name: "f", input: { q: "x" } } }),
      ev({ type: "content_block_stop", index: 0 }),
    ]);
    expect(out).toEqual([
      { type: "tool_call_delta", index: 0, id: "t1", name: "f", arguments_delta: "" },
      { type: "tool_call_delta", index: 0, arguments_delta: '{"q":"x"}' },
      { type: "tool_call", tool_call: { id: "t1", name: "f", arguments: '{"q":"x"}' } },
    ]);
  });

  test("refusal carries stop_details; usage with thinking_tokens reports reasoning", () => {
    const details = { type: "refusal", category: "cyber", explanation: "no" };
    const out = mapEvents([
      ev({
        type: "message_delta",
        delta: { stop_reason: "refusal", stop_sequence: null, stop_details: details },
        usage: { output_tokens: 12, output_tokens_details: { thinking_tokens: 5 } },
      }),
    ]);
    expect(out).toEqual([
      { type: "usage", usage: { output_tokens: 12, reasoning_tokens: 5 } },
      { type: "finish", finish_reason: "refusal", raw: "refusal", details },
    ]);
  });

  test("text in content_block_start and a signature in a thinking start are not lost", () => {
    const out = mapEvents([
      ev({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "hm", signature: "sig" } }),
      ev({ type: "content_block_start", index: 1, content_block: { type: "text", text: "Hi" } }),
    ]);
    expect(out).toEqual([
      { type: "reasoning", content: "hm" },
      { type: "reasoning", content: "", signature: "sig" },
      { type: "content", content: "Hi" },
    ]);
  });
});

/** The error a call throws; fails the test when it does not throw. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

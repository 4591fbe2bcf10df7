/**
 * The Gemini stream mapper over real recorded streams. Every expected value
 * was read off the recordings by hand: the text is the concatenated `text`
 * parts, usage is the last chunk's `usageMetadata` (input = promptTokenCount
 * + toolUsePromptTokenCount, output = candidatesTokenCount +
 * thoughtsTokenCount), ids are `call_<responseId>_<n>` with the recorded
 * responseId.
 */
import { describe, expect, test } from "bun:test";
import type { SseEvent } from "../../../src/decode/sse-event.ts";
import { createGeminiMapper } from "../../../src/formats/gemini/stream.ts";
import type { StreamEvent, ToolCall, Usage } from "../../../src/protocol/chunks.ts";
import { BridgeError } from "../../../src/protocol/errors.ts";
import { chunkLinesToEvents, decodeSse, digest, fixtureBytes, fixtureJson, fixtureText, jsonAsEvent, mapEvents } from "./replay.ts";

const WEATHER_SIGNATURE =
  "CiwBjz1rX5J0Jni1UwQkH3SeTysS4TF4kGuzSS99EDy6+inHVbJu1Xo0pYpXeQprAY89a18NHhloDuIj0yld57PAo2oNpG6rOh/35G9rcOwGsXkiTJHGjRY2kvEit3Re266ZMK2YpihBVAkZllpxOWlb/QZN7Cial15OT3HGih3VCgpPirbUHnr1W3xjYncuUEWiboS9GunS2foKegGPPWtfqxLOOBCOHYMB1vAbHSWDwTHtlQmKO8gOjjB+E7rIAvoI5c/zje1zY9TIePouZwvtbh4hW0W0RkY1X0JqcVVCsdoxAa177NpMX32OsBI4ADKGIJWKfyUxHqYVTWqRPQCUm+vMMcCBkhEpQl1e4h+elfClBEXzClYBjz1rX3o0PFc+JJWTsLa7RFOQY12RaETWEvaTPmkUSJjWK0s+pMC6adOFzZMC/3NY4wPGdqSA/P5xnES40TQMQNvL9zL7G8O1sU6LExlHc9wVoyeOcw==";
const ADD_SIGNATURE =
  "Ci8Bjz1rXzqIUO4hDWx0cIAcS3Hli+/00t0xZ4R9333aTdPmmlba6GoelrnrKuw/5QpYAY89a1+iCNlnCLeZt0CFSSVel5kXqgPJj48xE+/YrJEhlVDNA03z0nIXONvDkvD+rzRU6eVqyqW/DXnkzlDMZfPtb+fkfZAbxATyw7AZKiLraxgziRvSgAp3AY89a19GL62f0CVqxq8XDq1IDLBlTjD225ayNTwB8S84TC6uBdF/KD8K9qz5o3Zcu8F4cqUuA0b8jvyuMrjS8Wyv5ZNuUgruWTbdjpuZV+JkjU74hDoom9EwIdI3A8AavPrGZiLXAdAkKQfAksXiEQOjlPiFwGYKNAGPPWtf/eKZatmuUApeWonkTgVe57SlMCNW/afNRK3Iw/inXuM2Y5IFJV0ogxj9SUEUsT0=";
const FLEX_SIGNATURE =
  "CiQBjz1rX+z7CAOCNB0aLI7ypObFNPY+MRlb2NP1K12YF4ii184KZgGPPWtf8hWSKLNch1ghUKZUmYaaRmvoMXkZVop6kweQzDMWIG7nNn9igFtO2jKfr8VDtw4byVxetzTlWZY2nUU/Z7pshr2eBGNxTri48NB34tOiyHQbdMdybqL9zFX/m1cxuicHdApgAY89a19xSDd9+/T7FW6jTh9alzbTEiH1njI2nlYFYD6y+VgsXW2wScKJaXhxofDcHjaKes6OBdGe+kEBSGfFbd8fawSdH4oDUp/OhBbLXgtAm11I51OHxiugcQ4+FNuWCq8BAY89a1/Py3Gcr79+yZBSsigstFRRfS0BXIujppw3oUlR9lPqxWaRaTSiawcPEXHk40n5OaOOtyPgdsvnCab6CJsZua9kmTsMykamYrVb8uVB4dC6950D7d2HJ1Fhhsx7TZfz6cex50yxmkZX65HEDddeKYKN4Sl9LIBG0ZUiEXSeOeD0x1vm8qqsZQgGbhUpx0h8q3xSFDEieXo8Z7g+3MsKRKHF6teaUdFfHC5FhQp7AY89a18yIC3GC/v2FK++vjgaen3A3yqEgVvz1K4LNs7gEGZWcJ+9T3jLsYvPuUDKdG1qdX26CgHpOoO2pNTen6beeDr00AuaOpDIK2uFyRL181W16TCAP2SRX84FKuxKuGo8Brcc7CVAzUcfpPjmcKoUym+oXYHLqxz3";

interface Scenario {
  name: string;
  events: () => SseEvent[];
  model: string[];
  text: string;
  signatures: string[];
  toolCalls: ToolCall[];
  usage: Partial<Usage>;
  usageReports: number;
  finish: StreamEvent & { type: "finish" };
}

const sse = (path: string) => () => decodeSse(fixtureBytes(path));

const SCENARIOS: Scenario[] = [
  {
    name: "plain text, CRLF CRLF separators, thoughts outside candidates (fantasy gemini-2.5-pro simple_streaming)",
    events: sse("fantasy/gemini-2-5-pro.simple_streaming.interaction0.sse"),
    model: ["gemini-2.5-pro"],
    text:
      "Of course!\n\n" +
      'The most common way is:\n\n*   **Oi** (sounds like "oy")\n\nYou can also say:\n\n*   **Olá** (sounds like "oh-lah")\n\n`Oi` is more informal and common, like "hi." `Olá` is a bit more like "hello." Both are used' +
      " all the time",
    signatures: [],
    toolCalls: [],
    // promptTokenCount 9; candidatesTokenCount 73 + thoughtsTokenCount 778 (totalTokenCount 860).
    usage: { input_tokens: 9, output_tokens: 851, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 778 },
    usageReports: 1,
    finish: { type: "finish", finish_reason: "stop", raw: "STOP" },
  },
  {
    name: "one whole function call with a thought signature (fantasy gemini-2.5-flash tool_streaming, turn 1)",
    events: sse("fantasy/gemini-2-5-flash.tool_streaming.interaction0.sse"),
    model: ["gemini-2.5-flash"],
    text: "",
    signatures: [WEATHER_SIGNATURE],
    toolCalls: [{ id: "call_hwCzaaiDK5-Ew-UP4tT9sAY_0", name: "weather", arguments: '{"location":"Florence,Italy"}' }],
    // 28 prompt; 5 candidates + 51 thoughts (total 84).
    usage: { input_tokens: 28, output_tokens: 56, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 51 },
    usageReports: 1,
    finish: { type: "finish", finish_reason: "tool_calls", raw: "STOP" },
  },
  {
    name: "answer after the function response (fantasy gemini-2.5-flash tool_streaming, turn 2)",
    events: sse("fantasy/gemini-2-5-flash.tool_streaming.interaction1.sse"),
    model: ["gemini-2.5-flash"],
    text: "The weather in Florence, Italy is 40 C.",
    signatures: [],
    toolCalls: [],
    // 89 prompt; 12 candidates, no thoughtsTokenCount (total 101).
    usage: { input_tokens: 89, output_tokens: 12, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 },
    usageReports: 1,
    finish: { type: "finish", finish_reason: "stop", raw: "STOP" },
  },
  {
    name: "two parallel calls, only the first signed (fantasy gemini-2.5-flash multi_tool_streaming, turn 1)",
    events: sse("fantasy/gemini-2-5-flash.multi_tool_streaming.interaction0.sse"),
    model: ["gemini-2.5-flash"],
    text: "",
    signatures: [ADD_SIGNATURE],
    toolCalls: [
      { id: "call_jACzae7uE_mew-UP9PGpKQ_0", name: "add", arguments: '{"b":3,"a":2}' },
      { id: "call_jACzae7uE_mew-UP9PGpKQ_1", name: "multiply", arguments: '{"b":3,"a":2}' },
    ],
    // 57 prompt; 10 candidates + 42 thoughts (total 109).
    usage: { input_tokens: 57, output_tokens: 52, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 42 },
    usageReports: 1,
    finish: { type: "finish", finish_reason: "tool_calls", raw: "STOP" },
  },
  {
    name: "answer after two function responses (fantasy gemini-2.5-flash multi_tool_streaming, turn 2)",
    events: sse("fantasy/gemini-2-5-flash.multi_tool_streaming.interaction1.sse"),
    model: ["gemini-2.5-flash"],
    text: "The sum of 2 and 3 is 5. The product of 2 and 3 is 6.",
    signatures: [],
    toolCalls: [],
    usage: { input_tokens: 115, output_tokens: 24, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 },
    usageReports: 1,
    finish: { type: "finish", finish_reason: "stop", raw: "STOP" },
  },
  {
    name: "Gemini 3 text part carrying a signature (pydantic-ai service_tier_flex_stream)",
    events: sse("pydantic-ai/test_google_vertex_service_tier_flex_stream.interaction0.sse"),
    model: ["gemini-3-flash-preview"],
    text: "OK",
    signatures: [FLEX_SIGNATURE],
    toolCalls: [],
    // 5 prompt; 1 candidate + 100 thoughts (total 106).
    usage: { input_tokens: 5, output_tokens: 101, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 100 },
    usageReports: 1,
    finish: { type: "finish", finish_reason: "stop", raw: "STOP" },
  },
  {
    name: "prompt blocked by Model Armor, no candidates (pydantic-ai model_armor)",
    events: () => jsonAsEvent(fixtureJson("pydantic-ai/test_google_model_armor_prompt_template_text_gets_blocked.200.json")),
    model: ["gemini-2.5-flash"],
    text: "",
    signatures: [],
    toolCalls: [],
    // usageMetadata is only {trafficType}: nothing to report.
    usage: {},
    usageReports: 0,
    finish: {
      type: "finish",
      finish_reason: "content_filter",
      raw: "MODEL_ARMOR",
      details: { block_reason_message: "The prompt violated Prompt Injection and Jailbreak filters." },
    },
  },
  {
    name: "streamed prompt block with usage (vercel-ai issue-19758-prompt-block)",
    events: () => chunkLinesToEvents(fixtureText("vercel-ai/issue-19758-prompt-block.chunks.txt")),
    model: ["gemini-3.7-flash"],
    text: "",
    signatures: [],
    toolCalls: [],
    usage: { input_tokens: 9, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 },
    usageReports: 1,
    finish: { type: "finish", finish_reason: "content_filter", raw: "PROHIBITED_CONTENT" },
  },
  {
    name: "usage repeated on every chunk, trailing empty part with a signature (vercel-ai gemini-3.7-flash)",
    events: sse("vercel-ai/google-stream-gemini-3.7-flash-2026-09-16.chunks.txt"),
    model: ["gemini-3.7-flash"],
    text: "fixture ok",
    signatures: [
      "EqkECqYEARFNMg+gQi3aPkE2hRW/Bg4AK2pNYqUDRt9IxseM7XQNgIzd3hjUAbUwrygYp1LFbcmhaVApsnGYfNg9tRQpbyIfM4kvNZBPQjHt2jAD8yz++ERR1v1hkEZCwSdUdlFTrQxjph64jvAzD06HCz7btatX7us9sUj7Ngs/HWfUBctKrR0uhmt9QNTS7dYEOYY3HDEDIqdafMIMWE+IvgDNFrGtDjuoLoMeg/22BQnOC9CP1QAPToI2t8hwokyeLgdNu+lzxKKoCRgedgQLxdLNYEtwHoTFj2QJTyuq6x9AXx77PhKpeo3QN4L+0rGfj/Taned2319X0ZGBQT3WFW1W68KYnrYVeJ50fUUu/6oOcicCqkGyP838Y0Xk0l41+xoHAzFSZoQbpTvft32mMJbz11Lghx0LWj6nYc73nST6iO4dFf8e2sXkSALkcJowt7/cphfz7nxaEMLc1JGl6sBTsT0HJDqW9fGAVUHk590lTRNrL6mQV4jhC8JeMJXNhuIjzBwV2lgZwnS6SLRKAGbjYsY2T5XmAeFrlQcYyo3VMFOHVMBOftyrCfHldMJJOHC48KrtUyblnHoHhKA5uKyLBIA9cxlNlO9LZF/LjxFwHJNEkz7c38Wocv2EgP0BIIYVcx7WACKRfb6AjL7fjPTx35upCUFmYL0YsEz+cf9FSxwIOPn6Vvgu+RSvUgxtQ3Mf4TBWez5nFsdmWv+oNs+fZ0AWkI1+Ww==",
    ],
    toolCalls: [],
    // The same totals on both chunks: 7 prompt; 2 candidates + 94 thoughts (total 103); reported once.
    usage: { input_tokens: 7, output_tokens: 96, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 94 },
    usageReports: 1,
    finish: { type: "finish", finish_reason: "stop", raw: "STOP" },
  },
  {
    name: "tool-use prompt tokens outside promptTokenCount (vercel-ai google-tool-use-usage)",
    events: () => jsonAsEvent(fixtureJson("vercel-ai/google-tool-use-usage.json")),
    model: ["gemini-3.6-flash"],
    text: "",
    signatures: [],
    toolCalls: [],
    // 55 prompt + 89 tool-use prompt; 51 candidates + 56 thoughts (total 251).
    usage: { input_tokens: 144, output_tokens: 107, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 56 },
    usageReports: 1,
    finish: { type: "finish", finish_reason: "stop", raw: "STOP" },
  },
];

describe("Gemini stream mapper: recordings", () => {
  for (const s of SCENARIOS) {
    test(s.name, () => {
      const d = digest(mapEvents(s.events()));
      expect(d.model).toEqual(s.model);
      expect(d.text).toBe(s.text);
      expect(d.reasoning).toBe("");
      expect(d.signatures).toEqual(s.signatures);
      expect(d.toolCalls).toEqual(s.toolCalls);
      expect(d.usage).toEqual(s.usage);
      expect(d.usageReports).toBe(s.usageReports);
      expect(d.finishes).toEqual([s.finish]);
      expect(d.ends).toBe(1);
      expect(d.endsLast).toBe(true);
    });
  }

  test("a function call is its signature, one delta with everything, then the call, in that order", () => {
    const events = mapEvents(decodeSse(fixtureBytes("fantasy/gemini-2-5-flash.tool_streaming.interaction0.sse")));
    expect(events).toEqual([
      { type: "model", model: "gemini-2.5-flash" },
      { type: "reasoning", content: "", signature: WEATHER_SIGNATURE },
      {
        type: "tool_call_delta",
        index: 0,
        id: "call_hwCzaaiDK5-Ew-UP4tT9sAY_0",
        name: "weather",
        arguments_delta: '{"location":"Florence,Italy"}',
      },
      { type: "tool_call", tool_call: { id: "call_hwCzaaiDK5-Ew-UP4tT9sAY_0", name: "weather", arguments: '{"location":"Florence,Italy"}' } },
      { type: "usage", usage: { input_tokens: 28, output_tokens: 56, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 51 } },
      { type: "finish", finish_reason: "tool_calls", raw: "STOP" },
      { type: "end" },
    ]);
  });

  test("parallel calls get dense indices and the signature only before the call it came with", () => {
    const events = mapEvents(decodeSse(fixtureBytes("fantasy/gemini-2-5-flash.multi_tool_streaming.interaction0.sse")));
    const kinds = events.map((e) => (e.type === "tool_call_delta" ? `delta${e.index}` : e.type));
    expect(kinds).toEqual(["model", "reasoning", "delta0", "tool_call", "delta1", "tool_call", "usage", "finish", "end"]);
  });

  test("a signed answer part gives the signature before the text it belongs to", () => {
    const events = mapEvents(decodeSse(fixtureBytes("pydantic-ai/test_google_vertex_service_tier_flex_stream.interaction0.sse")));
    expect(events.slice(0, 3)).toEqual([
      { type: "model", model: "gemini-3-flash-preview" },
      { type: "reasoning", content: "", signature: FLEX_SIGNATURE },
      { type: "content", content: "OK" },
    ]);
  });

  const SPLIT_FIXTURES = ["fantasy/gemini-2-5-pro.simple_streaming.interaction0.sse", "fantasy/gemini-2-5-flash.tool_streaming.interaction0.sse"];
  for (const path of SPLIT_FIXTURES) {
    test(`the same events whichever byte the network splits ${path} at`, () => {
      const bytes = fixtureBytes(path);
      const whole = JSON.stringify(mapEvents(decodeSse(bytes)));
      const differing: number[] = [];
      for (let at = 1; at < bytes.length; at++) {
        if (JSON.stringify(mapEvents(decodeSse(bytes, [at]))) !== whole) differing.push(at);
      }
      expect(differing).toEqual([]);
    });
  }
});

describe("Gemini stream mapper: arguments streamed in pieces (vercel-ai vertex partialArgs recording)", () => {
  const lines = fixtureText("vercel-ai/google-vertex-stream-tool-call-arguments-nested.1.chunks.txt");
  const events = mapEvents(chunkLinesToEvents(lines));
  const d = digest(events);
  // The signature the first line carries on its functionCall part.
  const first = JSON.parse(lines.split("\n")[0] as string) as { candidates: { content: { parts: { thoughtSignature: string }[] } }[] };
  const signature = first.candidates[0]?.content.parts[0]?.thoughtSignature;

  test("one call, announced at its first piece and completed with the assembled arguments", () => {
    expect(d.toolCalls.length).toBe(1);
    const call = d.toolCalls[0] as ToolCall;
    expect(call.id).toBe("call_tjXVaYaxFISTq8YP_MWiyAo_0");
    expect(call.name).toBe("cookRecipe");
    // Read off the 74 pieces: string values with one path continue each other ("...set aside" + ".").
    expect(JSON.parse(call.arguments)).toEqual({
      recipe: {
        ingredients: [
          { amount: "16 oz", name: "Lasagna noodles" },
          { amount: "1 lb", name: "Ground beef" },
          { amount: "15 oz", name: "Ricotta cheese" },
          { amount: "3 cups", name: "Mozzarella cheese" },
          { amount: "1/2 cup", name: "Parmesan cheese" },
          { amount: "24 oz", name: "Tomato sauce" },
          { amount: "1", name: "Egg" },
          { amount: "2 cloves", name: "Garlic" },
          { amount: "1 tsp", name: "Salt" },
          { amount: "1/2 tsp", name: "Pepper" },
        ],
        name: "Lasagna",
        steps: [
          "Preheat oven to 375°F (190°C).",
          "Cook lasagna noodles according to package directions, drain and set aside.",
          "Brown ground beef with minced garlic in a skillet. Drain fat and stir in tomato sauce. Simmer for 10 minutes.",
          "In a bowl, mix ricotta cheese, egg, salt, pepper, and Parmesan cheese.",
          "In a 9x13 baking dish, spread a thin layer of meat sauce.",
          "Layer noodles, ricotta mixture, mozzarella, and meat sauce. Repeat.",
          "Top with remaining mozzarella cheese.",
          "Cover with foil and bake for 25 minutes.",
          "Remove foil and bake for another 25 minutes until golden.",
          "Let stand for 15 minutes before serving.",
        ],
      },
    });
  });

  test("the announcement comes first, the arguments arrive whole, and the deltas spell the call", () => {
    expect(d.deltas.length).toBe(2);
    expect(d.deltas[0]).toEqual({ type: "tool_call_delta", index: 0, id: "call_tjXVaYaxFISTq8YP_MWiyAo_0", name: "cookRecipe", arguments_delta: "" });
    expect(d.deltas.map((delta) => delta.arguments_delta).join("")).toBe(d.toolCalls[0]?.arguments as string);
    const kinds = events.map((e) => e.type);
    expect(kinds).toEqual(["model", "reasoning", "tool_call_delta", "tool_call_delta", "tool_call", "usage", "finish", "end"]);
  });

  test("signature, usage and finish", () => {
    expect(typeof signature).toBe("string");
    expect(d.signatures).toEqual([signature as string]);
    // 31 prompt; 684 candidates + 1026 thoughts (total 1741).
    expect(d.usage).toEqual({ input_tokens: 31, output_tokens: 1710, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 1026 });
    expect(d.finishes).toEqual([{ type: "finish", finish_reason: "tool_calls", raw: "STOP" }]);
    expect(d.ends).toBe(1);
  });
});

/** Hand-built chunks for what the recordings do not show. */
function chunk(candidate: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): SseEvent {
  return { event: "message", data: JSON.stringify({ ...(candidate === undefined ? {} : { candidates: [candidate] }), ...extra }) };
}
const parts = (...list: unknown[]) => ({ content: { role: "model", parts: list } });

describe("Gemini stream mapper: cases built by hand", () => {
  test("thought parts are reasoning; a signed thought gives its signature after its text", () => {
    const events = mapEvents([
      chunk(parts({ text: "Thinking about it", thought: true })),
      chunk(parts({ text: " more.", thought: true, thoughtSignature: "sig-1" }, { text: "Answer." }), { responseId: "r" }),
      chunk({ ...parts({ text: "" }), finishReason: "STOP" }),
    ]);
    expect(events.filter((e) => e.type === "reasoning" || e.type === "content")).toEqual([
      { type: "reasoning", content: "Thinking about it" },
      { type: "reasoning", content: " more." },
      { type: "reasoning", content: "", signature: "sig-1" },
      { type: "content", content: "Answer." },
    ]);
  });

  test("a safety block keeps only the ratings that blocked, and the finish message", () => {
    const ratings = [
      { category: "HARM_CATEGORY_HATE_SPEECH", probability: "NEGLIGIBLE" },
      { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true },
    ];
    const d = digest(mapEvents([chunk({ content: { role: "model", parts: [] }, finishReason: "SAFETY", finishMessage: "blocked", safetyRatings: ratings })]));
    expect(d.finishes).toEqual([
      {
        type: "finish",
        finish_reason: "content_filter",
        raw: "SAFETY",
        details: { finish_message: "blocked", safety_ratings: [{ category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true }] },
      },
    ]);
    expect(d.ends).toBe(1);
  });

  test.each([
    ["MAX_TOKENS", "length"],
    ["RECITATION", "content_filter"],
    ["MALFORMED_FUNCTION_CALL", "other"],
    ["OTHER", "other"],
  ] as const)("finishReason %s → %s, then end", (raw, expected) => {
    const d = digest(mapEvents([chunk({ ...parts({ text: "x" }), finishReason: raw })]));
    expect(d.finishes).toEqual([{ type: "finish", finish_reason: expected, raw }]);
    expect(d.endsLast).toBe(true);
  });

  test("a call with an id of its own keeps it; calls without args have {} arguments", () => {
    const d = digest(mapEvents([chunk({ ...parts({ functionCall: { id: "fc-7", name: "now" } }), finishReason: "STOP" })]));
    expect(d.toolCalls).toEqual([{ id: "fc-7", name: "now", arguments: "{}" }]);
  });

  test("without a responseId, generated ids are call_<n>", () => {
    const d = digest(mapEvents([chunk({ ...parts({ functionCall: { name: "a", args: { x: 1 } } }, { functionCall: { name: "b", args: {} } }), finishReason: "STOP" })]));
    expect(d.toolCalls.map((c) => c.id)).toEqual(["call_0", "call_1"]);
  });

  test("a call still arriving in pieces is completed by the finish", () => {
    const d = digest(
      mapEvents([
        chunk(parts({ functionCall: { name: "write", willContinue: true } })),
        chunk(parts({ functionCall: { partialArgs: [{ jsonPath: "$.path", stringValue: "a.txt" }], willContinue: true } })),
        chunk({ ...parts({ functionCall: { partialArgs: [{ jsonPath: "$.size", numberValue: 3 }], willContinue: true } }), finishReason: "MAX_TOKENS" }),
      ]),
    );
    expect(d.toolCalls).toEqual([{ id: "call_0", name: "write", arguments: '{"path":"a.txt","size":3}' }]);
    expect(d.finishes[0]?.finish_reason).toBe("length");
  });

  test("an error object inside the stream throws a classified BridgeError", () => {
    const mapper = createGeminiMapper();
    const out: StreamEvent[] = [];
    mapper.map(chunk(parts({ text: "partial" })), out);
    let thrown: unknown;
    try {
      mapper.map({ event: "message", data: '{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}' }, out);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BridgeError);
    expect((thrown as BridgeError).code).toBe("OVERLOADED");
    expect((thrown as BridgeError).retryable).toBe(true);
    expect((thrown as BridgeError).message).toBe("vertex: The model is overloaded.");
  });

  test("malformed JSON is a STREAM_ERROR", () => {
    expect(() => mapEvents([{ event: "message", data: '{"candidates": [' }])).toThrow(expect.objectContaining({ code: "STREAM_ERROR" }) as unknown as Error);
  });

  test("nothing is mapped after the terminal chunk", () => {
    const events = mapEvents([chunk({ ...parts({ text: "done" }), finishReason: "STOP" }), chunk(parts({ text: "late" }))]);
    expect(events.map((e) => e.type)).toEqual(["content", "finish", "end"]);
  });
});

/**
 * The Converse stream mapper over real recorded ConverseStream bodies, run
 * through the project's event-stream decoder. Every expected value below was
 * read off the recordings by hand (each event decoded independently with
 * @smithy/eventstream-codec, deltas concatenated, usage copied from the
 * final `metadata` event), not produced by the mapper.
 */
import { describe, expect, test } from "bun:test";
import type { StreamEvent, ToolCall, Usage } from "../../../src/protocol/chunks.ts";
import { digest, joinedArguments } from "../anthropic-messages/replay.ts";
import { mapEvents, mapFixture } from "./replay.ts";

const SONNET_4_SIGNATURE =
  "Eu0CCkgIBxABGAIqQJDccbDQkr81n7QjZ0Fi43umSvw0YvnGkMPEpaGAa2btYHyWw06KhwckvsnKzpKcxiRJT35meoG4/pdrTUiy2UISDPDaEWfOl3+HlRVsCxoMzfiqBp252RMvpmEyIjCbQ97Ac9Epkr5mgxeu1vGtJg+fDWIg0UnpMM8NYknhhvJmsXpYrfquwGL1ZnlBslUq0gHtbAAPwlWPmiQXU7gDQCDW9IdMVyw42b4f5MrAlpWkPWOJc9H+yYv0TpP/jY72SD1opqwkWnBgkzbi7A2jPmEFzIMQSO1KDXha5ADqQ3cLYMmVdNTSH9wlM7G7/JJ2/cqowqkwD6/q1AnYzcPte9iC67fY1LYN0NMCOSABFojP1rmkv9YBEulx5Y6eQpeVXBQiIqcGoCmWSumpGBskS1KxGerUmzUB0JmJnTENv4x3fSGSUSEPqMiz6Ebao8sVkb1wCWuZEXWJGtiQLMIm1o471iEYAQ==";

const VERCEL_SIGNATURE =
  "Ep0CCkgICxABGAIqQOWPB6/PmA5SW9jC6FvaNq3E+U9ev4FMWcFWuAho+VGLCtazKc5WDjQ5i0MuxsY0o5pKDSVWVKii8KJDusXH4eASDK7jyzuk8iij7fJNihoMxHO9haYzt48R36HVIjCb/EmIFrJLIXShqN6DN//T6vZBtO9qj1QhNWJa3CGm8VZoq80S2/Ok4U0aVaIDiZcqggHC2b8BHuv8BHZrmsR0wjU1ynansBGMdfjnG+iIv8R5lPpRmYGhSVwNybwP3aQZ6o8Dr48Rau8TJfdsArW+r7bvL7bPs4f5nnlp2vG7WkMzWwABHK3fdM44zZ1GZQaWyECNWR2GfY6dXiklo94vgpFTPuZ97mfiN3LY6uYyBwL8RkDaGAE=";

// Redacted reasoning as the JSON protocol carries the blob: base64 text (of Claude's own base64 data).
const REDACTED_1 =
  "RXRrRUNrZ0lCeEFCR0FJcVFKVGZxUy9QWXVBRlplT2xzNlI4dUdOMDE0WU5UN1lESUZ1aE55eXdvWDFDamY5b0lZVGhYMXVjVUZKMWNmY2tkTjU1am96bVhpMVBFZ01mdWZQbUQ0NFNESEJ3OFlwNmdKOFlzL0d0M0JvTVlkTGFOVU9xcjdrL01BZVlJakJoUEljOXo4NUhySkFiZVM4SHovNjlSK3ZLSHBSYW5JMG4vQjY5ZG52Mm5lYlJlN0xLWmdIczJBbFZQRXROeXlvcXZnUDQ2M3FKNy9LdkRyQVBTbmhIUXFaOFRIOEpCQzRlWWI0UW93NWVYN2RJM1VYWS9EclEySU9XTEFESnFzaGNYQmc3emJONzhINGw2ZlRQOTdadHp6MHF3NGZhZFR6VGIzNmRSUjdwOHJzMnpBL3BIV2hLKzc1eHZVR2g4SWRMUHZNaWtLY2NIc3NIS2RjZXJ1NEpMRzFjTVZ0cTFDaTdaUEFiSFJVOC9Yc2pGdExXUEhlWUxmS0dKTjMzQzFNcFdYNW5RVTJCallJQ3M1SG4rOFo5U214aHAwNnJaWFRqWkFSaUV4cmQxZGdMbjUvNVBiRXpNTEp2L1EzYzZYSkg3a3g3aVVPNE5Bb25UVDFRM1dZMWNHYTM4VU5HWXVUVWFlM0NORkVaV2pTMjF0V1Jtalg0dDV3OEwwQnRRNURTYVcvWnpHZjB5elVLVWFTL2ZrVmpyMnh6dFFCdnlzRkZiYjdVclgrL2xOdzI2Q0hYS1VJWEZjWnpWOWwwSHJBNnozb1FycVNwbndlbS9wdC9DeGRoNVlRbFhxNkRTZHpzdHF3SkE1M245SGozb3NqVC92aUg0WTZONWRXTExCVFFCdmhVRXkyNEZobHl0RDNzY1lydkFxQ2R4VzlhRFNXK2UrRm9qNXZzalZBOVZGclhxWmVOU083N1FwNWRMdzVYY0E4Q0g2WUZURTZFV2VGVGtpNXZmVGZTSXcrbTRpblpHVnpJUmk4UWs5MEl6VzJFbnJ4R3R4M3dzRW41WEltUXIxdmcxTnBxMmpONnVpT1BPcDhuc0JnQg==";
const REDACTED_2 =
  "RXFBRENrZ0lCeEFCR0FJcVFCM2g1R3lISkQ0aG9jUmNoVXEySTQwQ2hSTGRweGpWbDB4Wmt5Vlpycms2SklKV2VJbnVSUWZKRzVuSnltbVFCakg5VkRlVjUzSC9EM1c5eGpJSnZQVVNETHY3alJDRjliNlR4MVo1RUJvTVN2M0NCdzR6VWpqU0RhcWxJakRCcEg3VjNZUUI1dHdVbXVsQXljRHlaUnZQM2xvdXB5Nm8yZXFyZktBWlpqcTNyd2tBcFdEOXFPcUpEM09FZmQ0cWhRSlpmT2NIczlidDV6Q3F6WWpvYUlreEUzcmFYbmhVSE9sd3ExSnE2MGJUUXQyU1FpSHFvWlRFaHQvRGVERUVncEZ5OVozMlp6My9BejBPUmdUaTNRRTU2SzE1T1hvNkdXTVBZcS9DVEoveHpQWGZIMC95b1E0RVAxMDNWZlZxdnltRXBYVXJ1NlJRR2tvdTQxTEtSSTkyZlJzcUNLK2pQT3B4ZUVENGt6N0NGaFFZTUh0dGs3Y09BRjg1U0UzbkNjcGxpQVJyTER2c0FwamdNRkFZbmluZVpRTUx3YXdtbkltNkVCNjFDMjBkQjFGdDd2TEcxVFM2Zm4yN0VCOEpaanIvamVDOE80WnlzS3Y1aVV4cE1sRFppYjhqRnN6Znp4Q1hkRlg3TlZLTzkrZEg4Y1czUnNKODBrekJwNnh5b1FoWFNGeDcyakZsbHdEeThlK1FsSTNPSWh3ZUo4SVlBUT09";

interface Scenario {
  name: string;
  file: string;
  text: string;
  reasoning?: string;
  signatures?: string[];
  redacted?: string[];
  toolCalls?: ToolCall[];
  usage: Partial<Usage>;
  finish: StreamEvent & { type: "finish" };
}

const P = "pydantic-ai/";

const SCENARIOS: Scenario[] = [
  {
    name: "plain text, nova-micro (pydantic-ai model_stream)",
    file: `${P}test_bedrock_model_stream.yaml.interaction0.body.bin`,
    text: 'The capital of France is Paris. Paris is not only the capital city but also the most populous city in France, and it is a major center for culture, commerce, fashion, and international diplomacy. Known for its historical landmarks, such as the Eiffel Tower, the Louvre Museum, and Notre-Dame Cathedral, Paris is often referred to as "The City of Light" or "The City of Love."',
    // metadata: inputTokens 13, outputTokens 82, totalTokens 95; no cache figures.
    usage: { input_tokens: 13, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 82 },
    finish: { type: "finish", finish_reason: "stop", raw: "end_turn" },
  },
  {
    name: "text then a tool call (pydantic-ai iter_stream, turn 1)",
    file: `${P}test_bedrock_model_iter_stream.yaml.interaction0.body.bin`,
    // The same text pydantic-ai sent back in the recorded turn-2 request.
    text: '<thinking> To find the temperature of the capital of France, I need to first determine the capital of France and then get the current temperature in that city. The capital of France is Paris. I will use the "get_temperature" tool to find the current temperature in Paris.</thinking>\n',
    toolCalls: [{ id: "tooluse_lAG_zP8QRHmSYOwZzzaCqA", name: "get_temperature", arguments: '{"city":"Paris"}' }],
    usage: { input_tokens: 471, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 91 },
    finish: { type: "finish", finish_reason: "tool_calls", raw: "tool_use" },
  },
  {
    name: "answer after the tool result (pydantic-ai iter_stream, turn 2)",
    file: `${P}test_bedrock_model_iter_stream.yaml.interaction1.body.bin`,
    text: "The current temperature in Paris, the capital of France, is 30°C.",
    usage: { input_tokens: 577, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 18 },
    finish: { type: "finish", finish_reason: "stop", raw: "end_turn" },
  },
  {
    name: "Claude reasoning text + signature, then text (pydantic-ai thinking_part_stream)",
    file: `${P}test_bedrock_model_thinking_part_stream.yaml.interaction0.body.bin`,
    text: "Hello! It's nice to meet you. How can I help you today?",
    reasoning:
      'The user has greeted me with a simple "Hello". I should respond in a friendly and welcoming manner. This is a straightforward greeting, so I\'ll respond warmly and ask how I can help them today.',
    signatures: [SONNET_4_SIGNATURE],
    usage: { input_tokens: 36, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 73 },
    finish: { type: "finish", finish_reason: "stop", raw: "end_turn" },
  },
  {
    name: "two redacted reasoning blocks, then text (pydantic-ai thinking_part_redacted_stream)",
    file: `${P}test_bedrock_model_thinking_part_redacted_stream.yaml.interaction0.body.bin`,
    text: "I notice you've sent what appears to be some kind of command or trigger string, but I don't respond to special codes or triggers. That string doesn't have any special meaning to me.\n\nIf you have a question you'd like to discuss or need assistance with something, I'd be happy to help in a straightforward conversation. What would you like to talk about today?",
    redacted: [REDACTED_1, REDACTED_2],
    usage: { input_tokens: 92, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 253 },
    finish: { type: "finish", finish_reason: "stop", raw: "end_turn" },
  },
  {
    name: "server tool (nova_code_interpreter) ignored, client tool kept at index 0 (pydantic-ai code_execution)",
    file: `${P}test_bedrock_model_code_execution_tool_stream.yaml.interaction0.body.bin`,
    text: "",
    toolCalls: [{ id: "tooluse_ptgCcZ0uQu-UUMz0abqoWw", name: "final_result", arguments: '{"result":7006652.0}' }],
    usage: { input_tokens: 1002, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 59 },
    finish: { type: "finish", finish_reason: "tool_calls", raw: "tool_use" },
  },
  {
    name: "empty text delta, unsigned reasoning (pydantic-ai gpt-oss empty_text_delta)",
    file: `${P}test_bedrock_model_stream_empty_text_delta.yaml.interaction0.body.bin`,
    text: "Hello! How can I help you today?",
    reasoning: 'The user just says "Hi". We need to respond appropriately, friendly greeting. No special instructions. Should be short.',
    usage: { input_tokens: 70, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 43 },
    finish: { type: "finish", finish_reason: "stop", raw: "end_turn" },
  },
  {
    name: "decoded events: reasoning with an empty delta and a signature (vercel/ai amazon-bedrock-reasoning)",
    file: "vercel-ai/amazon-bedrock-reasoning.chunks.txt",
    text: 'There are **3** r\'s in "strawberry":\n\n1. st**r**awbe**r****r**y',
    reasoning: "Let me count the r's in \"strawberry\":\n\ns-t-r-a-w-b-e-r-r-y\n\nr appears at positions 3, 8, and 9.\n\nSo there are 3 r's.",
    signatures: [VERCEL_SIGNATURE],
    usage: { input_tokens: 51, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 94 },
    // additionalModelResponseFields.delta.stop_sequence is null: no details.
    finish: { type: "finish", finish_reason: "stop", raw: "end_turn" },
  },
];

describe("recorded streams", () => {
  for (const s of SCENARIOS) {
    test(s.name, () => {
      const events = mapFixture(s.file);
      const d = digest(events);
      expect(d.text).toBe(s.text);
      expect(d.reasoning).toBe(s.reasoning ?? "");
      expect(d.signatures).toEqual(s.signatures ?? []);
      expect(d.redacted).toEqual(s.redacted ?? []);
      expect(d.toolCalls).toEqual(s.toolCalls ?? []);
      expect(d.usage).toEqual(s.usage);
      expect(d.usageReports).toBe(1);
      expect(d.finishes).toEqual([s.finish]);
      expect(d.model).toEqual([]);
      expect(d.heartbeats).toBe(0);
      // `end` exactly once, and last: messageStop and metadata both arrived.
      expect(d.ends).toBe(1);
      expect(events[events.length - 1]).toEqual({ type: "end" });
      // No empty content or reasoning chunks (the recordings have empty deltas).
      expect(events.filter((e) => (e.type === "content" || e.type === "reasoning") && e.content === "" && !("signature" in e) && !("redacted" in e))).toEqual([]);
      (s.toolCalls ?? []).forEach((call, i) => {
        expect(joinedArguments(d, i)).toBe(call.arguments);
        expect(d.deltas.find((delta) => delta.index === i)).toMatchObject({ id: call.id, name: call.name });
      });
      expect(new Set(d.deltas.map((delta) => delta.index))).toEqual(new Set((s.toolCalls ?? []).map((_, i) => i)));
    });
  }

  test("the same bodies fed in 1-, 13- and 257-byte pieces map to the same events", () => {
    for (const s of SCENARIOS.filter((x) => x.file.endsWith(".bin"))) {
      const whole = mapFixture(s.file);
      for (const size of [1, 13, 257]) expect(mapFixture(s.file, size)).toEqual(whole);
    }
  });
});

describe("event order in recordings", () => {
  test("tool call: announcing delta, the input fragment, then the call, then finish (iter_stream)", () => {
    const events = mapFixture(`${P}test_bedrock_model_iter_stream.yaml.interaction0.body.bin`).filter((e) => e.type !== "content");
    expect(events).toEqual([
      { type: "tool_call_delta", index: 0, id: "tooluse_lAG_zP8QRHmSYOwZzzaCqA", name: "get_temperature", arguments_delta: "" },
      { type: "tool_call_delta", index: 0, arguments_delta: '{"city":"Paris"}' },
      { type: "tool_call", tool_call: { id: "tooluse_lAG_zP8QRHmSYOwZzzaCqA", name: "get_temperature", arguments: '{"city":"Paris"}' } },
      { type: "finish", finish_reason: "tool_calls", raw: "tool_use" },
      { type: "usage", usage: { input_tokens: 471, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 91 } },
      { type: "end" },
    ]);
  });

  test("signature follows the reasoning text and precedes the answer (thinking_part_stream)", () => {
    const events = mapFixture(`${P}test_bedrock_model_thinking_part_stream.yaml.interaction0.body.bin`);
    const signatureAt = events.findIndex((e) => e.type === "reasoning" && e.signature !== undefined);
    const lastReasoningText = events.findLastIndex((e) => e.type === "reasoning" && e.content !== "");
    const firstContent = events.findIndex((e) => e.type === "content");
    expect(lastReasoningText).toBeLessThan(signatureAt);
    expect(signatureAt).toBeLessThan(firstContent);
    expect(events[signatureAt]).toEqual({ type: "reasoning", content: "", signature: SONNET_4_SIGNATURE });
  });
});

// Synthetic events for what the recordings do not show. Shapes follow the
// recorded ones replayed above (test/fixtures/bedrock, see its PROVENANCE.md) and
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html.
type Ev = { type: string; body: Record<string, unknown> };
const ev = (type: string, body: Record<string, unknown> = {}): Ev => ({ type, body });
const toolStart = (index: number, id: string, name: string): Ev => ev("contentBlockStart", { contentBlockIndex: index, start: { toolUse: { toolUseId: id, name } } });
const toolInput = (index: number, input: string): Ev => ev("contentBlockDelta", { contentBlockIndex: index, delta: { toolUse: { input } } });
const text = (index: number, t: string): Ev => ev("contentBlockDelta", { contentBlockIndex: index, delta: { text: t } });
const stop = (index: number): Ev => ev("contentBlockStop", { contentBlockIndex: index });
const messageStop = (reason: string, extra: Record<string, unknown> = {}): Ev => ev("messageStop", { stopReason: reason, ...extra });
const metadata = (usage: Record<string, unknown>): Ev => ev("metadata", { usage, metrics: { latencyMs: 1 } });

describe("synthetic streams", () => {
  test("metadata before messageStop: end comes after the second of the two, once", () => {
    const out = mapEvents([ev("messageStart", { role: "assistant" }), text(0, "hi"), stop(0), metadata({ inputTokens: 1, outputTokens: 2 }), messageStop("end_turn")]);
    expect(out).toEqual([
      { type: "content", content: "hi" },
      { type: "usage", usage: { input_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 2 } },
      { type: "finish", finish_reason: "stop", raw: "end_turn" },
      { type: "end" },
    ]);
  });

  test("no end without metadata, and none without messageStop", () => {
    expect(mapEvents([text(0, "a"), messageStop("end_turn")]).some((e) => e.type === "end")).toBe(false);
    expect(mapEvents([text(0, "a"), metadata({ inputTokens: 1, outputTokens: 1 })]).some((e) => e.type === "end")).toBe(false);
  });

  test("events after the end are ignored", () => {
    const out = mapEvents([messageStop("end_turn"), metadata({ inputTokens: 1, outputTokens: 1 }), text(0, "late"), messageStop("max_tokens"), metadata({})]);
    expect(out.filter((e) => e.type === "end")).toHaveLength(1);
    expect(out.filter((e) => e.type === "content" || e.type === "finish")).toEqual([{ type: "finish", finish_reason: "stop", raw: "end_turn" }]);
  });

  test("a second messageStop before metadata gives no second finish", () => {
    const out = mapEvents([messageStop("end_turn"), messageStop("max_tokens"), metadata({ outputTokens: 1 })]);
    expect(out.filter((e) => e.type === "finish")).toEqual([{ type: "finish", finish_reason: "stop", raw: "end_turn" }]);
  });

  test("unknown and Invoke-style event types are ignored", () => {
    const out = mapEvents([
      ev("citationDelta", { x: 1 }),
      ev("message_start", { type: "message_start" }),
      text(0, "ok"),
      ev("contentBlockDelta", { contentBlockIndex: 0, delta: { citation: { title: "t" } } }),
    ]);
    expect(out).toEqual([{ type: "content", content: "ok" }]);
  });

  test("two tool calls with text between: dense indices, each completed at its own block stop", () => {
    const out = mapEvents([
      text(0, "Let me look."),
      stop(0),
      toolStart(1, "tooluse_a", "read"),
      toolInput(1, '{"path":'),
      toolInput(1, '"a.ts"}'),
      stop(1),
      toolStart(2, "tooluse_b", "list"),
      stop(2),
      messageStop("tool_use"),
    ]);
    expect(out).toEqual([
      { type: "content", content: "Let me look." },
      { type: "tool_call_delta", index: 0, id: "tooluse_a", name: "read", arguments_delta: "" },
      { type: "tool_call_delta", index: 0, arguments_delta: '{"path":' },
      { type: "tool_call_delta", index: 0, arguments_delta: '"a.ts"}' },
      { type: "tool_call", tool_call: { id: "tooluse_a", name: "read", arguments: '{"path":"a.ts"}' } },
      { type: "tool_call_delta", index: 1, id: "tooluse_b", name: "list", arguments_delta: "" },
      // No input at all: the wire promises complete JSON, and "{}" is what such a call means.
      { type: "tool_call", tool_call: { id: "tooluse_b", name: "list", arguments: "{}" } },
      { type: "finish", finish_reason: "tool_calls", raw: "tool_use" },
    ]);
  });

  test("a tool block never stopped is completed at messageStop", () => {
    const out = mapEvents([toolStart(0, "t1", "f"), toolInput(0, "{}"), messageStop("max_tokens")]);
    expect(out.slice(-2)).toEqual([
      { type: "tool_call", tool_call: { id: "t1", name: "f", arguments: "{}" } },
      { type: "finish", finish_reason: "length", raw: "max_tokens" },
    ]);
  });

  test("toolUse input for a block that never started as a client tool is ignored", () => {
    expect(mapEvents([toolInput(3, '{"x":1}'), stop(3)])).toEqual([]);
  });

  test("Claude's matched stop sequence goes into finish details", () => {
    const out = mapEvents([messageStop("stop_sequence", { additionalModelResponseFields: { delta: { stop_sequence: "###" } } })]);
    expect(out).toEqual([{ type: "finish", finish_reason: "stop", raw: "stop_sequence", details: { stop_sequence: "###" } }]);
  });

  test("messageStop without a stopReason finishes as other, with no raw reason", () => {
    expect(mapEvents([messageStop("")])).toEqual([{ type: "finish", finish_reason: "other" }]);
  });

  test("cache figures are added into input_tokens", () => {
    const out = mapEvents([metadata({ inputTokens: 2, cacheWriteInputTokens: 1322, cacheReadInputTokens: 0, outputTokens: 5, totalTokens: 1329 })]);
    expect(out).toEqual([{ type: "usage", usage: { input_tokens: 1324, cache_read_tokens: 0, cache_write_tokens: 1322, output_tokens: 5 } }]);
  });

  test("one delta carrying reasoning text and signature yields both, text first", () => {
    const out = mapEvents([ev("contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { text: "hm", signature: "sig" } } })]);
    expect(out).toEqual([
      { type: "reasoning", content: "hm" },
      { type: "reasoning", content: "", signature: "sig" },
    ]);
  });
});

/**
 * Hand-back of per-item provider data (wire/README.md, "Handing back
 * reasoning"): two-turn tool loops over recordings/, where the second turn is
 * built from the first turn's chunks as an editor would build it, and the
 * second request's body must carry the data verbatim. The expected values
 * are read off the first turn's recorded SSE by hand, never with the mapper.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { bodyText, type Interaction, loadCassette } from "../support/cassette.ts";
import { createHarness } from "../support/in-process.ts";
import { type Json, RECORDINGS, type StreamResult, sentBody, single, streamChat, withReplay } from "./replay.ts";

const KEY = "hand-back-key-not-a-secret-0001";
const QUESTION = "What's the weather in Florence, Italy?";
const WEATHER = [
  { name: "weather", description: "Get weather information for a location", parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] } },
];

/** Every `delta` of a recorded Chat Completions stream, in order. */
function recordedDeltas(it: Interaction): Json[] {
  const out: Json[] = [];
  for (const line of bodyText(it).split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "" || data === "[DONE]") continue;
    const delta = (JSON.parse(data) as Json).choices?.[0]?.delta;
    if (delta) out.push(delta as Json);
  }
  return out;
}

/** The assistant turn an editor keeps from a stream: one reasoning part per reasoning chunk, then the tool calls. */
function assistantTurn(result: StreamResult): Json {
  const content: Json[] = [];
  for (const line of result.lines) {
    const data = (line as Json).data as Json | undefined;
    if (data?.type === "reasoning") content.push({ type: "reasoning", text: data.content, ...(data.provider_data && { provider_data: data.provider_data }) });
    if (data?.type === "tool_call") content.push({ type: "tool_call", ...data.tool_call, ...(data.provider_data && { provider_data: data.provider_data }) });
  }
  return { role: "assistant", content };
}

interface Loop {
  file: string;
  provider: string;
  prefix: string;
}

/** Turn one over the recording's first answer, turn two over its second (or the first again): the second request's assistant message. */
async function twoTurns(loop: Loop): Promise<{ first: Interaction; result: StreamResult; assistant: Json }> {
  const recorded = await loadCassette(join(RECORDINGS, `${loop.file}.ndjson`));
  const first = recorded.interactions[0]!;
  const model = (first.request.body as Json | undefined)?.model ?? "m";
  const run = (turn: number, messages: Json[]) =>
    withReplay(single(recorded, Math.min(turn, recorded.interactions.length - 1)), async (server) => {
      const params = { model, base_url: `${server.url}${loop.prefix}`, credentials: { api_key: KEY }, messages, tools: WEATHER };
      const result = await streamChat(createHarness(), `${loop.file}#${turn}`, loop.provider, params);
      return { result, body: sentBody(server) };
    });
  const { result } = await run(0, [{ role: "user", content: QUESTION }]);
  expect(result.error).toBeUndefined();
  const turn = assistantTurn(result);
  const calls = (turn.content as Json[]).filter((part) => part.type === "tool_call");
  expect(calls.length).toBeGreaterThan(0);
  const { body } = await run(1, [
    { role: "user", content: QUESTION },
    turn,
    { role: "tool", content: calls.map((call) => ({ type: "tool_result", tool_call_id: call.id, content: "40 C" })) },
  ]);
  const assistant = (body.messages as Json[]).find((message) => message.role === "assistant");
  expect(assistant).toBeDefined();
  return { first, result, assistant: assistant! };
}

describe("provider data handed back on the second turn of a tool loop", () => {
  test("deepseek: the turn's reasoning_content goes back on the assistant message (no provider_data needed)", async () => {
    const { first, result, assistant } = await twoTurns({ file: "deepseek/chat-reasoning-tool", provider: "deepseek", prefix: "" });
    const recorded = recordedDeltas(first)
      .map((delta) => (typeof delta.reasoning_content === "string" ? delta.reasoning_content : ""))
      .join("");
    expect(recorded.length).toBeGreaterThan(0);
    expect(result.reasoning).toBe(recorded);
    expect(assistant.reasoning_content).toBe(recorded);
    expect(assistant).not.toHaveProperty("reasoning_details");
    expect(assistant.tool_calls.length).toBe(1);
  });

  test("openrouter: the streamed reasoning_details come back verbatim as the assistant message's reasoning_details", async () => {
    const { first, result, assistant } = await twoTurns({ file: "openrouter/reasoning-tool", provider: "openrouter", prefix: "/api/v1" });
    const recorded = recordedDeltas(first).flatMap((delta) => (Array.isArray(delta.reasoning_details) ? delta.reasoning_details : []));
    expect(recorded.length).toBeGreaterThan(0);
    // One reasoning chunk, with no text of its own, carries them, before the tool call.
    const carriers = result.lines.filter((line) => ((line as Json).data as Json | undefined)?.provider_data !== undefined).map((line) => (line as Json).data as Json);
    expect(carriers).toEqual([{ type: "reasoning", content: "", provider_data: { reasoning_details: recorded } }]);
    expect(assistant.reasoning_details).toEqual(recorded);
    expect(assistant).not.toHaveProperty("reasoning_content");
  });

  test("gemini's OpenAI endpoint: each tool call's extra_content (thought_signature) comes back on its tool_calls entry", async () => {
    const { first, result, assistant } = await twoTurns({ file: "openai_compatible/gemini-tools-no-index", provider: "openai_compatible", prefix: "/v1beta/openai" });
    const recorded = recordedDeltas(first).flatMap((delta) => (Array.isArray(delta.tool_calls) ? delta.tool_calls : []).map((call: Json) => call.extra_content));
    expect(recorded.length).toBe(2);
    expect(recorded[0].google.thought_signature).toBeString();
    const calls = result.lines.map((line) => (line as Json).data as Json | undefined).filter((data) => data?.type === "tool_call");
    expect(calls.map((call) => call!.provider_data)).toEqual(recorded.map((extra) => (extra === undefined ? undefined : { extra_content: extra })));
    expect((assistant.tool_calls as Json[]).map((call) => call.extra_content)).toEqual(recorded);
    // The generic endpoint hands back no reasoning field.
    expect(assistant).not.toHaveProperty("reasoning_content");
    expect(assistant).not.toHaveProperty("reasoning_details");
  });

  test("a server without the flag gets no reasoning field, whatever the parts carry", async () => {
    const recorded = await loadCassette(join(RECORDINGS, "deepseek/chat-reasoning-tool.ndjson"));
    await withReplay(single(recorded, 1), async (server) => {
      const messages = [
        { role: "user", content: QUESTION },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "thinking", provider_data: { reasoning_details: [{ type: "reasoning.text", text: "thinking" }] } },
            { type: "tool_call", id: "call_1", name: "weather", arguments: "{}" },
          ],
        },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "call_1", content: "40 C" }] },
      ];
      await streamChat(createHarness(), "plain", "openai_compatible", { model: "m", base_url: server.url, credentials: { api_key: KEY }, messages, tools: WEATHER });
      const assistant = (sentBody(server).messages as Json[])[1]!;
      expect(assistant).not.toHaveProperty("reasoning_content");
      expect(assistant).not.toHaveProperty("reasoning_details");
      expect(assistant.tool_calls[0]).not.toHaveProperty("extra_content");
    });
  });
});

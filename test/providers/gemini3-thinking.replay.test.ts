/**
 * Gemini 3 with a thinking level, replayed through the real Server and our
 * Vertex provider over loopback. The recording (fantasy, gemini-3-pro-preview
 * with thinkingLevel HIGH and includeThoughts) was made on the Gemini
 * Developer API; its streamGenerateContent body has the same shape as
 * Vertex's, so it replays with `strictPath: false` and the test checks the
 * Vertex path it received itself.
 *
 * Every expected value is read here from the recorded SSE (never from
 * src/formats); usage figures were read by hand from the recorded
 * usageMetadata. Request bodies are not compared with the recorded ones
 * (the request encoder is being rewritten), except that turn 2 carries
 * the call's signature and id back.
 */
import { describe, expect, test } from "bun:test";
import { createHarness } from "../support/in-process.ts";
import { asRecordedCalls, expectSentOnce, interaction, recordedGemini, recording, sentBody, single, streamChat, uncachedUsage, withReplay, type Json } from "./replay.ts";

const TOKEN = "ya29.fake.gemini3.replay.token";
const FILE = "gemini-3-pro-thinking-tool";
const MODEL = "gemini-3-pro-preview";
const LOOSE = { strictPath: false } as const;

const SYSTEM = { role: "system", content: "You are a helpful assistant" };
const WEATHER_TOOL = {
  name: "weather",
  description: "Get weather information for a location",
  parameters: { type: "object", properties: { location: { type: "string", description: "the city" } }, required: ["location"] },
};

function params(url: string, messages: Json[]): Json {
  return {
    base_url: url,
    project: "test-project",
    location: "global",
    credentials: { access_token: TOKEN },
    model: MODEL,
    max_tokens: 4000,
    reasoning: { effort: "high" },
    tools: [WEATHER_TOOL],
    tool_choice: "auto",
    messages,
  };
}

const QUESTION = { role: "user", content: "What's the weather in Florence, Italy?" };

function usageOf(metadata: Json): Json {
  // Wire usage: input = prompt; output = candidates + thoughts (thoughts sit outside candidatesTokenCount); reasoning = thoughts.
  return uncachedUsage(metadata.promptTokenCount, metadata.candidatesTokenCount + metadata.thoughtsTokenCount, metadata.thoughtsTokenCount);
}

describe("gemini 3 thinking replay (through vertex)", () => {
  test("turn 1: no thought text, a signed functionCall whose id is kept, finish, usage with thoughts", async () => {
    const cassette = await recording("vertex", FILE);
    const it = interaction(cassette, 0);
    const expected = recordedGemini(it);
    // The recording: thinkingLevel HIGH asked, one signed call with an id, no thought text, answered by 3.1.
    expect((it.request.body as Json).generationConfig.thinkingConfig).toEqual({ includeThoughts: true, thinkingLevel: "HIGH" });
    expect(expected.calls).toEqual([{ id: "9d532gc9", name: "weather", args: { location: "Florence, Italy" } }]);
    expect(expected.signatures.length).toBe(1);
    expect(expected.thoughts).toBe("");
    expect(expected.modelVersion).toBe("gemini-3.1-pro-preview");
    // 65 prompt, 16 candidates, 94 thoughts.
    expect(usageOf(expected.usage!)).toMatchObject({ input_tokens: 65, output_tokens: 110, reasoning_tokens: 94 });

    const harness = createHarness();
    await withReplay(
      single(cassette, 0),
      async (server) => {
        const result = await streamChat(harness, "g3-1", "vertex", params(server.url, [SYSTEM, QUESTION]));
        expect(result.error).toBeUndefined();
        expect(result.retries).toEqual([]);
        expect(result.content).toBe(expected.content);
        expect(result.reasoning).toBe(expected.thoughts);
        expect(result.signatures).toEqual(expected.signatures);
        expect(asRecordedCalls(result.toolCalls, expected.calls)).toEqual(expected.calls);
        // The call's signature travels as a reasoning chunk right before that call's first delta.
        const data = result.lines.map((line) => line.data as Json);
        const firstDelta = data.findIndex((d) => d.type === "tool_call_delta");
        expect(data[firstDelta - 1]).toEqual({ type: "reasoning", content: "", signature: expected.signatures[0] });

        const done = result.done!;
        expect(done.finish_reason).toBe("tool_calls");
        expect(done.raw_finish_reason).toBe(expected.finishReason);
        expect(done.model).toBe(expected.modelVersion);
        expect(done.usage).toEqual(usageOf(expected.usage!));

        expectSentOnce(server, `/v1/projects/test-project/locations/global/publishers/google/models/${MODEL}:streamGenerateContent?alt=sse`, { authorization: `Bearer ${TOKEN}` });
      },
      LOOSE,
    );
  });

  test("turn 2: handing back the signed call and its result; text, then a signed empty text part at the finish", async () => {
    const cassette = await recording("vertex", FILE);
    const first = recordedGemini(interaction(cassette, 0));
    const second = recordedGemini(interaction(cassette, 1));
    expect(second.content).toBe("The current weather in Florence, Italy is 40°C (104°F). Stay cool, it's quite hot!");
    expect(second.signatures.length).toBe(1);
    expect(second.calls).toEqual([]);
    // The final usageMetadata is the one that counts: 189 prompt, 29 candidates, 68 thoughts (earlier events said 95 prompt).
    expect(usageOf(second.usage!)).toMatchObject({ input_tokens: 189, output_tokens: 97, reasoning_tokens: 68 });
    // The tool result is the editor's own: take it from the recorded turn-2 request.
    const recordedContents = (interaction(cassette, 1).request.body as Json).contents as Json[];
    const response = recordedContents.at(-1)!.parts[0].functionResponse as Json;
    expect(response.id).toBe(first.calls[0]!.id);

    const harness = createHarness();
    await withReplay(
      cassette,
      async (server) => {
        const turn1 = await streamChat(harness, "g3-t1", "vertex", params(server.url, [SYSTEM, QUESTION]));
        expect(turn1.done?.finish_reason).toBe("tool_calls");
        const assistant: Json[] = [];
        for (const data of turn1.lines.map((line) => line.data as Json)) {
          if (data.type === "reasoning" && data.signature !== undefined) assistant.push({ type: "reasoning", text: "", signature: data.signature });
          if (data.type === "tool_call") assistant.push({ type: "tool_call", ...data.tool_call });
        }
        const turn2 = await streamChat(
          harness,
          "g3-t2",
          "vertex",
          params(server.url, [
            SYSTEM,
            QUESTION,
            { role: "assistant", content: assistant },
            { role: "tool", content: [{ type: "tool_result", tool_call_id: turn1.toolCalls[0]!.id, content: response.response.result }] },
          ]),
        );
        expect(turn2.error).toBeUndefined();
        expect(turn2.content).toBe(second.content);
        expect(turn2.reasoning).toBe("");
        expect(turn2.signatures).toEqual(second.signatures);
        expect(turn2.toolCalls).toEqual([]);
        expect(turn2.done?.finish_reason).toBe("stop");
        expect(turn2.done?.raw_finish_reason).toBe(second.finishReason);
        expect(turn2.done?.model).toBe(second.modelVersion);
        expect(turn2.done?.usage).toEqual(usageOf(second.usage!));

        // Not the recorded body (encoder in flux): only that the signature and the call id went back with the call.
        const contents = sentBody(server, 1).contents as Json[];
        const parts = contents.flatMap((content) => content.parts as Json[]);
        const call = parts.find((part) => part.functionCall !== undefined);
        expect(call?.thoughtSignature).toBe(first.signatures[0]);
        expect(call?.functionCall.name).toBe("weather");
        expect(parts.some((part) => part.functionResponse?.name === "weather")).toBe(true);
      },
      LOOSE,
    );
  });
});

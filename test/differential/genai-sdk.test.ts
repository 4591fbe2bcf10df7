/**
 * Differential test against Google's `@google/genai` (Vertex mode): every
 * Gemini streaming turn of the recordings/vertex cassettes is replayed once
 * to the SDK's `models.generateContentStream(...)` and once through our
 * server in-process, and what the editor would end up with must agree: text,
 * thought text, function calls (name, args), finish reason and usage.
 *
 * Pointing the SDK at loopback offline: `vertexai: true` with `project`,
 * `location` and `httpOptions.baseUrl` = the replay server. The SDK always
 * asks google-auth-library for request headers in Vertex mode (a custom
 * Authorization header in httpOptions.headers does not stop that lookup,
 * which would go to ADC / the metadata server), so it is handed
 * `googleAuthOptions.authClient`: an OAuth2Client holding a fixed access
 * token with a far expiry, which answers `getRequestHeaders` without any
 * network call. The SDK calls `/v1beta1/...` (its Vertex default); the
 * replay server ignores paths here (`strictPath: false`).
 *
 * The expected side is derived from the SDK's chunks by the rules written
 * here (PROTOCOL.md usage: output = candidates + thoughts; a finish-reason
 * table), never from our mappers.
 */
import { GoogleGenAI, type GenerateContentResponse, type GoogleGenAIOptions } from "@google/genai";
import { describe, expect, test } from "bun:test";
import { OAuth2Client } from "google-auth-library";
import { join } from "node:path";
import { loadCassette, type Cassette } from "../support/cassette.ts";
import { createHarness } from "../support/in-process.ts";
import { chunkStep, interaction, RECORDINGS, single, streamChat, withReplay, type Json } from "../providers/replay.ts";

const TOKEN = "ya29.fake.genai.differential.token";
const PROJECT = "test-project";

/** Gemini finishReason → wire finish_reason (PROTOCOL.md vocabulary); STOP after function calls is tool_calls. */
const FINISH: Record<string, string> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  MODEL_ARMOR: "content_filter",
  IMAGE_SAFETY: "content_filter",
};

function sdkClient(baseUrl: string, location: string): GoogleGenAI {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000, token_type: "Bearer" });
  // @google/genai carries its own nested google-auth-library copy, so the class types differ though the client is the same code.
  const googleAuthOptions = { authClient } as unknown as NonNullable<GoogleGenAIOptions["googleAuthOptions"]>;
  return new GoogleGenAI({ vertexai: true, project: PROJECT, location, httpOptions: { baseUrl }, googleAuthOptions });
}

interface Seen {
  text: string;
  thoughts: string;
  calls: Array<{ name: string | undefined; args: unknown }>;
  finish: string | undefined;
  usage: Json | undefined;
  model: string | undefined;
}

async function viaSdk(client: GoogleGenAI, model: string, request: Json): Promise<Seen> {
  const seen: Seen = { text: "", thoughts: "", calls: [], finish: undefined, usage: undefined, model: undefined };
  const stream = await client.models.generateContentStream({
    model,
    contents: request.contents,
    config: { ...(request.systemInstruction !== undefined && { systemInstruction: request.systemInstruction }) },
  });
  for await (const chunk of stream as AsyncIterable<GenerateContentResponse>) {
    seen.model ??= chunk.modelVersion;
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall !== undefined) seen.calls.push({ name: part.functionCall.name, args: part.functionCall.args });
      else if (part.thought === true) seen.thoughts += part.text ?? "";
      else seen.text += part.text ?? "";
    }
    if (candidate?.finishReason !== undefined) seen.finish = candidate.finishReason;
    if (chunk.usageMetadata?.promptTokenCount !== undefined) seen.usage = chunk.usageMetadata as Json;
  }
  return seen;
}

/** PROTOCOL.md usage from Gemini's usageMetadata: thoughts sit outside candidates; tool-use prompt tokens are input. */
function unified(usage: Json): Json {
  const thoughts = usage.thoughtsTokenCount ?? 0;
  return {
    input_tokens: usage.promptTokenCount + (usage.toolUsePromptTokenCount ?? 0),
    output_tokens: (usage.candidatesTokenCount ?? 0) + thoughts,
    cache_read_tokens: usage.cachedContentTokenCount ?? 0,
    cache_write_tokens: 0,
    reasoning_tokens: thoughts,
  };
}

interface Case {
  name: string;
  file: string;
  turn: number;
  model: string;
  location: string;
  /** Our params for the same turn (the SDK gets the recorded request's contents). */
  params: Json;
  edit?: (cassette: Cassette) => Cassette;
}

const SYSTEM = { role: "system", content: "You are a helpful assistant" };
const TEXT = { messages: [SYSTEM, { role: "user", content: "Say hi in Portuguese" }] };
const WEATHER = { messages: [SYSTEM, { role: "user", content: "What's the weather in Florence,Italy?" }] };
const MATH = {
  messages: [
    { role: "system", content: "You are a helpful assistant. Always use both add and multiply at the same time." },
    { role: "user", content: "Add and multiply the number 2 and 3" },
  ],
};

/** gemini-text with one thought part in front: no recording streams thought text. */
function withThought(cassette: Cassette): Cassette {
  const it = interaction(cassette, 0);
  const thought = {
    candidates: [{ content: { role: "model", parts: [{ text: "The user wants a greeting.", thought: true }] } }],
    usageMetadata: { trafficType: "ON_DEMAND" },
    modelVersion: "gemini-2.5-pro",
  };
  return { ...cassette, interactions: [{ ...it, body: [chunkStep(`data: ${JSON.stringify(thought)}\r\n\r\n`), ...it.body] }] };
}

const CASES: Case[] = [
  { name: "gemini-text", file: "gemini-text", turn: 0, model: "gemini-2.5-pro", location: "us-central1", params: TEXT },
  { name: "gemini-text with a thought part edited in", file: "gemini-text", turn: 0, model: "gemini-2.5-pro", location: "us-central1", params: TEXT, edit: withThought },
  { name: "gemini-tool-call turn 0", file: "gemini-tool-call", turn: 0, model: "gemini-2.5-flash", location: "us-central1", params: WEATHER },
  { name: "gemini-tool-call turn 1", file: "gemini-tool-call", turn: 1, model: "gemini-2.5-flash", location: "us-central1", params: WEATHER },
  { name: "gemini-multi-tool turn 0", file: "gemini-multi-tool", turn: 0, model: "gemini-2.5-flash", location: "us-central1", params: MATH },
  { name: "gemini-multi-tool turn 1", file: "gemini-multi-tool", turn: 1, model: "gemini-2.5-flash", location: "us-central1", params: MATH },
  {
    name: "gemini-flex-global turn 0",
    file: "gemini-flex-global",
    turn: 0,
    model: "gemini-3-flash-preview",
    location: "global",
    params: { messages: [{ role: "user", content: "Reply with exactly: OK" }] },
  },
];

describe("@google/genai vs ours on the Vertex Gemini cassettes", () => {
  test.each(CASES)("$name", async ({ file, turn, model, location, params, edit }) => {
    const loaded = await loadCassette(join(RECORDINGS, "vertex", `${file}.ndjson`));
    const cassette = single(edit ? edit(loaded) : loaded, edit ? 0 : turn);
    const request = interaction(loaded, turn).request.body as Json;

    const sdk = await withReplay(
      cassette,
      async (server) => {
        const seen = await viaSdk(sdkClient(server.url, location), model, request);
        // The SDK really went to the loopback server, with our token.
        expect(server.requests.length).toBe(1);
        expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
        expect(server.requests[0]!.path).toContain(`/projects/${PROJECT}/locations/${location}/publishers/google/models/${model}:streamGenerateContent`);
        return seen;
      },
      { strictPath: false },
    );

    // Ours: turn 1 is replayed on its own (the conversation that led to it does not change the answer bytes).
    const harness = createHarness();
    const ours = await withReplay(
      cassette,
      (server) => streamChat(harness, `${file}-${turn}`, "vertex", { model, base_url: server.url, project: PROJECT, location, credentials: { access_token: TOKEN }, ...params }),
      { strictPath: false },
    );

    expect(ours.error).toBeUndefined();
    expect(ours.content).toBe(sdk.text);
    expect(ours.reasoning).toBe(sdk.thoughts);
    if (edit) expect(sdk.thoughts).not.toBe("");
    expect(ours.toolCalls.map((call): Seen["calls"][number] => ({ name: call.name, args: JSON.parse(call.arguments) }))).toEqual(sdk.calls);
    expect(sdk.finish).toBeDefined();
    const finish = FINISH[sdk.finish!] ?? "other";
    expect(ours.done?.finish_reason).toBe(finish === "stop" && sdk.calls.length > 0 ? "tool_calls" : finish);
    expect(ours.done?.raw_finish_reason).toBe(sdk.finish);
    expect(sdk.usage).toBeDefined();
    expect(ours.done?.usage).toMatchObject(unified(sdk.usage!));
    expect(ours.done?.model).toBe(sdk.model);
  });
});

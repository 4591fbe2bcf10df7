/**
 * Differential test against the official `openai` SDK: every streaming turn
 * of the OpenAI cassettes is replayed once to the SDK's own stream helpers
 * (`chat.completions.stream(...).finalChatCompletion()`,
 * `responses.stream(...).finalResponse()`) and once through our server
 * in-process with the dialect forced by `params.api`. What the editor ends
 * up with must agree with what the SDK accumulated: text, reasoning text,
 * reasoning signatures (encrypted reasoning), tool calls, finish reason,
 * usage and model.
 *
 * The expected side is derived from the SDK's result by rules written here
 * (PROTOCOL.md usage semantics, finish-reason tables), never from our mappers.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import OpenAI from "openai";
import type { ChatCompletion } from "openai/resources/chat/completions";
import type { Response } from "openai/resources/responses/responses";
import { loadCassette, type Cassette, type Interaction } from "../support/cassette.ts";
import { createHarness, terminalOf, type Line } from "../support/in-process.ts";
import { startReplayServer } from "../support/replay-server.ts";

const RECORDINGS = join(import.meta.dir, "../../recordings/openai");
type Api = "chat" | "responses";
const CASSETTES: { name: string; api: Api }[] = [
  { name: "chat-text", api: "chat" },
  { name: "chat-tool-call", api: "chat" },
  { name: "chat-parallel-tools", api: "chat" },
  { name: "responses-text", api: "responses" },
  { name: "responses-tool-call", api: "responses" },
  { name: "responses-reasoning", api: "responses" },
];
const API_KEY = "sk-test-differential";

/** Chat Completions finish_reason → wire finish_reason (PROTOCOL.md vocabulary). */
const CHAT_FINISH: Record<string, string> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  function_call: "tool_calls", // the deprecated spelling of the same thing
  content_filter: "content_filter",
};

/** Responses `incomplete_details.reason` → wire finish_reason. */
const RESPONSES_INCOMPLETE: Record<string, string> = {
  max_output_tokens: "length",
  content_filter: "content_filter",
};

type UsageFigures = {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
};

interface Outcome {
  model: string;
  text: string;
  reasoning: string;
  signatures: string[];
  toolCalls: { id: string; name: string; input: unknown }[];
  finish_reason: string;
  usage: UsageFigures;
}

interface Expected {
  outcome: Outcome;
  /** Usage figures the SDK's usage object does not carry, so ours are estimates. */
  estimated: string[];
}

/** Usage from OpenAI figures: `prompt_tokens`/`input_tokens` already include cached tokens, output includes reasoning. */
function usageOf(figures: { input: number; output: number; cached?: number | undefined; written?: number | undefined; reasoning?: number | undefined }): {
  usage: UsageFigures;
  estimated: string[];
} {
  const estimated: string[] = [];
  const part = (value: number | undefined, field: string): number => {
    if (value !== undefined) return value;
    estimated.push(field);
    return 0;
  };
  const usage: UsageFigures = {
    input_tokens: figures.input,
    output_tokens: figures.output,
    cache_read_tokens: part(figures.cached, "cache_read_tokens"),
    cache_write_tokens: part(figures.written, "cache_write_tokens"),
    reasoning_tokens: part(figures.reasoning, "reasoning_tokens"),
  };
  return { usage, estimated };
}

function fromChatCompletion(completion: ChatCompletion): Expected {
  const choice = completion.choices[0];
  if (choice === undefined) throw new Error("SDK completion has no choice");
  const message = choice.message;
  const u = completion.usage;
  if (u === undefined) throw new Error("SDK completion has no usage (include_usage chunk missing?)");
  // The SDK types do not know cache_write_tokens yet; OpenAI sends it on newer answers.
  const details = u.prompt_tokens_details as { cached_tokens?: number; cache_write_tokens?: number } | undefined;
  const { usage, estimated } = usageOf({
    input: u.prompt_tokens,
    output: u.completion_tokens,
    cached: details?.cached_tokens,
    written: details?.cache_write_tokens,
    reasoning: u.completion_tokens_details?.reasoning_tokens,
  });
  const refused = typeof message.refusal === "string" && message.refusal !== "";
  return {
    outcome: {
      model: completion.model,
      // A refusal is what the user should read, so it is part of the text.
      text: (message.content ?? "") + (message.refusal ?? ""),
      reasoning: "",
      signatures: [],
      toolCalls: (message.tool_calls ?? []).flatMap((call) =>
        call.type === "function" ? [{ id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments || "{}") }] : [],
      ),
      finish_reason: refused ? "refusal" : (CHAT_FINISH[choice.finish_reason] ?? "other"),
      usage,
    },
    estimated,
  };
}

/**
 * `itemDoneBlobs`: the `encrypted_content` of each reasoning item as its
 * `response.output_item.done` event carried it, in order.
 *
 * Documented difference: OpenAI sends each reasoning item's encrypted blob
 * twice, in `response.output_item.done` and again in `response.completed`,
 * and the two copies are different bytes (Fernet tokens minted a moment
 * apart: same length, new timestamp and IV; recorded in responses-text and
 * responses-reasoning). `finalResponse()` keeps the `response.completed`
 * copy; we pass on the `output_item.done` copy as soon as the item is done,
 * which is equally the provider's own token for the same reasoning. So our
 * signatures are compared with the item-done copies the SDK parsed, and the
 * final response must hold exactly as many blobs.
 */
function fromResponse(response: Response, itemDoneBlobs: string[]): Expected {
  let text = "";
  let refused = false;
  const reasoning: string[] = [];
  const finalBlobs: string[] = [];
  const toolCalls: Outcome["toolCalls"] = [];
  for (const item of response.output) {
    if (item.type === "message") {
      for (const part of item.content) {
        if (part.type === "output_text") text += part.text;
        else if (part.type === "refusal") {
          text += part.refusal;
          refused = true;
        }
      }
    } else if (item.type === "reasoning") {
      // Summary parts of one item are separate paragraphs; raw reasoning text follows as is.
      reasoning.push(item.summary.map((s) => s.text).join("\n\n"));
      for (const c of item.content ?? []) reasoning.push(c.text);
      if (item.encrypted_content) finalBlobs.push(item.encrypted_content);
    } else if (item.type === "function_call") {
      toolCalls.push({ id: item.call_id, name: item.name, input: JSON.parse(item.arguments || "{}") });
    }
  }
  let finish: string;
  if (response.status === "incomplete") finish = RESPONSES_INCOMPLETE[response.incomplete_details?.reason ?? ""] ?? "other";
  else if (refused) finish = "refusal";
  else if (toolCalls.length > 0) finish = "tool_calls";
  else finish = "stop";
  if (finalBlobs.length !== itemDoneBlobs.length) {
    throw new Error(`SDK saw ${itemDoneBlobs.length} reasoning blobs in output_item.done but ${finalBlobs.length} in the final response`);
  }
  const signatures = itemDoneBlobs;
  const u = response.usage;
  if (u === undefined || u === null) throw new Error("SDK response has no usage");
  const inputDetails = u.input_tokens_details as { cached_tokens?: number; cache_write_tokens?: number } | undefined;
  const { usage, estimated } = usageOf({
    input: u.input_tokens,
    output: u.output_tokens,
    cached: inputDetails?.cached_tokens,
    written: inputDetails?.cache_write_tokens,
    reasoning: u.output_tokens_details?.reasoning_tokens,
  });
  return {
    outcome: { model: response.model, text, reasoning: reasoning.join(""), signatures, toolCalls, finish_reason: finish, usage },
    estimated,
  };
}

function fromOurs(lines: Line[]): { outcome: Outcome; estimated: string[] } {
  const chunks = lines.filter((l) => l.streaming).map((l) => l.data as Record<string, any>);
  const reasoning = chunks.filter((c) => c.type === "reasoning");
  const done = terminalOf(lines);
  if (!done.success) throw new Error(`our server failed: ${JSON.stringify(done.error)}`);
  const { estimated, ...usage } = done.data.usage;
  return {
    outcome: {
      model: done.data.model,
      text: chunks
        .filter((c) => c.type === "content")
        .map((c) => c.content)
        .join(""),
      reasoning: reasoning.map((c) => c.content).join(""),
      signatures: reasoning.flatMap((c) => (c.signature === undefined ? [] : [c.signature])),
      toolCalls: chunks.filter((c) => c.type === "tool_call").map((c) => ({ id: c.tool_call.id, name: c.tool_call.name, input: JSON.parse(c.tool_call.arguments) })),
      finish_reason: done.data.finish_reason,
      usage,
    },
    estimated,
  };
}

function isStream(it: Interaction): boolean {
  return it.response.status === 200 && (it.response.headers["content-type"] ?? "").startsWith("text/event-stream");
}

function requestModel(it: Interaction): string {
  const body = it.request.body as { model?: unknown } | undefined;
  return typeof body?.model === "string" ? body.model : "gpt-4o";
}

interface Turn {
  name: string;
  api: Api;
  cassette: Cassette;
  interaction: Interaction;
}

const turns: Turn[] = [];
for (const { name, api } of CASSETTES) {
  const cassette = await loadCassette(join(RECORDINGS, `${name}.ndjson`));
  const streams = cassette.interactions.filter(isStream);
  streams.forEach((interaction, i) => {
    turns.push({ name: streams.length > 1 ? `${name} turn ${i + 1}` : name, api, cassette, interaction });
  });
}

function client(url: string): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: API_KEY, maxRetries: 0 });
}

async function sdkOutcome(api: Api, url: string, model: string): Promise<Expected> {
  if (api === "chat") {
    const completion = await client(url)
      .chat.completions.stream({ model, messages: [{ role: "user", content: "hi" }], stream_options: { include_usage: true } })
      .finalChatCompletion();
    return fromChatCompletion(completion);
  }
  const itemDoneBlobs: string[] = [];
  const stream = client(url)
    .responses.stream({ model, input: "hi" })
    .on("response.output_item.done", (event) => {
      if (event.item.type === "reasoning" && event.item.encrypted_content) itemDoneBlobs.push(event.item.encrypted_content);
    });
  return fromResponse(await stream.finalResponse(), itemDoneBlobs);
}

function ourRequest(api: Api, url: string, model: string): unknown {
  return {
    id: "diff",
    action: "stream_chat",
    provider: "openai",
    params: {
      model,
      api,
      messages: [{ role: "user", content: "hi" }],
      base_url: `${url}/v1`,
      credentials: { api_key: API_KEY },
      max_retries: 0,
    },
  };
}

/**
 * chat-prompt-cache is listed with the streaming cassettes but was recorded
 * without streaming: each answer is one `application/json` chat.completion.
 * Handed to a streaming client, there is no event stream to read. Neither
 * side may invent an answer from it: the SDK's stream helper rejects, and we
 * end with one STREAM_ERROR line (nothing written before it, so not partial).
 */
const NON_STREAMING = ["chat-prompt-cache"];

const PATHS: Record<Api, string> = { chat: "POST /v1/chat/completions", responses: "POST /v1/responses" };

describe("differential: openai SDK vs our server on recorded streams", () => {
  test("every listed cassette has at least one streaming turn", () => {
    for (const { name } of CASSETTES) expect(turns.some((t) => t.name === name || t.name.startsWith(`${name} turn`))).toBe(true);
  });

  test.each(turns.map((t) => [t.name, t] as const))("%s", async (_name, turn) => {
    // The same recorded answer twice: first to the SDK, then to us.
    const server = await startReplayServer({ ...turn.cassette, interactions: [turn.interaction, turn.interaction] });
    try {
      const model = requestModel(turn.interaction);
      const expected = await sdkOutcome(turn.api, server.url, model);
      const ours = fromOurs(await createHarness().run(ourRequest(turn.api, server.url, model)));
      // Both clients really hit the recorded endpoint (a 599 mismatch would have failed both).
      expect(server.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`)).toEqual([PATHS[turn.api], PATHS[turn.api]]);
      expect(ours.outcome).toEqual(expected.outcome);
      expect(ours.estimated).toEqual(expected.estimated);
    } finally {
      await server.close();
    }
  });

  test.each(NON_STREAMING)("%s (JSON answer to a streaming request): both refuse", async (name) => {
    const cassette = await loadCassette(join(RECORDINGS, `${name}.ndjson`));
    for (const interaction of cassette.interactions) {
      expect(interaction.response.headers["content-type"]).toStartWith("application/json");
      const server = await startReplayServer({ ...cassette, interactions: [interaction, interaction] });
      try {
        const model = requestModel(interaction);
        const sdk = client(server.url)
          .chat.completions.stream({ model, messages: [{ role: "user", content: "hi" }], stream_options: { include_usage: true } })
          .finalChatCompletion();
        await expect(sdk).rejects.toThrow();
        const lines = await createHarness().run(ourRequest("chat", server.url, model));
        expect(lines.filter((l) => l.streaming)).toEqual([]);
        const terminal = terminalOf(lines);
        expect(terminal.success).toBe(false);
        expect(terminal.error).toMatchObject({ code: "STREAM_ERROR", partial: false });
        expect(server.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`)).toEqual([PATHS.chat, PATHS.chat]);
      } finally {
        await server.close();
      }
    }
  });
});

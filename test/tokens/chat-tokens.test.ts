import { describe, expect, test } from "bun:test";
import type { ChatParams, ContentPart, Message, ToolDefinition } from "../../src/protocol/chat.ts";
import { countChatTokens } from "../../src/tokens/chat-tokens.ts";
import { encodingForModel, getEncoder } from "../../src/tokens/tiktoken.ts";
import fixture from "../fixtures/tokens/recorded-prompts.json" with { type: "json" };

/**
 * Real Chat Completions requests with the prompt_tokens the API billed for
 * them (test/fixtures/tokens/recorded-prompts.json, provenance per case).
 *
 * Without tool definitions the count must be exact. With tools OpenAI's
 * rendering is unpublished and chat-tokens.ts reconstructs it, partly by
 * fitting; there we allow 2% of the billed count, at least 2 tokens. Results
 * at the time of writing: without tools 5 of 5 exact; with tools 9 of 15
 * exact, gpt-5/gpt-5-mini second turns +1 (3 cases), the 19-tool gpt-4o run
 * -5/-4/-4 (multi-line Python docstrings in the descriptions). Five of the
 * exact ones are exact by construction (the gpt-5 first turns and the
 * gpt-4o-mini run: constants were fitted to them, see chat-tokens.ts); the
 * four cookbook cases were not used for fitting.
 */
const TOOL_TOLERANCE_RATIO = 0.02;
const TOOL_TOLERANCE_MIN = 2;

interface OpenAIRequest {
  model: string;
  messages: Array<{
    role: string;
    content?: string | null | Array<{ type: string; text: string }>;
    tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  tools?: Array<{ function: { name: string; description?: string; parameters: Record<string, unknown> } }>;
}

/** The request as our wire carries it, which is what countChatTokens reads. */
function toChatParams(body: OpenAIRequest): ChatParams {
  const messages = body.messages.map((m): Message => {
    if (m.role === "tool") {
      return {
        role: "tool",
        content: [{ type: "tool_result", tool_call_id: m.tool_call_id ?? "", content: textOf(m.content) }],
      };
    }
    const parts: ContentPart[] = [];
    if (typeof m.content === "string") parts.push({ type: "text", text: m.content });
    else for (const p of m.content ?? []) parts.push({ type: "text", text: p.text });
    for (const call of m.tool_calls ?? []) {
      parts.push({ type: "tool_call", id: call.id, name: call.function.name, arguments: call.function.arguments });
    }
    if (m.role !== "system" && m.role !== "user" && m.role !== "assistant") throw new Error(`role ${m.role}`);
    return { role: m.role, content: parts };
  });
  const params: ChatParams = { model: body.model, messages };
  if (body.tools !== undefined) {
    params.tools = body.tools.map(
      ({ function: f }): ToolDefinition =>
        f.description === undefined ? { name: f.name, parameters: f.parameters } : { name: f.name, description: f.description, parameters: f.parameters },
    );
  }
  return params;
}

function textOf(content: OpenAIRequest["messages"][number]["content"]): string {
  if (typeof content === "string") return content;
  return (content ?? []).map((p) => p.text).join("");
}

async function count(params: ChatParams): Promise<number> {
  const encoding = encodingForModel(params.model);
  if (encoding === undefined) throw new Error(`no encoding for ${params.model}`);
  return countChatTokens(params, await getEncoder(encoding));
}

const cases = fixture.cases as unknown as Array<{ id: string; prompt_tokens: number; request: OpenAIRequest }>;

describe("recorded requests without tools: exact", () => {
  const plain = cases.filter((c) => c.request.tools === undefined);
  test("the fixture has such requests for several models", () => {
    expect(new Set(plain.map((c) => c.request.model)).size).toBeGreaterThanOrEqual(4);
  });
  test.each(plain.map((c) => [c.id, c]))("%s", async (_id, c) => {
    expect(await count(toChatParams(c.request))).toBe(c.prompt_tokens);
  });
});

describe("recorded requests with tools: within 2% (min 2 tokens)", () => {
  const withTools = cases.filter((c) => c.request.tools !== undefined);
  test.each(withTools.map((c) => [c.id, c]))("%s", async (_id, c) => {
    const got = await count(toChatParams(c.request));
    const tolerance = Math.max(TOOL_TOLERANCE_MIN, Math.floor(c.prompt_tokens * TOOL_TOLERANCE_RATIO));
    expect(Math.abs(got - c.prompt_tokens)).toBeLessThanOrEqual(tolerance);
  });
});

describe("message parts", () => {
  const base: Message[] = [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Describe this picture." },
  ];

  test("a string and a single text part count the same", async () => {
    const asString = await count({ model: "gpt-4o", messages: base });
    const asParts = await count({
      model: "gpt-4o",
      messages: base.map((m) => ({ role: m.role, content: [{ type: "text", text: m.content as string }] })),
    });
    expect(asParts).toBe(asString);
  });

  test("an image adds OpenAI's 1024x1024 detail:auto cost, 85 + 4 x 170", async () => {
    const without = await count({ model: "gpt-4o", messages: base });
    const withImage = await count({
      model: "gpt-4o",
      messages: [
        base[0]!,
        {
          role: "user",
          content: [
            { type: "text", text: "Describe this picture." },
            { type: "image", media_type: "image/png", data: "iVBORw0KGgo=" },
          ],
        },
      ],
    });
    expect(withImage - without).toBe(765);
  });

  test("reasoning parts are not sent to Chat Completions, so they cost nothing", async () => {
    const plain: ChatParams = {
      model: "gpt-5",
      messages: [...base, { role: "assistant", content: "A cat." }],
    };
    const withReasoning: ChatParams = {
      model: "gpt-5",
      messages: [
        ...base,
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "Looking at the pixels..." },
            { type: "text", text: "A cat." },
          ],
        },
      ],
    };
    expect(await count(withReasoning)).toBe(await count(plain));
  });

  test.each(["gpt-4o", "gpt-5"])("%s: results in one message count as the separate tool messages they become", async (model) => {
    const calls: Message = {
      role: "assistant",
      content: [
        { type: "tool_call", id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "tool_call", id: "c2", name: "get_weather", arguments: '{"city":"Rome"}' },
      ],
    };
    const together = await count({
      model,
      messages: [
        ...base,
        calls,
        {
          role: "tool",
          content: [
            { type: "tool_result", tool_call_id: "c1", content: "sunny" },
            { type: "tool_result", tool_call_id: "c2", content: [{ type: "text", text: "rain" }] },
          ],
        },
      ],
    });
    const apart = await count({
      model,
      messages: [
        ...base,
        calls,
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "c1", content: "sunny" }] },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "c2", content: "rain" }] },
      ],
    });
    expect(together).toBe(apart);
  });

  test("a result whose call is not in the conversation is still counted", async () => {
    const before = await count({ model: "gpt-4o", messages: base });
    const after = await count({
      model: "gpt-4o",
      messages: [...base, { role: "tool", content: [{ type: "tool_result", tool_call_id: "gone", content: "ok" }] }],
    });
    expect(after).toBeGreaterThan(before);
  });

  test("truncated call arguments do not throw", async () => {
    const params: ChatParams = {
      model: "gpt-4o",
      messages: [
        ...base,
        {
          role: "assistant",
          content: [
            { type: "tool_call", id: "a", name: "f", arguments: '{"x": 1' },
            { type: "tool_call", id: "b", name: "g", arguments: "" },
          ],
        },
      ],
    };
    expect(await count(params)).toBeGreaterThan(await count({ model: "gpt-4o", messages: base }));
  });
});

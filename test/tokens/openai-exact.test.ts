import { describe, expect, test } from "bun:test";
import { familyOf } from "../../src/tokens/families.ts";
import { countLocally } from "../../src/tokens/local-count.ts";
import { encodingForModel } from "../../src/tokens/tiktoken.ts";
import { loadPairs, type Pair } from "./calibration/fit-model.ts";

/**
 * OpenAI-made models against what OpenAI billed, on the recorded pairs of
 * test/fixtures/tokens/pairs/ (OpenAI, Azure and OpenRouter hosts). Each
 * request is counted as the route it was recorded on.
 */
const pairs = loadPairs().filter((p) => familyOf(p.model) === "openai" && (p.dialect === "chat" || p.dialect === "responses"));

/** The route the executable counts: OpenRouter sends OpenAI's models to Responses whatever it is asked (src/providers/compatible.ts). */
const routeOf = (pair: Pair) => (pair.dialect === "responses" || pair.host === "openrouter" ? "responses" : "chat");

async function count(pair: Pair) {
  return countLocally(pair.params, { provider: pair.host, encoding: encodingForModel(pair.model), route: routeOf(pair) });
}

const plainText = (pair: Pair) =>
  pair.params.tools === undefined && !pair.has_images && pair.params.messages.every((m) => typeof m.content === "string" || m.content.every((part) => part.type === "text"));

/**
 * Chat requests of plain text that still miss, each measured and left as is:
 * o1-mini bills 8 tokens more, so it is answered `exact: false`; the
 * YAML-document request bills 19 under the count of its 12,661-character text
 * and stays unexplained (its text went through pydantic-ai's YAML
 * re-serialisation). (gpt-4o-search-preview's +11 is not among the pairs:
 * its request carries web_search_options, which the collector leaves out.)
 */
const KNOWN_MISSES: Record<string, number> = {
  "openai/pydantic-ai/test_system_prompt_role_o1_mini.yaml#0": 8,
  "openai/pydantic-ai/test_yaml_document_url_input.yaml#1": -19,
};

describe("OpenAI-made models on Chat Completions, plain text", () => {
  const chat = pairs.filter((p) => p.dialect === "chat" && plainText(p));

  test("the recordings hold such requests for several models and hosts", () => {
    expect(new Set(chat.map((p) => p.model)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(chat.map((p) => p.host))).toEqual(new Set(["openai", "azure", "openrouter"]));
  });

  test("billed == counted, except the measured misses", async () => {
    const misses: Record<string, number> = {};
    for (const pair of chat) {
      const { input_tokens } = await count(pair);
      if (input_tokens !== pair.billed) misses[pair.id] = pair.billed - input_tokens;
    }
    // OpenRouter's gpt-5-mini second turn: its reasoning went back in OpenRouter's `reasoning_details`, which the collector does not carry.
    expect(misses).toEqual({ ...KNOWN_MISSES, "openrouter/pydantic-ai/test_openrouter_preserve_reasoning_block.yaml#1": 2 });
  });
});

describe("exact: true is never wrong", () => {
  test("every recorded request answered exact: true was billed exactly that count (the unexplained YAML request aside)", async () => {
    const wrong: string[] = [];
    let exact = 0;
    for (const pair of pairs) {
      const answer = await count(pair);
      if (!answer.exact) continue;
      exact++;
      if (answer.input_tokens !== pair.billed && KNOWN_MISSES[pair.id] === undefined) wrong.push(`${pair.id}: ${answer.input_tokens} for ${pair.billed}`);
    }
    expect(wrong).toEqual([]);
    expect(exact).toBeGreaterThanOrEqual(15);
  });

  test("o1-mini and search models are not claimed exact", async () => {
    const pair = pairs.find((p) => p.id === "openai/pydantic-ai/test_system_prompt_role_o1_mini.yaml#0");
    expect(pair).toBeDefined();
    expect((await count(pair!)).exact).toBe(false);
    const search = await countLocally({ model: "gpt-4o-search-preview", messages: [{ role: "user", content: "What day is today?" }] }, { encoding: "o200k_base" });
    expect(search.exact).toBe(false);
  });
});

describe("the route that will be used", () => {
  const reasoningWithTools = pairs.filter((p) => p.params.tools !== undefined && /gpt-5|^o\d/.test(p.model) && p.params.messages.length <= 2);

  test("a reasoning model's first turn with tools: within 3 tokens counted as its own route, 80+ off counted as the other", async () => {
    expect(reasoningWithTools.length).toBeGreaterThanOrEqual(8);
    for (const pair of reasoningWithTools) {
      const own = await count(pair);
      const other = await countLocally(pair.params, { encoding: "o200k_base", route: routeOf(pair) === "responses" ? "chat" : "responses" });
      expect(Math.abs(own.input_tokens - pair.billed)).toBeLessThanOrEqual(3);
      expect(Math.abs(other.input_tokens - pair.billed)).toBeGreaterThanOrEqual(70);
    }
  });
});

describe("gpt-oss on other hosts", () => {
  const oss = loadPairs().filter((p) => familyOf(p.model) === "gpt-oss" && p.params.tools === undefined);

  test("without tools, within 4 tokens of the bill on Cerebras, Bedrock and Groq: the harmony system message is counted", async () => {
    expect(new Set(oss.map((p) => p.host))).toEqual(new Set(["cerebras", "bedrock", "groq"]));
    for (const pair of oss) {
      const answer = await countLocally(pair.params, { provider: pair.host, encoding: "o200k_base" });
      expect(Math.abs(answer.input_tokens - pair.billed)).toBeLessThanOrEqual(4);
      expect(answer.exact).toBe(false);
    }
  });
});

/**
 * Copilot's usage-based billing (AI credits): reading `copilot_usage` and
 * `/models` token prices (src/providers/copilot/billing.ts), the stream
 * wrapper that puts the billed amount on the finish on every route
 * (billing-stream.ts), and what stream_chat and list_models answer with it,
 * through the in-process server against the loopback Copilot fake.
 *
 * Fixtures: recordings/copilot/responses-id-rotation (real, vercel/ai) and the
 * hand-written chat-copilot-usage, messages-copilot-usage and
 * models-token-prices (see their provenance). Hand-written blocks below say so.
 * Expected amounts are worked out by hand from the recorded token counts and
 * rates (nano-AIU; 1 credit = 1e9 nano-AIU = $0.01, so USD = nano-AIU / 1e11).
 */
import { describe, expect, test } from "bun:test";
import { createSseStreamDecoder } from "../../src/decode/stream-decoder.ts";
import { anthropicMessagesFormat } from "../../src/formats/anthropic-messages/index.ts";
import { createOpenAIChatFormat } from "../../src/formats/openai-chat/index.ts";
import { createOpenAIResponsesFormat } from "../../src/formats/openai-responses/index.ts";
import type { ChatFormat } from "../../src/formats/types.ts";
import type { SseEvent } from "../../src/decode/sse-event.ts";
import type { StreamEvent } from "../../src/protocol/chunks.ts";
import { billCall, readCopilotUsage, readTokenPrices, type CopilotTokenPrices } from "../../src/providers/copilot/billing.ts";
import { CopilotBillingMeter } from "../../src/providers/copilot/billing-stream.ts";
import { bodyText, type Cassette } from "../support/cassette.ts";
import { memoryFiles, terminalOf, type Harness } from "../support/in-process.ts";
import { validateResponseLine } from "../support/wire-schema.ts";
import { copilotFakes, copilotHarness, copilotRecording, GITHUB_CANARY, githubParams, newClock, replyOf, type Clock, type CopilotFake } from "./copilot-fake.ts";
import { chunkStep, editBody, interaction, recordedEvents, stepIndex, stepText, streamChat, type Json } from "./replay.ts";

const fakeFor = copilotFakes();

async function signedIn(clock: Clock, fake: CopilotFake): Promise<Harness> {
  const harness = copilotHarness(clock, memoryFiles());
  const lines = await harness.run({ id: "login", action: "authenticate", provider: "copilot", params: githubParams(fake, { credentials: { github_token: GITHUB_CANARY } }) });
  expect(terminalOf(lines).success).toBe(true);
  return harness;
}

/** The `copilot_usage` block of a recorded stream, read by hand. */
function recordedBlock(cassette: Cassette): Json {
  const event = recordedEvents(interaction(cassette, 0)).find((e) => typeof e.data === "object" && e.data.copilot_usage !== undefined);
  return event!.data.copilot_usage;
}

// ---------------------------------------------------------------- worked amounts

/** responses-id-rotation (real): gpt-5.3-codex, 19 input at 175e9 and 105 output at 1400e9 nano-AIU per 1M. */
const RESPONSES_BILL = {
  kind: "ai_credits",
  source: "copilot_usage",
  parts: "token_details",
  total_nano_aiu: 150_325_000,
  ai_credits: 0.150325,
  // 19 × 175,000 = 3,325,000 and 105 × 1,400,000 = 147,000,000 nano-AIU.
  cost: { input: 0.00003325, output: 0.00147, cache_read: 0, cache_write: 0, total: 0.00150325 },
};
/** chat-copilot-usage (hand-written): claude-3.7-sonnet, 394 input at 300e9 and 22 output at 1500e9. */
const CHAT_BILL = {
  kind: "ai_credits",
  source: "copilot_usage",
  parts: "token_details",
  total_nano_aiu: 151_200_000,
  ai_credits: 0.1512,
  cost: { input: 0.001182, output: 0.00033, cache_read: 0, cache_write: 0, total: 0.001512 },
};
/** messages-copilot-usage (hand-written): claude-sonnet-4, 16 input and 38 output at the same rates. */
const MESSAGES_BILL = {
  kind: "ai_credits",
  source: "copilot_usage",
  parts: "token_details",
  total_nano_aiu: 61_800_000,
  ai_credits: 0.0618,
  cost: { input: 0.000048, output: 0.00057, cache_read: 0, cache_write: 0, total: 0.000618 },
};

// ---------------------------------------------------------------- reading the blocks

describe("readCopilotUsage", () => {
  const detail = (token_type: string, token_count: number, cost_per_batch: number) => ({ batch_size: 1_000_000, cost_per_batch, token_count, token_type });
  test.each<[string, unknown, unknown]>([
    ["a full block", { token_details: [detail("input", 19, 175e9)], total_nano_aiu: 150_325_000 }, { total_nano_aiu: 150_325_000, token_details: [detail("input", 19, 175e9)] }],
    ["a total only (the shape VS Code's messagesApi.ts declares)", { total_nano_aiu: 0 }, { total_nano_aiu: 0, token_details: [] }],
    ["token details only", { token_details: [detail("output", 3, 1e12)] }, { token_details: [detail("output", 3, 1e12)] }],
    [
      "an unknown token type is kept (it is part of the total)",
      { token_details: [detail("long_context_input", 1, 1)], total_nano_aiu: 1 },
      { total_nano_aiu: 1, token_details: [detail("long_context_input", 1, 1)] },
    ],
    [
      "broken details are dropped, the total kept",
      { token_details: [{ token_type: "input" }, detail("input", -1, 1), { ...detail("input", 1, 1), batch_size: 0 }], total_nano_aiu: 5 },
      { total_nano_aiu: 5, token_details: [] },
    ],
    ["a negative total and no details", { total_nano_aiu: -5 }, undefined],
    ["a string total", { total_nano_aiu: "150325000" }, undefined],
    ["not an object", "150325000", undefined],
    ["null", null, undefined],
  ])("%s", (_name, input, expected) => {
    expect(readCopilotUsage(input)).toEqual(expected as never);
  });
});

describe("readTokenPrices: /models billing.token_prices (AI credits per batch) → USD per 1M", () => {
  test.each<[string, unknown, CopilotTokenPrices | undefined]>([
    [
      "VS Code's shape (IModelTokenPrices)",
      { token_prices: { batch_size: 1_000_000, default: { input_price: 500, output_price: 2500, cache_price: 50, cache_write_price: 625 } } },
      { default: { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25 } },
    ],
    [
      "a long-context tier above default.context_max",
      {
        token_prices: {
          batch_size: 1_000_000,
          default: { input_price: 200, output_price: 1200, cache_price: 20, context_max: 200_000 },
          long_context: { input_price: 400, output_price: 1800, cache_price: 40, context_max: 1_000_000 },
        },
      },
      { default: { input: 2, output: 12, cache_read: 0.2, context_max: 200_000 }, long_context: { input: 4, output: 18, cache_read: 0.4, context_max: 1_000_000 } },
    ],
    [
      "the cache_read_price / max_prompt_tokens spellings of another capture",
      {
        token_prices: { batch_size: 1_000_000, default: { input_price: 1000, output_price: 5000, cache_read_price: 100, cache_write_price: 1250, max_prompt_tokens: 200_000 } },
      },
      { default: { input: 10, output: 50, cache_read: 1, cache_write: 12.5, context_max: 200_000 } },
    ],
    ["a batch of 1,000 tokens", { token_prices: { batch_size: 1000, default: { input_price: 0.3, output_price: 1.5 } } }, { default: { input: 3, output: 15 } }],
    [
      "an included model: all zero",
      { token_prices: { batch_size: 1_000_000, default: { input_price: 0, output_price: 0, cache_price: 0 } } },
      { default: { input: 0, output: 0, cache_read: 0 } },
    ],
    [
      "a broken long-context tier is dropped",
      { token_prices: { batch_size: 1_000_000, default: { input_price: 300, output_price: 1500 }, long_context: { input_price: -1, output_price: 1 } } },
      { default: { input: 3, output: 15 } },
    ],
    // A capture of another client's list (flat, nano-AIU-sized): not the shape, and $5e9 per 1M is not a price.
    [
      "flat fields with nano-AIU-sized values",
      { token_prices: { batch_size: 1_000_000, input_price: 500_000_000_000, output_price: 2_500_000_000_000, cache_price: 50_000_000_000 } },
      undefined,
    ],
    [
      "nano-AIU-sized values in the right shape",
      { token_prices: { batch_size: 1_000_000, default: { input_price: 500_000_000_000, output_price: 2_500_000_000_000 } } },
      undefined,
    ],
    // The Copilot SDK's own camelCase view (github/copilot-sdk#1555) is not what /models sends.
    ["the SDK's camelCase tokenPrices", { tokenPrices: { inputPrice: 300, outputPrice: 1500, cachePrice: 30, batchSize: 1_000_000, contextMax: 128_000 } }, undefined],
    ["no output price", { token_prices: { batch_size: 1_000_000, default: { input_price: 300 } } }, undefined],
    ["no batch size", { token_prices: { default: { input_price: 300, output_price: 1500 } } }, undefined],
    ["premium requests only (a legacy listing)", { is_premium: true, multiplier: 1 }, undefined],
    ["no billing", undefined, undefined],
  ])("%s", (_name, billing, expected) => {
    expect(readTokenPrices(billing)).toEqual(expected);
  });
});

// ---------------------------------------------------------------- one call's bill

describe("billCall: the billed total first, its parts from the token details or shared out", () => {
  const detail = (token_type: string, token_count: number, cost_per_batch: number) => ({ batch_size: 1_000_000, cost_per_batch, token_count, token_type });
  const prices: CopilotTokenPrices = { default: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 } };
  const usage = { input_tokens: 1000, output_tokens: 100, cache_read_tokens: 0, cache_write_tokens: 0 };
  test.each<[string, Parameters<typeof billCall>, unknown]>([
    [
      "the recorded Responses block (token details add up)",
      [
        { total_nano_aiu: 150_325_000, token_details: [detail("input", 19, 175e9), detail("cache_read", 0, 17.5e9), detail("cache_write", 0, 0), detail("output", 105, 1400e9)] },
        {},
        undefined,
      ],
      RESPONSES_BILL,
    ],
    // 1000 × 300,000 + 100 × 1,500,000 = 450,000,000 nano-AIU at list; billed 405,000,000 (10 % off): parts scaled by 0.9.
    [
      "a total below its details (a discount): shared in their proportions",
      [{ total_nano_aiu: 405_000_000, token_details: [detail("input", 1000, 300e9), detail("output", 100, 1500e9)] }, usage, prices],
      {
        kind: "ai_credits",
        source: "copilot_usage",
        parts: "apportioned_by_token_details",
        total_nano_aiu: 405_000_000,
        ai_credits: 0.405,
        cost: { input: 0.0027, output: 0.00135, cache_read: 0, cache_write: 0, total: 0.00405 },
      },
    ],
    // Usage at list: input $0.003, output $0.0015 (2 : 1); billed 300,000,000 nano-AIU = $0.003.
    [
      "a total only: shared by the call's usage at /models prices",
      [{ total_nano_aiu: 300_000_000, token_details: [] }, usage, prices],
      {
        kind: "ai_credits",
        source: "copilot_usage",
        parts: "apportioned_by_models_token_prices",
        total_nano_aiu: 300_000_000,
        ai_credits: 0.3,
        cost: { input: 0.002, output: 0.001, cache_read: 0, cache_write: 0, total: 0.003 },
      },
    ],
    [
      "a total only and no prices: the amount, no parts",
      [{ total_nano_aiu: 300_000_000, token_details: [] }, usage, undefined],
      { kind: "ai_credits", source: "copilot_usage", total_nano_aiu: 300_000_000, ai_credits: 0.3, cost: null, total_usd: 0.003 },
    ],
    [
      "a total of zero (an included model)",
      [{ total_nano_aiu: 0, token_details: [] }, usage, undefined],
      {
        kind: "ai_credits",
        source: "copilot_usage",
        parts: "token_details",
        total_nano_aiu: 0,
        ai_credits: 0,
        cost: { input: 0, output: 0, cache_read: 0, cache_write: 0, total: 0 },
      },
    ],
    // 5 × 1,000,000 = 5,000,000 nano-AIU of a type the protocol has no part for, beside 1000 input at 300,000.
    [
      "an unknown token type: the total kept, shared by the known parts",
      [{ total_nano_aiu: 305_000_000, token_details: [detail("input", 1000, 300e9), detail("long_context_input", 5, 1e12)] }, usage, undefined],
      {
        kind: "ai_credits",
        source: "copilot_usage",
        parts: "apportioned_by_token_details",
        total_nano_aiu: 305_000_000,
        ai_credits: 0.305,
        cost: { input: 0.00305, output: 0, cache_read: 0, cache_write: 0, total: 0.00305 },
      },
    ],
    [
      "token details without a total: their sum",
      [{ token_details: [detail("input", 1000, 300e9), detail("output", 100, 1500e9)] }, usage, undefined],
      {
        kind: "ai_credits",
        source: "copilot_usage",
        parts: "token_details",
        total_nano_aiu: 450_000_000,
        ai_credits: 0.45,
        cost: { input: 0.003, output: 0.0015, cache_read: 0, cache_write: 0, total: 0.0045 },
      },
    ],
    // 3 × 1,000,000 nano-AIU of an unknown type only: the amount is known, its parts are shared by the usage at list (2 : 1).
    [
      "details of unknown types only, and /models prices",
      [{ token_details: [detail("long_context_input", 3, 1e12)] }, usage, prices],
      {
        kind: "ai_credits",
        source: "copilot_usage",
        parts: "apportioned_by_models_token_prices",
        total_nano_aiu: 3_000_000,
        ai_credits: 0.003,
        cost: { input: 0.00002, output: 0.00001, cache_read: 0, cache_write: 0, total: 0.00003 },
      },
    ],
    [
      "a total, and usage /models cannot price (cache writes, no cache-write price): the amount, no parts",
      [{ total_nano_aiu: 300_000_000, token_details: [] }, { ...usage, cache_write_tokens: 10 }, { default: { input: 3, output: 15 } }],
      { kind: "ai_credits", source: "copilot_usage", total_nano_aiu: 300_000_000, ai_credits: 0.3, cost: null, total_usd: 0.003 },
    ],
  ])("%s", (_name, args, expected) => {
    expect(billCall(...args)).toEqual(expected as never);
  });
});

// ---------------------------------------------------------------- the stream wrapper, per route

async function mapped(cassette: Cassette, format: ChatFormat<SseEvent>, meter: CopilotBillingMeter): Promise<StreamEvent[]> {
  const decoder = createSseStreamDecoder();
  const mapper = meter.wrap(format.createMapper());
  const out: StreamEvent[] = [];
  for (const step of interaction(cassette, 0).body) {
    if ("chunk" in step) for (const event of decoder.feed(step.chunk)) mapper.map(event, out);
  }
  for (const event of decoder.end()) mapper.map(event, out);
  return out;
}

describe("CopilotBillingMeter: the billing on the finish, right before the end, on every route", () => {
  test.each<[string, string, ChatFormat<SseEvent>, Json, string]>([
    ["Responses (real recording)", "responses-id-rotation", createOpenAIResponsesFormat({ reasoningModel: true }), RESPONSES_BILL, "completed"],
    ["Chat Completions, block on a chunk after the finish (hand-written)", "chat-copilot-usage", createOpenAIChatFormat(), CHAT_BILL, "stop"],
    ["Anthropic Messages, block on message_delta (hand-written)", "messages-copilot-usage", anthropicMessagesFormat, MESSAGES_BILL, "end_turn"],
  ])("%s", async (_name, name, format, bill, raw) => {
    const cassette = await copilotRecording(name);
    const meter = new CopilotBillingMeter(undefined);
    const events = await mapped(cassette, format, meter);
    const finishes = events.filter((event) => event.type === "finish");
    expect(finishes.length).toBe(1);
    expect(events.at(-1)!.type).toBe("end");
    expect(events.at(-2)).toMatchObject({ type: "finish", raw, details: { copilot_usage: recordedBlock(cassette), copilot_billing: bill } });
    expect(meter.billed).toEqual(bill.cost);
    // The next attempt starts unbilled.
    meter.wrap(format.createMapper());
    expect(meter.billed).toBeUndefined();
  });

  test("a stream without the block keeps its finish where the dialect put it, and bills nothing", async () => {
    const cassette = await copilotRecording("chat-text");
    const meter = new CopilotBillingMeter(readTokenPrices({ token_prices: { batch_size: 1_000_000, default: { input_price: 300, output_price: 1500 } } }));
    const events = await mapped(cassette, createOpenAIChatFormat(), meter);
    const finish = events.find((event) => event.type === "finish")!;
    expect("details" in finish).toBe(false);
    expect(events.at(-1)!.type).toBe("end");
    expect(meter.billed).toBeUndefined();
  });
});

// ---------------------------------------------------------------- through the server

const USER = [{ role: "user", content: "What's the weather in London?" }];

/** chat-copilot-usage with the block moved onto the finish chunk, beside `usage` (hand-written variant: the other placement proxies read). */
async function blockOnFinishChunk(): Promise<Cassette> {
  const cassette = await copilotRecording("chat-copilot-usage");
  return editBody(cassette, 0, (steps) => {
    const own = stepIndex(steps, (text) => text.includes('"copilot_usage"'));
    const block = JSON.parse(stepText(steps[own]!).slice("data: ".length)).copilot_usage;
    const finish = stepIndex(steps, (text) => text.includes('"finish_reason":"stop"'));
    const chunk = JSON.parse(stepText(steps[finish]!).slice("data: ".length));
    steps[finish] = chunkStep(`data: ${JSON.stringify({ ...chunk, copilot_usage: block })}\n\n`);
    steps.splice(own, 1);
    return steps;
  });
}

describe("stream_chat: done.details says what Copilot billed", () => {
  test.each<[string, () => Promise<Cassette>, string, Json, string]>([
    ["Responses (gpt-5.3-codex)", () => copilotRecording("responses-id-rotation"), "gpt-5.3-codex", RESPONSES_BILL, "stop"],
    ["Chat Completions, block on its own chunk", () => copilotRecording("chat-copilot-usage"), "gemini-3.1-pro-preview", CHAT_BILL, "stop"],
    ["Chat Completions, block on the finish chunk", blockOnFinishChunk, "gemini-3.1-pro-preview", CHAT_BILL, "stop"],
    ["Anthropic Messages (Claude, after the policy call)", () => copilotRecording("messages-copilot-usage"), "claude-opus-4.7", MESSAGES_BILL, "stop"],
  ])("%s", async (_name, answer, model, bill, finishReason) => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    fake.models = replyOf(interaction(await copilotRecording("models-token-prices"), 0));
    const harness = await signedIn(clock, fake);
    const cassette = await answer();
    fake.chat = [replyOf(interaction(cassette, 0), bodyText(interaction(cassette, 0)))];
    const result = await streamChat(harness, "chat", "copilot", githubParams(fake, { model, messages: USER }));
    expect(result.error).toBeUndefined();
    expect(result.content.length).toBeGreaterThan(0);
    expect(result.done!.finish_reason).toBe(finishReason);
    expect(result.done!.details.copilot_usage).toEqual(recordedBlock(cassette));
    expect(result.done!.details.copilot_billing).toEqual(bill);
    // done.cost is the billed amount (the plan's billedCost), in place of the catalog's (which has no Copilot prices).
    expect(result.done!.cost).toEqual(bill.cost ?? null);
  });

  test("an answer without copilot_usage (a legacy premium-request plan, or a route that does not say) is not priced", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    fake.models = replyOf(interaction(await copilotRecording("models-token-prices"), 0));
    const harness = await signedIn(clock, fake);
    fake.chat = [replyOf(interaction(await copilotRecording("chat-text"), 0))];
    const result = await streamChat(harness, "chat", "copilot", githubParams(fake, { model: "gemini-3.1-pro-preview", messages: USER }));
    expect(result.done!.details).toBeUndefined();
    expect(result.done!.cost).toBeNull();
  });
});

describe("list_models: /models token prices as USD per 1M tokens, dated today", () => {
  test("every model priced from billing.token_prices, long-context tiers as tiers; premium-request fields only where sent", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    fake.models = replyOf(interaction(await copilotRecording("models-token-prices"), 0));
    const harness = await signedIn(clock, fake);
    const [line] = await harness.run({ id: "lm", action: "list_models", provider: "copilot", params: githubParams(fake) });
    validateResponseLine(JSON.stringify(line), "list_models");
    const byId = new Map<string, Json>(line!.data.map((entry: Json) => [entry.id, entry]));
    // T0 is 2026-11-24T12:00:00Z; prices are the cassette's credits ÷ 100.
    const dated = { price_source: "copilot /models", price_date: "2026-11-24" };
    expect(byId.get("claude-opus-4.7")).toMatchObject({ cost: { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25 }, ...dated });
    expect(byId.get("gpt-5.3-codex")).toMatchObject({ cost: { input: 1.75, output: 14, cache_read: 0.175 }, ...dated });
    expect(byId.get("gemini-3.1-pro-preview")).toMatchObject({
      cost: { input: 2, output: 12, cache_read: 0.2 },
      tiers: [{ above_input_tokens: 200_000, input: 4, output: 18, cache_read: 0.4, cache_write: null }],
      ...dated,
    });
    expect(byId.get("gpt-5.4")).toMatchObject({
      cost: { input: 2.5, output: 15, cache_read: 0.25 },
      tiers: [{ above_input_tokens: 272_000, input: 5, output: 22.5, cache_read: 0.5, cache_write: null }],
      ...dated,
    });
    expect(byId.get("gpt-5.3-codex")!.cost.cache_write).toBeUndefined();
    expect(byId.get("gpt-5.3-codex")!.tiers).toBeUndefined();
    // The cassette's billing keeps restricted_to only: no premium-request multiplier is claimed.
    expect(byId.get("gpt-5.4")!.billing).toEqual({ is_premium: false, multiplier: null, restricted_to: ["pro", "pro_plus", "individual_trial", "business", "enterprise", "max"] });
  });

  test("a /models without token prices (models.ndjson, before 2026-06-01) lists no price", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    const [line] = await harness.run({ id: "lm", action: "list_models", provider: "copilot", params: githubParams(fake) });
    for (const entry of line!.data as Json[]) {
      expect(entry.cost).toBeNull();
      expect(entry.price_source).toBeUndefined();
    }
  });
});

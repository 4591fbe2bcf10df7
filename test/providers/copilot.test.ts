/**
 * The whole Copilot flow through the real Server in this process, against a
 * loopback fake of GitHub (device flow, token exchange) and of the Copilot
 * API serving the recordings/copilot bodies: authenticate (device flow,
 * denial, cancel, a token passed in), chat routed per /models to Chat
 * Completions, Responses or Anthropic Messages, the policy call, the
 * billing and vision headers, 401 recovery (once), refresh ahead of expiry,
 * two editor processes sharing one login, GitHub Enterprise URLs, listing,
 * counting, logout, and the secrets that must never be written.
 *
 * Expected texts are read from the recorded SSE bodies with replay.ts's own
 * reader (never src/formats).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createHarness, memoryFiles, terminalOf, type Harness } from "../support/in-process.ts";
import { validateResponseLine } from "../support/wire-schema.ts";
import {
  copilotHarness,
  copilotRecording,
  copilotToken,
  GITHUB_CANARY,
  GITHUB_CANARY_2,
  githubParams,
  jsonReply,
  pendingAnswer,
  replyOf,
  startCopilotFake,
  T0,
  tokenAnswer,
  type Clock,
  type CopilotFake,
} from "./copilot-fake.ts";
import { everythingWritten, recordedEvents, stepText, streamChat, waitForLine, type Json } from "./replay.ts";

const fakes: CopilotFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function fakeFor(clock: Clock): Promise<CopilotFake> {
  const fake = await startCopilotFake(() => clock.now);
  fakes.push(fake);
  return fake;
}

function newClock(): Clock {
  return { now: T0, sleeps: [] };
}

async function reply(name: string, index = 0) {
  return replyOf((await copilotRecording(name)).interactions[index]!);
}

/** A harness already signed in (the store holds a GitHub login for the fake). */
async function signedIn(clock: Clock, fake: CopilotFake, files = memoryFiles()): Promise<Harness> {
  const harness = copilotHarness(clock, files);
  const lines = await harness.run({ id: "login", action: "authenticate", provider: "copilot", params: githubParams(fake, { credentials: { github_token: GITHUB_CANARY } }) });
  expect(terminalOf(lines).success).toBe(true);
  return harness;
}

const USER = [{ role: "user", content: "What's the weather in London?" }];

function chatParams(fake: CopilotFake, model: string, extra: Json = {}): Json {
  return githubParams(fake, { model, messages: USER, ...extra });
}

/** Text deltas of a recorded Chat Completions body, by hand. */
async function chatText(name: string): Promise<string> {
  return recordedEvents((await copilotRecording(name)).interactions[0]!)
    .map((event) => (typeof event.data === "object" ? (event.data.choices?.[0]?.delta?.content ?? "") : ""))
    .join("");
}

function noSecrets(harness: Harness, fake: CopilotFake): void {
  const written = everythingWritten(harness);
  expect(written).not.toContain(GITHUB_CANARY);
  expect(written).not.toContain(GITHUB_CANARY_2);
  expect(written).not.toContain("tid=");
  for (const token of fake.issued) expect(written).not.toContain(token);
}

describe("authenticate", () => {
  test("device flow: the device_flow line, polling, then the result; GitHub and Copilot tokens stored, never written", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    fake.polls = [await pendingAnswer(), await tokenAnswer(GITHUB_CANARY)];
    const harness = copilotHarness(clock);
    const lines = await harness.run({ id: "auth", action: "authenticate", provider: "copilot", params: githubParams(fake) });
    expect(lines.length).toBe(2);
    validateResponseLine(JSON.stringify(lines[0]), "authenticate");
    // Values from recordings/copilot/device-flow.ndjson.
    expect(lines[0]).toEqual({
      id: "auth",
      success: true,
      streaming: true,
      data: { type: "device_flow", user_code: "XXXX-XXXX", verification_uri: "https://github.com/login/device", expires_in: 899, interval: 5 },
    });
    expect(lines[1]).toEqual({ id: "auth", success: true, data: { type: "authenticated", provider: "copilot", stored: true } });
    expect(clock.sleeps).toEqual([5000, 5000]);
    const store = JSON.parse((harness.deps.files as ReturnType<typeof memoryFiles>).files.get("/memory/auth.json")!);
    expect(store.providers.copilot.github_token).toBe(GITHUB_CANARY);
    expect(store.providers.copilot.copilot_token.token).toBe(copilotToken(1));
    expect(store.providers.copilot.github).toEqual({ url: fake.url, api_url: fake.url });
    noSecrets(harness, fake);
  });

  test("a GitHub token passed in (or in GH_COPILOT_TOKEN) skips the device flow; the exchange checks it", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = copilotHarness(clock, memoryFiles(), { GH_COPILOT_TOKEN: GITHUB_CANARY_2 });
    const lines = await harness.run({ id: 1, action: "authenticate", provider: "copilot", params: githubParams(fake) });
    expect(lines).toEqual([{ id: 1, success: true, data: { type: "authenticated", provider: "copilot", stored: true } }]);
    expect(fake.callsTo("/login/device/code").length).toBe(0);
    expect(fake.callsTo("/copilot_internal/v2/token")[0]!.headers.authorization).toBe(`token ${GITHUB_CANARY_2}`);
    noSecrets(harness, fake);
  });

  test.each([
    ["device-flow-denied", "denied"],
    ["device-flow-expired", "expired"],
  ])("%s: the device_flow line, then AUTH_FAILED (not partial), nothing stored", async (scenario, words) => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    fake.polls = (await copilotRecording(scenario)).interactions.slice(1).map((it) => replyOf(it));
    const harness = copilotHarness(clock);
    const lines = await harness.run({ id: "auth", action: "authenticate", provider: "copilot", params: githubParams(fake) });
    expect(lines[0]!.data.type).toBe("device_flow");
    const error = terminalOf(lines).error;
    expect(error).toMatchObject({ code: "AUTH_FAILED", retryable: false, partial: false });
    expect(error.message).toContain(words);
    expect((harness.deps.files as ReturnType<typeof memoryFiles>).files.size).toBe(0);
  });

  test("cancel while polling ends the flow at once with CANCELLED; no poll after it", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    fake.polls = [await pendingAnswer()];
    let waits = 0;
    const harness = createHarness({
      now: () => clock.now,
      sleep: (ms, signal) =>
        new Promise<void>((resolve, reject) => {
          if (signal?.aborted) return reject(signal.reason);
          // The first wait passes; the second lasts until cancelled.
          if (++waits === 1) {
            clock.now += ms;
            return resolve();
          }
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        }),
    });
    harness.server.handleLine(JSON.stringify({ id: "auth", action: "authenticate", provider: "copilot", params: githubParams(fake) }));
    await waitForLine(harness, (line) => line.data?.type === "device_flow");
    while (waits < 2) await new Promise((resolve) => setTimeout(resolve, 2));
    const cancel = await harness.run({ id: "c", action: "cancel", params: { id: "auth" } });
    expect(cancel[0]!.data).toEqual({ cancelled: true });
    const auth = harness.lines.filter((line) => line.id === "auth");
    expect(terminalOf(auth).error.code).toBe("CANCELLED");
    expect(fake.callsTo("/login/oauth/access_token").length).toBe(1);
  });

  test("logout removes the GitHub login and the cached Copilot token; chat then asks for authenticate", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    const [out] = await harness.run({ id: "out", action: "logout", provider: "copilot" });
    expect(out!.data).toEqual({ provider: "copilot", removed: true });
    const store = (harness.deps.files as ReturnType<typeof memoryFiles>).files.get("/memory/auth.json") ?? "";
    expect(store).not.toContain("copilot_token");
    const result = await streamChat(harness, "after", "copilot", chatParams(fake, "gpt-5.4"));
    expect(result.error?.code).toBe("AUTH_REQUIRED");
    expect(fake.callsTo("/chat/completions").length + fake.callsTo("/responses").length).toBe(0);
  });
});

describe("reasoning handed back on Copilot's Chat Completions route", () => {
  test("the second turn of a tool loop carries the first turn's reasoning_opaque and its reasoning_text", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    // Read off the recorded stream by hand: its reasoning_text deltas and its one reasoning_opaque.
    const deltas = recordedEvents((await copilotRecording("chat-reasoning-tool")).interactions[0]!).map((event) =>
      typeof event.data === "object" ? ((event.data.choices?.[0]?.delta ?? {}) as Json) : {},
    );
    const recordedText = deltas.map((delta) => (typeof delta.reasoning_text === "string" ? delta.reasoning_text : "")).join("");
    const recordedOpaque = deltas.map((delta) => delta.reasoning_opaque).filter((value) => typeof value === "string");
    expect(recordedOpaque).toHaveLength(1);
    expect(recordedText.length).toBeGreaterThan(50);

    fake.chat = [await reply("chat-reasoning-tool"), await reply("chat-text")];
    const first = await streamChat(harness, "turn-1", "copilot", chatParams(fake, "gemini-3.1-pro-preview"));
    expect(first.error).toBeUndefined();
    expect(first.toolCalls.length).toBe(1);
    // The assistant turn as an editor keeps it: the reasoning (text and signature) and the call.
    const call = first.toolCalls[0]!;
    // The reasoning chunk with provider_data, kept as the editor keeps it.
    const carried = first.lines.map((line) => (line as Json).data as Json | undefined).find((data) => data?.type === "reasoning" && data.provider_data !== undefined);
    expect(first.signatures).toEqual([]);
    const assistant = {
      role: "assistant",
      content: [
        { type: "reasoning", text: first.reasoning },
        { type: "reasoning", text: "", provider_data: carried!.provider_data },
        { type: "tool_call", id: call.id, name: call.name, arguments: call.arguments },
      ],
    };
    const toolTurn = { role: "tool", content: [{ type: "tool_result", tool_call_id: call.id, content: "quotes.lua found" }] };
    const second = await streamChat(harness, "turn-2", "copilot", chatParams(fake, "gemini-3.1-pro-preview", { messages: [...USER, assistant, toolTurn] }));
    expect(second.error).toBeUndefined();
    const body = JSON.parse(fake.callsTo("/chat/completions")[1]!.body);
    const sent = body.messages.find((message: Json) => message.role === "assistant");
    expect(sent.reasoning_opaque).toBe(recordedOpaque[0]);
    expect(sent.reasoning_text).toBe(recordedText);
    expect(sent.tool_calls[0].id).toBe(call.id);
  });
});

describe("chat routing per /models", () => {
  test.each([
    ["gemini-3.1-pro-preview", "/chat/completions", "chat-text"],
    ["gpt-5.3-codex", "/responses", "responses-id-rotation"],
    ["gpt-5.4", "/responses", "responses-id-rotation"],
    ["claude-opus-4.7", "/v1/messages", "messages-text"],
    ["a-model-copilot-does-not-list", "/chat/completions", "chat-text"],
  ])("%s → %s", async (model, path, recording) => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    fake.chat = [await reply(recording)];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, model));
    expect(result.error).toBeUndefined();
    const calls = fake.calls.filter((call) => call.method === "POST" && /\/(chat\/completions|responses|v1\/messages)$/.test(call.path));
    expect(calls.map((call) => call.path)).toEqual([path]);
    const body = JSON.parse(calls[0]!.body);
    expect(body.model).toBe(model);
    // The dialect's own shape: Messages has max_tokens and messages, Responses has input, Chat Completions messages.
    if (path === "/v1/messages") expect(body).toMatchObject({ stream: true, max_tokens: expect.any(Number), messages: expect.any(Array) });
    else if (path === "/responses") expect(body.input).toBeArray();
    else expect(body.messages).toBeArray();
    expect(result.content.length).toBeGreaterThan(0);
    // Only the Responses recording carries copilot_usage (what the call was billed); the others say nothing of it.
    if (recording === "responses-id-rotation") expect(result.done!.cost.total).toBeGreaterThan(0);
    else expect(result.done!.cost).toBeNull();
  });

  test("the Chat Completions answer carries the recorded text and usage", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    fake.chat = [await reply("chat-text")];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, "gemini-3.1-pro-preview"));
    expect(result.content).toBe(await chatText("chat-text"));
    // Finish chunk of copilot_streaming.txt: prompt 394, completion 22.
    expect(result.done!.usage).toMatchObject({ input_tokens: 394, output_tokens: 22 });
    expect(result.done!.finish_reason).toBe("stop");
  });

  test("the Responses answer passes Copilot's own cost block on in done.details, and done.cost is what it billed", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    fake.chat = [await reply("responses-id-rotation")];
    const completed = recordedEvents((await copilotRecording("responses-id-rotation")).interactions[0]!).find(
      (event) => typeof event.data === "object" && event.data.type === "response.completed",
    )!.data;
    // Recorded: 19 input and 105 output tokens, 150,325,000 nano-AIU in all.
    expect(completed.copilot_usage.total_nano_aiu).toBe(150325000);
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, "gpt-5.3-codex"));
    expect(result.done!.details.copilot_usage).toEqual(completed.copilot_usage);
    // 150,325,000 nano-AIU = 0.150325 AI credits at $0.01 (1 credit = 1e9 nano-AIU: microsoft/vscode claudeProxyService.ts).
    expect(result.done!.cost.total).toBeCloseTo(0.00150325, 12);
  });

  test("a model whose policy is not enabled is switched on first, once per process", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    fake.chat = [await reply("messages-text"), await reply("messages-text")];
    await streamChat(harness, "one", "copilot", chatParams(fake, "claude-opus-4.7"));
    await streamChat(harness, "two", "copilot", chatParams(fake, "claude-opus-4.7"));
    const policy = fake.callsTo("/models/claude-opus-4.7/policy");
    expect(policy.length).toBe(1);
    expect(JSON.parse(policy[0]!.body)).toEqual({ state: "enabled" });
    expect(policy[0]!.headers["openai-intent"]).toBe("chat-policy");
    expect(fake.callsTo("/models").length).toBe(1);
  });

  test("two GitHub logins in one process keep their own model lists (plans differ)", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    fake.chat = [await reply("chat-text"), await reply("chat-text"), await reply("chat-text")];
    await streamChat(harness, "stored", "copilot", chatParams(fake, "gemini-3.1-pro-preview"));
    await streamChat(harness, "other", "copilot", chatParams(fake, "gemini-3.1-pro-preview", { credentials: { github_token: GITHUB_CANARY_2 } }));
    await streamChat(harness, "stored-again", "copilot", chatParams(fake, "gemini-3.1-pro-preview"));
    // One list per account: the second login fetches its own, the first account's is still cached.
    expect(fake.callsTo("/models").map((call) => call.headers.authorization)).toEqual([`Bearer ${copilotToken(1)}`, `Bearer ${copilotToken(2)}`]);
  });

  test("enabling refused: a clear error naming the model and where to enable it; no chat call", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    fake.policy = [jsonReply(403, { error: { message: "policy change not allowed by your organization", code: "forbidden" } })];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, "claude-opus-4.7"));
    expect(result.error!.code).toBe("AUTH_FAILED");
    expect(result.error!.message).toContain('"claude-opus-4.7"');
    expect(result.error!.message).toContain("https://github.com/settings/copilot");
    expect(fake.callsTo("/v1/messages").length).toBe(0);
  });

  test("model not supported: NOT_FOUND that says to run list_models and enable the model", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    fake.chat = [await reply("model-not-supported-400")];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, "gpt-9-imaginary"));
    expect(result.error).toMatchObject({ code: "NOT_FOUND", retryable: false, status: 400 });
    expect(result.error!.message).toContain("list_models");
    expect(result.error!.message).toContain("enable it");
  });

  test.each([
    ["gemini-3.1-pro-preview", "chat-text"],
    ["claude-opus-4.7", "messages-text"],
  ])("%s: Copilot's plain-text 'quota exceeded' is a quota (not retried), on every route", async (model) => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    // Body from test/fixtures/copilot/codecompanion/copilot_quota_exceeded.txt; the status was not recorded.
    fake.chat = [{ status: 429, headers: { "content-type": "text/plain" }, body: "quota exceeded" }];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, model));
    expect(result.error).toMatchObject({ code: "RATE_LIMITED", retryable: false });
    expect(result.retries.length).toBe(0);
  });

  test("params.api forces the dialect; params.base_url replaces the token's endpoint", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const other = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    other.chat = [await reply("chat-text")];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, "gpt-5.3-codex", { api: "chat", base_url: other.url }));
    expect(result.error).toBeUndefined();
    expect(other.callsTo("/chat/completions").length).toBe(1);
    expect(fake.callsTo("/chat/completions").length + fake.callsTo("/responses").length).toBe(0);
  });
});

describe("per-request headers", () => {
  const image = { type: "image", media_type: "image/png", data: "iVBORw0KGgo=" };
  test.each([
    ["a user's text", [{ role: "user", content: "hi" }], "user", false],
    ["a user's image", [{ role: "user", content: [{ type: "text", text: "what is this" }, image] }], "user", true],
    [
      "a tool result",
      [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "tool_call", id: "t1", name: "shot", arguments: "{}" }] },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "t1", content: "ok" }] },
      ],
      "agent",
      false,
    ],
    // Chat Completions cannot carry an image in a tool result; Claude on /v1/messages can.
    [
      "a screenshot in a tool result",
      [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "tool_call", id: "t1", name: "shot", arguments: "{}" }] },
        { role: "tool", content: [{ type: "tool_result", tool_call_id: "t1", content: [image] }] },
      ],
      "agent",
      true,
    ],
    [
      "tool results only, in a user turn",
      [
        { role: "user", content: "hi" },
        { role: "user", content: [{ type: "tool_result", tool_call_id: "t1", content: "ok" }] },
      ],
      "agent",
      false,
    ],
    [
      "an assistant follow-up",
      [
        { role: "user", content: "hi" },
        { role: "assistant", content: "Let me continue" },
      ],
      "agent",
      false,
    ],
  ])("last message is %s (X-Initiator and vision header)", async (_name, messages, initiator, vision) => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    const claude = JSON.stringify(messages).includes("tool_result") && vision;
    fake.chat = [await reply(claude ? "messages-text" : "chat-text")];
    const result = await streamChat(harness, "chat", "copilot", githubParams(fake, { model: claude ? "claude-opus-4.7" : "gemini-3.1-pro-preview", messages }));
    expect(result.error).toBeUndefined();
    const [call] = fake.callsTo(claude ? "/v1/messages" : "/chat/completions");
    expect(call!.headers["x-initiator"]).toBe(initiator);
    expect(call!.headers["copilot-vision-request"]).toBe(vision ? "true" : undefined);
    expect(call!.headers.authorization).toBe(`Bearer ${copilotToken(1)}`);
    expect(call!.headers["copilot-integration-id"]).toBe("vscode-chat");
    expect(call!.headers["editor-version"]).toMatch(/^vscode\//);
    expect(call!.headers["editor-plugin-version"]).toMatch(/^copilot-chat\//);
    expect(call!.headers["openai-intent"]).toBe("conversation-edits");
  });

  test("a Claude Opus 4.7 stream broken mid-text is not resumed: the model refuses prefills, so the break ends the request, partial", async () => {
    // Anthropic migration guide: "Prefilling assistant messages returns a 400 error on Claude 4.6 models" (and later ones).
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    const it = (await copilotRecording("messages-text")).interactions[0]!;
    const steps = it.body.map(stepText);
    const cut = steps.findIndex((text) => text.includes("\\n\\nYou"));
    // The recorded stream, broken before the delta with "\n\nYou" (no message_stop).
    fake.chat = [replyOf(it, steps.slice(0, cut).join(""))];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, "claude-opus-4.7"));
    expect(result.error).toMatchObject({ code: "STREAM_ERROR", retryable: true, partial: true });
    expect(result.lines.filter((line) => line.data?.type === "resumed").length).toBe(0);
    expect(fake.callsTo("/v1/messages").length).toBe(1);
    expect(result.content.length).toBeGreaterThan(0);
  });

  test("params.headers replace the editor identity, on GitHub and on Copilot", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = copilotHarness(clock);
    fake.chat = [await reply("chat-text")];
    const headers = { "Editor-Version": "Plue/1.2.3", "Editor-Plugin-Version": "plue-ai-provider/test" };
    await streamChat(harness, "chat", "copilot", chatParams(fake, "gemini-3.1-pro-preview", { headers, credentials: { github_token: GITHUB_CANARY } }));
    for (const call of [fake.callsTo("/copilot_internal/v2/token")[0]!, fake.callsTo("/chat/completions")[0]!]) {
      expect(call.headers["editor-version"]).toBe("Plue/1.2.3");
      expect(call.headers["editor-plugin-version"]).toBe("plue-ai-provider/test");
    }
  });
});

describe("tokens during work", () => {
  test("401 before content: one retry with a fresh Copilot token, announced by a retry chunk", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    fake.chat = [await reply("error-401"), await reply("chat-text")];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, "gemini-3.1-pro-preview"));
    expect(result.error).toBeUndefined();
    expect(result.retries.length).toBe(1);
    expect(result.retries[0]!.reason).toContain("token rejected");
    expect(result.content).toBe(await chatText("chat-text"));
    const calls = fake.callsTo("/chat/completions");
    expect(calls.map((call) => call.headers.authorization)).toEqual([`Bearer ${copilotToken(1)}`, `Bearer ${copilotToken(2)}`]);
    noSecrets(harness, fake);
  });

  test("401 again with the fresh token: AUTH_FAILED after exactly one retry, not a loop", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    const unauthorized = await reply("error-401");
    fake.chat = [unauthorized, unauthorized, unauthorized, unauthorized];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, "gemini-3.1-pro-preview"));
    expect(result.error).toMatchObject({ code: "AUTH_FAILED", status: 401 });
    expect(result.retries.length).toBe(1);
    expect(fake.callsTo("/chat/completions").length).toBe(2);
    expect(fake.callsTo("/copilot_internal/v2/token").length).toBe(2);
  });

  test("list_models recovers from a 401 the same way, once", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    fake.modelsQueue = [{ status: 401, headers: { "content-type": "text/plain" }, body: "unauthorized: token expired" }];
    const [line] = await harness.run({ id: "lm", action: "list_models", provider: "copilot", params: githubParams(fake) });
    expect(line!.success).toBe(true);
    expect(fake.callsTo("/models").map((call) => call.headers.authorization)).toEqual([`Bearer ${copilotToken(1)}`, `Bearer ${copilotToken(2)}`]);
  });

  test("the Copilot token is replaced ahead of its expiry, not after, between requests", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    fake.chat = [await reply("chat-text"), await reply("chat-text"), await reply("chat-text")];
    await streamChat(harness, "a", "copilot", chatParams(fake, "gemini-3.1-pro-preview"));
    clock.now = T0 + 1400_000;
    await streamChat(harness, "b", "copilot", chatParams(fake, "gemini-3.1-pro-preview"));
    clock.now = T0 + 1441_000; // refresh_in 1500 − 60 s; the token itself is good until 1800 s
    await streamChat(harness, "c", "copilot", chatParams(fake, "gemini-3.1-pro-preview"));
    expect(fake.callsTo("/chat/completions").map((call) => call.headers.authorization)).toEqual([
      `Bearer ${copilotToken(1)}`,
      `Bearer ${copilotToken(1)}`,
      `Bearer ${copilotToken(2)}`,
    ]);
  });

  test("two editor processes, one store: one device flow, one exchange while the token is valid", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const files = memoryFiles();
    fake.polls = [await tokenAnswer(GITHUB_CANARY)];
    const first = copilotHarness(clock, files);
    const second = copilotHarness(clock, files);
    expect(terminalOf(await first.run({ id: "auth", action: "authenticate", provider: "copilot", params: githubParams(fake) })).success).toBe(true);
    fake.chat = [await reply("chat-text"), await reply("chat-text")];
    // The second process is given no GitHub URLs: the login's own (stored with it) are used.
    const b = await streamChat(second, "b", "copilot", { model: "gemini-3.1-pro-preview", messages: USER });
    const a = await streamChat(first, "a", "copilot", { model: "gemini-3.1-pro-preview", messages: USER });
    expect([a.error, b.error]).toEqual([undefined, undefined]);
    expect(fake.callsTo("/login/device/code").length).toBe(1);
    expect(fake.callsTo("/copilot_internal/v2/token").length).toBe(1);
    noSecrets(first, fake);
    noSecrets(second, fake);
  });
});

describe("GitHub Enterprise", () => {
  test("github_url moves the device flow, github_api_url the token exchange", async () => {
    const clock = newClock();
    const web = await fakeFor(clock);
    const api = await fakeFor(clock);
    web.polls = [await tokenAnswer(GITHUB_CANARY)];
    const harness = copilotHarness(clock);
    const lines = await harness.run({ id: "auth", action: "authenticate", provider: "copilot", params: { github_url: web.url, github_api_url: api.url } });
    expect(terminalOf(lines).success).toBe(true);
    expect(web.callsTo("/login/device/code").length).toBe(1);
    expect(web.callsTo("/copilot_internal/v2/token").length).toBe(0);
    expect(api.callsTo("/copilot_internal/v2/token").length).toBe(1);
    expect(api.callsTo("/login/device/code").length).toBe(0);
  });
});

describe("list_models and count_tokens", () => {
  test("list_models: Copilot's chat models of several vendors with limits, capabilities and billing; no per-token price", async () => {
    const clock = newClock();
    const fake = await fakeFor(clock);
    const harness = await signedIn(clock, fake);
    const [line] = await harness.run({ id: "lm", action: "list_models", provider: "copilot", params: githubParams(fake) });
    validateResponseLine(JSON.stringify(line), "list_models");
    const byId = new Map<string, Json>(line!.data.map((entry: Json) => [entry.id, entry]));
    // Values from recordings/copilot/models.ndjson.
    expect([...byId.keys()].sort()).toEqual(["claude-opus-4.7", "gemini-3.1-pro-preview", "gpt-5.3-codex", "gpt-5.4"]);
    expect(byId.get("claude-opus-4.7")).toMatchObject({
      name: "Claude Opus 4.7",
      provider: "copilot",
      context_length: 200000,
      max_output: 64000,
      cost: null,
      capabilities: { tools: true, reasoning: true, images: true },
      billing: { is_premium: true, multiplier: 1, restricted_to: ["pro_plus", "business", "enterprise", "max"] },
    });
    expect(byId.get("gpt-5.4")).toMatchObject({ context_length: 272000, max_output: 128000, cost: null });
    for (const entry of byId.values()) expect(entry.cost).toBeNull();
  });

  test("list_models without a login lists the catalog (no per-token prices) without network", async () => {
    let fetched = false;
    const harness = createHarness({
      fetch: (() => {
        fetched = true;
        throw new Error("no network");
      }) as unknown as typeof fetch,
    });
    const [line] = await harness.run({ id: "lm", action: "list_models", provider: "copilot" });
    expect(line!.data.length).toBeGreaterThan(0);
    expect(line!.data.every((entry: Json) => entry.cost === null && entry.source === "catalog")).toBe(true);
    expect(fetched).toBe(false);
  });

  // gpt-5.4 goes to Responses, whose count is fitted (exact: false); gpt-4.1 to Chat Completions, exact for plain text.
  test.each([
    ["gpt-4.1", true, "tokenizer"],
    ["gpt-5.4", false, "tokenizer"],
    ["claude-sonnet-4.5", false, "estimate"],
  ])("count_tokens %s: exact %s by %s, offline and without a login", async (model, exact, method) => {
    let fetched = false;
    const harness = createHarness({
      fetch: (() => {
        fetched = true;
        throw new Error("no network");
      }) as unknown as typeof fetch,
    });
    const [line] = await harness.run({ id: "ct", action: "count_tokens", provider: "copilot", params: { model, messages: USER } });
    expect(line!.data).toMatchObject({ exact, method });
    expect(line!.data.input_tokens).toBeGreaterThan(5);
    expect(fetched).toBe(false);
  });
});

test("list_providers: copilot is available and configured once signed in", async () => {
  const clock = newClock();
  const fake = await fakeFor(clock);
  const harness = await signedIn(clock, fake);
  const [line] = await harness.run({ id: "lp", action: "list_providers" });
  expect(line!.data.find((entry: Json) => entry.id === "copilot")).toEqual({ id: "copilot", name: "GitHub Copilot", configured: true, auth: "oauth_device", available: true });
});

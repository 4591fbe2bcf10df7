/**
 * The editor identity Copilot gates on, through the real Server against the
 * loopback Copilot fake: HTTP 466 ("client not supported", since 2026-02-11)
 * on every route it can come from ends in AUTH_FAILED that says how to send
 * another identity; the identity comes from the defaults, then
 * PLUE_COPILOT_EDITOR_VERSION / PLUE_COPILOT_PLUGIN_VERSION, then
 * params.headers; the OpenAI and Anthropic dialects keep their own reading
 * of a 466.
 */
import { describe, expect, test } from "bun:test";
import { COPILOT_API_VERSION, COPILOT_EDITOR_HEADERS, COPILOT_IDENTITY_ENV } from "../../src/auth/copilot-token.ts";
import { classifyAnthropicError } from "../../src/formats/anthropic-messages/errors.ts";
import { classifyOpenAIError } from "../../src/formats/openai-chat/errors.ts";
import type { Reply } from "../auth/aws/fakes.ts";
import { memoryFiles, terminalOf, type Harness } from "../support/in-process.ts";
import {
  copilotFakes,
  copilotHarness,
  copilotRecording,
  expectNoCopilotSecrets,
  GITHUB_CANARY,
  githubParams,
  jsonReply,
  newClock,
  replyOf,
  type CopilotFake,
} from "./copilot-fake.ts";
import { everythingWritten, streamChat, type Json } from "./replay.ts";

const fakeFor = copilotFakes();

/**
 * A fake and a harness on one fresh clock; the harness's requests carry the
 * GitHub canary, so no device flow and no stored login are involved.
 */
async function started(env: Record<string, string> = {}): Promise<{ fake: CopilotFake; harness: Harness }> {
  const clock = newClock();
  return { fake: await fakeFor(clock), harness: copilotHarness(clock, memoryFiles(), env) };
}

/** The body Copilot sent with its 466 on 2026-02-11 (ericc-ch/copilot-api#191, caozhiyuan/copilot-api#92). */
const REFUSED_BODY = {
  error: { message: "bad request: the specified API version is no longer supported. You may need to update your client to a newer version.\n", type: "error" },
};
const refused = () => jsonReply(466, REFUSED_BODY);

const USER = [{ role: "user", content: "What's the weather in London?" }];
const SIGNED_IN = { credentials: { github_token: GITHUB_CANARY } };
const EDITOR_ENV = COPILOT_IDENTITY_ENV["editor-version"];
const PLUGIN_ENV = COPILOT_IDENTITY_ENV["editor-plugin-version"];

function chatParams(fake: CopilotFake, model: string, extra: Json = {}): Json {
  return githubParams(fake, { model, messages: USER, ...SIGNED_IN, ...extra });
}

function chatCalls(fake: CopilotFake) {
  return fake.calls.filter((call) => call.method === "POST" && /\/(chat\/completions|responses|v1\/messages)$/.test(call.path));
}

/** What every 466 must say: the code, no retry, the two ways out, and never a secret. */
function expectRefusal(error: Json | undefined, harness: Harness, fake: CopilotFake): void {
  expect(error).toMatchObject({ code: "AUTH_FAILED", retryable: false, status: 466 });
  expect(error!.message).toContain("no longer accepts this client version");
  expect(error!.message).toContain("params.headers");
  expect(error!.message).toContain(EDITOR_ENV);
  expect(error!.message).toContain(PLUGIN_ENV);
  // Copilot's own reason is kept: it names what is out of date.
  expect(error!.message).toContain("update your client");
  expectNoCopilotSecrets(harness, fake);
}

describe("HTTP 466 ends in AUTH_FAILED that names the override, wherever it comes", () => {
  /** A 466 during stream_chat: the model asked for, the fake's queue that answers it, and the chat calls made. */
  const CHAT_REFUSALS: Array<{ name: string; model: string; on: "chat" | "modelsQueue" | "policy"; answer?: Reply; chatPaths: string[] }> = [
    { name: "chat on Chat Completions (gemini-3.1-pro-preview)", model: "gemini-3.1-pro-preview", on: "chat", chatPaths: ["/chat/completions"] },
    { name: "chat on Responses (gpt-5.3-codex)", model: "gpt-5.3-codex", on: "chat", chatPaths: ["/responses"] },
    { name: "chat on Anthropic Messages (claude-opus-4.7)", model: "claude-opus-4.7", on: "chat", chatPaths: ["/v1/messages"] },
    {
      name: "a plain-text 466 body is classified the same way",
      model: "gemini-3.1-pro-preview",
      on: "chat",
      answer: { status: 466, headers: { "content-type": "text/plain" }, body: "client not supported: update your client" },
      chatPaths: ["/chat/completions"],
    },
    { name: "on /models during chat: the request ends there instead of routing blind", model: "gemini-3.1-pro-preview", on: "modelsQueue", chatPaths: [] },
    { name: "on the policy call: the refusal itself, not 'enabling the model failed'", model: "claude-opus-4.7", on: "policy", chatPaths: [] },
  ];
  test.each(CHAT_REFUSALS)("$name", async ({ model, on, answer, chatPaths }) => {
    const { fake, harness } = await started();
    fake[on] = [answer ?? refused()];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, model));
    expectRefusal(result.error, harness, fake);
    expect(result.error!.message).toContain(`Editor-Version "${COPILOT_EDITOR_HEADERS["editor-version"]}"`);
    expect(result.error!.message).not.toContain("enabling it failed");
    // Neither retried nor answered with a new token: the identity, not the token, was refused.
    expect(chatCalls(fake).map((call) => call.path)).toEqual(chatPaths);
    expect(result.retries).toEqual([]);
    expect(fake.callsTo("/copilot_internal/v2/token").length).toBe(1);
  });

  test.each([
    ["stream_chat", (fake: CopilotFake): Json => ({ action: "stream_chat", params: chatParams(fake, "gemini-3.1-pro-preview") })],
    ["list_models", (fake: CopilotFake): Json => ({ action: "list_models", params: githubParams(fake, SIGNED_IN) })],
    ["authenticate", (fake: CopilotFake): Json => ({ action: "authenticate", params: githubParams(fake, SIGNED_IN) })],
  ])("on the GitHub token exchange, during %s", async (_action, request) => {
    const { fake, harness } = await started();
    fake.exchanges = [refused()];
    const lines = await harness.run({ id: "x", provider: "copilot", ...request(fake) });
    expectRefusal(terminalOf(lines).error, harness, fake);
    expect(fake.callsTo("/copilot_internal/v2/token").length).toBe(1);
    expect(fake.callsTo("/models").length + chatCalls(fake).length).toBe(0);
    expect((harness.deps.files as ReturnType<typeof memoryFiles>).files.size).toBe(0);
  });

  test("on /models during list_models", async () => {
    const { fake, harness } = await started();
    fake.modelsQueue = [refused()];
    const lines = await harness.run({ id: "lm", action: "list_models", provider: "copilot", params: githubParams(fake, SIGNED_IN) });
    expectRefusal(terminalOf(lines).error, harness, fake);
    expect(fake.callsTo("/models").length).toBe(1);
  });

  test("the OpenAI and Anthropic dialects keep their own reading of a 466 (only Copilot's answers get the rule)", () => {
    const response = { status: 466, body: JSON.stringify(REFUSED_BODY), headers: new Headers() };
    for (const classify of [classifyOpenAIError, classifyAnthropicError]) {
      const error = classify(response);
      expect(error.code).not.toBe("AUTH_FAILED");
      expect(error.message).not.toContain(EDITOR_ENV);
    }
  });
});

describe("where the identity comes from", () => {
  const ENV = { [EDITOR_ENV]: "vscode/1.150.0", [PLUGIN_ENV]: "copilot-chat/0.78.0" };

  /** The identity headers of every call that reached the fake, GitHub's and Copilot's. */
  async function identitiesSent(
    env: Record<string, string>,
    extra: Json = {},
  ): Promise<{ fake: CopilotFake; harness: Harness; sent: Record<string, Record<string, string | undefined>> }> {
    const { fake, harness } = await started(env);
    fake.chat = [replyOf((await copilotRecording("chat-text")).interactions[0]!)];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, "gemini-3.1-pro-preview", extra));
    expect(result.error).toBeUndefined();
    const sent: Record<string, Record<string, string | undefined>> = {};
    for (const [name, path] of [
      ["exchange", "/copilot_internal/v2/token"],
      ["models", "/models"],
      ["chat", "/chat/completions"],
    ] as const) {
      const call = fake.callsTo(path)[0]!;
      sent[name] = {
        editor: call.headers["editor-version"],
        plugin: call.headers["editor-plugin-version"],
        agent: call.headers["user-agent"],
        integration: call.headers["copilot-integration-id"],
        apiVersion: call.headers["x-github-api-version"],
      };
    }
    return { fake, harness, sent };
  }

  test("the defaults: one VS Code identity everywhere; Copilot's API version on Copilot, GitHub's on the exchange", async () => {
    const { sent } = await identitiesSent({});
    const identity = {
      editor: COPILOT_EDITOR_HEADERS["editor-version"],
      plugin: COPILOT_EDITOR_HEADERS["editor-plugin-version"],
      agent: COPILOT_EDITOR_HEADERS["user-agent"],
      integration: "vscode-chat",
    };
    expect(sent).toEqual({
      exchange: { ...identity, apiVersion: "2025-04-01" },
      models: { ...identity, apiVersion: COPILOT_API_VERSION },
      chat: { ...identity, apiVersion: COPILOT_API_VERSION },
    });
  });

  test("PLUE_COPILOT_EDITOR_VERSION / PLUE_COPILOT_PLUGIN_VERSION reach GitHub and Copilot; the User-Agent follows the plugin", async () => {
    const { sent } = await identitiesSent(ENV);
    for (const call of Object.values(sent)) {
      expect(call).toMatchObject({ editor: "vscode/1.150.0", plugin: "copilot-chat/0.78.0", agent: "GitHubCopilotChat/0.78.0", integration: "vscode-chat" });
    }
  });

  test("a plugin version of another form is sent as given and leaves the User-Agent alone", async () => {
    const { sent } = await identitiesSent({ [PLUGIN_ENV]: "plue-ai-provider/1.0" });
    expect(sent.chat).toMatchObject({ editor: COPILOT_EDITOR_HEADERS["editor-version"], plugin: "plue-ai-provider/1.0", agent: COPILOT_EDITOR_HEADERS["user-agent"] });
  });

  test("params.headers still win over the environment, on GitHub and on Copilot", async () => {
    const headers = { "Editor-Version": "vscode/9.9.9", "User-Agent": "Plue/1" };
    const { sent } = await identitiesSent(ENV, { headers });
    for (const call of Object.values(sent)) {
      expect(call).toMatchObject({ editor: "vscode/9.9.9", plugin: "copilot-chat/0.78.0", agent: "Plue/1" });
    }
  });

  test("params.headers can move Copilot's API version but never GitHub's (api.github.com versions differ)", async () => {
    const { sent } = await identitiesSent({}, { headers: { "X-GitHub-Api-Version": "2026-10-01" } });
    expect([sent.exchange!.apiVersion, sent.models!.apiVersion, sent.chat!.apiVersion]).toEqual(["2025-04-01", "2026-10-01", "2026-10-01"]);
  });

  test("an unusable environment value is ignored with a warning, not sent", async () => {
    const { sent, harness } = await identitiesSent({ [EDITOR_ENV]: "vscode/1.150.0\r\nX-Evil: 1", [PLUGIN_ENV]: "   " });
    expect(sent.chat).toMatchObject({ editor: COPILOT_EDITOR_HEADERS["editor-version"], plugin: COPILOT_EDITOR_HEADERS["editor-plugin-version"] });
    expect(harness.logs.some((line) => line.includes(EDITOR_ENV) && line.includes('"warn"'))).toBe(true);
  });

  test("a 466 names the identity that was refused, as overridden", async () => {
    const { fake, harness } = await started(ENV);
    fake.chat = [refused()];
    const result = await streamChat(harness, "chat", "copilot", chatParams(fake, "gemini-3.1-pro-preview"));
    expectRefusal(result.error, harness, fake);
    expect(result.error!.message).toContain('Editor-Version "vscode/1.150.0", Editor-Plugin-Version "copilot-chat/0.78.0"');
  });

  test("the default identity is one VS Code release with its bundled Copilot Chat (copilot-chat minor = VS Code minor − 72)", () => {
    const vscode = /^vscode\/1\.(\d+)\.\d+$/.exec(COPILOT_EDITOR_HEADERS["editor-version"]!);
    const chat = /^copilot-chat\/0\.(\d+)\.\d+$/.exec(COPILOT_EDITOR_HEADERS["editor-plugin-version"]!);
    expect(vscode).not.toBeNull();
    expect(chat).not.toBeNull();
    expect(Number(chat![1])).toBe(Number(vscode![1]) - 72);
    // The cut-off of 2026-02-11 refused VS Code 1.109 (microsoft/vscode#294308).
    expect(Number(vscode![1])).toBeGreaterThan(109);
    expect(COPILOT_EDITOR_HEADERS["user-agent"]).toBe(`GitHubCopilotChat/${COPILOT_EDITOR_HEADERS["editor-plugin-version"]!.slice("copilot-chat/".length)}`);
  });
});

test("a fine-grained PAT refused by the token exchange is named as such, and the token never written", async () => {
  const { fake, harness } = await started();
  const pat = "github_pat_CANARY0not0a0token0000000000000000000001";
  // The exchange's answer to a fine-grained PAT (vfarcic/dot-ai PR #591, 2026-06-11).
  fake.exchanges = [jsonReply(403, { message: "Resource not accessible by personal access token", documentation_url: "https://docs.github.com/rest" })];
  const result = await streamChat(harness, "chat", "copilot", githubParams(fake, { model: "gemini-3.1-pro-preview", messages: USER, credentials: { github_token: pat } }));
  expect(result.error).toMatchObject({ code: "AUTH_FAILED", retryable: false, status: 403 });
  expect(result.error!.message).toContain("fine-grained personal access token");
  expect(result.error!.message).toContain("authenticate");
  expect(everythingWritten(harness)).not.toContain(pat);
});

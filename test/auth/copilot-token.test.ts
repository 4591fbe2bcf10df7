/**
 * GitHub token → Copilot token against the loopback fake, on a fake clock:
 * what the exchange sends, where the chat base URL comes from, caching and
 * refreshing ahead of expiry, one exchange for concurrent callers, sharing
 * through the credential store between "processes" (two Deps over one
 * store file), invalidation after a 401, and the answers for a revoked login
 * or an account without Copilot.
 */
import { afterEach, describe, expect, test } from "bun:test";
import {
  apiFromCopilotToken,
  copilotTokensFor,
  createCopilotTokens,
  exchangeForCopilotToken,
  findGitHubToken,
  githubEndpoints,
  type GitHubCredential,
} from "../../src/auth/copilot-token.ts";
import { loadStoredCredentials, saveStoredCredentials } from "../../src/auth/store.ts";
import type { Deps } from "../../src/deps.ts";
import { redact } from "../../src/redact.ts";
import { bodyText } from "../support/cassette.ts";
import { memoryFiles } from "../support/in-process.ts";
import { copilotRecording, copilotToken, GITHUB_CANARY, GITHUB_CANARY_2, replyOf, startCopilotFake, T0, type CopilotFake } from "../providers/copilot-fake.ts";
import { failure } from "../support/failure.ts";
import { withProcessState } from "../../src/server/state.ts";

let fake: CopilotFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const never = new AbortController().signal;

function processDeps(clock: { now: number }, files = memoryFiles(), env: Record<string, string> = {}): Deps & { logs: string[] } {
  const logs: string[] = [];
  return withProcessState({
    fetch: globalThis.fetch,
    now: () => clock.now,
    sleep: async () => {},
    random: () => 0.5,
    env,
    files,
    authFile: "/memory/auth.json",
    log: { log: (level, message, fields) => void logs.push(JSON.stringify({ level, message, ...fields })) },
    version: "test",
    logs,
  });
}

async function loggedIn(deps: Deps, url: string, token = GITHUB_CANARY): Promise<void> {
  await saveStoredCredentials(deps, "copilot", { github_token: token, github: { url, api_url: url } });
}

describe("exchange", () => {
  test("GET copilot_internal/v2/token with `token <github token>` and the editor headers; base URL from endpoints.api", async () => {
    const clock = { now: T0 };
    const deps = processDeps(clock);
    fake = await startCopilotFake(deps.now);
    const recorded = (await copilotRecording("token")).interactions[0]!;
    fake.exchanges = [replyOf(recorded)];
    const credential: GitHubCredential = { token: GITHUB_CANARY, source: "params", endpoints: { githubUrl: fake.url, githubApiUrl: fake.url } };
    const session = await exchangeForCopilotToken(deps, credential, {});
    const answer = JSON.parse(bodyText(recorded));
    expect(session.token).toBe(answer.token);
    expect(session.api).toBe("https://api.individual.githubcopilot.com");
    expect(session.expiresAt).toBe(answer.expires_at * 1000);
    const [call] = fake.callsTo("/copilot_internal/v2/token");
    expect(call?.headers.authorization).toBe(`token ${GITHUB_CANARY}`);
    expect(call?.headers["editor-version"]).toMatch(/^vscode\//);
    expect(call?.headers["editor-plugin-version"]).toMatch(/^copilot-chat\//);
  });

  test("without endpoints.api the base URL comes from the token's proxy-ep", () => {
    expect(apiFromCopilotToken("tid=x;exp=1;proxy-ep=proxy.business.githubcopilot.com;st=dotcom")).toBe("https://api.business.githubcopilot.com");
    expect(apiFromCopilotToken("tid=x;exp=1")).toBeUndefined();
  });

  test.each([
    ["token-401", 401, "run authenticate again"],
    ["token-403-no-copilot", 403, "No access to GitHub Copilot found"],
  ])("%s → AUTH_FAILED that says what to do", async (name, status, words) => {
    const clock = { now: T0 };
    const deps = processDeps(clock);
    fake = await startCopilotFake(deps.now);
    fake.exchanges = [replyOf((await copilotRecording(name)).interactions[0]!)];
    const credential: GitHubCredential = { token: GITHUB_CANARY, source: "store", endpoints: { githubUrl: fake.url, githubApiUrl: fake.url } };
    const error = await failure(exchangeForCopilotToken(deps, credential, {}));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(words);
    expect(error.message).not.toContain(GITHUB_CANARY);
  });

  test("404 (login gone, or an account without a subscription) names both and says run authenticate", async () => {
    const clock = { now: T0 };
    const deps = processDeps(clock);
    fake = await startCopilotFake(deps.now);
    fake.exchanges = [{ status: 404, headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "Not Found" }) }];
    const credential: GitHubCredential = { token: GITHUB_CANARY, source: "store", endpoints: { githubUrl: fake.url, githubApiUrl: fake.url } };
    const error = await failure(exchangeForCopilotToken(deps, credential, {}));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toContain("run authenticate again");
    expect(error.message).toContain("subscription");
  });
});

describe("where the GitHub token and GitHub come from", () => {
  test("params, then GH_COPILOT_TOKEN / GITHUB_COPILOT_TOKEN, then the store", async () => {
    const files = memoryFiles();
    const clock = { now: T0 };
    const stored = processDeps(clock, files);
    await loggedIn(stored, "https://ghe.example.com");
    expect(await findGitHubToken({}, stored)).toMatchObject({ token: GITHUB_CANARY, source: "store", endpoints: { githubUrl: "https://ghe.example.com" } });
    // Reading the store registers its secrets with the redactor, never the GitHub URLs stored with them.
    expect(redact("see https://ghe.example.com and https://api.ghe.example.com")).toBe("see https://ghe.example.com and https://api.ghe.example.com");
    expect(redact(`token ${GITHUB_CANARY}`)).not.toContain(GITHUB_CANARY);
    const env = processDeps(clock, files, { GITHUB_COPILOT_TOKEN: GITHUB_CANARY_2 });
    expect(await findGitHubToken({}, env)).toMatchObject({ token: GITHUB_CANARY_2, source: "env" });
    expect(await findGitHubToken({ credentials: { github_token: "gho_CANARY.not.a.token.param" } }, env)).toMatchObject({ source: "params" });
    expect(await findGitHubToken({}, processDeps(clock))).toBeUndefined();
  });

  test.each([
    [{}, "https://github.com", "https://api.github.com"],
    [{ github_url: "https://octo.ghe.com" }, "https://octo.ghe.com", "https://api.octo.ghe.com"],
    [{ github_url: "https://git.corp.example/", github_api_url: "https://git.corp.example/api/v3" }, "https://git.corp.example", "https://git.corp.example/api/v3"],
  ])("GitHub Enterprise: %j", (params, githubUrl, githubApiUrl) => {
    expect(githubEndpoints(params)).toEqual({ githubUrl, githubApiUrl });
  });

  test("a github_url that is not a URL is an invalid request naming the field", () => {
    expect(() => githubEndpoints({ github_url: "ghe.example.com" })).toThrow(expect.objectContaining({ code: "INVALID_REQUEST", field: "params.github_url" }));
  });
});

describe("caching and refreshing", () => {
  test("cached until refresh_in − 60 s (ahead of expiry), then exchanged again", async () => {
    const clock = { now: T0 };
    const deps = processDeps(clock);
    fake = await startCopilotFake(deps.now);
    await loggedIn(deps, fake.url);
    const tokens = createCopilotTokens(deps);
    expect((await tokens.session({}, never)).token).toBe(copilotToken(1));
    // lifetime 1800 s, refresh_in 1500 s: refresh at 1440 s, well before expiry.
    clock.now = T0 + 1439_000;
    expect((await tokens.session({}, never)).token).toBe(copilotToken(1));
    clock.now = T0 + 1440_000;
    expect((await tokens.session({}, never)).token).toBe(copilotToken(2));
    expect(fake.callsTo("/copilot_internal/v2/token").length).toBe(2);
  });

  test("without refresh_in: five minutes before expires_at; a very short-lived token is used for half its life", async () => {
    const clock = { now: T0 };
    const deps = processDeps(clock);
    fake = await startCopilotFake(deps.now);
    await loggedIn(deps, fake.url);
    fake.refreshInS = 0;
    const tokens = createCopilotTokens(deps);
    const first = await tokens.session({}, never);
    expect(first.refreshAt).toBe(T0 + (1800 - 300) * 1000);
    fake.lifetimeS = 120;
    clock.now = first.refreshAt;
    const second = await tokens.session({}, never);
    expect(second.refreshAt).toBe(clock.now + 60_000);
  });

  test("concurrent callers share one exchange", async () => {
    const clock = { now: T0 };
    const deps = processDeps(clock);
    fake = await startCopilotFake(deps.now);
    await loggedIn(deps, fake.url);
    const tokens = createCopilotTokens(deps);
    const sessions = await Promise.all([1, 2, 3, 4].map(() => tokens.session({}, never)));
    expect(new Set(sessions.map((s) => s.token)).size).toBe(1);
    expect(fake.callsTo("/copilot_internal/v2/token").length).toBe(1);
  });

  test("a rejected token is never handed out again, neither from memory nor from the store", async () => {
    const clock = { now: T0 };
    const deps = processDeps(clock);
    fake = await startCopilotFake(deps.now);
    await loggedIn(deps, fake.url);
    const tokens = createCopilotTokens(deps);
    const first = await tokens.session({}, never);
    tokens.invalidate(first.token);
    expect((await tokens.session({}, never)).token).toBe(copilotToken(2));
    expect(((await loadStoredCredentials(deps, "copilot"))!.copilot_token as { token: string }).token).toBe(copilotToken(2));
  });

  test("two processes over one store: one exchange while the token is valid, and one refresh that the other picks up", async () => {
    const files = memoryFiles();
    const clock = { now: T0 };
    const a = processDeps(clock, files);
    const b = processDeps(clock, files);
    fake = await startCopilotFake(a.now);
    await loggedIn(a, fake.url);
    expect((await copilotTokensFor(a).session({}, never)).token).toBe(copilotToken(1));
    expect((await copilotTokensFor(b).session({}, never)).token).toBe(copilotToken(1));
    expect(fake.callsTo("/copilot_internal/v2/token").length).toBe(1);
    clock.now = T0 + 1500_000;
    expect((await copilotTokensFor(b).session({}, never)).token).toBe(copilotToken(2));
    expect((await copilotTokensFor(a).session({}, never)).token).toBe(copilotToken(2));
    expect(fake.callsTo("/copilot_internal/v2/token").length).toBe(2);
  });

  test("a token from the environment is not written into the store", async () => {
    const clock = { now: T0 };
    const deps = processDeps(clock, memoryFiles(), { GH_COPILOT_TOKEN: GITHUB_CANARY_2 });
    fake = await startCopilotFake(deps.now);
    await createCopilotTokens(deps).session({ github_api_url: fake.url }, never);
    expect(await loadStoredCredentials(deps, "copilot")).toBeUndefined();
    expect(fake.callsTo("/copilot_internal/v2/token")[0]?.headers.authorization).toBe(`token ${GITHUB_CANARY_2}`);
  });

  test("no login at all: AUTH_REQUIRED naming authenticate and the variables", async () => {
    const error = await failure(createCopilotTokens(processDeps({ now: T0 })).session({}, never));
    expect(error.code).toBe("AUTH_REQUIRED");
    expect(error.message).toContain("authenticate");
    expect(error.message).toContain("GH_COPILOT_TOKEN");
  });

  test("logout (the store entry removed) ends the use of the cached token", async () => {
    const clock = { now: T0 };
    const deps = processDeps(clock);
    fake = await startCopilotFake(deps.now);
    await loggedIn(deps, fake.url);
    const tokens = createCopilotTokens(deps);
    await tokens.session({}, never);
    await deps.files.remove(deps.authFile);
    expect((await failure(tokens.session({}, never))).code).toBe("AUTH_REQUIRED");
  });
});

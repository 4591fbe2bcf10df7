/**
 * A loopback stand-in for GitHub (device flow, token exchange) and the
 * Copilot API (/models, policy, chat on its three routes), answering by
 * route with bodies from recordings/copilot. Scripts are queues: the next
 * answer for a route is shifted off its queue; an empty queue gives the
 * default (a fresh Copilot token for the exchange, the last poll answer again
 * for the device flow, 599 for an unscripted chat call).
 */
import { afterEach, expect } from "bun:test";
import { startFake, type FakeServer, type Received, type Reply } from "../auth/aws/fakes.ts";
import { bodyText, type Cassette, type Interaction } from "../support/cassette.ts";
import { createHarness, memoryFiles, type Harness } from "../support/in-process.ts";
import { everythingWritten, recording } from "./replay.ts";

export const T0 = Date.parse("2026-11-24T12:00:00Z");
/** GitHub canaries: must never reach stdout, stderr or the logs. */
export const GITHUB_CANARY = "gho_CANARY.not.a.token.github.0001";
export const GITHUB_CANARY_2 = "gho_CANARY.not.a.token.github.0002";

export function copilotRecording(name: string): Promise<Cassette> {
  return recording("copilot", name);
}

export function replyOf(it: Interaction, body = bodyText(it)): Reply {
  return { status: it.response.status, headers: it.response.headers, body };
}

export function jsonReply(status: number, body: unknown): Reply {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** The fake Copilot token of exchange `n`; each one distinct, each caught by the redactor's `tid=` net. */
export function copilotToken(n: number): string {
  return `tid=fake.copilot.token.${n};exp=0;sku=fake;proxy-ep=proxy.fake.test;8kp=1:fake`;
}

export interface CopilotFake {
  url: string;
  calls: Received[];
  /** Answers for POST /login/oauth/access_token, in order; the last one repeats. */
  polls: Reply[];
  deviceCode: Reply;
  /** Answers for the token exchange before the default ones. */
  exchanges: Reply[];
  /** Lifetime and refresh_in of the default exchange answers, in seconds. */
  lifetimeS: number;
  refreshInS: number;
  /** `endpoints.api` of the default exchange answers (default: this fake). */
  api: string | undefined;
  models: Reply;
  /** Answers for GET /models before `models`. */
  modelsQueue: Reply[];
  policy: Reply[];
  chat: Reply[];
  /** The Copilot tokens handed out so far. */
  issued: string[];
  now: () => number;
  callsTo(path: string): Received[];
  close(): Promise<void>;
}

export async function startCopilotFake(now: () => number): Promise<CopilotFake> {
  const flow = await copilotRecording("device-flow");
  const models = await copilotRecording("models");
  let last: Reply | undefined;
  const fake: CopilotFake = {
    url: "",
    calls: [],
    polls: [],
    deviceCode: replyOf(flow.interactions[0]!),
    exchanges: [],
    lifetimeS: 1800,
    refreshInS: 1500,
    api: undefined,
    models: replyOf(models.interactions[0]!),
    modelsQueue: [],
    policy: [],
    chat: [],
    issued: [],
    now,
    callsTo: (path) => fake.calls.filter((call) => call.path.split("?")[0]!.endsWith(path)),
    close: async () => {},
  };
  const server: FakeServer = await startFake((request) => {
    const path = request.path.split("?")[0]!;
    if (request.method === "POST" && path.endsWith("/login/device/code")) return fake.deviceCode;
    if (request.method === "POST" && path.endsWith("/login/oauth/access_token")) {
      last = fake.polls.shift() ?? last;
      return last ?? jsonReply(400, { error: "authorization_pending" });
    }
    if (request.method === "GET" && path.endsWith("/copilot_internal/v2/token")) {
      const scripted = fake.exchanges.shift();
      if (scripted) return scripted;
      const token = copilotToken(fake.issued.length + 1);
      fake.issued.push(token);
      const expiresAt = Math.floor(fake.now() / 1000) + fake.lifetimeS;
      return jsonReply(200, { chat_enabled: true, endpoints: { api: fake.api ?? fake.url }, expires_at: expiresAt, refresh_in: fake.refreshInS, sku: "fake", token });
    }
    if (request.method === "GET" && path.endsWith("/models")) return fake.modelsQueue.shift() ?? fake.models;
    if (request.method === "POST" && /\/models\/[^/]+\/policy$/.test(path)) return fake.policy.shift() ?? jsonReply(200, { state: "enabled" });
    if (request.method === "POST" && /\/(chat\/completions|responses|v1\/messages)$/.test(path)) {
      return fake.chat.shift() ?? jsonReply(599, { error: { message: `no scripted answer for ${path}` } });
    }
    return jsonReply(599, { error: { message: `unexpected ${request.method} ${path}` } });
  });
  fake.url = server.url;
  fake.calls = server.calls;
  fake.close = server.close;
  return fake;
}

/**
 * `fakeFor(clock)` for one test file: a fake on the clock's time, closed
 * after the test that started it (registers an afterEach, so call it once,
 * at the top of the file).
 */
export function copilotFakes(): (clock: Clock) => Promise<CopilotFake> {
  const open: CopilotFake[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((fake) => fake.close()));
  });
  return async (clock) => {
    const fake = await startCopilotFake(() => clock.now);
    open.push(fake);
    return fake;
  };
}

export interface Clock {
  now: number;
  sleeps: number[];
}

export function newClock(): Clock {
  return { now: T0, sleeps: [] };
}

/**
 * An in-process "editor process": the harness with a fake clock whose sleep
 * advances time, and (optionally) a credential store file shared with other
 * harnesses.
 */
export function copilotHarness(clock: Clock, files = memoryFiles(), env: Record<string, string> = {}): Harness {
  return createHarness({
    now: () => clock.now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      clock.sleeps.push(ms);
      clock.now += ms;
    },
    files,
    env,
  });
}

/** Nothing written (lines and logs) holds a GitHub canary or a Copilot token the fake issued. */
export function expectNoCopilotSecrets(harness: Harness, fake: CopilotFake): void {
  const written = everythingWritten(harness);
  expect(written).not.toContain(GITHUB_CANARY);
  expect(written).not.toContain(GITHUB_CANARY_2);
  expect(written).not.toContain("tid=");
  for (const token of fake.issued) expect(written).not.toContain(token);
}

/** Provider params pointing every GitHub and Copilot call at the fake. */
export function githubParams(fake: CopilotFake, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { github_url: fake.url, github_api_url: fake.url, ...extra };
}

/** The device-flow cassette's token answer, with a canary instead of its `x*40` placeholder. */
export async function tokenAnswer(token: string): Promise<Reply> {
  const flow = await copilotRecording("device-flow");
  const it = flow.interactions[2]!;
  return replyOf(it, JSON.stringify({ ...JSON.parse(bodyText(it)), access_token: token }));
}

export async function pendingAnswer(): Promise<Reply> {
  return replyOf((await copilotRecording("device-flow")).interactions[1]!);
}

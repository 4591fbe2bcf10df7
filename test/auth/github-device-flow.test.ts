/**
 * GitHub's device flow against a loopback fake serving the recorded and
 * documented answers (recordings/copilot/device-flow*.ndjson), on a fake
 * clock: what is sent, how polling follows interval / authorization_pending /
 * slow_down, and how it ends (token, denial, expiry, cancel).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { COPILOT_CLIENT_ID, pollForToken, requestDeviceCode, type DeviceFlowOptions } from "../../src/auth/github-device-flow.ts";
import type { Deps } from "../../src/deps.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { memoryFiles } from "../support/in-process.ts";
import { copilotRecording, GITHUB_CANARY, jsonReply, pendingAnswer, replyOf, startCopilotFake, T0, tokenAnswer, type CopilotFake } from "../providers/copilot-fake.ts";
import { failure } from "../support/failure.ts";
import { withProcessState } from "../../src/server/state.ts";

let fake: CopilotFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

interface Timed {
  deps: Deps;
  clock: { now: number; sleeps: number[] };
}

function timedDeps(onSleep?: (ms: number, signal?: AbortSignal) => Promise<void>): Timed {
  const clock = { now: T0, sleeps: [] as number[] };
  const deps: Deps = withProcessState({
    fetch: globalThis.fetch,
    now: () => clock.now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      clock.sleeps.push(ms);
      if (onSleep) await onSleep(ms, signal);
      clock.now += ms;
    },
    random: () => 0.5,
    env: {},
    files: memoryFiles(),
    authFile: "/memory/auth.json",
    log: { log: () => {} },
    version: "test",
  });
  return { deps, clock };
}

function options(url: string, clientId = COPILOT_CLIENT_ID): DeviceFlowOptions {
  return { githubUrl: url, clientId, scope: "read:user" };
}

const never = new AbortController().signal;

describe("device code request", () => {
  test("posts the client id and scope form-encoded, asks for JSON, and reads the recorded answer", async () => {
    const { deps } = timedDeps();
    fake = await startCopilotFake(deps.now);
    const code = await requestDeviceCode(deps, options(fake.url), never);
    // Values from recordings/copilot/device-flow.ndjson (the bk-rs transcription).
    expect(code).toEqual({ device_code: "DEVICE_CODE__x*40", user_code: "XXXX-XXXX", verification_uri: "https://github.com/login/device", expires_in: 899, interval: 5 });
    const [call] = fake.callsTo("/login/device/code");
    expect(call?.headers.accept).toBe("application/json");
    expect(Object.fromEntries(new URLSearchParams(call!.body))).toEqual({ client_id: "Iv1.b507a08c87ecfe98", scope: "read:user" });
  });

  test.each([
    ["0", 0],
    ["negative", -1],
    ["missing", undefined],
  ])("an interval that is %s becomes GitHub's documented default of 5 s (0 would poll without pause)", async (_name, interval) => {
    const { deps } = timedDeps();
    fake = await startCopilotFake(deps.now);
    fake.deviceCode = jsonReply(200, {
      device_code: "DEVICE_CODE__interval",
      user_code: "ABCD-1234",
      verification_uri: "https://github.com/login/device",
      expires_in: 900,
      ...(interval !== undefined && { interval }),
    });
    const code = await requestDeviceCode(deps, options(fake.url), never);
    expect(code.interval).toBe(5);
  });

  test("the client id can be replaced", async () => {
    const { deps } = timedDeps();
    fake = await startCopilotFake(deps.now);
    await requestDeviceCode(deps, options(fake.url, "Ov23liOtherApp"), never);
    expect(new URLSearchParams(fake.callsTo("/login/device/code")[0]!.body).get("client_id")).toBe("Ov23liOtherApp");
  });

  test.each([
    [
      "device flow disabled for the app",
      400,
      { error: "device_flow_disabled", error_description: "Device Flow must be explicitly enabled for this App" },
      "AUTH_FAILED",
      "Device Flow must be explicitly enabled",
    ],
    ["not a GitHub host (HTML 404)", 404, "<html>Not Found</html>", "AUTH_FAILED", "HTTP 404"],
    ["GitHub down", 503, "unavailable", "PROVIDER_ERROR", "HTTP 503"],
  ])("%s", async (_name, status, body, code, words) => {
    const { deps } = timedDeps();
    fake = await startCopilotFake(deps.now);
    fake.deviceCode = typeof body === "string" ? { status, body } : jsonReply(status, body);
    const error = await failure(requestDeviceCode(deps, options(fake.url), never));
    expect(error.code as string).toBe(code);
    expect(error.message).toContain(words);
  });
});

describe("polling", () => {
  async function started(scenario: string): Promise<Timed & { code: Awaited<ReturnType<typeof requestDeviceCode>> }> {
    const timed = timedDeps();
    fake = await startCopilotFake(timed.deps.now);
    const cassette = await copilotRecording(scenario);
    fake.polls = cassette.interactions.slice(1).map((it) => replyOf(it));
    const code = await requestDeviceCode(timed.deps, options(fake.url), never);
    return { ...timed, code };
  }

  test("waits one interval before each poll, keeps polling while pending, and returns the token", async () => {
    const { deps, clock, code } = await started("device-flow");
    fake!.polls[fake!.polls.length - 1] = await tokenAnswer(GITHUB_CANARY);
    const token = await pollForToken(deps, options(fake!.url), code, never);
    expect(token).toEqual({ access_token: GITHUB_CANARY, token_type: "bearer", scope: "public_repo,user:email" });
    expect(clock.sleeps).toEqual([5000, 5000]);
    const polls = fake!.callsTo("/login/oauth/access_token");
    expect(polls.length).toBe(2);
    expect(polls[0]!.headers.accept).toBe("application/json");
    expect(Object.fromEntries(new URLSearchParams(polls[0]!.body))).toEqual({
      client_id: "Iv1.b507a08c87ecfe98",
      device_code: "DEVICE_CODE__x*40",
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
    });
  });

  test("slow_down: the interval grows to the one GitHub sends and stays there", async () => {
    const { deps, clock, code } = await started("device-flow-slow-down");
    fake!.polls[fake!.polls.length - 1] = await tokenAnswer(GITHUB_CANARY);
    await pollForToken(deps, options(fake!.url), code, never);
    // 5 s, then slow_down with interval 10, then pending, then the token.
    expect(clock.sleeps).toEqual([5000, 10000, 10000]);
  });

  test("slow_down without an interval adds 5 s each time", async () => {
    const { deps, clock, code } = await started("device-flow");
    const slow = jsonReply(400, { error: "slow_down", error_description: "Too many requests have been made in the same timeframe." });
    fake!.polls = [slow, slow, await tokenAnswer(GITHUB_CANARY)];
    await pollForToken(deps, options(fake!.url), code, never);
    expect(clock.sleeps).toEqual([5000, 10000, 15000]);
  });

  test.each([
    ["device-flow-denied", "access_denied", "denied"],
    ["device-flow-expired", "expired_token", "expired"],
  ])("%s ends with AUTH_FAILED telling the user to start again", async (scenario, _error, words) => {
    const { deps, code } = await started(scenario);
    const error = await failure(pollForToken(deps, options(fake!.url), code, never));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(words);
    expect(error.message).toContain("run authenticate again");
    expect(fake!.callsTo("/login/oauth/access_token").length).toBe(1);
  });

  test("a code that runs out while still pending ends without another poll", async () => {
    const { deps, clock, code } = await started("device-flow");
    fake!.polls = [await pendingAnswer()];
    const error = await failure(pollForToken(deps, options(fake!.url), { ...code, expires_in: 12, interval: 5 }, never));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toContain("expired");
    // Polls at 5 s and 10 s; at 15 s the 12 s code is gone.
    expect(fake!.callsTo("/login/oauth/access_token").length).toBe(2);
    expect(clock.sleeps).toEqual([5000, 5000, 5000]);
  });

  test("cancel during the wait stops polling at once", async () => {
    const controller = new AbortController();
    let waits = 0;
    const timed = timedDeps(async (_ms, signal) => {
      waits++;
      if (waits === 2) {
        // The user gives up during the second wait: the wait must end now, not after the interval.
        await new Promise<void>((_resolve, reject) => {
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
          controller.abort(new BridgeError("CANCELLED", "request cancelled by the client"));
        });
      }
    });
    fake = await startCopilotFake(timed.deps.now);
    fake.polls = [await pendingAnswer()];
    const code = await requestDeviceCode(timed.deps, options(fake.url), never);
    const error = await failure(pollForToken(timed.deps, options(fake.url), code, controller.signal));
    expect(error.code).toBe("CANCELLED");
    expect(fake.callsTo("/login/oauth/access_token").length).toBe(1);
  });

  test("an unknown error ends the flow with GitHub's description", async () => {
    const { deps, code } = await started("device-flow");
    fake!.polls = [jsonReply(400, { error: "incorrect_device_code", error_description: "The device_code provided is not valid." })];
    const error = await failure(pollForToken(deps, options(fake!.url), code, never));
    expect(error.code).toBe("AUTH_FAILED");
    expect(error.message).toContain("The device_code provided is not valid.");
  });

  test("a 5xx while polling is tolerated a few times, then reported", async () => {
    const { deps, code } = await started("device-flow");
    const down = { status: 502, body: "bad gateway" };
    fake!.polls = [down, await tokenAnswer(GITHUB_CANARY)];
    expect((await pollForToken(deps, options(fake!.url), code, never)).access_token).toBe(GITHUB_CANARY);
    const again = await startCopilotFake(deps.now);
    try {
      again.polls = [down];
      const error = await failure(pollForToken(deps, options(again.url), code, never));
      expect(error.message).toContain("HTTP 502");
      expect(again.callsTo("/login/oauth/access_token").length).toBe(3);
    } finally {
      await again.close();
    }
  });
});

describe("a GitHub that never answers", () => {
  /** A fetch that accepts the request and then waits forever (a stalled proxy), ending only when its signal aborts. */
  const stalling = (calls: { n: number }): typeof fetch =>
    ((_input: RequestInfo | URL, init?: RequestInit) => {
      calls.n++;
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true });
      });
    }) as typeof fetch;

  test("a stalled device code request ends with a TIMEOUT instead of waiting forever", async () => {
    const { deps } = timedDeps();
    const calls = { n: 0 };
    deps.fetch = stalling(calls);
    const error = await failure(requestDeviceCode(deps, { ...options("https://github.example"), requestTimeoutMs: 30 }, never));
    expect(error.code).toBe("TIMEOUT");
    expect(calls.n).toBe(1);
  });

  test("stalled polls are given up on like failed ones: the flow ends instead of hanging", async () => {
    const { deps } = timedDeps();
    const calls = { n: 0 };
    deps.fetch = stalling(calls);
    const code = { device_code: "DEVICE_CODE__stall", user_code: "XXXX-XXXX", verification_uri: "https://github.com/login/device", expires_in: 900, interval: 5 };
    const error = await failure(pollForToken(deps, { ...options("https://github.example"), requestTimeoutMs: 30 }, code, never));
    expect(error.code).toBe("TIMEOUT");
    expect(calls.n).toBe(3);
  });
});

/** The one loop that tries again (src/http/attempts.ts). */
import { describe, expect, test } from "bun:test";
import { type AttemptDecision, runAttempts } from "../../src/http/attempts.ts";
import { BridgeError } from "../../src/protocol/errors.ts";

function harness(failures: number, decide: (error: BridgeError, n: number) => AttemptDecision) {
  const sleeps: number[] = [];
  const said: string[] = [];
  const givenUp: string[] = [];
  const controller = new AbortController();
  const run = runAttempts({
    deps: {
      sleep: async (ms, signal) => {
        sleeps.push(ms);
        if (signal?.aborted) throw signal.reason;
      },
    },
    signal: controller.signal,
    attempt: async (n) => {
      if (n < failures) throw new BridgeError("OVERLOADED", `attempt ${n} failed`, { retryable: true });
      return `ok after ${n}`;
    },
    decide,
    onGiveUp: (error) => void givenUp.push(error.message),
  });
  return { run, sleeps, said, givenUp, controller };
}

describe("runAttempts", () => {
  test("retries while the decision says so, waiting what it says; n counts the attempts", async () => {
    const seen: number[] = [];
    const h = harness(2, (_error, n) => {
      seen.push(n);
      return { retry: true, delayMs: 100 * (n + 1) };
    });
    expect(await h.run).toBe("ok after 2");
    expect(seen).toEqual([0, 1]);
    expect(h.sleeps).toEqual([100, 200]);
    expect(h.givenUp).toEqual([]);
  });

  test("a decision without a delay goes on at once; announce runs before the next attempt", async () => {
    const order: string[] = [];
    const h = harness(1, () => ({ retry: true, announce: () => void order.push("announced") }));
    expect(await h.run).toBe("ok after 1");
    expect(order).toEqual(["announced"]);
    expect(h.sleeps).toEqual([]);
  });

  test("giving up throws the attempt's error and reports it once", async () => {
    const h = harness(5, (_error, n) => (n < 1 ? { retry: true, delayMs: 0 } : { retry: false }));
    await expect(h.run).rejects.toThrow("attempt 1 failed");
    expect(h.givenUp).toEqual(["attempt 1 failed"]);
    expect(h.sleeps).toEqual([0]);
  });

  test("a cancel during the wait ends the loop with the cancel's reason, reported once", async () => {
    const cancel = new BridgeError("CANCELLED", "request cancelled");
    let h: ReturnType<typeof harness>;
    h = harness(5, () => {
      h.controller.abort(cancel);
      return { retry: true, delayMs: 50, waitName: "resume wait" };
    });
    await expect(h.run).rejects.toBe(cancel);
    expect(h.givenUp).toEqual(["request cancelled"]);
  });

  test("once the signal aborted, the decision is not asked", async () => {
    let asked = 0;
    const h = harness(5, () => {
      asked++;
      return { retry: true };
    });
    h.controller.abort(new BridgeError("CANCELLED", "request cancelled"));
    await expect(h.run).rejects.toThrow("attempt 0 failed");
    expect(asked).toBe(0);
  });
});

import { describe, expect, test } from "bun:test";
import { createHarness, terminalOf } from "../support/in-process.ts";

/**
 * Issue 15 item 5: a long count_tokens must not hold the process. Ordering,
 * not timing, is asserted: a ping sent while the count runs is answered
 * before the count is, which a synchronous count could not do (the ping's
 * timer fires only once the count has returned). Each test counts a text of
 * its own, since the encoder remembers counts by text.
 */
const unbroken = (seed: string): string => `${seed}${"qwertyuiopasdfghjklzxcvbnm".repeat(80_000)}`; // ~2 MB, one pre-token

const countRequest = (id: string, content: string, extra: Record<string, unknown> = {}) => ({
  id,
  action: "count_tokens",
  provider: "openai",
  params: { model: "gpt-4o", messages: [{ role: "user", content }] },
  ...extra,
});

describe("count_tokens of a long unbroken text", () => {
  test("a ping sent while it counts is answered first", async () => {
    const harness = createHarness();
    // The tokenizer's first load is not what this test is about.
    await harness.run(countRequest("warm", "warm up"));
    harness.server.handleLine(JSON.stringify(countRequest("count", unbroken("ping"))));
    setTimeout(() => harness.server.handleLine(JSON.stringify({ id: "ping", action: "ping" })), 1);
    await Bun.sleep(5);
    await harness.server.drain();
    const order = harness.lines.map((line) => line.id).filter((id) => id === "ping" || id === "count");
    expect(order).toEqual(["ping", "count"]);
    const count = terminalOf(harness.lines.filter((line) => line.id === "count"));
    expect(count.data).toMatchObject({ exact: false, method: "tokenizer" });
    expect(count.data.input_tokens).toBeGreaterThan(100_000);
  });

  test("a ping is answered first during a count of many medium messages too (each below any one-text threshold)", async () => {
    const harness = createHarness();
    await harness.run(countRequest("warm", "warm up"));
    // 600 different messages of ~4,000 characters: 2.4 M characters in all, none long on its own.
    const messages = Array.from({ length: 600 }, (_, i) => ({ role: "user", content: `message ${i}: ${"the quick brown fox jumps over the lazy dog ".repeat(90)}` }));
    harness.server.handleLine(JSON.stringify({ id: "count", action: "count_tokens", provider: "openai", params: { model: "gpt-4o", messages } }));
    setTimeout(() => harness.server.handleLine(JSON.stringify({ id: "ping", action: "ping" })), 1);
    await Bun.sleep(5);
    await harness.server.drain();
    const order = harness.lines.map((line) => line.id).filter((id) => id === "ping" || id === "count");
    expect(order).toEqual(["ping", "count"]);
    expect(terminalOf(harness.lines.filter((line) => line.id === "count")).data).toMatchObject({ exact: true, method: "tokenizer" });
  });

  test("cancel ends it with CANCELLED", async () => {
    const harness = createHarness();
    await harness.run(countRequest("warm", "warm up"));
    harness.server.handleLine(JSON.stringify(countRequest("count", unbroken("cancel"))));
    setTimeout(() => harness.server.handleLine(JSON.stringify({ id: "stop", action: "cancel", params: { id: "count" } })), 1);
    await Bun.sleep(5);
    await harness.server.drain();
    expect(terminalOf(harness.lines.filter((line) => line.id === "count")).error.code).toBe("CANCELLED");
  });

  test("its deadline ends it with TIMEOUT", async () => {
    const harness = createHarness();
    await harness.run(countRequest("warm", "warm up"));
    const lines = await harness.run(countRequest("count", unbroken("timeout"), { timeout: 1 }));
    expect(terminalOf(lines).error.code).toBe("TIMEOUT");
  });
});

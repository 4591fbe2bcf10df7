import { expect, test } from "bun:test";
import { untilAborted } from "../../src/protocol/abort.ts";

const named = (signal: AbortSignal): Error => new Error(`stopped: ${String(signal.reason)}`);

test("the promise's value when the signal stays quiet", async () => {
  expect(await untilAborted(Promise.resolve(7), new AbortController().signal, named)).toBe(7);
});

test("the promise's own rejection passes through unchanged", async () => {
  const failure = new Error("refresh failed");
  await expect(untilAborted(Promise.reject(failure), new AbortController().signal, named)).rejects.toBe(failure);
});

test("an already aborted signal ends the wait at once with onAbort's error", async () => {
  const controller = new AbortController();
  controller.abort("gone");
  await expect(untilAborted(new Promise<never>(() => {}), controller.signal, named)).rejects.toThrow("stopped: gone");
});

test("an abort mid-wait ends only the wait: the work still settles, and its later failure is handled", async () => {
  const controller = new AbortController();
  let fail!: (error: Error) => void;
  const work = new Promise<number>((_, reject) => {
    fail = reject;
  });
  const waiting = untilAborted(work, controller.signal, named);
  controller.abort("left");
  await expect(waiting).rejects.toThrow("stopped: left");
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  fail(new Error("failed after the caller left"));
  await new Promise((resolve) => setTimeout(resolve, 10));
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

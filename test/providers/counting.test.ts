/** count_tokens: provider first, local second (src/providers/counting.ts). */
import { describe, expect, test } from "bun:test";
import { providerFirst } from "../../src/providers/counting.ts";
import type { TokenCount } from "../../src/providers/types.ts";
import { BridgeError } from "../../src/protocol/errors.ts";
import { createHarness } from "../support/in-process.ts";

const LOCAL: TokenCount = { input_tokens: 7, exact: false, method: "estimate" };
const API: TokenCount = { input_tokens: 9, exact: true, method: "api" };

describe("providerFirst", () => {
  const failures: Array<[string, BridgeError]> = [
    ["404 (a gateway without the endpoint)", new BridgeError("NOT_FOUND", "not found", { status: 404 })],
    ["400 (a model or region without it)", new BridgeError("INVALID_PARAMS", "bad", { status: 400 })],
    ["a refused key", new BridgeError("AUTH_FAILED", "no", { status: 401 })],
    ["5xx", new BridgeError("PROVIDER_ERROR", "boom", { status: 500, retryable: true })],
    ["the network", new BridgeError("NETWORK_ERROR", "reset", { retryable: true })],
    ["a timeout", new BridgeError("TIMEOUT", "slow", { retryable: true })],
  ];
  for (const [name, error] of failures) {
    test(`${name} → the local count, logged`, async () => {
      const { deps } = createHarness();
      const logs: string[] = [];
      const call = { deps: { ...deps, log: { log: (_l: string, message: string) => void logs.push(message) } }, signal: new AbortController().signal };
      expect(
        await providerFirst(
          call as never,
          "x",
          [{}],
          () => LOCAL,
          () => Promise.reject(error),
        ),
      ).toEqual(LOCAL);
      expect(logs).toEqual(["x count_tokens unavailable; answering a local count"]);
    });
  }

  test("the provider's answer when it has one", async () => {
    const { deps } = createHarness();
    expect(
      await providerFirst(
        { deps, signal: new AbortController().signal },
        "x",
        [{}],
        () => LOCAL,
        async () => API,
      ),
    ).toEqual(API);
  });

  test("a cancel is not answered with a count", async () => {
    const { deps } = createHarness();
    const controller = new AbortController();
    const cancel = new BridgeError("CANCELLED", "request cancelled");
    controller.abort(cancel);
    await expect(
      providerFirst(
        { deps, signal: controller.signal },
        "x",
        [{}],
        () => LOCAL,
        () => Promise.reject(cancel),
      ),
    ).rejects.toBe(cancel);
  });

  test("an empty conversation is counted locally, the provider not asked (Anthropic refuses one with 400)", async () => {
    const { deps } = createHarness();
    let asked = false;
    const remote = async (): Promise<TokenCount> => {
      asked = true;
      return API;
    };
    expect(await providerFirst({ deps, signal: new AbortController().signal }, "x", [], () => LOCAL, remote)).toEqual(LOCAL);
    expect(asked).toBe(false);
  });
});

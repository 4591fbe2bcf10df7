/**
 * Live tests against the real APIs. Opt-in: they run only with LIVE=1 and
 * the provider's key in the environment, and are skipped otherwise.
 * With RECORD=1 they also write fresh cassettes to recordings/<provider>/live-*.ndjson,
 * secrets redacted by test/support/recorder.ts.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createHarness, terminalOf } from "../support/in-process.ts";
import { createRecorder } from "../support/recorder.ts";
import { ROOT } from "../support/run-binary.ts";

const LIVE = process.env.LIVE === "1";
const RECORD = process.env.RECORD === "1";

const cases = [
  { provider: "anthropic", key: "ANTHROPIC_API_KEY", model: "claude-haiku-4-5", extra: {} },
  { provider: "openai", key: "OPENAI_API_KEY", model: "gpt-4.1-mini", extra: { api: "chat" } },
  { provider: "openai", key: "OPENAI_API_KEY", model: "gpt-5-mini", extra: { api: "responses" } },
] as const;

for (const live of cases) {
  const enabled = LIVE && Boolean(process.env[live.key]);
  const name = `${live.provider} ${live.model}`;
  describe.skipIf(!enabled)(`live ${name}`, () => {
    test("streams a short answer with usage and cost", async () => {
      const recorder = createRecorder();
      const harness = createHarness({ fetch: recorder.fetch, env: { [live.key]: process.env[live.key]! } });
      const lines = await harness.run({
        id: 1,
        action: "stream_chat",
        provider: live.provider,
        params: { model: live.model, max_tokens: 200, messages: [{ role: "user", content: "Reply with exactly: hello" }], ...live.extra },
      });
      const done = terminalOf(lines);
      expect(done.data?.type).toBe("done");
      expect(done.data.usage.input_tokens).toBeGreaterThan(0);
      expect(lines.filter((line) => line.data?.type === "content").map((line) => line.data.content).join("").toLowerCase()).toContain("hello");
      const everything = JSON.stringify(lines) + harness.logs.join("\n") + JSON.stringify(recorder.interactions);
      expect(everything.includes(process.env[live.key]!)).toBe(false);
      if (RECORD) recorder.save(join(ROOT, "recordings", live.provider, `live-${live.model}-${"api" in live.extra ? live.extra.api : "messages"}.ndjson`), `${name}: live text`, "recorded by test/live/live.test.ts");
    }, 60_000);

    test("list_models and count_tokens answer", async () => {
      const harness = createHarness({ env: { [live.key]: process.env[live.key]! } });
      const models = terminalOf(await harness.run({ id: 1, action: "list_models", provider: live.provider }));
      expect(models.data.length).toBeGreaterThan(0);
      const count = terminalOf(await harness.run({ id: 2, action: "count_tokens", provider: live.provider, params: { model: live.model, messages: [{ role: "user", content: "hello" }] } }));
      expect(count.data.input_tokens).toBeGreaterThan(0);
    }, 60_000);
  });
}

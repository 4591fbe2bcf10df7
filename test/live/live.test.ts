/**
 * Live tests against the real APIs of all six providers. Opt-in: they run
 * only with LIVE=1 and the provider's credentials in the environment, and are
 * skipped otherwise. With RECORD=1 they also write fresh cassettes to
 * recordings/<provider>/live-*.ndjson, secrets redacted by
 * test/support/recorder.ts.
 *
 * The process environment is used as the executable would use it (AWS
 * profiles and SSO caches, Google key files), with a throwaway credential
 * store so a run never touches the user's own. Models can be overridden with
 * LIVE_<PROVIDER>_MODEL (for Azure it is the deployment name).
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { abortableSleep } from "../../src/deps.ts";
import { nodeFileSystem } from "../../src/host/files.ts";
import { runShellCommand } from "../../src/host/process.ts";
import { createHarness, terminalOf } from "../support/in-process.ts";
import { createRecorder } from "../support/recorder.ts";
import { ROOT } from "../support/run-binary.ts";

const LIVE = process.env.LIVE === "1";
const RECORD = process.env.RECORD === "1";

interface LiveCase {
  provider: string;
  /** Every group needs one of its variables set. */
  needs: string[][];
  model: string;
  extra: Record<string, unknown>;
  label: string;
}

const env = (name: string): string | undefined => process.env[name] || undefined;
const model = (provider: string, fallback: string): string => env(`LIVE_${provider.toUpperCase()}_MODEL`) ?? fallback;

const cases: LiveCase[] = [
  { provider: "anthropic", needs: [["ANTHROPIC_API_KEY"]], model: model("anthropic", "claude-haiku-4-5"), extra: {}, label: "messages" },
  { provider: "openai", needs: [["OPENAI_API_KEY"]], model: model("openai", "gpt-4.1-mini"), extra: { api: "chat" }, label: "chat" },
  { provider: "openai", needs: [["OPENAI_API_KEY"]], model: "gpt-5-mini", extra: { api: "responses" }, label: "responses" },
  {
    provider: "bedrock",
    needs: [
      ["AWS_REGION", "AWS_DEFAULT_REGION"],
      ["AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK"],
    ],
    model: model("bedrock", "amazon.nova-micro-v1:0"),
    extra: {},
    label: "converse",
  },
  {
    provider: "vertex",
    needs: [["GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT"], ["GOOGLE_APPLICATION_CREDENTIALS"]],
    model: model("vertex", "gemini-2.5-flash"),
    extra: {},
    label: "gemini",
  },
  {
    provider: "azure",
    needs: [["AZURE_OPENAI_ENDPOINT", "AZURE_RESOURCE_NAME"], ["AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN"], ["LIVE_AZURE_MODEL"]],
    model: model("azure", "gpt-4.1-mini"),
    extra: {},
    label: "chat",
  },
  { provider: "copilot", needs: [["GH_COPILOT_TOKEN", "GITHUB_COPILOT_TOKEN"]], model: model("copilot", "gpt-4.1"), extra: {}, label: "chat" },
];

/** Values that must never be written anywhere: every credential variable in use, and the private key of a Google key file. */
function secretsInUse(): string[] {
  const names = [
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
    "GH_COPILOT_TOKEN",
    "GITHUB_COPILOT_TOKEN",
  ];
  const secrets = names.map(env).filter((value): value is string => value !== undefined);
  const keyFile = env("GOOGLE_APPLICATION_CREDENTIALS");
  if (keyFile !== undefined) {
    try {
      const key = (JSON.parse(readFileSync(keyFile, "utf8")) as { private_key?: string }).private_key;
      // A line from the middle of the PEM body: the part that is the secret, independent of line endings.
      const body = key?.split("\n").filter((line) => line.length > 40 && !line.startsWith("-----"));
      if (body?.[1] !== undefined) secrets.push(body[1]);
    } catch {
      // Not a service-account key file (authorized_user): its refresh token is what the redactor must catch.
    }
  }
  return secrets;
}

function liveHarness(fetch: typeof globalThis.fetch = globalThis.fetch) {
  const home = nodeFileSystem.home();
  return createHarness({
    fetch,
    sleep: abortableSleep,
    random: Math.random,
    env: Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    files: nodeFileSystem,
    authFile: join(mkdtempSync(join(tmpdir(), "plue-live-")), "auth.json"),
    runProcess: runShellCommand,
    ...(home !== undefined && { home }),
  });
}

for (const live of cases) {
  const enabled = LIVE && live.needs.every((group) => group.some((name) => env(name) !== undefined));
  describe.skipIf(!enabled)(`live ${live.provider} ${live.model} (${live.label})`, () => {
    test("streams a short answer with usage, and writes no secret", async () => {
      const recorder = createRecorder();
      const harness = liveHarness(recorder.fetch);
      const lines = await harness.run({
        id: 1,
        action: "stream_chat",
        provider: live.provider,
        params: { model: live.model, max_tokens: 200, messages: [{ role: "user", content: "Reply with exactly: hello" }], ...live.extra },
      });
      const done = terminalOf(lines);
      expect(done.data?.type).toBe("done");
      expect(done.data.usage.input_tokens).toBeGreaterThan(0);
      expect(
        lines
          .filter((line) => line.data?.type === "content")
          .map((line) => line.data.content)
          .join("")
          .toLowerCase(),
      ).toContain("hello");
      const everything = JSON.stringify(lines) + harness.logs.join("\n") + JSON.stringify(recorder.interactions);
      for (const secret of secretsInUse()) expect(everything.includes(secret)).toBe(false);
      if (RECORD) {
        const file = `live-${live.model.replace(/[^\w.-]+/g, "_")}-${live.label}.ndjson`;
        recorder.save(join(ROOT, "recordings", live.provider, file), `${live.provider} ${live.model}: live text`, "recorded by test/live/live.test.ts");
      }
    }, 60_000);

    test("list_models and count_tokens answer", async () => {
      const harness = liveHarness();
      const models = terminalOf(await harness.run({ id: 1, action: "list_models", provider: live.provider }));
      expect(models.success).toBe(true);
      expect(models.data.length).toBeGreaterThan(0);
      const count = terminalOf(
        await harness.run({ id: 2, action: "count_tokens", provider: live.provider, params: { model: live.model, messages: [{ role: "user", content: "hello" }] } }),
      );
      expect(count.data.input_tokens).toBeGreaterThan(0);
    }, 60_000);
  });
}

/**
 * `npm run build` produces a working compiled binary and a single-file
 * bundle that runs under Node, and both stream a replayed answer.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { BUNDLE, ensureBuilt } from "./support/build.ts";
import { loadCassette } from "./support/cassette.ts";
import { startReplayServer } from "./support/replay-server.ts";
import { BINARY, isTerminal, ROOT, startProcess } from "./support/run-binary.ts";

beforeAll(() => void ensureBuilt(), 120_000);

describe.each([
  ["compiled binary", [BINARY]],
  ["node bundle", ["node", BUNDLE]],
])("%s", (_name, command) => {
  test("answers ping and streams a replayed Anthropic answer", async () => {
    const server = await startReplayServer(await loadCassette(join(ROOT, "recordings", "anthropic", "text.ndjson")));
    try {
      const child = startProcess({ ANTHROPIC_API_KEY: "sk-ant-test-not-a-key-000000" }, command as string[]);
      child.send({ id: 1, action: "ping" });
      child.send({ id: 2, action: "stream_chat", provider: "anthropic", params: { model: "claude-sonnet-4-20250514", base_url: server.url, messages: [{ role: "user", content: "Say hi in Portuguese" }] } });
      child.closeStdin();
      expect(await child.exited).toBe(0);
      expect(child.lines[0]).toMatchObject({ id: 1, success: true, data: { protocol: 1 } });
      const text = child.lines.filter((line) => line.id === 2 && (line.data as { type?: string })?.type === "content").map((line) => (line.data as { content: string }).content).join("");
      expect(text.startsWith("Olá!")).toBe(true);
      expect(child.lines.filter((line) => line.id === 2).filter(isTerminal).map((line) => (line.data as { type: string }).type)).toEqual(["done"]);
    } finally {
      await server.close();
    }
  }, 20_000);
});

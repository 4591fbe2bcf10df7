/**
 * Signals and lifetime of the compiled binary (issue 6, item 7), beyond what
 * test/main.test.ts covers (SIGTERM with two streams mid-content, EOF with a
 * plain stream, an unread stdout): both signals with requests in every state
 * (mid-stream, waiting for headers, sleeping before a retry), EOF while a
 * request waits out a retry-after, and a reader that closes stdout.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { ensureBuilt } from "../support/build.ts";
import { isTerminal, startProcess, type RunningProcess } from "../support/run-binary.ts";
import { faultScript, firstContentUnit, startFaultServer, type FaultServer, type Step } from "./fault-server.ts";
import { cleanAnswer, fullText, providerRow } from "./providers.ts";

const running: RunningProcess[] = [];
const servers: FaultServer[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) child.child.kill("SIGKILL");
  for (const server of servers.splice(0)) await server.close();
});

const openai = providerRow("openai");

async function server(script?: (answer: Awaited<ReturnType<typeof cleanAnswer>>) => Step[], times?: number): Promise<{ server: FaultServer; text: string }> {
  const answer = await cleanAnswer(openai);
  const s = await startFaultServer(answer);
  servers.push(s);
  if (script) s.set(script(answer), times);
  return { server: s, text: fullText(answer) };
}

function start(): RunningProcess {
  const child = startProcess({}, [ensureBuilt()]);
  running.push(child);
  return child;
}

const chat = (id: string, url: string) => ({ id, action: "stream_chat", provider: "openai", params: { ...openai.params(url), resume: false } });
const terminalsOf = (child: RunningProcess, id: string) => child.lines.filter((line) => line.id === id).filter(isTerminal);

describe.each(["SIGTERM", "SIGINT"] as const)("%s", (signal) => {
  test("every in-flight request (mid-stream, waiting for headers, sleeping before a retry) ends CANCELLED; exit 0 within a second", async () => {
    const streaming = await server((answer) => faultScript("stall-mid-body", answer, openai.dialect));
    const waiting = await server((answer) => faultScript("stall-before-headers", answer, openai.dialect));
    const limited = await server((answer) => faultScript("status", answer, openai.dialect, { status: 429, headers: { "retry-after": "30" } }));
    const child = start();
    child.send(chat("streaming", streaming.server.url));
    child.send(chat("waiting", waiting.server.url));
    child.send(chat("limited", limited.server.url));
    await child.waitFor((line) => line.id === "streaming" && (line.data as { type?: string })?.type === "content");
    await child.waitFor((line) => line.id === "limited" && (line.data as { type?: string })?.type === "retry");
    expect(waiting.server.received.length).toBe(1);

    const sent = performance.now();
    child.child.kill(signal);
    expect(await child.exited).toBe(0);
    expect(performance.now() - sent).toBeLessThan(1000);
    for (const [id, partial] of [
      ["streaming", true],
      ["waiting", false],
      ["limited", false],
    ] as const) {
      const terminals = terminalsOf(child, id);
      expect(terminals).toHaveLength(1);
      expect(terminals[0]!.error).toMatchObject({ code: "CANCELLED", partial });
      expect(child.lines.filter((line) => line.id === id).at(-1)).toBe(terminals[0]!);
    }
  }, 15_000);
});

test("EOF waits for a request that is sleeping out a retry-after, then exits 0", async () => {
  const limited = await server((answer) => faultScript("status", answer, openai.dialect, { status: 429, headers: { "retry-after": "1" } }), 1);
  const child = start();
  child.send(chat("r", limited.server.url));
  await child.waitFor((line) => line.id === "r" && (line.data as { type?: string })?.type === "retry");
  child.closeStdin();
  expect(await child.exited).toBe(0);
  const lines = child.lines.filter((line) => line.id === "r");
  expect(terminalsOf(child, "r")).toHaveLength(1);
  expect((lines.at(-1)!.data as { type: string }).type).toBe("done");
  expect(lines.map((line) => (line.data as { content?: string }).content ?? "").join("")).toBe(limited.text);
  expect(limited.server.received.length).toBe(2);
}, 15_000);

test("a reader that closes stdout mid-stream ends the process at once, exit 0, without an error trace", async () => {
  // A stream that keeps flowing for ~10 s, so the process keeps writing into the closed pipe.
  const flowing = await server((answer) => {
    const first = firstContentUnit(answer);
    const steps: Step[] = [{ do: "head", status: 200, headers: answer.headers }];
    for (const unit of answer.units.slice(0, first)) steps.push({ do: "write", bytes: unit.bytes });
    for (let i = 0; i < 1000; i++) steps.push({ do: "write", bytes: answer.units[first]!.bytes }, { do: "pause", ms: 10 });
    for (const unit of answer.units.slice(first + 1)) steps.push({ do: "write", bytes: unit.bytes });
    return [...steps, { do: "end" }];
  });
  const child = start();
  child.send(chat("s", flowing.server.url));
  await child.waitFor((line) => line.id === "s" && (line.data as { type?: string })?.type === "content");
  const closed = performance.now();
  child.child.stdout.destroy();
  const exit = await Promise.race([child.exited, new Promise<string>((resolve) => setTimeout(() => resolve("still running after 3 s"), 3000))]);
  expect(exit).toBe(0);
  expect(performance.now() - closed).toBeLessThan(1000);
  const stderr = child.stderr();
  expect(stderr).toContain("stdout closed by the reader");
  expect(stderr).not.toContain("unexpected error");
}, 15_000);

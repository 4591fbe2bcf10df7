/**
 * The executable as the editor sees it: a child process speaking JSON lines.
 * Runs src/main.ts under Bun (PLUE_USE_BINARY=1 switches to dist/).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createServer, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { executableCommand, isTerminal, startProcess, type RunningProcess } from "./support/run-binary.ts";
import { validateResponseLine } from "./support/wire-schema.ts";

const running: RunningProcess[] = [];
const servers: HttpServer[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.child.kill("SIGKILL");
  for (const server of servers.splice(0)) server.close();
});

function start(env: Record<string, string> = {}): RunningProcess {
  const child = startProcess(env);
  running.push(child);
  return child;
}

/** A loopback SSE server whose handler decides what to stream. */
async function sseServer(handler: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    handler(res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const chat = (id: string | number, baseUrl: string, extra: Record<string, unknown> = {}) => ({
  id,
  action: "stream_chat",
  provider: "openai",
  params: { model: "gpt-4o", base_url: baseUrl, api: "chat", credentials: { api_key: "sk-test-0000000000000000" }, messages: [{ role: "user", content: "hi" }], ...extra },
});

const delta = (text: string) => `data: ${JSON.stringify({ id: "c", model: "gpt-4o", choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
const FINISH = `data: ${JSON.stringify({ id: "c", model: "gpt-4o", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\ndata: ${JSON.stringify({ id: "c", model: "gpt-4o", choices: [], usage: { prompt_tokens: 8, completion_tokens: 3, total_tokens: 11 } })}\n\ndata: [DONE]\n\n`;

describe("executable", () => {
  test("EOF drains in-flight work, then exits 0; every line matches the wire schema", async () => {
    const url = await sseServer((res) => {
      res.write(delta("a"));
      setTimeout(() => {
        res.write(delta("b"));
        res.end(FINISH);
      }, 150);
    });
    const child = start();
    child.send(chat(1, url));
    child.send({ id: 2, action: "ping" });
    child.closeStdin();
    expect(await child.exited).toBe(0);
    for (const line of child.lines) validateResponseLine(JSON.stringify(line));
    const one = child.lines.filter((line) => line.id === 1);
    expect(one.filter(isTerminal)).toHaveLength(1);
    expect(one.map((line) => (line.data as { type: string; content?: string }).content ?? (line.data as { type: string }).type)).toEqual(["a", "b", "done"]);
    expect((one.at(-1)!.data as { usage: { input_tokens: number } }).usage.input_tokens).toBe(8);
  });

  test("bad lines get errors and the process keeps serving", async () => {
    const child = start();
    child.send("this is not json", { invalid: true });
    child.send({ id: "x", action: "ping", surprise: true }, { invalid: true });
    child.send({ id: "y", action: "ping" });
    child.closeStdin();
    expect(await child.exited).toBe(0);
    expect(child.lines.map((line) => [line.id, line.success])).toEqual([
      [null, false],
      ["x", false],
      ["y", true],
    ]);
  });

  test("a line over the 64 MiB limit is answered and skipped without stopping the process", async () => {
    const child = start();
    child.child.stdin.write(`{"id":"big","action":"ping","pad":"${"x".repeat(65 * 1024 * 1024)}"}\n`);
    child.send({ id: "after", action: "ping" });
    child.closeStdin();
    expect(await child.exited).toBe(0);
    expect(child.lines.map((line) => [line.id, line.success, (line.error as { field?: string } | undefined)?.field])).toEqual([
      [null, false, "request"],
      ["after", true, undefined],
    ]);
  }, 30_000);

  test("SIGTERM ends every in-flight request with CANCELLED and exits 0 promptly", async () => {
    const url = await sseServer((res) => res.write(delta("partial"))); // then stalls for ever
    const child = start();
    child.send(chat("s1", url));
    child.send(chat("s2", url));
    await child.waitFor((line) => line.id === "s1" && line.streaming === true);
    await child.waitFor((line) => line.id === "s2" && line.streaming === true);
    const sent = Date.now();
    child.child.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    expect(Date.now() - sent).toBeLessThan(1000);
    for (const id of ["s1", "s2"]) {
      const terminal = child.lines.filter((line) => line.id === id).filter(isTerminal);
      expect(terminal).toHaveLength(1);
      expect(terminal[0]!.error).toMatchObject({ code: "CANCELLED", partial: true });
      expect((terminal[0]!.error as { usage: { estimated: string[] } }).usage.estimated).toContain("output_tokens");
    }
  });

  test("when stdout is not read, the provider stream is not drained into memory", async () => {
    const chunk = delta("x".repeat(16 * 1024));
    const total = 3000; // ~49 MB if it were all buffered
    let written = 0;
    let finished = false;
    const url = await sseServer((res) => {
      const pump = (): void => {
        while (written < total) {
          written++;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end(FINISH);
        finished = true;
      };
      pump();
    });
    // The stall is an OS pipe nobody reads for 3 s (not a paused stream in this process, whose
    // buffering is the test runner's business): only the executable's own backpressure can hold it.
    const child = startProcess({}, ["sh", "-c", 'exec "$0" "$@" | { sleep 3; exec cat; }', ...executableCommand()]);
    running.push(child);
    child.send(chat("bp", url));
    await Bun.sleep(2000);
    const writtenWhilePaused = written;
    // Loopback socket buffers (autotuned up to several MB each way), the stdout pipe and Bun's own
    // queues hold 10-15 MB here; the rest must wait for the reader. Half the stream is the line.
    expect(writtenWhilePaused * chunk.length).toBeLessThan((total * chunk.length) / 2);
    expect(finished).toBe(false);
    await child.waitFor((line) => line.id === "bp" && isTerminal(line), 40_000);
    expect(finished).toBe(true);
    const contents = child.lines.filter((line) => line.id === "bp" && (line.data as { type?: string })?.type === "content");
    expect(contents).toHaveLength(total);
  }, 60_000);
});

/**
 * A slice of the fault matrix through the compiled binary, the process the
 * editor really runs: credentials from the environment (canaries for every
 * provider), PLUE_LOG=debug, real sleeps. All cells run at once in one
 * process (one fault server per cell), then a clean request per provider
 * shows it still serves, then stdout and stderr are scanned for canaries.
 */
import { afterAll, expect, test } from "bun:test";
import { ensureBuilt } from "../support/build.ts";
import { startProcess, type RunningProcess } from "../support/run-binary.ts";
import { outcomeLabel, problems, readCell } from "./cells.ts";
import { contentPrefix, faultScript, startFaultServer, type FaultServer, type Step } from "./fault-server.ts";
import { FAULTS, MARGIN_MS, RELAXED_MS, STALL_MS, type FaultCase } from "./faults.ts";
import { allCanaryEnv, canaryHits, cleanAnswer, fullText, PROVIDERS } from "./providers.ts";

const CELLS = ["reset before headers (once, then ok)", "stall mid-body", "invalid JSON mid-stream", "truncated body (event/frame cut)", "429 with retry-after: 2 (once, then ok)"];

const servers: FaultServer[] = [];
let child: RunningProcess | undefined;
afterAll(async () => {
  child?.child.kill("SIGKILL");
  for (const server of servers) await server.close();
});

function faultNamed(name: string): FaultCase {
  const fault = FAULTS.find((f) => f.name === name);
  if (fault === undefined) throw new Error(`no fault ${name}`);
  return fault;
}

test("fault cells through the compiled binary: same outcomes, still serving, no canary on stdout or in debug logs", async () => {
  const binary = ensureBuilt();
  child = startProcess({ ...allCanaryEnv(), PLUE_LOG: "debug" }, [binary]);

  const pending: Array<{ id: string; server: FaultServer; check: (lines: Array<Record<string, unknown>>, elapsedMs: number) => string[] }> = [];
  const started = performance.now();
  for (const row of PROVIDERS) {
    const answer = await cleanAnswer(row);
    for (const name of [...CELLS, "auth"]) {
      const server = await startFaultServer(answer, row.side);
      servers.push(server);
      const id = `${row.id}:${name}`;
      let fault: FaultCase;
      if (name === "auth") {
        // Policy as in the matrix: a given token is final (Vertex's comes in params here too); Copilot retries once with a new exchange.
        fault = {
          name,
          kind: "status",
          expect: () => ({ outcome: "error", code: "AUTH_FAILED", retryable: false, partial: false, attempts: row.authAttempts ?? 1, content: "none", deadlineMs: RELAXED_MS }),
        };
        server.set((request): Step[] => {
          const failure = row.authFailure(request.headers);
          return [{ do: "head", status: failure.status, headers: failure.headers }, { do: "write", bytes: new TextEncoder().encode(failure.body) }, { do: "end" }];
        });
      } else {
        fault = faultNamed(name);
        server.set(faultScript(fault.kind, answer, row.dialect, fault.error), fault.times);
      }
      // Real sleeps here: the jitter is random, so the count of retries is checked, not their delays.
      const expectation = { ...fault.expect(row) };
      delete expectation.delays;
      const timer = fault.stallTimers ? STALL_MS : RELAXED_MS;
      child.send({
        id,
        action: "stream_chat",
        provider: row.id,
        params: { ...row.envParams(server.url), resume: false, timeouts: { headers_ms: timer, first_content_ms: timer, idle_ms: timer } },
      });
      pending.push({
        id,
        server,
        check: (lines, elapsedMs) =>
          problems(expectation, {
            cell: readCell(lines, id),
            attempts: server.received.length,
            // Cells run side by side with real backoff (up to 0.5 s + 1 s) and a 2 s retry-after.
            elapsedMs: elapsedMs - 2_500,
            fullText: fullText(answer),
            prefixText: contentPrefix(answer).text,
            marginMs: MARGIN_MS,
          }),
      });
    }
  }

  const found: string[] = [];
  const outcomes: string[] = [];
  for (const cell of pending) {
    await child.waitFor((line) => line.id === cell.id && (line.success === false || (line.data as { type?: string })?.type === "done"), 20_000);
    const elapsed = performance.now() - started;
    const lines = child.lines;
    outcomes.push(`${cell.id.padEnd(50)} ${outcomeLabel(readCell(lines, cell.id), cell.server.received.length)}`);
    found.push(...cell.check(lines, elapsed).map((p) => `${cell.id}: ${p}`));
  }
  console.log(`\nbinary cells:\n${outcomes.join("\n")}`);

  // Still serving: one clean request per provider after every fault.
  for (const row of PROVIDERS) {
    const answer = await cleanAnswer(row);
    const server = await startFaultServer(answer, row.side);
    servers.push(server);
    const id = `${row.id}:after`;
    child.send({ id, action: "stream_chat", provider: row.id, params: row.envParams(server.url) });
    await child.waitFor((line) => line.id === id && (line.success === false || (line.data as { type?: string })?.type === "done"));
    const cell = readCell(child.lines, id);
    if (!cell.done || cell.content !== fullText(answer)) found.push(`${id}: ${outcomeLabel(cell, server.received.length)} ${JSON.stringify(cell.error ?? "")}`);
  }
  child.closeStdin();
  expect(await child.exited).toBe(0);
  expect(found).toEqual([]);

  const stdout = child.lines.map((line) => JSON.stringify(line)).join("\n");
  const stderr = child.stderr();
  expect(canaryHits(stdout)).toEqual([]);
  expect(canaryHits(stderr)).toEqual([]);
  // The logs really were verbose: every retry is logged at info level with its error.
  expect(stderr).toContain('"level":"info"');
  expect(stderr).toContain("retrying");
}, 60_000);

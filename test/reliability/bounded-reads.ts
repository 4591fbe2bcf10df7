/**
 * Bounded reads through the compiled binary: every call kind that reads a
 * whole answer (model listings, token counts, key checks, the Copilot token
 * exchange and policy, every credential endpoint) meets an endless 200 body
 * and a gzip bomb, each in a fresh process (so its peak RSS is its own), one
 * after the other. Per cell: the request ends with one error line naming
 * what was too large and the host it came from, the process still answers
 * `ping` afterwards, the client hung up on the hostile answer, no canary
 * credential reaches stdout or stderr, and peak RSS (VmHWM) stays under
 * RSS_LIMIT_MB.
 *
 * Bounded in time and memory even against a build that reads without limit:
 * a guard kills the process once its RSS passes GUARD_MB, and a cell gives
 * up after CELL_TIMEOUT_MS. `bun test/reliability/bounded-reads.ts [binary]`
 * prints the table for any build (the figures in the README come from it);
 * bounded-reads.test.ts asserts it for this one.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTerminal, startProcess } from "../support/run-binary.ts";
import { CELLS, type ReadCell } from "./bounded-read-cells.ts";
import { startHostileServer, type HostileKind } from "./hostile-server.ts";
import { canaryHits } from "./providers.ts";

export { CELLS };

export const RSS_LIMIT_MB = 256;
/** A process past this is killed: the cell has failed anyway, and the machine is shared. */
const GUARD_MB = 1024;
const CELL_TIMEOUT_MS = 20_000;

type Json = Record<string, unknown>;

export interface ReadOutcome {
  cell: string;
  hostile: HostileKind;
  /** host:port of the hostile server. */
  host: string;
  /** VmHWM at the end (MB), or when the guard killed the process. */
  peakRssMb: number;
  /** After start-up and one ping. */
  idleRssMb: number;
  seconds: number;
  killed: boolean;
  /** The request's terminal line (undefined when none came). */
  terminal: Json | undefined;
  pingAfter: boolean;
  hostileAnswers: number;
  /** What the server wrote of the hostile answers, and whether the client hung up before their end. */
  sentMb: number;
  cut: number;
  canaries: string[];
  stderr: string;
}

function procStatusMb(pid: number, field: "VmHWM" | "VmRSS"): number {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? 0 : Number(kb) / 1024;
  } catch {
    return 0; // gone
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One cell in a fresh process of `binary`. */
export async function runReadCell(binary: string, cell: ReadCell, hostile: HostileKind): Promise<ReadOutcome> {
  const home = mkdtempSync(join(tmpdir(), "plue-bounded-"));
  const server = await startHostileServer((request, self) => (cell.hostile(request) ? { hostile } : cell.side?.(request, self.url)));
  const child = startProcess({ PLUE_LOG: "info", HOME: home, CLOUDSDK_CONFIG: join(home, "gcloud"), PLUE_AUTH_FILE: join(home, "auth.json"), ...cell.env(server.url, home) }, [
    binary,
  ]);
  const pid = child.child.pid!;
  let killed = false;
  let peak = 0;
  const guard = setInterval(() => {
    const rss = procStatusMb(pid, "VmRSS");
    peak = Math.max(peak, procStatusMb(pid, "VmHWM"));
    if (rss > GUARD_MB && !killed) {
      killed = true;
      child.child.kill("SIGKILL");
    }
  }, 20);
  const started = performance.now();
  let terminal: Json | undefined;
  let pingAfter = false;
  let idleRssMb = 0;
  try {
    child.send({ id: "warm", action: "ping" });
    await child.waitFor((line) => line.id === "warm", CELL_TIMEOUT_MS);
    idleRssMb = procStatusMb(pid, "VmHWM");
    child.send({ id: "cell", ...cell.request(server.url) });
    const exited = child.exited.then(() => undefined);
    terminal = await Promise.race([child.waitFor((line) => line.id === "cell" && isTerminal(line), CELL_TIMEOUT_MS).catch(() => undefined), exited]);
    if (terminal !== undefined && !killed) {
      child.send({ id: "after", action: "ping" });
      pingAfter = (await Promise.race([child.waitFor((line) => line.id === "after", 5_000).catch(() => undefined), exited])) !== undefined;
    }
    peak = Math.max(peak, procStatusMb(pid, "VmHWM"));
    // The client hangs up on an endless answer it stopped reading; give the server a moment to see the close.
    // (A bomb is about 1 MB, all in the socket buffers at once: its end is sent before the client could hang up.)
    for (let waited = 0; hostile === "endless" && server.cut < server.hostileAnswers && waited < 1_000; waited += 20) await sleep(20);
  } finally {
    clearInterval(guard);
    child.child.kill("SIGKILL");
    await child.exited;
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
  const output = `${child.lines.map((line) => JSON.stringify(line)).join("\n")}\n${child.stderr()}`;
  return {
    cell: cell.name,
    hostile,
    host: server.host,
    stderr: child.stderr(),
    peakRssMb: peak,
    idleRssMb,
    seconds: (performance.now() - started) / 1000,
    killed,
    terminal,
    pingAfter,
    hostileAnswers: server.hostileAnswers,
    sentMb: server.hostileBytes / 1024 / 1024,
    cut: server.cut,
    canaries: canaryHits(output),
  };
}

/** `PROVIDER_ERROR: the model listing from 127.0.0.1:4711 is larger than 8 MiB…` or what else ended the request. */
export function describeTerminal(terminal: Json | undefined): string {
  if (terminal === undefined) return "(no terminal line)";
  if (terminal.success === false) {
    const error = terminal.error as { code: string; message: string };
    return `${error.code}: ${error.message}`;
  }
  return `success: ${JSON.stringify(terminal.data).slice(0, 80)}`;
}

export function describeOutcome(o: ReadOutcome): string {
  const peak = o.killed ? `>${GUARD_MB} MB (killed)` : `${o.peakRssMb.toFixed(0)} MB`;
  return `${`${o.cell} × ${o.hostile}`.padEnd(52)} peak ${peak.padStart(18)}  ${o.seconds.toFixed(1).padStart(5)} s  sent ${o.sentMb.toFixed(1).padStart(7)} MB  ping ${o.pingAfter ? "ok" : "--"}  ${describeTerminal(o.terminal).slice(0, 140)}`;
}

if (import.meta.main) {
  const binary = process.argv[2] ?? (await import("../support/build.ts")).ensureBuilt();
  const only = process.argv[3];
  console.log(`bounded reads: ${binary}`);
  for (const cell of CELLS) {
    if (only !== undefined && !cell.name.includes(only)) continue;
    for (const hostile of ["endless", "gzip-bomb"] as const) console.log(describeOutcome(await runReadCell(binary, cell, hostile)));
  }
}

/** Every way an outcome differs from what the cell expects (empty when it is right). */
export function readProblems(cell: ReadCell, o: ReadOutcome): string[] {
  const out: string[] = [];
  if (o.killed) out.push(`killed by the guard past ${GUARD_MB} MB`);
  if (o.peakRssMb >= RSS_LIMIT_MB) out.push(`peak RSS ${o.peakRssMb.toFixed(0)} MB, limit ${RSS_LIMIT_MB} MB`);
  if (!o.pingAfter) out.push("no answer to ping afterwards");
  if (o.hostileAnswers === 0) out.push("the hostile answer was never asked for");
  // Endless answers: the client stopped reading and hung up (a bomb is sent whole before it could).
  if (o.hostile === "endless" && o.cut < o.hostileAnswers) out.push(`the client did not hang up (${o.cut} of ${o.hostileAnswers} cut, ${o.sentMb.toFixed(1)} MB sent)`);
  const expected = cell.what instanceof RegExp ? cell.what : new RegExp(`the ${cell.what} from ${o.host.replace(/\./g, "\\.")} is larger than \\d+ [KM]iB`);
  const error = o.terminal?.success === false ? (o.terminal.error as { code: string; message: string }) : undefined;
  if (cell.fallsBack) {
    if (o.terminal?.success !== true) out.push(`expected the fallback answer, got ${describeTerminal(o.terminal)}`);
    if (!expected.test(o.stderr)) out.push("the log does not say which answer was too large");
  } else if (error === undefined) out.push(`expected an error line, got ${describeTerminal(o.terminal)}`);
  else {
    if (error.code !== "PROVIDER_ERROR") out.push(`code ${error.code}, expected PROVIDER_ERROR`);
    if (!expected.test(error.message)) out.push(`message ${JSON.stringify(error.message)} does not match ${expected}`);
  }
  if (o.canaries.length > 0) out.push(`canaries on stdout/stderr: ${o.canaries.join("; ")}`);
  return out;
}

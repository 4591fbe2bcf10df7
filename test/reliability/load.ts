/**
 * Load: many concurrent streams through one compiled binary over loopback,
 * round-robin over every provider row, each answer the provider's recorded
 * stream with its content events repeated `amplify` times. Every stream must
 * end `done` with exactly the expected text (worked out from the recorded
 * units, not by src/). Reports throughput (content chunks/s, stdout MB/s)
 * and peak RSS (VmHWM from /proc/<pid>/status).
 *
 * `bun test/reliability/load.ts [streams] [amplify]` runs the full size
 * (default 200 streams × 200) and prints the figures; load.test.ts runs a
 * reduced size in CI. Every stdout line is schema-checked (run-binary.ts),
 * so the figures include that reader's cost.
 */
import { readFileSync } from "node:fs";
import { ensureBuilt } from "../support/build.ts";
import { isTerminal, startProcess } from "../support/run-binary.ts";
import { concatBytes } from "../support/cassette.ts";
import { startFaultServer, type CleanAnswer, type FaultServer, type Unit } from "./fault-server.ts";
import { cleanAnswer, fullText, PROVIDERS } from "./providers.ts";

export interface LoadOptions {
  streams: number;
  /** Each content event (but the last, which may carry the finish) is sent this many times. */
  amplify: number;
}

export interface LoadFigures {
  streams: number;
  completed: number;
  /** Streams whose content or ending differed from the expectation, with why (empty when all are right). */
  wrong: string[];
  seconds: number;
  contentChunks: number;
  stdoutBytes: number;
  chunksPerSecond: number;
  megabytesPerSecond: number;
  /** VmHWM after start-up (one ping), and at the end of the run, in MB. */
  idleRssMb: number;
  peakRssMb: number;
  /** CPU time the binary used during the run (user + system), to tell its cost from the reader's. */
  cpuSeconds: number;
}

/** The answer with its content units repeated; the last content unit stays single (it may hold the finish). */
export function amplified(answer: CleanAnswer, times: number): CleanAnswer {
  const lastContent = answer.units.map((u) => u.text !== "").lastIndexOf(true);
  const units: Unit[] = [];
  answer.units.forEach((unit, i) => {
    const copies = unit.text !== "" && i !== lastContent ? times : 1;
    for (let c = 0; c < copies; c++) units.push(unit);
  });
  return { ...answer, units };
}

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function vmHwmMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kb) / 1024;
}

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const binary = ensureBuilt();
  const columns: Array<{ row: (typeof PROVIDERS)[number]; server: FaultServer; text: string }> = [];
  for (const row of PROVIDERS) {
    const answer = amplified(await cleanAnswer(row), options.amplify);
    const server = await startFaultServer(answer, row.side);
    // One write per answer: the load generator shares a core with the reader, so it should cost as little as it can.
    server.set([{ do: "head", status: answer.status, headers: answer.headers }, { do: "write", bytes: concatBytes(answer.units.map((u) => u.bytes)) }, { do: "end" }]);
    columns.push({ row, server, text: fullText(answer) });
  }
  // The per-account queue (src/http/rate-limit.ts, 8 by default) would run these a few at a time: lift it, so all are in flight at once.
  const child = startProcess({ PLUE_MAX_CONCURRENT: String(options.streams) }, [binary]);
  try {
    child.send({ id: "warm", action: "ping" });
    await child.waitFor((line) => line.id === "warm");
    const idleRssMb = vmHwmMb(child.child.pid!);
    const cpuBefore = cpuSeconds(child.child.pid!);

    let stdoutBytes = 0;
    child.child.stdout.on("data", (text: string) => void (stdoutBytes += Buffer.byteLength(text)));
    const started = performance.now();
    for (let i = 0; i < options.streams; i++) {
      const column = columns[i % columns.length]!;
      child.send({ id: `load-${i}`, action: "stream_chat", provider: column.row.id, params: { ...column.row.params(column.server.url), resume: false } });
    }
    // Count terminal lines as they arrive (scanning only the new ones), until all are in or the child gives up.
    let terminals = 0;
    let scanned = 0;
    let exited = false;
    void child.exited.then(() => void (exited = true));
    const deadline = performance.now() + 120_000;
    while (terminals < options.streams && !exited && performance.now() < deadline) {
      for (; scanned < child.lines.length; scanned++) {
        const line = child.lines[scanned]!;
        if (typeof line.id === "string" && line.id.startsWith("load-") && isTerminal(line)) terminals++;
      }
      if (terminals < options.streams) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const seconds = (performance.now() - started) / 1000;
    const peakRssMb = vmHwmMb(child.child.pid!);
    const cpuUsed = cpuSeconds(child.child.pid!) - cpuBefore;

    const byId = new Map<string, { content: string[]; terminals: number; done: boolean; error?: unknown }>();
    let contentChunks = 0;
    for (const line of child.lines) {
      if (typeof line.id !== "string" || !line.id.startsWith("load-")) continue;
      let entry = byId.get(line.id);
      if (entry === undefined) byId.set(line.id, (entry = { content: [], terminals: 0, done: false }));
      const data = line.data as { type?: string; content?: string } | undefined;
      if (line.streaming === true && data?.type === "content") {
        entry.content.push(data.content!);
        contentChunks++;
      }
      if (isTerminal(line)) {
        entry.terminals++;
        entry.done = data?.type === "done";
        if (line.success === false) entry.error = line.error;
      }
    }
    const wrong: string[] = [];
    let completed = 0;
    for (let i = 0; i < options.streams; i++) {
      const id = `load-${i}`;
      const entry = byId.get(id);
      const want = columns[i % columns.length]!.text;
      if (entry?.terminals === 1 && entry.done) completed++;
      if (entry === undefined) wrong.push(`${id}: no answer`);
      else if (entry.terminals !== 1 || !entry.done) wrong.push(`${id}: ${entry.terminals} terminal lines, ${JSON.stringify(entry.error ?? "not done")}`);
      else if (entry.content.join("") !== want) wrong.push(`${id}: content differs (${entry.content.join("").length} chars, expected ${want.length})`);
    }
    child.closeStdin();
    await child.exited;
    return {
      streams: options.streams,
      completed,
      wrong,
      seconds,
      contentChunks,
      stdoutBytes,
      chunksPerSecond: contentChunks / seconds,
      megabytesPerSecond: stdoutBytes / 1e6 / seconds,
      idleRssMb,
      peakRssMb,
      cpuSeconds: cpuUsed,
    };
  } finally {
    child.child.kill("SIGKILL");
    for (const column of columns) await column.server.close();
  }
}

export function describeFigures(f: LoadFigures): string {
  return [
    `${f.completed}/${f.streams} streams completed with the expected content in ${f.seconds.toFixed(2)} s`,
    `${f.contentChunks} content chunks, ${(f.stdoutBytes / 1e6).toFixed(2)} MB on stdout: ${Math.round(f.chunksPerSecond)} chunks/s, ${f.megabytesPerSecond.toFixed(2)} MB/s`,
    `peak RSS (VmHWM) ${f.peakRssMb.toFixed(1)} MB (${f.idleRssMb.toFixed(1)} MB after start-up); the binary used ${f.cpuSeconds.toFixed(2)} s of CPU`,
    ...f.wrong.slice(0, 10),
  ].join("\n");
}

if (import.meta.main) {
  const streams = Number(process.argv[2] ?? 200);
  const amplify = Number(process.argv[3] ?? 200);
  const figures = await runLoad({ streams, amplify });
  console.log(`load: ${streams} concurrent streams, content events ×${amplify}, one process (${PROVIDERS.map((r) => r.id).join(", ")})`);
  console.log(describeFigures(figures));
  process.exit(figures.wrong.length === 0 ? 0 : 1);
}

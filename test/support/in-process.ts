/**
 * Run requests through the real Server in this process, with injected
 * dependencies: real fetch (so replays cross a loopback socket), a fake
 * clock for retry waits, a fixed random, an in-memory credential store.
 *
 * Every request line handed to the server (through `run` or directly through
 * `server.handleLine`) and every line it writes is checked against the wire
 * schema (wire-checker.ts). Deliberately bad requests go through
 * `run(line, { invalid: true })`.
 */
import type { Deps, FileSystem } from "../../src/deps.ts";
import { createRegistry } from "../../src/providers/registry.ts";
import { Server } from "../../src/server/dispatch.ts";
import { withProcessState } from "../../src/server/state.ts";
import { WireChecker, type SendOptions } from "./wire-checker.ts";

export type Line = { id: string | number | null; success: boolean; streaming?: boolean; data?: any; error?: any };

export function memoryFiles(initial: Record<string, string> = {}): FileSystem & { files: Map<string, string> } {
  const files = new Map(Object.entries(initial));
  return {
    files,
    read: async (path) => files.get(path) ?? null,
    writeAtomic: async (path, text) => void files.set(path, text),
    remove: async (path) => void files.delete(path),
  };
}

export interface Harness {
  server: Server;
  deps: Deps;
  lines: Line[];
  /** Delays the fake sleep was asked for, in order. */
  sleeps: number[];
  logs: string[];
  /** Response lines that violated the wire schema (each also fails the running test). */
  violations: string[];
  /**
   * Send one request object (or raw line) and wait until its terminal line
   * arrives. `{ invalid: true }` marks a deliberately bad request (the
   * schema must reject it too).
   */
  run(request: unknown, options?: SendOptions): Promise<Line[]>;
}

export function createHarness(overrides: Partial<Deps> = {}): Harness {
  const lines: Line[] = [];
  const sleeps: number[] = [];
  const logs: string[] = [];
  const deps: Deps = withProcessState({
    fetch: globalThis.fetch,
    now: () => Date.now(),
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      if (signal?.aborted) throw signal.reason;
    },
    random: () => 0.5,
    env: {},
    files: memoryFiles(),
    authFile: "/memory/auth.json",
    log: { log: (level, message, fields) => void logs.push(JSON.stringify({ level, message, ...fields })) },
    version: "test",
    ...overrides,
  });
  const checker = new WireChecker();
  const server = new Server(deps, createRegistry(), async (text) => {
    for (const line of text.split("\n")) {
      if (!line) continue;
      checker.response(line);
      lines.push(JSON.parse(line) as Line);
    }
  });
  const handleLine = server.handleLine.bind(server);
  const send = (request: unknown, options: SendOptions = {}): void => {
    const line = typeof request === "string" ? request : JSON.stringify(request);
    checker.request(line, options);
    handleLine(line);
  };
  // Tests that drive the server directly are checked too.
  server.handleLine = (line: string) => send(line);
  return {
    server,
    deps,
    lines,
    sleeps,
    logs,
    violations: checker.violations,
    async run(request, options) {
      const id = typeof request === "object" && request !== null ? (request as { id?: unknown }).id : undefined;
      const before = lines.length;
      send(request, options);
      await server.drain();
      if (checker.violations.length > 0) throw new Error(`wire schema violations: ${checker.violations.join("\n")}`);
      return lines.slice(before).filter((line) => id === undefined || line.id === id || line.id === null);
    },
  };
}

export function terminalOf(lines: Line[]): Line {
  const terminal = lines.filter((line) => !line.streaming || line.data?.type === "done" || line.success === false);
  if (terminal.length !== 1) throw new Error(`expected exactly one terminal line, got ${terminal.length}: ${JSON.stringify(lines)}`);
  return terminal[0]!;
}
